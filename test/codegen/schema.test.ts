/**
 * The IDL's JSON Schema itself. The generator compiles it without checking it against the
 * JSON Schema meta-schema (every run would pay for that), so the check is made here.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import Ajv from 'ajv';
import { AJV_OPTIONS, SCHEMA_PATH } from '../../codegen/validate/schema';

describe('the IDL schema', () => {
  const schema = JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8'));

  it('is valid against the JSON Schema meta-schema', () => {
    const ajv = new Ajv({ ...AJV_OPTIONS, validateSchema: true });
    assert.equal(ajv.validateSchema(schema), true, ajv.errorsText(ajv.errors));
  });

  it('compiles in strict mode with the options the generator uses', () => {
    assert.equal(typeof new Ajv(AJV_OPTIONS).compile(schema), 'function');
  });

  it('would fail that check if it were broken (an unknown type)', () => {
    const ajv = new Ajv({ ...AJV_OPTIONS, validateSchema: true });
    assert.equal(ajv.validateSchema({ ...schema, type: 'objekt' }), false);
  });
});

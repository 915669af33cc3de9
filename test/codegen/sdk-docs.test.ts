/**
 * The generated SDK's JSDoc says what each method throws: the errnos of the IDL, and the
 * argument errors and AbortError that the N-API glue raises (Node's codes), per parameter.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GENERATED } from '../helpers/toolchain';

/** The `@throws` lines of the JSDoc just above the declaration that starts with `decl`. */
function throwsOf(source: string, decl: string): string[] {
  const at = source.indexOf(`\n  ${decl}`);
  assert.ok(at > 0, `no declaration ${decl}`);
  const doc = source.slice(source.lastIndexOf('/**', at), at);
  return doc
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('* @throws '))
    .map((l) => l.slice('* @throws '.length));
}

describe('generated SDK JSDoc: what is thrown', () => {
  const sdk = fs.readFileSync(path.join(GENERATED, 'ts', 'sdk.ts'), 'utf8');

  it('a sync method with an integer: the errnos, ERR_INVALID_ARG_TYPE and ERR_OUT_OF_RANGE naming the integer', () => {
    assert.deepEqual(throwsOf(sdk, 'allocMemory('), [
      '{HostwireError} With code ENOMEM, EINVAL.',
      '{TypeError} A TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).',
      '{RangeError} A RangeError with code ERR_OUT_OF_RANGE when `size` is not an integer in its range.',
    ]);
  });

  it('an async method with a signal: the promise rejects with them and with an AbortError', () => {
    assert.deepEqual(throwsOf(sdk, 'connect('), [
      '{HostwireError} The promise rejects with ENOENT, EPROTO, ECONNRESET, ETIMEDOUT, ECONNREFUSED, EHOSTUNREACH.',
      '{TypeError} The promise rejects with a TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).',
      "{Error} The promise rejects with an AbortError (`name` 'AbortError', `code` 'ABORT_ERR', `cause` the signal's reason) when `options.signal` aborts.",
    ]);
  });

  it('integers inside arrays of dictionaries are named by their path; a method without parameters has no argument errors', () => {
    assert.ok(
      throwsOf(sdk, 'postSendBatch(').includes(
        '{RangeError} A RangeError with code ERR_OUT_OF_RANGE when one of `ops[].offset`, `ops[].size`, `ops[].tag` is not an integer in its range.',
      ),
    );
    assert.deepEqual(throwsOf(sdk, 'metrics('), []);
  });
});

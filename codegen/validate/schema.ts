/** Stage 2a: check the shape of every IDL file against the JSON Schema (ajv). */
import * as path from 'node:path';
import * as fs from 'node:fs';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { Diagnostic } from '../diagnostics';
import type { SourceFile } from '../load';

export const SCHEMA_PATH = path.resolve(__dirname, '..', '..', '..', 'idl', 'hostwire-idl.schema.json');

/**
 * How the schema is compiled. Every run compiles it once, so the options keep that cheap:
 * a definition used in many places (`ident`, `doc`) is compiled once and called rather than
 * inlined at each use, the generated code is not optimized (it checks a few small files), and
 * the schema itself is not checked against the JSON Schema meta-schema (a test does that).
 */
export const AJV_OPTIONS = {
  allErrors: true,
  verbose: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
  inlineRefs: false,
  validateSchema: false,
  code: { optimize: false },
} as const;

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8'));
    compiled = new Ajv(AJV_OPTIONS).compile(schema);
  }
  return compiled;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + '...' : s;
}

function valueAt(data: unknown, pointer: string): unknown {
  let cur: unknown = data;
  for (const seg of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

function describe(e: ErrorObject, data: unknown): { pointer: string; message: string } {
  const p = e.params as Record<string, unknown>;
  const got = valueAt(data, e.instancePath);
  switch (e.keyword) {
    case 'additionalProperties': {
      const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {}).join(', ');
      return { pointer: `${e.instancePath}/${String(p.additionalProperty)}`, message: `unknown key '${String(p.additionalProperty)}' (expected one of: ${allowed})` };
    }
    case 'required': {
      const key = String(p.missingProperty);
      const keys = (e.parentSchema as { required?: string[] }).required ?? [key];
      const expected = keys.length > 1 ? `the keys ${keys.join(', ')}` : `a key '${key}'`;
      return { pointer: e.instancePath, message: `missing required key '${key}' (expected ${expected})` };
    }
    case 'enum':
      return { pointer: e.instancePath, message: `expected one of ${(p.allowedValues as unknown[]).map(show).join(', ')} (got ${show(got)})` };
    case 'pattern':
      return { pointer: e.instancePath, message: `expected a string matching ${String(p.pattern)} (got ${show(got)})` };
    case 'type':
      return { pointer: e.instancePath, message: `expected ${String(p.type)} (got ${show(got)})` };
    case 'minimum':
    case 'maximum':
      return { pointer: e.instancePath, message: `expected a value ${String(p.comparison)} ${String(p.limit)} (got ${show(got)})` };
    case 'uniqueItems':
      return { pointer: `${e.instancePath}/${String(p.i)}`, message: `item ${String(p.i)} repeats item ${String(p.j)} (got ${show(got)}); expected each item once` };
    case 'minItems':
    case 'maxItems':
      return { pointer: e.instancePath, message: `expected ${e.keyword === 'minItems' ? 'at least' : 'at most'} ${String(p.limit)} items (got ${show(got)})` };
    case 'oneOf':
      return { pointer: e.instancePath, message: `expected exactly one of its alternatives (got ${show(got)})` };
    case 'minLength':
      return { pointer: e.instancePath, message: `expected a non-empty string` };
    default:
      return { pointer: e.instancePath, message: `expected a value that ${(e.message ?? 'is valid').replace(/^must /, 'does ')} (got ${show(got)})` };
  }
}

export function validateSchema(file: SourceFile): Diagnostic[] {
  const validate = validator();
  if (validate(file.data)) return [];
  const errors = validate.errors ?? [];
  // A oneOf failure is explained better by the errors of its branches, when there are any.
  const specific = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'if');
  const chosen = specific.length ? specific : errors;
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const e of chosen) {
    const { pointer, message } = describe(e, file.data);
    const key = pointer + '\0' + message;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ file: file.displayPath, pointer, line: file.lineOf(pointer), message });
  }
  return out;
}

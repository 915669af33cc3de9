/** Shared by the native tests: the addon, the model it must agree with, and error checks. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { buildModel } from '../../codegen/pipeline';
import type { Model } from '../../codegen/model';
import { loadNative } from '../../runtime/native';
import type { NativeBinding } from '../../generated/ts/sdk';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

let model: Model | undefined;

/** The resolved IDL of this tree. */
export function idl(): Model {
  if (!model) model = buildModel(path.join(ROOT, 'idl'));
  return model;
}

/** The addon, with the classes the typed binding does not list. */
export type Addon = NativeBinding & {
  MemoryRegion: new (...args: unknown[]) => object;
  Transfer: new (...args: unknown[]) => object;
  setErrorClass(ctor: unknown): void;
};

export function addon(): Addon {
  return loadNative() as Addon;
}

/** `camel_case` -> `camelCase`, as JS names of IDL names are spelled. */
export function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** Assert that `f` throws a TypeError with exactly `message` (and no `code`). */
export function throwsTypeError(f: () => unknown, message: string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof TypeError, `expected a TypeError, got ${String(e)}`);
    assert.equal(e.message, message);
    return true;
  });
}

/** Node's argument errors, by code, and the class each is an instance of. */
const ARG_ERRORS = {
  ERR_INVALID_ARG_TYPE: TypeError,
  ERR_INVALID_ARG_VALUE: TypeError,
  ERR_OUT_OF_RANGE: RangeError,
  ERR_INVALID_THIS: TypeError,
} as const;

export type ArgErrorCode = keyof typeof ARG_ERRORS;

/** A matcher for `assert.throws`/`rejects`: Node's argument error `code` with exactly `message`. */
export function argError(code: ArgErrorCode, message: string): (e: unknown) => true {
  return (e: unknown) => {
    assert.ok(e instanceof ARG_ERRORS[code], `expected a ${ARG_ERRORS[code].name}, got ${String(e)}`);
    assert.equal((e as Error & { code?: unknown }).code, code);
    assert.equal((e as Error).message, message);
    return true;
  };
}

/** Assert that `f` throws Node's argument error `code` with exactly `message`. */
export function throwsArgError(f: () => unknown, code: ArgErrorCode, message: string): void {
  assert.throws(f, argError(code, message));
}

/** The errno error the addon gives for ENOSYS in `where`. */
export function enosys(where: string): { name: string; code: string; errno: number; message: string } {
  return hostwireError('ENOSYS', where);
}

/** The error the glue throws for `-errno` of `code` in `where`: the IDL's doc of that errno as its message. */
export function hostwireError(code: string, where: string, why?: string): { name: string; code: string; errno: number; message: string } {
  const e = idl().errnos.find((x) => x.name === code);
  if (!e) throw new Error(`no errno ${code} in the IDL`);
  return { name: 'HostwireError', code, errno: -e.value, message: `${code}: ${where}: ${why ?? e.doc}` };
}

import * as assert from 'node:assert/strict';
import type { IntInfo } from '../../codegen/model';
import { addon, idl } from './support';

/** A model value as abi() gives it: a bigint for 64-bit types, else a number. */
const js = (v: bigint, int: IntInfo): number | bigint => (int.bytes === 8 ? v : Number(v));

describe('native: abi() agrees with the IDL model', () => {
  const abi = () => addon().abi() as unknown as {
    name: string;
    version: string;
    major: number;
    minor: number;
    patch: number;
    errno: Record<string, number>;
    enums: Record<string, Record<string, number | bigint>>;
    flags: Record<string, Record<string, number | bigint>>;
    constants: Record<string, number | bigint>;
    records: Record<string, { size: number; align: number; fields: Record<string, number> }>;
  };

  it('version', () => {
    const { abi: meta } = idl();
    const a = abi();
    assert.deepStrictEqual(
      { name: a.name, version: a.version, major: a.major, minor: a.minor, patch: a.patch },
      { name: meta.name, version: meta.version.text, major: meta.version.major, minor: meta.version.minor, patch: meta.version.patch },
    );
  });

  it('every errno', () => {
    assert.deepStrictEqual(abi().errno, Object.fromEntries(idl().errnos.map((e) => [e.name, e.value])));
  });

  it('every enum value', () => {
    const expected = Object.fromEntries(
      idl().enums.map((e) => [e.name, Object.fromEntries(e.values.map((v) => [v.name, js(v.value, e.type)]))]),
    );
    assert.deepStrictEqual(abi().enums, expected);
  });

  it('every flag mask', () => {
    const expected = Object.fromEntries(
      idl().flags.map((f) => [f.name, Object.fromEntries(f.bits.map((b) => [b.name, js(b.mask, f.type)]))]),
    );
    assert.deepStrictEqual(abi().flags, expected);
  });

  it('every constant', () => {
    assert.deepStrictEqual(abi().constants, Object.fromEntries(idl().constants.map((c) => [c.name, js(c.value, c.type)])));
  });

  it('every record: sizeof, alignof and offsetof of the C++ structs', () => {
    const expected = Object.fromEntries(
      idl().records.map((r) => [r.name, { size: r.size, align: r.align, fields: Object.fromEntries(r.fields.map((f) => [f.name, f.offset])) }]),
    );
    assert.deepStrictEqual(abi().records, expected);
  });
});

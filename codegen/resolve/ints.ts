/** The integer types of the IDL and the parsing of integer literals. */
import type { IntInfo, IntType } from '../model';

function info(name: IntType, bytes: 1 | 2 | 4 | 8, signed: boolean): IntInfo {
  const bits = BigInt(bytes * 8);
  return {
    name,
    bytes,
    signed,
    c: `${signed ? 'int' : 'uint'}${bytes * 8}_t`,
    wasm: bytes === 8 ? 'i64' : 'i32',
    min: signed ? -(1n << (bits - 1n)) : 0n,
    max: signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n,
  };
}

export const INTS: Record<IntType, IntInfo> = {
  i8: info('i8', 1, true),
  u8: info('u8', 1, false),
  i16: info('i16', 2, true),
  u16: info('u16', 2, false),
  i32: info('i32', 4, true),
  u32: info('u32', 4, false),
  i64: info('i64', 8, true),
  u64: info('u64', 8, false),
};

export function isIntType(name: string): name is IntType {
  return Object.prototype.hasOwnProperty.call(INTS, name);
}

/** Parse an IDL integer literal: a number, or a decimal or 0x string. */
export function parseInt64(v: unknown): bigint | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : undefined;
  if (typeof v === 'bigint') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^(-?)(0x[0-9a-fA-F]+|[0-9]+)$/.exec(v.trim());
  if (!m) return undefined;
  const n = BigInt(m[2]);
  return m[1] ? -n : n;
}

export function inRange(v: bigint, t: IntInfo): boolean {
  return v >= t.min && v <= t.max;
}

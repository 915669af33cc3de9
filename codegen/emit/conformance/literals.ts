/**
 * Literals for the conformance tests, written at generation time from the model: golden
 * values in the TypeScript form of the bindings, and the C expressions and printed form the
 * C probe uses.
 */
import type { FieldType, IntInfo } from '../../model';

/** The integer type behind an int, enum or flags field. */
export function intOf(t: FieldType): IntInfo | undefined {
  return t.kind === 'int' ? t.int : t.kind === 'enum' || t.kind === 'flags' ? t.def.type : undefined;
}

export function isByteArray(t: FieldType): boolean {
  return t.kind === 'array' && t.element.kind === 'int' && t.element.int.bytes === 1;
}

/** The integer a canonical int/enum/flags value stands for. */
export function intValue(t: FieldType, v: unknown): bigint {
  if (t.kind === 'enum') return t.def.values.find((x) => x.name === v)!.value;
  if (t.kind === 'flags') return (v as string[]).reduce((m, name) => m | t.def.bits.find((b) => b.name === name)!.mask, 0n);
  return BigInt(v as string | number);
}

/** An integer as it is stored in a value of type `int` (two's complement for signed types). */
export function inType(int: IntInfo, n: bigint): bigint {
  return int.signed ? BigInt.asIntN(int.bytes * 8, n) : BigInt.asUintN(int.bytes * 8, n);
}

/** A TypeScript integer literal: `bigint` for 64-bit types, `number` otherwise. */
export function tsInt(int: IntInfo, n: bigint, hex = false): string {
  const body = hex && n >= 0n ? `0x${n.toString(16)}` : n.toString();
  return int.bytes === 8 ? `${body}n` : body;
}

/** A TypeScript string literal. */
export function tsString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/** A property key: bare when it is an identifier. */
export function tsKey(s: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s) ? s : tsString(s);
}

const hexOfBytes = (s: string): number[] => Array.from({ length: s.length / 2 }, (_, i) => parseInt(s.slice(2 * i, 2 * i + 2), 16));

/**
 * A canonical value (see `codegen/resolve/values.ts`) as a TypeScript literal of the
 * binding's form: numbers up to 32 bits, bigint for 64-bit, enum values as numbers, flags
 * as masks, `u8[N]` as `hex('...')` (a Uint8Array), other arrays as arrays.
 */
export function tsValue(t: FieldType, v: unknown, indent = ''): string {
  switch (t.kind) {
    case 'int':
      return tsInt(t.int, intValue(t, v));
    case 'enum': {
      const name = v as string;
      return `${tsInt(t.def.type, intValue(t, v))} /* ${name} */`;
    }
    case 'flags': {
      const names = v as string[];
      return `${tsInt(t.def.type, inType(t.def.type, intValue(t, v)), true)} /* ${names.length ? names.join(' | ') : 'none'} */`;
    }
    case 'array': {
      if (isByteArray(t)) {
        if (t.element.kind === 'int' && t.element.int.signed) {
          return `[${hexOfBytes(v as string).map((b) => String(BigInt.asIntN(8, BigInt(b)))).join(', ')}]`;
        }
        return `hex('${v as string}')`;
      }
      const items = (v as unknown[]).map((x) => tsValue(t.element, x, `${indent}  `));
      const inline = `[${items.join(', ')}]`;
      if (inline.length <= 80 && !inline.includes('\n')) return inline;
      return `[\n${items.map((x) => `${indent}  ${x},`).join('\n')}\n${indent}]`;
    }
    case 'record': {
      const o = v as Record<string, unknown>;
      const items = t.def.fields.map((f) => `${tsKey(f.name)}: ${tsValue(f.type, o[f.name], `${indent}  `)}`);
      const inline = `{ ${items.join(', ')} }`;
      if (inline.length <= 100 && !inline.includes('\n')) return inline;
      return `{\n${items.map((x) => `${indent}  ${x},`).join('\n')}\n${indent}}`;
    }
  }
}

/** One scalar or byte-array leaf of a record value, as the C probe reads and writes it. */
export interface Leaf {
  /** Key in the probe output: `fd`, `channels[0].addr`. */
  path: string;
  /** The C lvalue relative to the struct variable `r`: `r.channels[0].addr`. */
  expr: string;
  kind: 'signed' | 'unsigned' | 'bytes';
  /** Byte length, for `bytes`. */
  length: number;
  /** The expected printed value: a decimal string, or lowercase hex for bytes. */
  expected: string;
  /** The C statement that stores the expected value into the struct. */
  assign: string;
}

/** A C integer literal of type `int`. */
export function cInt(int: IntInfo, n: bigint): string {
  if (int.bytes === 8) {
    if (int.signed && n === int.min) return `(INT64_C(${(n + 1n).toString()}) - 1)`;
    return int.signed ? `INT64_C(${n.toString()})` : `UINT64_C(${n.toString()})`;
  }
  if (int.bytes === 4) {
    if (int.signed && n === int.min) return `(${(n + 1n).toString()} - 1)`;
    return int.signed ? n.toString() : `${n.toString()}u`;
  }
  return n.toString();
}

/** Every leaf of a canonical record value, in field order. */
export function leaves(t: FieldType, v: unknown, path: string, expr: string): Leaf[] {
  const int = intOf(t);
  if (int) {
    const n = inType(int, intValue(t, v));
    return [{ path, expr, kind: int.signed ? 'signed' : 'unsigned', length: int.bytes, expected: n.toString(), assign: `${expr} = ${cInt(int, n)};` }];
  }
  if (t.kind === 'record') {
    const o = v as Record<string, unknown>;
    return t.def.fields.flatMap((f) => leaves(f.type, o[f.name], path ? `${path}.${f.name}` : f.name, `${expr}.${f.name}`));
  }
  if (t.kind === 'array') {
    if (isByteArray(t)) {
      const hex = v as string;
      const bytes = hexOfBytes(hex).map((b) => `0x${b.toString(16).padStart(2, '0')}`);
      return [{
        path,
        expr,
        kind: 'bytes',
        length: t.length,
        expected: hex,
        assign: `memcpy(${expr}, (const unsigned char[${t.length}]){ ${bytes.join(', ')} }, ${t.length});`,
      }];
    }
    return (v as unknown[]).flatMap((x, i) => leaves(t.element, x, `${path}[${i}]`, `${expr}[${i}]`));
  }
  return [];
}

/** Bytes as a C initializer list, 12 per line. */
export function cBytes(bytes: Uint8Array, indent: string): string {
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += 12) {
    out.push(indent + Array.from(bytes.subarray(i, i + 12), (b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ') + ',');
  }
  return out.join('\n');
}

export { pascal, camel } from '../shared/text';

export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

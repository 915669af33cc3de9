/**
 * Record values between the model's canonical JSON form (codegen/resolve/values.ts) and the
 * values of the generated TypeScript codecs.
 *
 *   canonical                       TypeScript
 *   integer <= 32 bits: number      number
 *   64-bit: decimal string          bigint
 *   enum: value name                its number (bigint for 64-bit)
 *   flags: list of bit names        the mask
 *   u8[N]: lowercase hex            Uint8Array
 *   other arrays: lists             arrays
 */
import type { FieldType, RecordDef } from '../../codegen/model';

function intBytes(t: FieldType): number | undefined {
  if (t.kind === 'int') return t.int.bytes;
  if (t.kind === 'enum' || t.kind === 'flags') return t.def.type.bytes;
  return undefined;
}

const asInt = (n: bigint, bytes: number): number | bigint => (bytes === 8 ? n : Number(n));
const isByteArray = (t: FieldType): boolean => t.kind === 'array' && t.element.kind === 'int' && t.element.int.name === 'u8';

export function toTs(t: FieldType, v: unknown): unknown {
  switch (t.kind) {
    case 'int':
      return t.int.bytes === 8 ? BigInt(v as string) : (v as number);
    case 'enum': {
      const value = t.def.values.find((x) => x.name === v);
      if (!value) throw new Error(`no value '${String(v)}' in enum ${t.def.name}`);
      return asInt(value.value, t.def.type.bytes);
    }
    case 'flags': {
      const mask = (v as string[]).reduce((m, name) => m | t.def.bits.find((b) => b.name === name)!.mask, 0n);
      return asInt(mask, t.def.type.bytes);
    }
    case 'record':
      return Object.fromEntries(t.def.fields.map((f) => [f.name, toTs(f.type, (v as Record<string, unknown>)[f.name])]));
    case 'array':
      if (isByteArray(t)) return Uint8Array.from(Buffer.from(v as string, 'hex'));
      return (v as unknown[]).map((x) => toTs(t.element, x));
  }
}

export function toCanonical(t: FieldType, v: unknown): unknown {
  switch (t.kind) {
    case 'int':
      return t.int.bytes === 8 ? (v as bigint).toString() : v;
    case 'enum':
      return t.def.values.find((x) => x.value === BigInt(v as number | bigint))!.name;
    case 'flags': {
      const mask = BigInt(v as number | bigint);
      return t.def.bits.filter((b) => (mask & b.mask) !== 0n).map((b) => b.name);
    }
    case 'record':
      return Object.fromEntries(t.def.fields.map((f) => [f.name, toCanonical(f.type, (v as Record<string, unknown>)[f.name])]));
    case 'array':
      if (isByteArray(t)) return Buffer.from(v as Uint8Array).toString('hex');
      return (v as unknown[]).map((x) => toCanonical(t.element, x));
  }
}

export const recordValue = (r: RecordDef, canonical: unknown): unknown => toTs({ kind: 'record', def: r }, canonical);

/** For each byte of the record: whether some field (at any depth) covers it; the rest is padding. */
export function coverage(r: RecordDef): boolean[] {
  const covered = new Array<boolean>(r.size).fill(false);
  const mark = (t: FieldType, at: number): void => {
    const n = intBytes(t);
    if (n !== undefined) {
      for (let i = 0; i < n; i++) covered[at + i] = true;
    } else if (t.kind === 'record') {
      for (const f of t.def.fields) mark(f.type, at + f.offset);
    } else if (t.kind === 'array') {
      const step = t.element.kind === 'record' ? t.element.def.size : intBytes(t.element)!;
      for (let i = 0; i < t.length; i++) mark(t.element, at + i * step);
    }
  };
  mark({ kind: 'record', def: r }, 0);
  return covered;
}

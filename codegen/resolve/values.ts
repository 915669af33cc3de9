/**
 * Record values in canonical JSON form, and the reference encoder/decoder the resolver uses
 * to prove that every golden vector's bytes and value agree.
 *
 * Canonical form: integers up to 32 bits are numbers, 64-bit integers decimal strings; an
 * enum is its value name; flags are the list of set bit names in bit order; a u8/i8 array
 * is a lowercase hex string; other arrays are lists; a record is an object in field order.
 */
import type { FieldType, RecordDef } from '../model';
import { parseInt64, inRange } from './ints';

export class ValueError extends Error {
  constructor(readonly path: string, message: string) {
    super(message);
  }
}

function isByteArray(t: FieldType): boolean {
  return t.kind === 'array' && t.element.kind === 'int' && t.element.int.bytes === 1;
}

/** Normalize a value written in the IDL (numbers, 0x strings, names) to canonical form. */
export function canonicalize(t: FieldType, v: unknown, path: string): unknown {
  switch (t.kind) {
    case 'int': {
      const n = parseInt64(v);
      if (n === undefined || !inRange(n, t.int)) throw new ValueError(path, `expected a ${t.int.name} (got ${JSON.stringify(v)})`);
      return t.int.bytes === 8 ? n.toString() : Number(n);
    }
    case 'enum': {
      const byName = t.def.values.find((x) => x.name === v);
      if (byName) return byName.name;
      const n = parseInt64(v);
      const byValue = n !== undefined ? t.def.values.find((x) => x.value === n) : undefined;
      if (byValue) return byValue.name;
      throw new ValueError(path, `expected a value of enum '${t.def.name}': ${t.def.values.map((x) => x.name).join(', ')} (got ${JSON.stringify(v)})`);
    }
    case 'flags': {
      let mask: bigint;
      if (Array.isArray(v)) {
        mask = 0n;
        for (const name of v) {
          const b = t.def.bits.find((x) => x.name === name);
          if (!b) throw new ValueError(path, `unknown flag '${String(name)}' of '${t.def.name}'; expected: ${t.def.bits.map((x) => x.name).join(', ')}`);
          mask |= b.mask;
        }
      } else {
        const n = parseInt64(v);
        if (n === undefined || (n & ~t.def.allMask) !== 0n) throw new ValueError(path, `expected a list of '${t.def.name}' flag names (got ${JSON.stringify(v)})`);
        mask = n;
      }
      return t.def.bits.filter((b) => (mask & b.mask) !== 0n).map((b) => b.name);
    }
    case 'record': {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ValueError(path, `expected an object for record '${t.def.name}' (got ${JSON.stringify(v)})`);
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        if (!t.def.fields.some((f) => f.name === k)) throw new ValueError(`${path}/${k}`, `unknown field '${k}' of record '${t.def.name}'; expected one of: ${t.def.fields.map((f) => f.name).join(', ')}`);
      }
      const out: Record<string, unknown> = {};
      for (const f of t.def.fields) {
        if (!(f.name in o)) throw new ValueError(`${path}/${f.name}`, `missing field '${f.name}' of record '${t.def.name}'; expected every field: ${t.def.fields.map((x) => x.name).join(', ')}`);
        out[f.name] = canonicalize(f.type, o[f.name], `${path}/${f.name}`);
      }
      return out;
    }
    case 'array': {
      if (isByteArray(t)) {
        const hex = typeof v === 'string' ? v.replace(/\s+/g, '').toLowerCase() : undefined;
        if (hex === undefined || !/^[0-9a-f]*$/.test(hex) || hex.length !== t.length * 2) {
          throw new ValueError(path, `expected ${t.length} bytes as a hex string (got ${JSON.stringify(v)})`);
        }
        return hex;
      }
      if (!Array.isArray(v) || v.length !== t.length) throw new ValueError(path, `expected a list of ${t.length} elements`);
      return v.map((x, i) => canonicalize(t.element, x, `${path}/${i}`));
    }
  }
}

function intValue(t: FieldType, v: unknown): bigint {
  if (t.kind === 'enum') {
    return t.def.values.find((x) => x.name === v)!.value;
  }
  if (t.kind === 'flags') {
    return (v as string[]).reduce((m, name) => m | t.def.bits.find((b) => b.name === name)!.mask, 0n);
  }
  return BigInt(v as string | number);
}

function intOf(t: FieldType) {
  return t.kind === 'int' ? t.int : t.kind === 'enum' || t.kind === 'flags' ? t.def.type : undefined;
}

/** Encode a canonical value at `offset` of `view` (little-endian). */
export function encodeValue(t: FieldType, v: unknown, view: DataView, offset: number): void {
  const int = intOf(t);
  if (int) {
    const n = intValue(t, v);
    const u = BigInt.asUintN(int.bytes * 8, n);
    for (let i = 0; i < int.bytes; i++) view.setUint8(offset + i, Number((u >> BigInt(8 * i)) & 0xffn));
    return;
  }
  if (t.kind === 'record') {
    for (const f of t.def.fields) encodeValue(f.type, (v as Record<string, unknown>)[f.name], view, offset + f.offset);
    return;
  }
  if (t.kind === 'array') {
    const step = t.element.kind === 'record' ? t.element.def.size : intOf(t.element)!.bytes;
    if (isByteArray(t)) {
      const hex = v as string;
      for (let i = 0; i < t.length; i++) view.setUint8(offset + i, parseInt(hex.slice(2 * i, 2 * i + 2), 16));
      return;
    }
    (v as unknown[]).forEach((x, i) => encodeValue(t.element, x, view, offset + i * step));
  }
}

export function encodeRecord(r: RecordDef, v: unknown): Uint8Array {
  const bytes = new Uint8Array(r.size);
  encodeValue({ kind: 'record', def: r }, v, new DataView(bytes.buffer), 0);
  return bytes;
}

/** Decode strictly: the error kinds are those a golden vector may expect. */
export function decodeRecord(r: RecordDef, bytes: Uint8Array): { value?: unknown; error?: 'truncated' | 'range' | 'const' } {
  if (bytes.length < r.size) return { error: 'truncated' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = (t: FieldType, off: number): unknown => {
    const int = intOf(t);
    if (int) {
      let u = 0n;
      for (let i = int.bytes - 1; i >= 0; i--) u = (u << 8n) | BigInt(view.getUint8(off + i));
      const n = int.signed ? BigInt.asIntN(int.bytes * 8, u) : u;
      if (t.kind === 'enum') {
        const def = t.def.values.find((x) => x.value === n);
        if (!def) throw new ValueError('', 'range');
        return def.name;
      }
      if (t.kind === 'flags') {
        if ((n & ~t.def.allMask) !== 0n) throw new ValueError('', 'range');
        return t.def.bits.filter((b) => (n & b.mask) !== 0n).map((b) => b.name);
      }
      return int.bytes === 8 ? n.toString() : Number(n);
    }
    if (t.kind === 'record') {
      const o: Record<string, unknown> = {};
      for (const f of t.def.fields) {
        const x = read(f.type, off + f.offset);
        if (f.const !== undefined && BigInt(x as string | number) !== f.const) throw new ValueError('', 'const');
        if (f.range && (BigInt(x as string | number) < f.range[0] || BigInt(x as string | number) > f.range[1])) throw new ValueError('', 'range');
        o[f.name] = x;
      }
      return o;
    }
    if (t.kind === 'array') {
      if (isByteArray(t)) return Buffer.from(bytes.subarray(off, off + t.length)).toString('hex');
      const step = t.element.kind === 'record' ? t.element.def.size : intOf(t.element)!.bytes;
      return Array.from({ length: t.length }, (_, i) => read(t.element, off + i * step));
    }
    return undefined;
  };
  try {
    return { value: read({ kind: 'record', def: r }, 0) };
  } catch (e) {
    if (e instanceof ValueError) return { error: e.message as 'range' | 'const' };
    throw e;
  }
}

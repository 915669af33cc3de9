/**
 * The strict record codecs of `hostwire_abi.hpp`, as C++ statements: `decode` (bounds, enum
 * values, flag bits, `const` and `range`, in field order like `resolve/values.ts`), `encode`
 * (explicit little-endian byte writes) and `operator==`.
 *
 * Every byte is read and written at the field's offset from the model. The C++ struct has the
 * same offsets (`static_assert`ed), so array elements and nested records are copied in and out
 * of the struct with `memcpy` at those offsets, never through a reference to a packed member.
 */
import type { FieldType, IntInfo, RecordDef, RecordField } from '../../model';
import { cppLiteral, ident, kName, pascal } from './text';

/** The integer a scalar field type is stored as; undefined for records and arrays. */
function scalarInt(t: FieldType): IntInfo | undefined {
  return t.kind === 'int' ? t.int : t.kind === 'enum' || t.kind === 'flags' ? t.def.type : undefined;
}

/** The C++ type of a scalar or record (not an array). */
function cppElementType(t: FieldType): string {
  const int = scalarInt(t);
  if (int) return int.c;
  if (t.kind === 'record') return pascal(t.def.name);
  return cppElementType((t as { element: FieldType }).element);
}

/** A C++ member declaration: `uint8_t addr[16]`. */
export function cppMember(f: RecordField): string {
  const dims: number[] = [];
  let t = f.type;
  while (t.kind === 'array') {
    dims.push(t.length);
    t = t.element;
  }
  return `${cppElementType(t)} ${ident(f.name)}${dims.map((d) => `[${d}]`).join('')}`;
}

function elementSize(t: FieldType): number {
  const int = scalarInt(t);
  if (int) return int.bytes;
  if (t.kind === 'record') return t.def.size;
  if (t.kind === 'array') return elementSize(t.element) * t.length;
  throw new Error('unreachable');
}

const isByteArray = (t: FieldType): boolean => t.kind === 'array' && scalarInt(t.element)?.bytes === 1 && t.element.kind === 'int';

/** Whether encoding must zero the buffer first: the record or a nested one has padding. */
function hasPadding(r: RecordDef): boolean {
  const sum = r.fields.reduce((n, f) => n + f.size, 0);
  const nested = (t: FieldType): boolean => (t.kind === 'record' ? hasPadding(t.def) : t.kind === 'array' ? nested(t.element) : false);
  return sum !== r.size || r.fields.some((f) => nested(f.type));
}

function load(int: IntInfo, off: string): string {
  if (int.bytes === 1) return int.signed ? `static_cast<int8_t>(p[${off}])` : `p[${off}]`;
  const raw = `detail::load_le${int.bytes * 8}(${at('p', off)})`;
  return int.signed ? `static_cast<${int.c}>(${raw})` : raw;
}

function store(int: IntInfo, off: string, value: string): string {
  if (int.bytes === 1) return `out[${off}] = static_cast<uint8_t>(${value});`;
  const u = `uint${int.bytes * 8}_t`;
  return `detail::store_le${int.bytes * 8}(${at('out', off)}, ${int.signed ? `static_cast<${u}>(${value})` : value});`;
}

const at = (base: string, off: string): string => (off === '0' ? base : `${base} + ${off}`);

/** Checks of a scalar value `v`: the type's own (enum, flags) and the field's const/range. */
function checks(t: FieldType, f: RecordField | undefined): string[] {
  const out: string[] = [];
  if (t.kind === 'enum') out.push(`if (!${pascal(t.def.name)}::valid(v)) return DecodeStatus::kRange;`);
  if (t.kind === 'flags') out.push(`if (!${pascal(t.def.name)}::valid(v)) return DecodeStatus::kRange;`);
  if (!f) return out;
  const int = scalarInt(t)!;
  if (f.const !== undefined) out.push(`if (v != ${cppLiteral(f.const, int, true)}) return DecodeStatus::kConst;`);
  if (f.range) {
    // A bound the type already implies is left out (it would be an always-false comparison).
    const tests: string[] = [];
    if (f.range[0] > int.min) tests.push(`v < ${cppLiteral(f.range[0], int)}`);
    if (f.range[1] < int.max) tests.push(`v > ${cppLiteral(f.range[1], int)}`);
    if (tests.length) out.push(`if (${tests.join(' || ')}) return DecodeStatus::kRange;`);
  }
  return out;
}

/**
 * Decode statements for a value of type `t` at byte offset `off` (a C++ expression) into
 * `out`; `f` is the top-level field (direct member access, const and range) or undefined for
 * array elements.
 */
function decodeValue(t: FieldType, off: string, f: RecordField | undefined, depth: number): string[] {
  const int = scalarInt(t);
  if (int) {
    const put = (v: string): string => (f ? `out.${ident(f.name)} = ${v};` : `detail::put(&out, ${off}, ${v});`);
    const rules = checks(t, f);
    if (!rules.length) return [put(f ? load(int, off) : `static_cast<${int.c}>(${load(int, off)})`)];
    return [`const ${int.c} v = ${load(int, off)};`, ...rules, put('v')];
  }
  if (t.kind === 'record') {
    const T = pascal(t.def.name);
    return [
      `${T} v{};`,
      `const DecodeStatus s = decode(${at('p', off)}, ${T}::kSize, v);`,
      'if (s != DecodeStatus::kOk) return s;',
      `detail::put(&out, ${off}, v);`,
    ];
  }
  if (t.kind === 'array') {
    if (isByteArray(t)) return [`std::memcpy(detail::bytes(&out) + ${off}, ${at('p', off)}, ${t.length});`];
    const i = `i${depth}`;
    const elem = `${off} + ${i} * ${elementSize(t.element)}`;
    return [
      `for (size_t ${i} = 0; ${i} < ${t.length}; ++${i}) {`,
      ...decodeValue(t.element, elem, undefined, depth + 1).map((s) => `  ${s}`),
      '}',
    ];
  }
  throw new Error('unreachable');
}

/** Statements that declare locals get a block of their own. */
const scoped = (lines: string[]): string[] =>
  lines.length > 1 && !lines[0].startsWith('for ') ? ['{', ...lines.map((l) => `  ${l}`), '}'] : lines;

function encodeValue(t: FieldType, off: string, f: RecordField | undefined, depth: number): string[] {
  const int = scalarInt(t);
  if (int) return [store(int, off, f ? `v.${ident(f.name)}` : `detail::get<${int.c}>(&v, ${off})`)];
  if (t.kind === 'record') {
    const T = pascal(t.def.name);
    return [`encode(detail::get<${T}>(&v, ${off}), ${at('out', off)});`];
  }
  if (t.kind === 'array') {
    if (isByteArray(t)) return [`std::memcpy(${at('out', off)}, detail::bytes(&v) + ${off}, ${t.length});`];
    const i = `i${depth}`;
    const elem = `${off} + ${i} * ${elementSize(t.element)}`;
    return [
      `for (size_t ${i} = 0; ${i} < ${t.length}; ++${i}) {`,
      ...encodeValue(t.element, elem, undefined, depth + 1).map((s) => `  ${s}`),
      '}',
    ];
  }
  throw new Error('unreachable');
}

function equalValue(t: FieldType, off: string, f: RecordField | undefined, depth: number): string[] {
  if (f && scalarInt(t)) return [`if (a.${ident(f.name)} != b.${ident(f.name)}) return false;`];
  if (t.kind === 'record') {
    const T = pascal(t.def.name);
    return [`if (detail::get<${T}>(&a, ${off}) != detail::get<${T}>(&b, ${off})) return false;`];
  }
  // Integers have no padding: their bytes are equal exactly when their values are.
  const size = elementSize(t);
  if (t.kind !== 'array' || t.element.kind !== 'record') {
    return [`if (std::memcmp(detail::bytes(&a) + ${off}, detail::bytes(&b) + ${off}, ${size}) != 0) return false;`];
  }
  const i = `i${depth}`;
  return [
    `for (size_t ${i} = 0; ${i} < ${t.length}; ++${i}) {`,
    ...equalValue(t.element, `${off} + ${i} * ${elementSize(t.element)}`, undefined, depth + 1).map((s) => `  ${s}`),
    '}',
  ];
}

export interface CodecBodies {
  decode: string[];
  encode: string[];
  equal: string[];
}

/** The bodies (statements, unindented) of decode, encode and operator== of a record. */
export function codecBodies(r: RecordDef): CodecBodies {
  for (const f of r.fields) {
    if ((f.const !== undefined || f.range) && f.type.kind !== 'int') {
      throw new Error(`record ${r.name}, field ${f.name}: the C++ codec supports const and range on integer fields only`);
    }
  }
  const decode = r.fields.flatMap((f) => scoped(decodeValue(f.type, String(f.offset), f, 0)));
  const encode = [
    ...(hasPadding(r) ? [`std::memset(out, 0, ${pascal(r.name)}::kSize);`] : []),
    ...r.fields.flatMap((f) => encodeValue(f.type, String(f.offset), f, 0)),
  ];
  const equal = r.fields.flatMap((f) => equalValue(f.type, String(f.offset), f, 0));
  return { decode, encode, equal };
}

/** Records in an order where every nested record comes before the records that hold it. */
export function recordsInDependencyOrder(records: RecordDef[]): RecordDef[] {
  const done = new Set<string>();
  const out: RecordDef[] = [];
  const visit = (r: RecordDef): void => {
    if (done.has(r.name)) return;
    done.add(r.name);
    const nested = (t: FieldType): void => {
      if (t.kind === 'record') visit(t.def);
      if (t.kind === 'array') nested(t.element);
    };
    r.fields.forEach((f) => nested(f.type));
    out.push(r);
  };
  records.forEach(visit);
  return out;
}

/** The C++ aggregate initializer of a canonical value (see `resolve/values.ts`). */
function valueParts(t: FieldType, v: unknown): string | string[] {
  switch (t.kind) {
    case 'int':
      return cppLiteral(BigInt(v as string | number), t.int);
    case 'enum':
      return `${pascal(t.def.name)}::${kName(v as string)}`;
    case 'flags': {
      const names = v as string[];
      return names.length ? names.map((n) => `${pascal(t.def.name)}::${kName(n)}`).join(' | ') : '0';
    }
    case 'record': {
      const o = v as Record<string, unknown>;
      return t.def.fields.map((f) => cppValue(f.type, o[f.name]));
    }
    case 'array': {
      if (isByteArray(t)) {
        const hex = v as string;
        const signed = scalarInt(t.element)!.signed;
        const b = Array.from({ length: t.length }, (_, i) => `0x${hex.slice(2 * i, 2 * i + 2)}`);
        return signed ? b.map((x) => `static_cast<int8_t>(${x})`) : b;
      }
      return (v as unknown[]).map((x) => cppValue(t.element, x));
    }
  }
}

/**
 * The C++ initializer of a canonical value: on one line when it fits in `width` columns at
 * column `indent`, else one element per line (bytes: 16 per line), each level 4 columns in.
 */
export function cppValue(t: FieldType, v: unknown, width = Infinity, indent = 0): string {
  const parts = valueParts(t, v);
  if (typeof parts === 'string') return parts;
  const flat = `{${parts.join(', ')}}`;
  if (indent + flat.length <= width) return flat;
  let lines: string[];
  if (t.kind === 'record') {
    const o = v as Record<string, unknown>;
    lines = t.def.fields.map((f) => cppValue(f.type, o[f.name], width, indent + 4));
  } else if (t.kind === 'array' && !isByteArray(t)) {
    lines = (v as unknown[]).map((x) => cppValue(t.element, x, width, indent + 4));
  } else {
    lines = [];
    for (let i = 0; i < parts.length; i += 16) lines.push(parts.slice(i, i + 16).join(', '));
  }
  const pad = ' '.repeat(indent + 4);
  return `{\n${lines.map((l) => `${pad}${l}`).join(',\n')}\n${' '.repeat(indent)}}`;
}

/**
 * The straight-line code of one record codec: a reader that decodes and validates, a checker
 * that validates a value before it is encoded, and a writer. Each is a generated function of
 * DataView calls with explicit little-endian offsets; nothing interprets the layout at run time.
 */
import type { EnumDef, FieldType, IntInfo, RecordDef, RecordField } from '../../model';
import { enumGuard, enumName } from './constants';
import { hexLit, intLit, intTsType, local, pascal, str, withArticle } from './naming';

/** Parameters and helpers every generated codec function may refer to. */
const FIXED_NAMES = ['view', 'offset', 'record', 'path', 'v', 'bytes', 'show', 'need', 'RecordError', 'Number', 'Array', 'Uint8Array', 'DataView'];

export const recordType = (r: RecordDef): string => pascal(r.name);
export const codecName = (r: RecordDef): string => `${pascal(r.name)}Codec`;
const readFn = (r: RecordDef): string => `read${pascal(r.name)}`;
const checkFn = (r: RecordDef): string => `check${pascal(r.name)}`;
const writeFn = (r: RecordDef): string => `write${pascal(r.name)}`;

/** Every module-level name the codec functions of `records` use, so that no local shadows one. */
export function moduleNames(records: RecordDef[], enums: EnumDef[]): string[] {
  return [...FIXED_NAMES, ...records.flatMap((r) => [readFn(r), checkFn(r), writeFn(r), recordType(r), codecName(r)]), ...enums.map(enumGuard)];
}

function isByteArray(t: FieldType): boolean {
  return t.kind === 'array' && t.element.kind === 'int' && t.element.int.name === 'u8';
}

function intOf(t: FieldType): IntInfo | undefined {
  return t.kind === 'int' ? t.int : t.kind === 'enum' || t.kind === 'flags' ? t.def.type : undefined;
}

function stride(t: FieldType): number {
  if (t.kind === 'record') return t.def.size;
  if (t.kind === 'array') return stride(t.element) * t.length;
  return intOf(t)!.bytes;
}

/** The TypeScript type of a field value. */
export function fieldTsType(t: FieldType): string {
  switch (t.kind) {
    case 'int':
      return intTsType(t.int);
    case 'enum':
      return enumName(t.def);
    case 'flags':
      return intTsType(t.def.type);
    case 'record':
      return recordType(t.def);
    case 'array':
      return isByteArray(t) ? 'Uint8Array' : `${fieldTsType(t.element)}[]`;
  }
}

const ACCESSOR: Record<IntInfo['name'], string> = {
  i8: 'Int8',
  u8: 'Uint8',
  i16: 'Int16',
  u16: 'Uint16',
  i32: 'Int32',
  u32: 'Uint32',
  i64: 'BigInt64',
  u64: 'BigUint64',
};
const getter = (int: IntInfo, at: string): string => `view.get${ACCESSOR[int.name]}(${at}${int.bytes > 1 ? ', true' : ''})`;
const setter = (int: IntInfo, at: string, value: string): string =>
  `view.set${ACCESSOR[int.name]}(${at}, ${value}${int.bytes > 1 ? ', true' : ''});`;

const plus = (base: string, n: number): string => (n === 0 ? base : `${base} + ${n}`);

/** The bits of the type that no flag names. */
function unknownBits(t: Extract<FieldType, { kind: 'flags' }>): bigint {
  return t.def.type.max & ~t.def.allMask;
}

const enumValues = (def: EnumDef): string => def.values.map((v) => `${v.name}=${v.value}`).join(', ');

/**
 * Field paths are the bodies of template literals (`${path}channels[${i}].family`): `path` is the
 * prefix a nested record is decoded under, `i` a loop index.
 */
const tpl = (path: string): string => `\`${path}\``;
const fieldPath = (f: RecordField): string => `\${path}${f.name}`;
const elementPath = (path: string, i: string): string => `${path}[\${${i}}]`;

/** A throw statement; the path is built only when it runs. */
const fail = (kind: 'range' | 'const', path: string, message: string): string =>
  `throw new RecordError('${kind}', record, ${tpl(path)}, \`${message}\`);`;

/** Allocates local names in one generated function, never shadowing a module-level name. */
class Locals {
  private readonly taken: Set<string>;
  constructor(moduleLevel: readonly string[]) {
    this.taken = new Set(moduleLevel);
  }
  alloc(base: string): string {
    const id = local(base, this.taken);
    this.taken.add(id);
    return id;
  }
}

interface Ctx {
  locals: Locals;
  loopDepth: number;
}

const LOOP_VARS = ['i', 'j', 'k', 'l', 'm', 'n'];

// ---- decode -------------------------------------------------------------------------------

/** Lines that declare `name` as the value of type `t` read at `at`, validated. */
function readValue(t: FieldType, at: string, pathExpr: string, name: string, ctx: Ctx): string[] {
  const int = intOf(t);
  if (t.kind === 'int') return [`const ${name} = ${getter(int!, at)};`];
  if (t.kind === 'enum') {
    return [
      `const ${name} = ${getter(int!, at)};`,
      `if (!${enumGuard(t.def)}(${name})) ${fail('range', pathExpr, `\${${name}} is not a value of enum ${t.def.name} (${enumValues(t.def)})`)}`,
    ];
  }
  if (t.kind === 'flags') {
    const zero = int!.bytes === 8 ? '0n' : '0';
    return [
      `const ${name} = ${getter(int!, at)};`,
      `if ((${name} & ${hexLit(unknownBits(t), int!)}) !== ${zero}) ${fail('range', pathExpr, `0x\${${name}.toString(16)} has bits outside flags ${t.def.name} (${t.def.bits.map((b) => b.name).join('|')} = ${hexLit(t.def.allMask, int!).replace(/n$/, '')})`)}`,
    ];
  }
  if (t.kind === 'record') return [`const ${name} = ${readFn(t.def)}(view, ${at}, record, ${tpl(`${pathExpr}.`)});`];
  if (isByteArray(t)) return [`const ${name} = new Uint8Array(view.buffer, view.byteOffset + ${at}, ${t.length}).slice();`];
  const i = LOOP_VARS[ctx.loopDepth];
  const item = ctx.locals.alloc(`${name}_${i}`);
  const inner = readValue(t.element, `${at} + ${i} * ${stride(t.element)}`, elementPath(pathExpr, i), item, { ...ctx, loopDepth: ctx.loopDepth + 1 });
  return [`const ${name}: ${fieldTsType(t)} = [];`, `for (let ${i} = 0; ${i} < ${t.length}; ${i}++) {`, ...inner, `${name}.push(${item});`, '}'];
}

/** Lines that enforce a field's `const` and `range` on the local `name` (an integer). */
function fieldRules(f: RecordField, name: string, pathExpr: string): string[] {
  const int = intOf(f.type);
  if ((f.const !== undefined || f.range) && f.type.kind !== 'int') {
    throw new Error(`ts back end: const/range on field '${f.name}' of type '${f.typeName}' is not supported (integer fields only)`);
  }
  const out: string[] = [];
  if (f.const !== undefined) {
    const want = hexLit(f.const, int!);
    out.push(`if (${name} !== ${want}) ${fail('const', pathExpr, `0x\${${name}.toString(16)} is not the constant ${want.replace(/n$/, '')}`)}`);
  }
  if (f.range) {
    const [lo, hi] = f.range;
    out.push(`if (${name} < ${intLit(lo, int!)} || ${name} > ${intLit(hi, int!)}) ${fail('range', pathExpr, `\${show(${name})} is outside ${lo}..${hi}`)}`);
  }
  return out;
}

/** `function readX(view, offset, record, path): X` — decode and validate one record. */
export function readFunction(r: RecordDef, moduleLevel: readonly string[]): string {
  const ctx: Ctx = { locals: new Locals(moduleLevel), loopDepth: 0 };
  const lines: string[] = [];
  const props: string[] = [];
  for (const f of r.fields) {
    const name = ctx.locals.alloc(f.name);
    const pathExpr = fieldPath(f);
    lines.push(...readValue(f.type, plus('offset', f.offset), pathExpr, name, ctx), ...fieldRules(f, name, pathExpr));
    props.push(name === f.name ? name : `${f.name}: ${name}`);
  }
  // A record without rules reads no names: its parameters say so (for noUnusedParameters).
  const used = (id: string): string => (lines.some((l) => new RegExp(`\\b${id}\\b`).test(l)) ? id : `_${id}`);
  return [
    `/** Decodes \`${r.name}\` at \`offset\`, which the caller has checked holds ${r.size} bytes. */`,
    `function ${readFn(r)}(view: DataView, offset: number, ${used('record')}: string, ${used('path')}: string): ${recordType(r)} {`,
    ...lines,
    `return { ${props.join(', ')} };`,
    '}',
  ].join('\n');
}

// ---- encode checks --------------------------------------------------------------------------

function intCheck(int: IntInfo, name: string, pathExpr: string, what: string): string {
  const cond =
    int.bytes === 8
      ? `typeof ${name} === 'bigint' && ${name} >= ${int.min}n && ${name} <= ${int.max}n`
      : `Number.isInteger(${name}) && ${name} >= ${int.min} && ${name} <= ${int.max}`;
  return `if (!(${cond})) ${fail('range', pathExpr, `\${show(${name})} is not ${what}`)}`;
}

/** Lines that throw unless the local `name` is a valid value of type `t`. */
function checkValue(t: FieldType, pathExpr: string, name: string, ctx: Ctx): string[] {
  switch (t.kind) {
    case 'int':
      return [intCheck(t.int, name, pathExpr, `${withArticle(t.int.name)} (${t.int.min}..${t.int.max})`)];
    case 'enum':
      return [`if (!${enumGuard(t.def)}(${name})) ${fail('range', pathExpr, `\${show(${name})} is not a value of enum ${t.def.name} (${enumValues(t.def)})`)}`];
    case 'flags': {
      const int = t.def.type;
      const cond =
        int.bytes === 8
          ? `typeof ${name} === 'bigint' && ${name} >= 0n && ${name} <= ${int.max}n && (${name} & ${hexLit(unknownBits(t), int)}) === 0n`
          : `Number.isInteger(${name}) && ${name} >= 0 && ${name} <= ${int.max} && (${name} & ${hexLit(unknownBits(t), int)}) === 0`;
      return [`if (!(${cond})) ${fail('range', pathExpr, `\${show(${name})} is not a mask of flags ${t.def.name} (${t.def.bits.map((b) => b.name).join('|')})`)}`];
    }
    case 'record':
      return [`${checkFn(t.def)}(${name}, record, ${tpl(`${pathExpr}.`)});`];
    case 'array': {
      if (isByteArray(t)) {
        return [`if (!(${name} instanceof Uint8Array && ${name}.length === ${t.length})) ${fail('range', pathExpr, `expected a Uint8Array of ${t.length} bytes, got \${show(${name})}`)}`];
      }
      const i = LOOP_VARS[ctx.loopDepth];
      const item = ctx.locals.alloc(`${name}_${i}`);
      return [
        `if (!(Array.isArray(${name}) && ${name}.length === ${t.length})) ${fail('range', pathExpr, `expected an array of ${t.length} elements, got \${show(${name})}`)}`,
        `for (let ${i} = 0; ${i} < ${t.length}; ${i}++) {`,
        `const ${item} = ${name}[${i}]!; // a hole is undefined, which the check below rejects`,
        ...checkValue(t.element, elementPath(pathExpr, i), item, { ...ctx, loopDepth: ctx.loopDepth + 1 }),
        '}',
      ];
    }
  }
}

/** `function checkX(v, record, path)` — throw unless `v` encodes to bytes that decode back to it. */
export function checkFunction(r: RecordDef, moduleLevel: readonly string[]): string {
  const ctx: Ctx = { locals: new Locals(moduleLevel), loopDepth: 0 };
  const lines: string[] = [
    `if (typeof v !== 'object' || v === null) throw new RecordError('range', record, path.slice(0, -1), \`expected ${withArticle(r.name)} object, got \${show(v)}\`);`,
  ];
  for (const f of r.fields) {
    const name = ctx.locals.alloc(f.name);
    const pathExpr = fieldPath(f);
    lines.push(`const ${name} = v.${f.name};`, ...checkValue(f.type, pathExpr, name, ctx), ...fieldRules(f, name, pathExpr));
  }
  return [
    `/** Throws a RecordError unless \`v\` is a valid \`${r.name}\`. */`,
    `function ${checkFn(r)}(v: ${recordType(r)}, record: string, path: string): void {`,
    ...lines,
    '}',
  ].join('\n');
}

// ---- encode writes --------------------------------------------------------------------------

function writeValue(t: FieldType, value: string, at: string, depth: number): string[] {
  const int = intOf(t);
  if (int) return [setter(int, at, value)];
  if (t.kind === 'record') return [`${writeFn(t.def)}(${value}, view, ${at});`];
  if (t.kind !== 'array') return [];
  if (isByteArray(t)) return [`new Uint8Array(view.buffer, view.byteOffset + ${at}, ${t.length}).set(${value});`];
  const i = LOOP_VARS[depth];
  return [
    `for (let ${i} = 0; ${i} < ${t.length}; ${i}++) {`,
    ...writeValue(t.element, `${value}[${i}]!`, `${at} + ${i} * ${stride(t.element)}`, depth + 1),
    '}',
  ];
}

/** `function writeX(v, view, offset)` — write a checked value; `offset` has room for it. */
export function writeFunction(r: RecordDef): string {
  const lines = r.fields.flatMap((f) => writeValue(f.type, `v.${f.name}`, plus('offset', f.offset), 0));
  for (const [at, length] of paddingOf(r)) lines.push(`new Uint8Array(view.buffer, view.byteOffset + ${plus('offset', at)}, ${length}).fill(0); // padding`);
  return [
    `/** Writes a checked \`${r.name}\` at \`offset\`, which the caller has checked has room for ${r.size} bytes. */`,
    `function ${writeFn(r)}(v: ${recordType(r)}, view: DataView, offset: number): void {`,
    ...lines,
    '}',
  ].join('\n');
}

/** The gaps between the fields of a record (and after the last), as [offset, length]. */
function paddingOf(r: RecordDef): Array<[number, number]> {
  const gaps: Array<[number, number]> = [];
  let end = 0;
  for (const f of [...r.fields].sort((a, b) => a.offset - b.offset)) {
    if (f.offset > end) gaps.push([end, f.offset - end]);
    end = Math.max(end, f.offset + f.size);
  }
  if (r.size > end) gaps.push([end, r.size - end]);
  return gaps;
}

// ---- the public codec -----------------------------------------------------------------------

/** The initializer of `XCodec`: metadata and the three entry points. */
export function codecObject(r: RecordDef): string {
  const fields = r.fields.map((f) => `${f.name}: { offset: ${f.offset}, size: ${f.size} },`);
  return [
    '{',
    `name: ${str(r.name)},`,
    `size: ${r.size},`,
    `align: ${r.align},`,
    'fields: {',
    ...fields,
    '},',
    `encode(v: ${recordType(r)}): Uint8Array {`,
    `${checkFn(r)}(v, ${str(r.name)}, '');`,
    `const bytes = new Uint8Array(${r.size});`,
    `${writeFn(r)}(v, new DataView(bytes.buffer), 0);`,
    'return bytes;',
    '},',
    `encodeInto(v: ${recordType(r)}, view: DataView, offset: number): void {`,
    `need(view.byteLength, offset, ${r.size}, ${str(r.name)});`,
    `${checkFn(r)}(v, ${str(r.name)}, '');`,
    `${writeFn(r)}(v, view, offset);`,
    '},',
    `decode(bytes: Uint8Array, offset = 0): ${recordType(r)} {`,
    `need(bytes.byteLength, offset, ${r.size}, ${str(r.name)});`,
    `return ${readFn(r)}(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset, ${str(r.name)}, '');`,
    '},',
    '}',
  ].join('\n');
}

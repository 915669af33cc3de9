/** `records.ts`: an interface and a strict codec per wire record. */
import type { EnumDef, FieldType, GeneratedFile, Model, RecordField } from '../../model';
import { enumGuard, enumName } from './constants';
import { assertDistinct, doc } from './naming';
import { createFile, finish, VariableDeclarationKind, type Project } from './project';
import { checkFunction, codecName, codecObject, fieldTsType, moduleNames, readFunction, recordType, writeFunction } from './record-codec';

function enumsOf(t: FieldType, out: Set<EnumDef>): void {
  if (t.kind === 'enum') out.add(t.def);
  if (t.kind === 'array') enumsOf(t.element, out);
}

function fieldDoc(f: RecordField): string {
  const notes = [`\`${f.typeName}\` at offset ${f.offset}`];
  if (f.const !== undefined) notes.push(`always \`0x${f.const.toString(16)}\``);
  if (f.range) notes.push(`in ${f.range[0]}..${f.range[1]}`);
  return `${doc(f.doc)} (${notes.join('; ')})`;
}

const SUPPORT = `
/**
 * A record that cannot be decoded or encoded: \`'truncated'\` (too few bytes), \`'range'\` (an
 * unknown enum value, unknown flag bits, a value outside its type or its \`range\`, or a value of
 * the wrong shape) or \`'const'\` (a magic or version that is not the one constant allowed).
 */
export type RecordErrorKind = 'truncated' | 'range' | 'const';

/** Thrown by a codec: \`kind\` says what was wrong, \`record\` and \`field\` where. */
export class RecordError extends Error {
  /**
   * @param kind What was wrong.
   * @param record The IDL name of the record decoded or encoded (\`conn_info\`).
   * @param field The path of the field (\`channels[2].family\`); empty for the record as a whole.
   * @param detail What was found and what was expected.
   */
  constructor(
    readonly kind: RecordErrorKind,
    readonly record: string,
    readonly field: string,
    detail: string,
  ) {
    super(\`\${record}\${field ? '.' + field : ''}: \${detail}\`);
    this.name = 'RecordError';
  }
}

/** Where a field lies in its record. */
export interface FieldLayout {
  /** Byte offset from the start of the record. */
  readonly offset: number;
  /** Size in bytes. */
  readonly size: number;
}

/** The codec of one record type. */
export interface RecordCodec<T> {
  /** The IDL name of the record. */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /** Alignment in bytes (1 for packed records). */
  readonly align: number;
  /** The layout of every field, by name. */
  readonly fields: { readonly [K in keyof T]-?: FieldLayout };
  /** Encodes \`v\` into new bytes; throws a RecordError when \`v\` is not a valid value. */
  encode(v: T): Uint8Array;
  /** Encodes \`v\` at \`offset\` of \`view\`; throws a RecordError (and writes nothing) when \`v\` is not valid or does not fit. */
  encodeInto(v: T, view: DataView, offset: number): void;
  /** Decodes the record at \`offset\` of \`bytes\`; throws a RecordError for short input or invalid contents. */
  decode(bytes: Uint8Array, offset?: number): T;
}

/** A value as an error message shows it. */
function show(x: unknown): string {
  if (typeof x === 'bigint') return \`\${x}n\`;
  if (typeof x === 'number' || typeof x === 'boolean' || x === undefined || x === null) return String(x);
  if (typeof x === 'string') return JSON.stringify(x);
  if (x instanceof Uint8Array) return \`a Uint8Array of \${x.length} bytes\`;
  if (Array.isArray(x)) return \`an array of \${x.length} elements\`;
  return \`a value of type \${typeof x}\`;
}

/** Throws unless \`offset\` is a valid position with \`size\` bytes of \`available\` after it. */
function need(available: number, offset: number, size: number, record: string): void {
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(\`\${record}: offset \${show(offset)} is not a non-negative integer\`);
  if (available - offset < size) {
    throw new RecordError('truncated', record, '', \`needs \${size} bytes at offset \${offset}, but \${Math.max(available - offset, 0)} are there\`);
  }
}
`;

export function emitRecordsFile(project: Project, model: Model): GeneratedFile {
  const sf = createFile(project, 'records.ts', 'Wire records: an interface and a strict little-endian codec per record.');
  const moduleLevel = moduleNames(model.records, model.enums);
  assertDistinct('records.ts', [
    'RecordErrorKind', 'RecordError', 'FieldLayout', 'RecordCodec', 'RECORD_CODECS', 'RecordName', 'show', 'need',
    ...model.records.flatMap((r) => [recordType(r), codecName(r)]),
  ]);

  const used = new Set<EnumDef>();
  for (const r of model.records) for (const f of r.fields) enumsOf(f.type, used);
  const enums = model.enums.filter((e) => used.has(e));
  if (enums.length > 0) {
    sf.addImportDeclaration({
      moduleSpecifier: './constants',
      namedImports: enums.flatMap((e) => [{ name: enumName(e), isTypeOnly: true }, { name: enumGuard(e) }]),
    });
  }
  sf.addStatements(SUPPORT.trim());

  for (const r of model.records) {
    sf.addInterface({
      isExported: true,
      name: recordType(r),
      docs: [`${doc(r.doc)} (record \`${r.name}\`: ${r.size} bytes, ${r.layout}, align ${r.align})`],
      properties: r.fields.map((f) => ({ name: f.name, type: fieldTsType(f.type), docs: [fieldDoc(f)] })),
    });
    sf.addStatements([readFunction(r, moduleLevel), checkFunction(r, moduleLevel), writeFunction(r)]);
    sf.addVariableStatement({
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [`The codec of \`${r.name}\` (${r.size} bytes, little-endian).`],
      declarations: [{ name: codecName(r), type: `RecordCodec<${recordType(r)}>`, initializer: codecObject(r) }],
    });
  }

  sf.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: ['Every record codec, by IDL record name.'],
    declarations: [
      {
        name: 'RECORD_CODECS',
        initializer: `{\n${model.records.map((r) => `${r.name}: ${codecName(r)},`).join('\n')}\n} as const`,
      },
    ],
  });
  sf.addTypeAlias({ isExported: true, name: 'RecordName', type: 'keyof typeof RECORD_CODECS', docs: ['The IDL name of a record.'] });

  return finish(sf);
}

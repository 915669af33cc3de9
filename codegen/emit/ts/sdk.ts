/** `sdk.ts`: the host-side object API (interfaces, dictionaries) and the native binding's shape. */
import type { ApiParam, ApiType, DictionaryDef, GeneratedFile, InterfaceDef, Method, Model } from '../../model';
import { assertDistinct, camel, doc, pascal, upperSnake } from './naming';
import { createFile, finish, VariableDeclarationKind, type FileBuilder, type Project } from './project';
import { recordType } from './record-codec';

/** Where a type is used: what a caller passes in, or what it gets back. */
type Direction = 'in' | 'out';

export function apiTsType(t: ApiType, dir: Direction): string {
  switch (t.kind) {
    case 'bool':
      return 'boolean';
    case 'string':
      return 'string';
    case 'int':
      return 'number';
    case 'bytes':
      return 'Uint8Array';
    case 'memory':
      return dir === 'in' ? 'ArrayBuffer | ArrayBufferView' : 'Buffer';
    case 'abort_signal':
      return 'AbortSignal';
    case 'json':
      return 'object';
    case 'void':
      return 'void';
    case 'dictionary':
      return pascal(t.def.name);
    case 'interface':
      return t.name;
    case 'record':
      // The glue takes a record as its bytes or as the decoded value (its codec encodes it).
      return dir === 'in' ? `Uint8Array | ${recordType(t.def)}` : recordType(t.def);
    case 'array': {
      const e = apiTsType(t.element, dir);
      const element = e.includes(' ') ? `(${e})` : e;
      return dir === 'in' ? `readonly ${element}[]` : `${element}[]`;
    }
  }
}

const defaultsName = (d: DictionaryDef): string => `${upperSnake(d.name)}_DEFAULTS`;

/** A JSON default as a TypeScript literal. */
function literal(v: unknown): string {
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Error(`ts back end: unsupported dictionary default ${JSON.stringify(v)}`);
}

const errorsText = (errors: { name: string }[], async: boolean): string =>
  `{HostwireError} ${async ? 'The promise rejects with' : 'With code'} ${errors.map((e) => e.name).join(', ')}.`;

/** The JS paths under `at` whose values have type kind `kind` (`size`, `options.channels`, `ops[].tag`). */
function pathsOf(t: ApiType, at: string, kind: ApiType['kind'], seen = new Set<string>()): string[] {
  if (t.kind === kind) return [at];
  if (t.kind === 'array') return pathsOf(t.element, `${at}[]`, kind, seen);
  if (t.kind !== 'dictionary' || seen.has(t.def.name)) return [];
  const inner = new Set(seen).add(t.def.name);
  return t.def.fields.flatMap((f) => pathsOf(f.type, `${at}.${camel(f.name)}`, kind, inner));
}

/** `size`, or one of `a`, `b` (the subject of a sentence about one of them). */
const codeList = (paths: string[]): string => `${paths.length > 1 ? 'one of ' : ''}${paths.map((p) => `\`${p}\``).join(', ')}`;

/**
 * The `@throws` texts of the argument checks the N-API glue makes (Node's own codes), and of
 * an AbortSignal that cancels the call; a promise rejects with them instead of throwing.
 */
function argumentErrorsText(params: ApiParam[], async: boolean): string[] {
  if (!params.length) return [];
  const how = async ? 'The promise rejects with' : 'A';
  const all = (kind: ApiType['kind']): string[] => params.flatMap((p) => pathsOf(p.type, camel(p.name), kind));
  const ints = all('int');
  const records = all('record');
  const signals = all('abort_signal');
  return [
    `{TypeError} ${how} ${async ? 'a TypeError ' : 'TypeError '}with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).`,
    ...(ints.length ? [`{RangeError} ${how} ${async ? 'a RangeError ' : 'RangeError '}with code ERR_OUT_OF_RANGE when ${codeList(ints)} is not an integer in its range.`] : []),
    ...(records.length ? [`{TypeError} ${how} ${async ? 'a TypeError ' : 'TypeError '}with code ERR_INVALID_ARG_VALUE when ${codeList(records)} does not decode as its record.`] : []),
    ...(async && signals.length
      ? [`{Error} The promise rejects with an AbortError (\`name\` 'AbortError', \`code\` 'ABORT_ERR', \`cause\` the signal's reason) when ${codeList(signals)} aborts.`]
      : []),
  ];
}

function methodDocs(description: string, params: ApiParam[], errors: { name: string }[], async: boolean) {
  return [
    {
      description: doc(description),
      tags: [
        ...params.map((p) => ({ tagName: 'param', text: `${camel(p.name)} ${doc(p.doc)}` })),
        ...(errors.length ? [{ tagName: 'throws', text: errorsText(errors, async) }] : []),
        ...argumentErrorsText(params, async).map((text) => ({ tagName: 'throws', text })),
      ],
    },
  ];
}

const paramStructures = (params: ApiParam[]) =>
  params.map((p) => ({ name: camel(p.name), type: apiTsType(p.type, 'in'), hasQuestionToken: p.optional }));

function methodReturn(m: Method): string {
  const t = apiTsType(m.returns, 'out');
  return m.async ? `Promise<${t}>` : t;
}

function addDictionary(sf: FileBuilder, d: DictionaryDef): void {
  sf.addInterface({
    isExported: true,
    name: pascal(d.name),
    docs: [`${doc(d.doc)} (dictionary \`${d.name}\`)`],
    properties: d.fields.map((f) => {
      const notes: string[] = [];
      if (f.range) notes.push(`In ${f.range[0]}..${f.range[1]}.`);
      return {
        name: camel(f.name),
        type: apiTsType(f.type, 'in'),
        hasQuestionToken: f.optional,
        docs: [
          {
            description: [doc(f.doc), ...notes].join(' '),
            tags: f.default !== undefined ? [{ tagName: 'defaultValue', text: literal(f.default) }] : [],
          },
        ],
      };
    }),
  });
  const withDefaults = d.fields.filter((f) => f.default !== undefined);
  if (withDefaults.length === 0) return;
  sf.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [`The defaults of \`${pascal(d.name)}\`, as the IDL gives them.`],
    declarations: [
      {
        name: defaultsName(d),
        initializer: `{\n${withDefaults.map((f) => `${camel(f.name)}: ${literal(f.default)},`).join('\n')}\n} as const satisfies Partial<${pascal(d.name)}>`,
      },
    ],
  });
}

function addInterface(sf: FileBuilder, i: InterfaceDef): void {
  sf.addInterface({
    isExported: true,
    name: i.name,
    docs: [doc(i.doc)],
    methods: i.methods.map((m) => ({
      name: camel(m.name),
      docs: methodDocs(m.doc, m.params, m.errors, m.async),
      parameters: paramStructures(m.params),
      returnType: methodReturn(m),
    })),
  });
  if (!i.ctor) return;
  sf.addInterface({
    isExported: true,
    name: `${i.name}Constructor`,
    docs: [`The \`${i.name}\` class.`],
    constructSignatures: [
      {
        docs: methodDocs(i.ctor.doc, i.ctor.params, i.ctor.errors, false),
        parameters: paramStructures(i.ctor.params),
        returnType: i.name,
      },
    ],
  });
}

export function emitSdkFile(project: Project, model: Model): GeneratedFile {
  const sf = createFile(project, 'sdk.ts', 'The host-side object API and the shape of the native binding that implements it.');
  const constructible = model.interfaces.filter((i) => i.ctor);
  assertDistinct('sdk.ts', [
    'NativeAbiInfo', 'RecordRoundTripResult', 'NativeBinding',
    ...model.dictionaries.flatMap((d) => [pascal(d.name), defaultsName(d)]),
    ...model.interfaces.map((i) => i.name),
    ...constructible.map((i) => `${i.name}Constructor`),
  ]);

  const records = new Set<string>();
  const collect = (t: ApiType): void => {
    if (t.kind === 'record') records.add(recordType(t.def));
    if (t.kind === 'array') collect(t.element);
  };
  for (const d of model.dictionaries) d.fields.forEach((f) => collect(f.type));
  for (const i of model.interfaces) {
    for (const m of i.methods) [m.returns, ...m.params.map((p) => p.type)].forEach(collect);
    i.ctor?.params.forEach((p) => collect(p.type));
  }
  sf.addImportDeclaration({ moduleSpecifier: './hostcalls', namedImports: [{ name: 'NativeGuestInstance', isTypeOnly: true }] });
  sf.addImportDeclaration({
    moduleSpecifier: './records',
    namedImports: [{ name: 'RecordErrorKind', isTypeOnly: true }, ...[...records].sort().map((name) => ({ name, isTypeOnly: true }))],
  });

  for (const d of model.dictionaries) addDictionary(sf, d);
  for (const i of model.interfaces) addInterface(sf, i);

  sf.addInterface({
    isExported: true,
    name: 'NativeAbiInfo',
    docs: ['What the native core was compiled with: compare with the generated TypeScript to detect a stale build.'],
    properties: [
      { name: 'version', type: 'string', docs: ['The ABI version, `major.minor.patch`.'] },
      {
        name: 'protocols',
        type: 'Record<string, { name: string; version: string; major: number; minor: number; patch: number }>',
        docs: ["Each protocol's version by protocol name."],
      },
      { name: 'errno', type: 'Record<string, number>', docs: ['Errno numbers by name.'] },
      { name: 'enums', type: 'Record<string, Record<string, number>>', docs: ['Enum values by IDL enum name, then value name.'] },
      { name: 'flags', type: 'Record<string, Record<string, number>>', docs: ['Flag masks by IDL flag-set name, then bit name.'] },
      { name: 'constants', type: 'Record<string, number | bigint>', docs: ['Constants by IDL name.'] },
      {
        name: 'records',
        type: 'Record<string, { size: number; align: number; fields: Record<string, number> }>',
        docs: ['Record sizes, alignments and field offsets by IDL record name.'],
      },
    ],
  });
  sf.addTypeAlias({
    isExported: true,
    name: 'RecordRoundTripResult',
    docs: ['The outcome of a native decode and re-encode: the bytes, or the kind of error the decoder found.'],
    type: '{ ok: true; bytes: Uint8Array } | { ok: false; error: RecordErrorKind }',
  });
  sf.addInterface({
    isExported: true,
    name: 'NativeBinding',
    docs: ['What the native addon exports.'],
    properties: [
      ...constructible.map((i) => ({ name: i.name, type: `${i.name}Constructor`, docs: [`The \`${i.name}\` class.`] })),
      {
        name: 'GuestInstance',
        type: 'new () => NativeGuestInstance',
        docs: ["A guest instance's native state (its fd table); an instance implements every hostcall, and gives its wasm imports."],
      },
    ],
    methods: [
      { name: 'abi', returnType: 'NativeAbiInfo', docs: ['What the native core was compiled with.'] },
      {
        name: 'recordRoundTrip',
        parameters: [
          { name: 'name', type: 'string' },
          { name: 'bytes', type: 'Uint8Array' },
        ],
        returnType: 'RecordRoundTripResult',
        docs: [
          {
            description: "Decodes `bytes` as record `name` with the native codec and encodes the result again, for the conformance tests.",
            tags: [
              { tagName: 'param', text: 'name The IDL record name (`conn_info`).' },
              { tagName: 'param', text: 'bytes The bytes to decode.' },
            ],
          },
        ],
      },
    ],
  });

  return finish(sf);
}

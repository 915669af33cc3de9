/**
 * The model seen from C: every name, type, call and doc comment the templates lay out.
 *
 * The inline helpers are derived from the model, not listed by hand: a hostcall's
 * `cAliases`, `cHelpers` and parameters (output buffers, ctl commands, record helpers) decide
 * which helpers it gets, and each helper's call is built from the shared lowering
 * (`HostcallParam.lowered`), binding some wasm values to expressions and passing the others
 * through as helper parameters.
 */
import type {
  Alias,
  Constant,
  EnumDef,
  FieldType,
  FlagsDef,
  Hostcall,
  ImplArg,
  InOutArg,
  LoweredValue,
  Model,
  OutputArg,
  RecordDef,
  RecordField,
} from '../../model';
import { visitArg } from '../../resolve/plan';
import { cLiteral, cString, docComment, type DocEntry } from './text';

/** A function head: rendered by the `signature` helper as `ret name(params)`. */
export interface Fn {
  ret: string;
  name: string;
  params: string[];
}

/** A call: rendered by the `call` helper as `fn(args)`. */
export interface Call {
  fn: string;
  args: string[];
}

export interface ConstView {
  doc: string;
  name: string;
  value: string;
}

export interface AliasView {
  doc: string;
  name: string;
  target: string;
}

export interface EnumView {
  doc: string;
  values: ConstView[];
  aliases: AliasView[];
}

export interface FlagsView {
  doc: string;
  /** Whether the bits are constants of an anonymous enum (`int`), as SPEAR's header has them. */
  enumerated: boolean;
  bits: ConstView[];
  aliases: AliasView[];
}

export interface RecordView {
  doc: string;
  name: string;
  packed: boolean;
  fields: { doc: string; decl: string; name: string; offset: number }[];
  size: number;
  align: number;
}

/** `return call(...)`: aliases and `_str` helpers. */
interface ForwardHelper {
  kind: 'forward';
  doc: string;
  fn: Fn;
  call: Call;
}

/** A ctl command whose argument length is `lenInit` (JSON input, or nothing). */
interface CtlHelper {
  kind: 'ctl';
  doc: string;
  fn: Fn;
  lenInit: string;
  call: Call;
}

/** `_string` and `_u32` variants of a SET_PARAM-style command, over its `_json` helper. */
interface ParamHelper {
  kind: 'param';
  /** Sizes of the stack buffers the JSON is built in (SPEAR's). */
  stringCap: number;
  u32Cap: number;
  stringDoc: string;
  stringFn: Fn;
  stringCall: Call;
  u32Doc: string;
  u32Fn: Fn;
  u32Call: Call;
}

/** The one `*_alloc` pattern; `call` passes `a.ptr` and `a.len_ptr` as the output buffer. */
interface AllocHelper {
  kind: 'alloc';
  doc: string;
  fn: Fn;
  call: Call;
}

/** Read one record into `*out`. */
interface RecordHelper {
  kind: 'read_record';
  doc: string;
  fn: Fn;
  out: string;
  call: Call;
}

/** The log helpers, after the log hostcall. */
interface LogHelper extends LogView {
  kind: 'log';
}

export type HelperView = ForwardHelper | CtlHelper | ParamHelper | AllocHelper | RecordHelper | LogHelper;

export interface HostcallView {
  doc: string;
  importName: string;
  proto: Fn;
  helpers: HelperView[];
}

export interface FamilyView {
  name: string;
  hostcalls: HostcallView[];
}

/** Names the log helpers and the stdio redirect macros use. */
export interface LogView {
  write: string;
  str: string;
  logf: string;
  fprintf: string;
  puts: string;
  /** The log hostcall. */
  hostcall: string;
  levels: { fn: string; level: string }[];
  info: string;
  infof: string;
  error: string;
  debug: string;
}

/** What every header shows: the items whose `cHeader` is this file. */
export interface HeaderView {
  banner: string;
  guard: string;
  constants: ConstView[];
  enums: EnumView[];
  flags: FlagsView[];
  records: RecordView[];
}

export interface MainHeaderView extends HeaderView {
  subHeaders: string[];
  importMacro: string;
  module: string;
  abi: { name: ConstView; version: ConstView; parts: ConstView[]; record: string };
  errnoDoc: string;
  errnos: ConstView[];
  errnoAliases: ConstView[];
  families: FamilyView[];
  log: LogView;
  names: KnownNames;
}

/** C names of the constants and error values the shared helpers use. */
export interface KnownNames {
  allocInitial: string;
  allocMaxTries: string;
  logMaxBytes: string;
  /** `-SPEAR_ENOSPC` and the like. */
  enospc: string;
  enomem: string;
  efault: string;
  einval: string;
  /** The alias of -EIO that SPEAR's helpers return when a JSON argument does not fit. */
  internal: string;
}

/** spear_ssf.h: the SSF helpers read the wire header's field offsets from the model. */
export interface SsfHeaderView extends HeaderView {
  header: string;
  wire: Record<string, number>;
  magic: string;
  version: string;
  headerLen: string;
}

/** An IDL item the C helpers need by name; a missing one is a bug in the IDL for this back end. */
function need<T>(what: string, item: T | undefined): T {
  if (item === undefined) throw new Error(`C back end: the IDL has no ${what}`);
  return item;
}

function constantNamed(model: Model, name: string): Constant {
  return need(`constant ${name}`, model.constants.find((c) => c.name === name));
}

function recordNamed(model: Model, name: string): RecordDef {
  return need(`record ${name}`, model.records.find((r) => r.name === name));
}

/** `text` with `note` in parentheses before its final period: "The fd (note)." */
function annotate(text: string, note: string): string {
  return text.endsWith('.') ? `${text.slice(0, -1)} (${note}).` : `${text} (${note})`;
}

function aliasView(a: Alias): AliasView {
  return { doc: docComment([`Another name of \`${a.target}\`.`]), name: a.name, target: a.target };
}

/** C enum constants are `int`. */
function enumConstant(name: string, value: bigint): string {
  if (value < -(2n ** 31n) || value >= 2n ** 31n) {
    throw new Error(`C back end: ${name} = ${value} does not fit a C enum constant (int)`);
  }
  return value.toString();
}

function constView(c: Constant): ConstView {
  return { doc: docComment([c.doc]), name: c.cName, value: cLiteral(c.value, c.type) };
}

function enumView(e: EnumDef): EnumView {
  return {
    doc: docComment([`\`${e.name}\` (${e.type.name}): ${e.doc}`]),
    values: e.values.map((v) => ({ doc: docComment([v.doc], 4), name: v.cName, value: enumConstant(v.cName, v.value) })),
    aliases: e.aliases.map(aliasView),
  };
}

/**
 * Flag bits are constants of an anonymous enum (`int`), as in SPEAR's header, so that each
 * has SPEAR's C type; a set with a bit that does not fit an `int` (bit 31 and up) is written
 * as masks of an unsigned type wide enough for it instead.
 */
function flagsView(f: FlagsDef): FlagsView {
  const enumerated = f.bits.every((b) => b.bit < 31);
  const wide = f.type.bytes === 8 ? 'uint64_t' : 'uint32_t';
  return {
    doc: docComment([`\`${f.name}\` (${f.type.name} flags): ${f.doc}`], 0, '/*'),
    enumerated,
    bits: f.bits.map((b) => ({
      doc: docComment([b.doc], enumerated ? 4 : 0),
      name: b.cName,
      value: enumerated ? `0x${(1n << BigInt(b.bit)).toString(16).padStart(3, '0')}` : `((${wide})1u << ${b.bit})`,
    })),
    aliases: f.aliases.map(aliasView),
  };
}

/** The C element type of a field and its array dimensions. */
function fieldType(t: FieldType): { base: string; dims: number[] } {
  if (t.kind === 'array') {
    const inner = fieldType(t.element);
    return { base: inner.base, dims: [t.length, ...inner.dims] };
  }
  const base = t.kind === 'int' ? t.int.c : t.kind === 'record' ? t.def.cName : t.def.type.c;
  return { base, dims: [] };
}

function fieldDoc(f: RecordField): string {
  let text = f.type.kind === 'enum' || f.type.kind === 'flags' ? annotate(f.doc, `\`${f.typeName}\``) : f.doc;
  if (f.const !== undefined) text += ` Always ${f.const >= 256n ? `0x${f.const.toString(16)}` : f.const}.`;
  if (f.range) text += ` In [${f.range[0]}, ${f.range[1]}].`;
  return docComment([text], 4);
}

function recordView(r: RecordDef): RecordView {
  return {
    doc: docComment([r.doc, '', `Layout: ${r.layout}, ${r.size} bytes, aligned to ${r.align}.`]),
    name: r.cName,
    packed: r.layout === 'packed',
    fields: r.fields.map((f) => {
      const t = fieldType(f.type);
      const decl = `${t.base} ${f.name}${t.dims.map((d) => `[${d}]`).join('')};`;
      return { doc: fieldDoc(f), decl, name: f.name, offset: f.offset };
    }),
    size: r.size,
    align: r.align,
  };
}

function headerView(model: Model, file: string, guard: string): HeaderView {
  const here = <T extends { cHeader: string }>(items: T[]) => items.filter((i) => i.cHeader === file);
  return {
    banner: `/* Generated by hostwire from the IDL (${model.abi.name} ${model.abi.version.text}): do not edit by hand. */`,
    guard,
    constants: here(model.constants).map(constView),
    enums: here(model.enums).map(enumView),
    flags: here(model.flags).map(flagsView),
    records: here(model.records).map(recordView),
  };
}

// ---- hostcalls -------------------------------------------------------------------------------

function returnDoc(h: Hostcall): string | undefined {
  switch (h.returns.kind) {
    case 'count':
      return h.returns.of ? `The number of \`${h.returns.of.name}\` records written, or -errno.` : 'A byte count, or -errno.';
    case 'fd':
      return 'The new fd, or -errno.';
    case 'status':
      return '0, or -errno.';
    case 'value':
      return `The ${need('result type', h.returns.int).name} value.`;
    case 'none':
      return undefined;
  }
}

/** The `@param` entries of one argument: one per wasm value it lowers to. */
function argDocs(a: ImplArg): DocEntry[] {
  const p = a.param;
  const ptr = (v: LoweredValue): DocEntry => ({ tag: `@param ${v.name}`, text: annotate(p.doc, 'guest address') });
  return visitArg<DocEntry[]>(a, {
    value: (x) => {
      const type = p.enumDef ?? p.flagsDef;
      return [{ tag: `@param ${x.value.name}`, text: type ? annotate(p.doc, `\`${type.name}\``) : p.doc }];
    },
    input: (x) => [ptr(x.ptr), { tag: `@param ${x.len.name}`, text: `Length of \`${p.name}\` in bytes.` }],
    output: (x) => [ptr(x.ptr), { tag: `@param ${x.lenPtr.name}`, text: 'Address of a uint32_t: the capacity in; the length written, or needed with -ENOSPC, out.' }],
    inout: (x) => [ptr(x.ptr), { tag: `@param ${x.lenPtr.name}`, text: 'Address of a uint32_t: the input length in, the output length out.' }],
  });
}

function hostcallDoc(h: Hostcall): string {
  const entries: DocEntry[] = [h.doc];
  const tagged: DocEntry[] = h.plan.impl.flatMap(argDocs);
  const ret = returnDoc(h);
  if (ret) tagged.push({ tag: '@return', text: ret });
  if (tagged.length) entries.push('', ...tagged);
  const notes: string[] = [];
  if (h.errors.length) notes.push(`Errors: ${h.errors.map((e) => `-${e.name}`).join(', ')}.`);
  if (h.blocking) notes.push('May block the calling guest.');
  if (!h.implemented) notes.push('Not implemented by this host yet: returns -ENOSYS.');
  if (notes.length) entries.push('', ...notes);
  return docComment(entries);
}

/** The C result type of the import: the plan's, so the prototype and the static assert agree. */
const resultType = (h: Hostcall): string => h.plan.result.c;

/** How a helper supplies one IDL parameter: its own parameters, and the call's arguments. */
interface Binding {
  params: string[];
  args: string[];
}

const asAddress = (expr: string) => `(int32_t)(uintptr_t)${expr}`;

/** A helper over `h`: the parameters, the names the caller passed, and the call to `h`. */
interface Over {
  params: string[];
  names: string[];
  call: Call;
}

/**
 * A helper over `h`: `bind` supplies some IDL parameters; the others pass through as helper
 * parameters with their lowered names and C types.
 */
function helperOver(h: Hostcall, bind: (a: ImplArg) => Binding | undefined): Over {
  const over: Over = { params: [], names: [], call: { fn: h.cName, args: [] } };
  for (const a of h.plan.impl) {
    const p = a.param;
    const bound = bind(a);
    if (bound) {
      over.params.push(...bound.params);
      over.call.args.push(...bound.args);
    } else {
      over.params.push(...p.lowered.map((v) => `${v.c} ${v.name}`));
      over.names.push(...p.lowered.map((v) => v.name));
      over.call.args.push(...p.lowered.map((v) => v.name));
    }
  }
  return over;
}

function aliasHelpers(h: Hostcall): HelperView[] {
  return h.cAliases.map((name) => {
    const { params, call } = helperOver(h, () => undefined);
    return { kind: 'forward', doc: docComment([`Same as \`${h.cName}\`.`]), fn: { ret: resultType(h), name, params }, call };
  });
}

function strHelpers(h: Hostcall): HelperView[] {
  return h.cHelpers.map((helper) => {
    if (helper !== 'str') throw new Error(`C back end: ${h.name}: unknown C helper '${helper}'`);
    const { params, call } = helperOver(h, (a) =>
      a.kind === 'input' && a.text
        ? { params: [`const char *${a.param.cStrName}`], args: [asAddress(a.param.cStrName), `(int32_t)strlen(${a.param.cStrName})`] }
        : undefined,
    );
    const doc = docComment([`\`${h.cName}\` taking NUL-terminated strings.`]);
    return { kind: 'forward', doc, fn: { ret: resultType(h), name: `${h.cName}_str`, params }, call };
  });
}

/** Binds the output buffer of an alloc helper to the state of the shared pattern. */
const allocBinding: Binding = { params: [], args: ['a.ptr', 'a.len_ptr'] };

/** What every `*_alloc` helper returns. */
const ALLOC_RESULT =
  "The result in a malloc'd buffer (see `sp_internal_alloc_t`), NUL-terminated, with its length " +
  'in `*out_len`; NULL on any error. The caller frees it.';

/** `_json`, `_string`/`_u32`, no-argument and `_alloc` helpers for each command of a ctl hostcall. */
function ctlHelpers(h: Hostcall, arg: InOutArg, known: KnownNames): HelperView[] {
  const commands = need(`command enum of ${h.name}`, arg.commands);
  const cmd = need(`command parameter of ${h.name}`, h.plan.impl.find((a) => a.param.enumDef === commands));
  const base = h.cName.replace(/_ctl$/, '');
  return commands.values.filter((v) => v.cHelper).flatMap((v): HelperView[] => {
    const name = `${base}_${v.name.toLowerCase()}`;
    const bind = (argArgs: string[]) => (a: ImplArg): Binding | undefined =>
      a === cmd ? { params: [], args: [v.cName] } : a === arg ? { params: [], args: argArgs } : undefined;
    if (v.input === 'json' && v.output === 'none') {
      const { params, names, call } = helperOver(h, bind([asAddress('json'), asAddress('&len')]));
      const json: Fn = { ret: 'int32_t', name: `${name}_json`, params: [...params, 'const char *json', 'uint32_t json_len'] };
      const doc = docComment([v.doc, '', `Runs \`${v.cName}\` with the \`json_len\` bytes of JSON at \`json\`.`]);
      const helpers: HelperView[] = [{ kind: 'ctl', doc, fn: json, lenInit: 'json_len', call }];
      if (v.paramHelpers) {
        const [stringCap, u32Cap] = [512, 256];
        const call = { fn: json.name, args: [...names, 'json', '(uint32_t)n'] };
        const doc = (shape: string, cap: number) =>
          docComment([
            `\`${json.name}\` with \`${shape}\` (not escaped); ${known.internal} when that is over ${cap - 1} bytes.`,
          ]);
        helpers.push({
          kind: 'param',
          stringCap,
          u32Cap,
          stringDoc: doc('{"key":"<key>","value":"<value>"}', stringCap),
          stringFn: { ret: 'int32_t', name: `${name}_string`, params: [...params, 'const char *key', 'const char *value'] },
          stringCall: call,
          u32Doc: doc('{"key":"<key>","value":<value>}', u32Cap),
          u32Fn: { ret: 'int32_t', name: `${name}_u32`, params: [...params, 'const char *key', 'uint32_t value'] },
          u32Call: call,
        });
      }
      return helpers;
    }
    if (v.input === 'none' && v.output === 'none') {
      const { params, call } = helperOver(h, bind(['0', asAddress('&len')]));
      const doc = docComment([v.doc, '', `Runs \`${v.cName}\` with no argument.`]);
      return [{ kind: 'ctl', doc, fn: { ret: 'int32_t', name, params }, lenInit: '0', call }];
    }
    if (v.input === 'none' && v.output === 'json') {
      const { params, call } = helperOver(h, bind(allocBinding.args));
      const fn: Fn = { ret: 'uint8_t *', name: `${name}_alloc`, params: [...params, 'uint32_t *out_len'] };
      return [{ kind: 'alloc', doc: docComment([v.doc, '', `Runs \`${v.cName}\`. ${ALLOC_RESULT}`]), fn, call }];
    }
    throw new Error(`C back end: ${v.cName}: no C helper for a command with both JSON input and output`);
  });
}

function outputHelpers(h: Hostcall, out: OutputArg, known: KnownNames): HelperView[] {
  const { params, call } = helperOver(h, (a) => (a === out ? allocBinding : undefined));
  const helpers: HelperView[] = [
    {
      kind: 'alloc',
      doc: docComment([`\`${h.cName}\` into a buffer that grows to fit. ${ALLOC_RESULT}`]),
      fn: { ret: 'uint8_t *', name: `${h.cName}_alloc`, params: [...params, 'uint32_t *out_len'] },
      call,
    },
  ];
  const p = out.param;
  if (p.cRecordHelper) {
    const record = need(`record of ${h.name}.${p.name}`, out.record);
    const into: Binding = { params: [`${record.cName} *${p.name}`], args: [asAddress(p.name), asAddress('&len')] };
    const read = helperOver(h, (a) => (a === out ? into : undefined));
    helpers.push({
      kind: 'read_record',
      doc: docComment([`\`${h.cName}\` of one \`${record.name}\` record into \`*${p.name}\`; ${known.efault} for NULL.`]),
      fn: { ret: resultType(h), name: p.cRecordHelper, params: read.params },
      out: p.name,
      call: read.call,
    });
  }
  return helpers;
}

function logView(model: Model, log: Hostcall): LogView {
  const level = need(`level parameter of ${log.name}`, log.params.find((p) => p.enumDef)?.enumDef);
  const fp = model.abi.c.functionPrefix;
  const valueNamed = (name: string) => need(`${level.name} value ${name}`, level.values.find((v) => v.name === name)).cName;
  return {
    write: `${log.cName}_write`,
    str: `${log.cName}_str`,
    logf: `${log.cName}f`,
    fprintf: `${fp}fprintf`,
    puts: `${fp}puts_log`,
    hostcall: log.cName,
    levels: level.values.map((v) => ({ fn: `${fp}${v.name.toLowerCase()}f`, level: v.cName })),
    info: valueNamed('INFO'),
    infof: `${fp}infof`,
    error: valueNamed('ERROR'),
    debug: valueNamed('DEBUG'),
  };
}

function hostcallView(h: Hostcall, known: KnownNames, log: LogView | undefined): HostcallView {
  const helpers = [...aliasHelpers(h), ...strHelpers(h)];
  // One `_alloc` helper per call: with several outputs, it would be ambiguous (no helpers then).
  const single = h.plan.outputs.length === 1;
  for (const a of h.plan.impl) {
    helpers.push(
      ...visitArg<HelperView[]>(a, {
        value: () => [],
        input: () => [],
        output: (x) => (single ? outputHelpers(h, x, known) : []),
        inout: (x) => (single ? ctlHelpers(h, x, known) : []),
      }),
    );
  }
  if (log) helpers.push({ kind: 'log', ...log });
  return {
    doc: hostcallDoc(h),
    importName: cString(h.name),
    proto: { ret: resultType(h), name: h.cName, params: h.wasmParams.map((v) => `${v.c} ${v.name}`) },
    helpers,
  };
}

// ---- the headers -----------------------------------------------------------------------------

/** Include guard of a sub-header: the main guard with the main header's name replaced. */
function subGuard(model: Model, file: string): string {
  const token = (f: string) => f.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  const main = model.abi.c.guard;
  const stem = token(model.abi.c.header);
  const prefix = main.endsWith(stem) ? main.slice(0, -stem.length) : `${main}_`;
  return prefix + token(file);
}

export function mainHeaderView(model: Model): MainHeaderView {
  const { c, version } = model.abi;
  const cp = c.constantPrefix;
  const negated = (name: string) => `-${cp}${need(`errno ${name}`, model.errnos.find((e) => e.name === name)).name}`;
  const names: KnownNames = {
    allocInitial: constantNamed(model, 'ALLOC_INITIAL_BYTES').cName,
    allocMaxTries: constantNamed(model, 'ALLOC_MAX_TRIES').cName,
    logMaxBytes: constantNamed(model, 'LOG_MAX_BYTES').cName,
    enospc: negated('ENOSPC'),
    enomem: negated('ENOMEM'),
    efault: negated('EFAULT'),
    einval: negated('EINVAL'),
    internal: need('errno alias of EIO', model.errnoAliases.find((a) => a.errno === 'EIO')).name,
  };
  const logCall = need('log hostcall', model.hostcalls.find((h) => h.name === 'log'));
  const log = logView(model, logCall);
  const families: FamilyView[] = [];
  for (const h of model.hostcalls) {
    const view = hostcallView(h, names, h === logCall ? log : undefined);
    const last = families[families.length - 1];
    if (last?.name === h.family) last.hostcalls.push(view);
    else families.push({ name: h.family, hostcalls: [view] });
  }
  const define = (name: string, value: string, doc = ''): ConstView => ({ doc: doc && docComment([doc]), name, value });
  return {
    ...headerView(model, c.header, c.guard),
    subHeaders: [...new Set([...model.constants, ...model.enums, ...model.flags, ...model.records].map((i) => i.cHeader))]
      .filter((f) => f !== c.header)
      .sort(),
    importMacro: c.importMacro,
    module: cString(model.abi.module),
    abi: {
      name: define(`${cp}ABI_NAME`, cString(model.abi.name), 'The ABI this header describes.'),
      version: define(`${cp}ABI_VERSION`, cString(version.text), 'Its version, "major.minor.patch".'),
      parts: [
        define(`${cp}ABI_VERSION_MAJOR`, String(version.major)),
        define(`${cp}ABI_VERSION_MINOR`, String(version.minor)),
        define(`${cp}ABI_VERSION_PATCH`, String(version.patch)),
      ],
      record: `${cp}ABI_NAME "/" ${cp}ABI_VERSION`,
    },
    errnoDoc: docComment([
      `Errno codes (Linux numbers): a hostcall returns -${cp}<NAME> on failure. ` +
        "The aliases after them are SPEAR's compatibility names.",
    ]),
    errnos: model.errnos.map((e) => ({ doc: docComment([e.doc], 4), name: `${cp}${e.name}`, value: String(e.value) })),
    errnoAliases: model.errnoAliases.map((a) => ({
      doc: docComment([a.doc], 4),
      name: a.name,
      value: a.errno ? `-${cp}${a.errno}` : String(a.value),
    })),
    families,
    log,
    names,
  };
}

export function ssfHeaderView(model: Model, file: string): SsfHeaderView {
  const wire = recordNamed(model, 'ssf_v1_wire_header');
  const header = recordNamed(model, 'ssf_v1_header');
  return {
    ...headerView(model, file, subGuard(model, file)),
    header: header.cName,
    wire: Object.fromEntries(wire.fields.map((f) => [f.name, f.offset])),
    magic: constantNamed(model, 'SSF_V1_MAGIC').cName,
    version: constantNamed(model, 'SSF_V1_VERSION').cName,
    headerLen: constantNamed(model, 'SSF_V1_HEADER_LEN').cName,
  };
}

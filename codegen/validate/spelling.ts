/**
 * Stage 2c: names that are distinct in the IDL but not in the generated code. The back ends
 * case IDL names for their languages (`peer_id` -> `peerId`, `PeerId`, `PEER_ID`), derive
 * names from them (`ConnInfoCodec`, `isFdKind`, `SESSION_OPTIONS_DEFAULTS`, `buf_len_ptr`)
 * and declare names of their own (`RecordError`, `NativeBinding`); C takes some names as
 * they are. Two names that end up spelled alike would make a file that does not compile, so
 * they are refused here, at the IDL item, before any back end runs.
 *
 * Casing only changes letter case and underscores, so within one scope names are compared
 * folded (lower case, no underscores): whatever casing a back end applies, names whose folds
 * differ stay apart.
 */
import { Diagnostic, pointer as ptr } from '../diagnostics';
import type { Located, RawIdl, RawObject } from '../raw';
import { pascal, upperSnake } from '../emit/shared/text';

const fold = (name: string): string => name.toLowerCase().replace(/_/g, '');
const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const list = (o: RawObject, key: string): RawObject[] => (Array.isArray(o[key]) ? (o[key] as RawObject[]) : []);

/** One name as a back end spells it, and where it comes from. */
interface Spelled {
  /** The identifier in the generated code. */
  id: string;
  /** What it is, for messages: `record 'conn_info'`, `the codec of record 'conn_info' (ConnInfoCodec)`. */
  what: string;
  /** The IDL item that gives it; none for the generated code's own names. */
  at?: Located;
  sub?: string;
  /**
   * The item that gives the name (`record conn_info`): names of one item, or of two items
   * with one name (which the uniqueness checks report already), are not compared.
   */
  item?: string;
}

/** Names the TypeScript files declare themselves, exported from one barrel with the IDL's. */
const TS_OWN_NAMES = [
  'ABI', 'PROTOCOLS', 'Errno', 'ErrnoName', 'ErrnoValue', 'errnoDoc', 'errnoName', 'HostwireError', 'isHostwireError',
  'FieldLayout', 'RECORD_CODECS', 'RecordCodec', 'RecordError', 'RecordErrorKind', 'RecordName',
  'GuestMemory', 'HOSTCALLS', 'HostcallInfo', 'HostcallName', 'HostcallParamInfo', 'WasmParamInfo',
  'SpearHostImpl', 'SpearImports', 'createSpearImports', 'enosysHost',
  'NativeAbiInfo', 'NativeBinding', 'RecordRoundTripResult',
];

/** The N-API glue's own files, classes and members: an interface spelled like one collides with it. */
const NAPI_OWN_NAMES = [
  'guest_instance', 'core_types', 'convert', 'errors', 'memory', 'completion', 'wrap', 'dictionaries', 'abi', 'module',
  'addon_data', 'where', 'bytes', 'unit', 'env_life', 'error_class', 'life', 'pending', 'pending_tag',
];

/** Property names JavaScript gives a meaning of its own. */
const JS_MEMBER_NAMES = ['__proto__', 'constructor', 'prototype'];

/** Names the N-API glue of a hostcall uses beside its parameters (codegen/emit/napi/hostcalls.ts). */
const GLUE_LOCALS = ['info', 'env', 'ctx', 'mem', 'r', 'impl', 'kWhere'];

/** C keywords (C11), and the <stdbool.h> names: the C header uses some IDL names as they are. */
const C_KEYWORDS = new Set(
  (
    'auto break case char const continue default do double else enum extern float for goto if inline int long ' +
    'register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while ' +
    '_Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert _Thread_local bool true false NULL'
  ).split(' '),
);

class Spelling {
  readonly diags: Diagnostic[] = [];

  where(at: Located, sub = ''): string {
    const line = at.file.lineOf(at.pointer + sub);
    return `${at.file.displayPath}${line !== undefined ? ':' + line : ''}`;
  }

  report(s: Spelled, message: string): void {
    const pointer = s.at!.pointer + (s.sub ?? '');
    this.diags.push({ file: s.at!.file.displayPath, pointer, line: s.at!.file.lineOf(pointer), message });
  }

  /**
   * Report every IDL name whose fold (or exact spelling, for C) is taken by an earlier one of
   * `scope`, at the later one.
   */
  scope(entries: Spelled[], how: 'folded' | 'exact', scopeName: string): void {
    const first = new Map<string, Spelled>();
    for (const e of entries) {
      const key = how === 'folded' ? fold(e.id) : e.id;
      const prev = first.get(key);
      if (!prev) {
        first.set(key, e);
        continue;
      }
      if (!e.at || (prev.item !== undefined && prev.item === e.item)) continue;
      const other = prev.at ? `${prev.what} (${this.where(prev.at, prev.sub)})` : prev.what;
      if (how === 'exact') {
        this.report(e, `${e.what} is ${e.id} in C, as is ${other}; expected each C name once`);
      } else {
        const shown = e.id === prev.id ? `'${e.id}'` : `'${e.id}' and '${prev.id}'`;
        this.report(
          e,
          `${e.what} collides with ${other} in ${scopeName}: ${shown} differ only in case and underscores, which the target languages' casing does not keep apart; expected another name`,
        );
      }
    }
  }
}

export function checkSpelling(raw: RawIdl): Diagnostic[] {
  const s = new Spelling();
  const { sections } = raw;
  const sub = '/name';

  // Everything the TypeScript barrel exports, and the C++ type names.
  const exported: Spelled[] = TS_OWN_NAMES.map((id) => ({ id, what: `'${id}', which the generated TypeScript declares itself` }));
  for (const at of sections.constants) {
    const n = str(at.item.name);
    exported.push({ id: n, what: `constant '${n}'`, at, sub, item: `constant ${n}` });
  }
  const typeItem = (section: 'enums' | 'flags' | 'records' | 'dictionaries' | 'interfaces', kind: string, derived: (n: string, at: Located) => Array<[string, string]>) => {
    for (const at of sections[section]) {
      const n = str(at.item.name);
      // Type names share one namespace: two items of one name are the semantic check's.
      exported.push({ id: n, what: `${kind} '${n}'`, at, sub, item: `type ${n}` });
      for (const [id, role] of derived(n, at)) exported.push({ id, what: `${role} of ${kind} '${n}' (${id})`, at, sub, item: `type ${n}` });
    }
  };
  typeItem('enums', 'enum', (n) => [[`is${pascal(n)}`, 'the type guard']]);
  typeItem('flags', 'flags', () => []);
  typeItem('records', 'record', (n) => [[`${pascal(n)}Codec`, 'the codec']]);
  typeItem('dictionaries', 'dictionary', (n) => [[`${upperSnake(n)}_DEFAULTS`, 'the defaults']]);
  typeItem('interfaces', 'interface', (n, at) => (at.item.ctor ? [[`${n}Constructor`, 'the constructor type']] : []));
  s.scope(exported, 'folded', 'the generated TypeScript and C++');

  // The N-API glue names its files and classes after the interfaces.
  s.scope(
    [
      ...NAPI_OWN_NAMES.map((id) => ({ id, what: `'${id}', a file or member of the N-API glue` })),
      // Two interfaces spelled alike are reported with the TypeScript names above.
      ...sections.interfaces.map((at) => ({ id: str(at.item.name), what: `interface '${str(at.item.name)}'`, at, sub, item: 'interface' })),
    ],
    'folded',
    'the N-API glue',
  );

  // C++ `k` constants: the constants, the errno codes and every version (kAbiVersion, kTransferVersionMajor).
  const kNames: Spelled[] = [{ id: 'kAbi', what: "'kAbiVersion', the ABI's version constants in C++" }];
  for (const at of raw.protocols) {
    const n = str(at.item.name);
    kNames.push({ id: `k${pascal(n)}`, what: `protocol '${n}' (its version constants k${pascal(n)}Version*)`, at, sub, item: `protocol ${n}` });
  }
  for (const at of sections.constants) {
    const n = str(at.item.name);
    // kTransferVersionMajor and kTransferVersion both belong to the protocol's set.
    kNames.push({ id: `k${n}`.replace(/_?version_?(major|minor|patch)?$/i, ''), what: `constant '${n}' (k${n})`, at, sub, item: `constant ${n}` });
  }
  if (raw.errno) {
    list(raw.errno.item, 'codes').forEach((e, i) => kNames.push({ id: `k${str(e.name)}`, what: `errno '${str(e.name)}'`, at: raw.errno!, sub: ptr('codes', i, 'name'), item: `errno ${str(e.name)}` }));
  }
  s.scope(kNames, 'folded', 'the C++ constants');

  // Hostcalls: methods of one TypeScript interface.
  s.scope(sections.hostcalls.map((at) => ({ id: str(at.item.name), what: `hostcall '${str(at.item.name)}'`, at, sub, item: str(at.item.name) })), 'folded', 'the hostcall interface');
  s.scope(raw.protocols.map((at) => ({ id: str(at.item.name), what: `protocol '${str(at.item.name)}'`, at, sub, item: str(at.item.name) })), 'folded', 'the PROTOCOLS object');

  // Members of one item.
  const members = (at: Located, items: RawObject[], base: string, kind: string, scopeName: string, reserved: string[] = []) => {
    s.scope(
      [
        ...reserved.map((id) => ({ id, what: `'${id}', which JavaScript reserves for itself` })),
        ...items.map((m, i) => ({ id: str(m.name), what: `${kind} '${str(m.name)}'`, at, sub: ptr(...base.split('/').filter(Boolean), i, 'name'), item: str(m.name) })),
      ],
      'folded',
      scopeName,
    );
  };
  for (const at of sections.enums) members(at, list(at.item, 'values'), 'values', 'value', `enum '${str(at.item.name)}'`);
  for (const at of sections.flags) members(at, list(at.item, 'bits'), 'bits', 'flag', `flags '${str(at.item.name)}'`);
  for (const at of sections.records) members(at, list(at.item, 'fields'), 'fields', 'field', `record '${str(at.item.name)}'`, JS_MEMBER_NAMES);
  for (const at of sections.dictionaries) members(at, list(at.item, 'fields'), 'fields', 'field', `dictionary '${str(at.item.name)}'`, JS_MEMBER_NAMES);
  for (const at of sections.interfaces) {
    const methods = list(at.item, 'methods');
    members(at, methods, 'methods', 'method', `interface '${str(at.item.name)}'`, JS_MEMBER_NAMES);
    methods.forEach((m, i) => members(at, list(m, 'params'), `methods/${i}/params`, 'parameter', `method '${str(m.name)}'`));
    const ctor = at.item.ctor as RawObject | undefined;
    if (ctor && typeof ctor === 'object') members(at, list(ctor, 'params'), 'ctor/params', 'parameter', `the constructor of '${str(at.item.name)}'`);
  }

  // Hostcall parameters, with the names they lower to (wasm, C, N-API) and the glue's own.
  for (const at of sections.hostcalls) {
    const entries: Spelled[] = GLUE_LOCALS.map((id) => ({ id, what: `'${id}', a name of the N-API glue of every hostcall` }));
    list(at.item, 'params').forEach((p, i) => {
      const n = str(p.name);
      const t = str(p.type);
      const psub = ptr('params', i, 'name');
      entries.push({ id: n, what: `parameter '${n}'`, at, sub: psub, item: n });
      const parts =
        t === 'in_bytes' || t === 'in_string' ? ['ptr', 'len'] : t === 'out_bytes' ? ['ptr', 'len_ptr', 'capacity'] : t === 'ctl_arg' ? ['ptr', 'len_ptr', 'len', 'capacity', 'out', 'input'] : [];
      for (const part of parts) entries.push({ id: `${n}_${part}`, what: `'${n}_${part}', which parameter '${n}' (${t}) lowers to`, at, sub: psub, item: n });
    });
    s.scope(entries, 'folded', `the parameters of hostcall '${str(at.item.name)}'`);
  }

  // C: one namespace for the header's constants, enum values, flags, typedefs, functions and macros.
  const abi = raw.abi;
  const c = (abi?.item.c ?? {}) as RawObject;
  const cp = str(c.constant_prefix);
  const fp = str(c.function_prefix);
  const cNames: Spelled[] = [...C_KEYWORDS].map((id) => ({ id, what: `the C keyword '${id}'` }));
  if (abi) {
    for (const m of ['ABI_NAME', 'ABI_VERSION', 'ABI_VERSION_MAJOR', 'ABI_VERSION_MINOR', 'ABI_VERSION_PATCH']) {
      cNames.push({ id: cp + m, what: `the ABI macro ${cp + m}`, at: abi, sub: '/c/constant_prefix' });
    }
    cNames.push({ id: str(c.guard), what: 'the include guard', at: abi, sub: '/c/guard' });
    cNames.push({ id: str(c.import_macro), what: 'the import macro', at: abi, sub: '/c/import_macro' });
  }
  if (raw.errno) {
    const at = raw.errno;
    list(at.item, 'codes').forEach((e, i) => cNames.push({ id: cp + str(e.name), what: `errno '${str(e.name)}'`, at, sub: ptr('codes', i, 'name'), item: `errno ${str(e.name)}` }));
    list(at.item, 'aliases').forEach((a, i) => cNames.push({ id: str(a.name), what: `errno alias '${str(a.name)}'`, at, sub: ptr('aliases', i, 'name') }));
  }
  for (const at of sections.constants) {
    const n = str(at.item.name);
    cNames.push({ id: str(at.item.c_name) || cp + n, what: `constant '${n}'`, at, sub: at.item.c_name !== undefined ? '/c_name' : sub, item: `constant ${n}` });
  }
  for (const [section, key, kind] of [['enums', 'values', 'value'], ['flags', 'bits', 'flag']] as const) {
    for (const at of sections[section]) {
      const prefix = str(at.item.c_prefix);
      list(at.item, key).forEach((v, i) => cNames.push({ id: prefix + str(v.name), what: `${kind} '${str(v.name)}' of '${str(at.item.name)}'`, at, sub: ptr(key, i, 'name'), item: `${str(at.item.name)} ${str(v.name)}` }));
      list(at.item, 'aliases').forEach((a, i) => cNames.push({ id: str(a.name), what: `alias '${str(a.name)}' of '${str(at.item.name)}'`, at, sub: ptr('aliases', i, 'name') }));
    }
  }
  for (const at of sections.records) {
    cNames.push({ id: str(at.item.c_name), what: `record '${str(at.item.name)}'`, at, sub: '/c_name' });
  }
  for (const at of sections.hostcalls) {
    const n = str(at.item.name);
    // Duplicate function names among hostcalls are the semantic check's ('C function name').
    cNames.push({ id: str(at.item.c_name) || fp + n, what: `hostcall '${n}'`, at, sub: at.item.c_name !== undefined ? '/c_name' : sub, item: 'hostcall' });
    ((Array.isArray(at.item.c_aliases) ? at.item.c_aliases : []) as unknown[]).forEach((a, i) => cNames.push({ id: str(a), what: `C alias '${str(a)}' of hostcall '${n}'`, at, sub: ptr('c_aliases', i), item: 'hostcall' }));
  }
  s.scope(cNames, 'exact', 'C');

  // Names C takes as they are: record fields and hostcall parameters (and what they lower to).
  const cMember = (at: Located, where: string, name: string, what: string): void => {
    if (C_KEYWORDS.has(name)) s.report({ id: name, what, at, sub: where }, `${what} is the C keyword '${name}', which the C header cannot use as a name; expected another name`);
  };
  for (const at of sections.records) list(at.item, 'fields').forEach((f, i) => cMember(at, ptr('fields', i, 'name'), str(f.name), `field '${str(f.name)}' of record '${str(at.item.name)}'`));
  for (const at of sections.hostcalls) list(at.item, 'params').forEach((p, i) => cMember(at, ptr('params', i, 'name'), str(p.name), `parameter '${str(p.name)}' of hostcall '${str(at.item.name)}'`));
  return s.diags;
}

/**
 * Stage 3: build the one model every back end reads. Runs after the schema and semantic
 * checks passed; the only problems it still finds are golden vectors that disagree with
 * their record, which it reports like any other IDL problem.
 */
import { Diagnostic, IdlError } from '../diagnostics';
import type {
  Alias, ApiParam, ApiType, Constant, DictionaryDef, EnumDef, Errno, FieldType, FlagsDef, Hostcall,
  HostcallParam, InterfaceDef, Method, Model, ParamKind, Protocol, RecordDef, RecordVector,
} from '../model';
import type { Located, RawIdl, RawObject } from '../raw';
import { INTS, isIntType, parseInt64 } from './ints';
import { layoutFields } from './layout';
import { lowerParam } from './lowering';
import { planHostcall } from './plan';
import { canonicalize, decodeRecord, encodeRecord, ValueError } from './values';

const str = (v: unknown, d = ''): string => (v === undefined || v === null ? d : String(v));
const list = (o: RawObject, key: string): RawObject[] => (Array.isArray(o[key]) ? (o[key] as RawObject[]) : []);
const origin = (at: Located) => ({ file: at.file.relPath, pointer: at.pointer });
/** `{ protocol }` when the item belongs to one, else nothing (so guest-ABI items have no key). */
const protocolOf = (at: Located): { protocol?: string } => (at.item.protocol !== undefined ? { protocol: str(at.item.protocol) } : {});
const version = (v: unknown): Model['abi']['version'] => {
  const [major, minor, patch] = str(v).split('.').map(Number);
  return { major, minor, patch, text: str(v) };
};

function hexBytes(s: string): Uint8Array {
  const hex = s.replace(/\s+/g, '');
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The largest record, in bytes. */
export const MAX_RECORD_BYTES = 65535;

export function resolve(raw: RawIdl): Model {
  const diags: Diagnostic[] = [];
  const report = (at: Located, sub: string, message: string): void => {
    const p = at.pointer + sub;
    diags.push({ file: at.file.displayPath, pointer: p, line: at.file.lineOf(p), message });
  };

  const abiRaw = raw.abi!.item;
  const c = abiRaw.c as RawObject;
  const abi: Model['abi'] = {
    name: str(abiRaw.name),
    version: version(abiRaw.version),
    module: str(abiRaw.module),
    doc: str(abiRaw.doc),
    c: {
      header: str(c.header),
      guard: str(c.guard),
      functionPrefix: str(c.function_prefix),
      constantPrefix: str(c.constant_prefix),
      importMacro: str(c.import_macro),
    },
  };
  const mainHeader = abi.c.header;
  const protocols: Protocol[] = raw.protocols.map((at) => ({ name: str(at.item.name), version: version(at.item.version), doc: str(at.item.doc), origin: origin(at) }));

  const errnoAt = raw.errno!;
  const errnos: Errno[] = list(errnoAt.item, 'codes').map((e, i) => ({
    name: str(e.name),
    value: Number(e.value),
    doc: str(e.doc),
    origin: { file: errnoAt.file.relPath, pointer: `${errnoAt.pointer}/codes/${i}` },
  }));
  const errnoByName = new Map(errnos.map((e) => [e.name, e]));
  const errnoAliases = list(errnoAt.item, 'aliases').map((a) => ({
    name: str(a.name),
    value: a.errno !== undefined ? -errnoByName.get(str(a.errno))!.value : Number(a.value),
    errno: a.errno !== undefined ? str(a.errno) : undefined,
    doc: str(a.doc),
  }));
  const errorList = (v: unknown): Errno[] => {
    const names = new Set(Array.isArray(v) ? v.map(String) : []);
    return errnos.filter((e) => names.has(e.name));
  };

  const constants: Constant[] = raw.sections.constants.map((at) => ({
    name: str(at.item.name),
    cName: str(at.item.c_name, abi.c.constantPrefix + str(at.item.name)),
    type: INTS[at.item.type as keyof typeof INTS],
    value: parseInt64(at.item.value)!,
    doc: str(at.item.doc),
    cHeader: str(at.item.c_header, mainHeader),
    ...protocolOf(at),
    origin: origin(at),
  }));

  const aliases = (at: Located, prefix: string): Alias[] =>
    list(at.item, 'aliases').map((a) => ({ name: str(a.name), of: str(a.of), target: prefix + str(a.of) }));

  const enums: EnumDef[] = raw.sections.enums.map((at) => {
    const prefix = str(at.item.c_prefix);
    return {
      kind: 'enum',
      name: str(at.item.name),
      type: INTS[at.item.type as keyof typeof INTS],
      cPrefix: prefix,
      cHeader: str(at.item.c_header, mainHeader),
      doc: str(at.item.doc),
      values: list(at.item, 'values').map((v) => ({
        name: str(v.name),
        value: parseInt64(v.value)!,
        cName: prefix + str(v.name),
        doc: str(v.doc),
        input: (v.input as 'json' | undefined) ?? 'none',
        output: (v.output as 'json' | undefined) ?? 'none',
        paramHelpers: v.param_helpers === true,
        cHelper: v.c_helper !== false,
      })),
      aliases: aliases(at, prefix),
      ...protocolOf(at),
      origin: origin(at),
    };
  });
  const flags: FlagsDef[] = raw.sections.flags.map((at) => {
    const prefix = str(at.item.c_prefix);
    const bits = list(at.item, 'bits')
      .map((b) => ({ name: str(b.name), bit: Number(b.bit), mask: 1n << BigInt(Number(b.bit)), cName: prefix + str(b.name), doc: str(b.doc) }))
      .sort((a, b) => a.bit - b.bit);
    return {
      kind: 'flags',
      name: str(at.item.name),
      type: INTS[at.item.type as keyof typeof INTS],
      cPrefix: prefix,
      cHeader: str(at.item.c_header, mainHeader),
      doc: str(at.item.doc),
      bits,
      allMask: bits.reduce((m, b) => m | b.mask, 0n),
      aliases: aliases(at, prefix),
      origin: origin(at),
    };
  });
  const enumByName = new Map(enums.map((e) => [e.name, e]));
  const flagsByName = new Map(flags.map((f) => [f.name, f]));

  // Records, laid out in dependency order so a nested record is laid out before its user.
  const recordAt = new Map(raw.sections.records.map((at) => [str(at.item.name), at]));
  const records = new Map<string, RecordDef>();
  const resolving = new Set<string>();
  const fieldType = (name: string, at: Located, sub: string): FieldType | undefined => {
    const m = /^(.*)\[(\d+)\]$/.exec(name);
    if (m) {
      const element = fieldType(m[1], at, sub);
      return element && { kind: 'array', element, length: Number(m[2]) };
    }
    if (isIntType(name)) return { kind: 'int', int: INTS[name] };
    const e = enumByName.get(name);
    if (e) return { kind: 'enum', def: e };
    const f = flagsByName.get(name);
    if (f) return { kind: 'flags', def: f };
    const r = record(name, at, sub);
    return r && { kind: 'record', def: r };
  };
  function record(name: string, from?: Located, sub = ''): RecordDef | undefined {
    const done = records.get(name);
    if (done) return done;
    const at = recordAt.get(name);
    if (!at) return undefined;
    if (resolving.has(name)) {
      if (from) report(from, sub, `record '${name}' contains itself through its fields; expected a finite layout`);
      return undefined;
    }
    resolving.add(name);
    const fields = list(at.item, 'fields').map((f, i) => ({
      name: str(f.name),
      type: fieldType(str(f.type), at, `/fields/${i}/type`)!,
      typeName: str(f.type),
      doc: str(f.doc),
      const: f.const !== undefined ? parseInt64(f.const) : undefined,
      range: Array.isArray(f.range) ? ([parseInt64(f.range[0])!, parseInt64(f.range[1])!] as [bigint, bigint]) : undefined,
    }));
    resolving.delete(name);
    if (fields.some((f) => !f.type)) return undefined;
    const layout = str(at.item.layout) as 'packed' | 'natural';
    const laid = layoutFields(fields, layout);
    const def: RecordDef = {
      kind: 'record',
      name,
      cName: str(at.item.c_name),
      cHeader: str(at.item.c_header, mainHeader),
      layout,
      size: laid.size,
      align: laid.align,
      fields: laid.fields,
      doc: str(at.item.doc),
      vectors: [],
      ...protocolOf(at),
      origin: origin(at),
    };
    records.set(name, def);
    if (def.size > MAX_RECORD_BYTES) {
      report(at, '/fields', `record '${name}' is ${def.size} bytes; expected at most ${MAX_RECORD_BYTES} (a record is a fixed-size wire structure)`);
      return def;
    }
    def.vectors = list(at.item, 'vectors').map((v, i) => vector(def, v, at, `/vectors/${i}`));
    return def;
  }
  function vector(def: RecordDef, v: RawObject, at: Located, sub: string): RecordVector {
    const bytes = hexBytes(str(v.bytes));
    const out: RecordVector = { name: str(v.name), bytes };
    if (v.bytes !== undefined && str(v.bytes).replace(/\s+/g, '').length % 2 !== 0) {
      report(at, `${sub}/bytes`, 'expected an even number of hex digits');
      return out;
    }
    const decoded = decodeRecord(def, bytes);
    if (v.error !== undefined) {
      out.error = v.error as RecordVector['error'];
      if (decoded.error !== out.error) {
        report(at, `${sub}/error`, `vector '${out.name}' expects error '${out.error}', but its bytes decode to ${decoded.error ? `error '${decoded.error}'` : 'a valid value'}; expected bytes that give error '${out.error}'`);
      }
      return out;
    }
    try {
      out.value = canonicalize({ kind: 'record', def }, v.value, '');
    } catch (e) {
      if (e instanceof ValueError) {
        report(at, `${sub}/value${e.path}`, e.message);
        return out;
      }
      throw e;
    }
    if (bytes.length !== def.size) {
      report(at, `${sub}/bytes`, `vector '${out.name}' has ${bytes.length} bytes; expected ${def.size} (the size of '${def.name}')`);
      return out;
    }
    const encoded = encodeRecord(def, out.value);
    if (toHex(encoded) !== toHex(bytes)) {
      report(at, `${sub}/bytes`, `vector '${out.name}': the value encodes to ${toHex(encoded)}, not the bytes given; expected a value and bytes that agree`);
    } else if (decoded.error) {
      report(at, `${sub}/value`, `vector '${out.name}': its bytes fail to decode ('${decoded.error}'): the value breaks a const or range of '${def.name}'; expected a value inside them, or 'error: ${decoded.error}'`);
    }
    return out;
  }
  for (const at of raw.sections.records) record(str(at.item.name));

  // Hostcalls, lowered once.
  const hostcalls: Hostcall[] = raw.sections.hostcalls.map((at) => {
    const h = at.item;
    const params: HostcallParam[] = list(h, 'params').map((p) => {
      const t = str(p.type);
      const e = enumByName.get(t);
      const f = flagsByName.get(t);
      const kind: ParamKind = isIntType(t) ? 'int' : e ? 'enum' : f ? 'flags' : (t as ParamKind);
      const param: HostcallParam = {
        name: str(p.name),
        kind,
        typeName: t,
        int: isIntType(t) ? INTS[t] : e ? e.type : f ? f.type : INTS.i32,
        enumDef: e,
        flagsDef: f,
        record: p.record !== undefined ? records.get(str(p.record)) : undefined,
        commands: p.commands !== undefined ? enumByName.get(str(p.commands)) : undefined,
        cStrName: str(p.c_str_name, str(p.name)),
        cRecordHelper: p.c_record_helper !== undefined ? str(p.c_record_helper) : undefined,
        doc: str(p.doc),
        timeout: p.timeout === true,
        lowered: [],
      };
      param.lowered = lowerParam(param);
      return param;
    });
    const r = (h.returns ?? {}) as RawObject;
    const kind = str(r.kind) as Hostcall['returns']['kind'];
    const returns: Hostcall['returns'] = {
      kind,
      int: kind === 'none' ? undefined : kind === 'value' ? INTS[r.type as keyof typeof INTS] : INTS.i32,
      of: r.of !== undefined ? records.get(str(r.of)) : undefined,
    };
    const plan = planHostcall(params, returns);
    const wasmParams = plan.wasmParams;
    const seen = new Set<string>();
    wasmParams.forEach((w) => {
      if (seen.has(w.name)) report(at, '/params', `two parameters lower to the wasm name '${w.name}'; expected distinct names`);
      seen.add(w.name);
    });
    return {
      name: str(h.name),
      cName: str(h.c_name, abi.c.functionPrefix + str(h.name)),
      cAliases: ((h.c_aliases as string[] | undefined) ?? []).map(String),
      family: str(h.family),
      doc: str(h.doc),
      params,
      wasmParams,
      wasmResult: plan.wasmResult,
      returns,
      errors: errorList(h.errors),
      blocking: h.blocking === true,
      implemented: h.implemented !== false,
      cHelpers: ((h.c_helpers as string[] | undefined) ?? []).map(String),
      plan,
      origin: origin(at),
    };
  });

  // Dictionaries and interfaces.
  const dictAt = new Map(raw.sections.dictionaries.map((at) => [str(at.item.name), at]));
  const interfaceNames = new Set(raw.sections.interfaces.map((at) => str(at.item.name)));
  const dicts = new Map<string, DictionaryDef>();
  const apiType = (name: string): ApiType => {
    if (name.endsWith('[]')) return { kind: 'array', element: apiType(name.slice(0, -2)) };
    if (isIntType(name)) return { kind: 'int', int: INTS[name] };
    if (['bool', 'string', 'bytes', 'memory', 'abort_signal', 'json', 'void'].includes(name)) return { kind: name } as ApiType;
    if (interfaceNames.has(name)) return { kind: 'interface', name };
    const r = records.get(name);
    if (r) return { kind: 'record', def: r };
    return { kind: 'dictionary', def: dictionary(name) };
  };
  function dictionary(name: string): DictionaryDef {
    const done = dicts.get(name);
    if (done) return done;
    const at = dictAt.get(name)!;
    const def: DictionaryDef = { name, fields: [], doc: str(at.item.doc), ...protocolOf(at), origin: origin(at) };
    dicts.set(name, def);
    def.fields = list(at.item, 'fields').map((f) => ({
      name: str(f.name),
      type: apiType(str(f.type)),
      typeName: str(f.type),
      optional: f.optional === true || f.default !== undefined,
      default: f.default,
      range: Array.isArray(f.range) ? ([parseInt64(f.range[0])!, parseInt64(f.range[1])!] as [bigint, bigint]) : undefined,
      doc: str(f.doc),
    }));
    return def;
  }
  const apiParams = (o: RawObject): ApiParam[] =>
    list(o, 'params').map((p) => ({ name: str(p.name), type: apiType(str(p.type)), typeName: str(p.type), optional: p.optional === true, doc: str(p.doc) }));
  for (const at of raw.sections.dictionaries) dictionary(str(at.item.name));
  const interfaces: InterfaceDef[] = raw.sections.interfaces.map((at) => {
    const i = at.item;
    const ctorRaw = i.ctor as RawObject | undefined;
    const methods: Method[] = list(i, 'methods').map((m) => ({
      name: str(m.name),
      async: m.async === true,
      params: apiParams(m),
      returns: apiType(str(m.returns)),
      returnsName: str(m.returns),
      errors: errorList(m.errors),
      doc: str(m.doc),
    }));
    return {
      name: str(i.name),
      doc: str(i.doc),
      ctor: ctorRaw ? { params: apiParams(ctorRaw), errors: errorList(ctorRaw.errors), doc: str(ctorRaw.doc) } : undefined,
      methods,
      ...protocolOf(at),
      origin: origin(at),
    };
  });

  if (diags.length) throw new IdlError(diags);
  return {
    abi,
    protocols,
    errnos,
    errnoAliases,
    constants,
    enums,
    flags,
    records: [...records.values()].sort((a, b) => raw.sections.records.findIndex((x) => x.item.name === a.name) - raw.sections.records.findIndex((x) => x.item.name === b.name)),
    hostcalls,
    dictionaries: [...dicts.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    interfaces,
    files: raw.files.map((f) => f.relPath).sort(),
  };
}

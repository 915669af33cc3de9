/**
 * The docs back end (`generated/docs/ABI.md`): the ABI reference in Markdown, rendered with
 * the handlebars templates beside this module (read from the source tree). Every table is
 * built from the model; the prose of the conventions is in the templates.
 */
import type {
  ApiParam, ApiType, DictionaryDef, Errno, FieldType, GeneratedFile, Hostcall, ImplArg, InterfaceDef, IntInfo, Model, ParamKind, RecordDef,
} from '../../model';
import { hasOutput, visitArg } from '../../resolve/plan';
import { TemplateSet, templatesDir, tidyLines } from '../shared/templates';
import { pascal } from '../shared/text';
import { HOST_IMPLEMENTED, HOST_STATUS_NOTE } from './status';

const templates = new TemplateSet('docs back end', templatesDir('docs'), { tidy: tidyLines });

/** Text safe in one Markdown table cell. */
const cell = (s: string): string => s.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|').trim();
/** Inline code, safe in a table cell. */
const code = (s: string): string => `\`${s.replace(/\|/g, '\\|')}\``;
const hex = (n: bigint, int: IntInfo): string => `0x${BigInt.asUintN(int.bytes * 8, n).toString(16).padStart(int.bytes * 2, '0')}`;
/** A heading anchor as GitHub renders it. */
const anchor = (s: string): string => s.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');

function bytesHex(b: Uint8Array, fields?: Array<{ offset: number; size: number }>): string[] {
  const h = Buffer.from(b).toString('hex');
  // Short vectors: one line, a space between fields; long ones: 16 bytes per line.
  if (fields && b.length <= 40) {
    const parts: string[] = [];
    for (const f of fields) if (f.offset < b.length) parts.push(h.slice(2 * f.offset, 2 * Math.min(b.length, f.offset + f.size)));
    const end = fields.length ? fields[fields.length - 1].offset + fields[fields.length - 1].size : 0;
    if (end < b.length) parts.push(h.slice(2 * end));
    return [parts.join(' ')];
  }
  const lines: string[] = [];
  for (let i = 0; i < b.length; i += 16) {
    const row = h.slice(2 * i, 2 * Math.min(b.length, i + 16));
    lines.push(`${i.toString(16).padStart(4, '0')}: ${row.match(/.{1,8}/g)!.join(' ')}`);
  }
  return lines;
}

function fieldTypeText(t: FieldType, typeName: string): string {
  switch (t.kind) {
    case 'int':
      return code(typeName);
    case 'enum':
      return `[${code(typeName)}](#enum-${anchor(t.def.name)}) (${t.def.type.name})`;
    case 'flags':
      return `[${code(typeName)}](#flags-${anchor(t.def.name)}) (${t.def.type.name})`;
    case 'record':
      return `[${code(typeName)}](#record-${anchor(t.def.name)})`;
    case 'array':
      return code(typeName);
  }
}

function apiTypeText(t: ApiType, name: string): string {
  switch (t.kind) {
    case 'dictionary':
      return `[${code(name)}](#dictionary-${anchor(t.def.name)})`;
    case 'interface':
      return `[${code(name)}](#interface-${anchor(t.name)})`;
    case 'record':
      return `[${code(name)}](#record-${anchor(t.def.name)})`;
    case 'array':
      return `${apiTypeText(t.element, name.replace(/\[\]$/, ''))}[]`;
    default:
      return code(name);
  }
}

const PARAM_KIND: Record<ParamKind, string> = {
  fd: 'fd',
  int: 'integer',
  enum: 'enum',
  flags: 'flags',
  fn_index: 'function-table index',
  in_bytes: 'input bytes',
  in_string: 'input string (UTF-8, not NUL-terminated)',
  out_bytes: 'output buffer',
  ctl_arg: 'ctl argument (in/out)',
};

function argType(a: ImplArg): string {
  const link = (kind: string, name: string): string => `[${code(name)}](#${kind}-${anchor(name)})`;
  return visitArg<string>(a, {
    value: (x) => (x.param.enumDef ? link('enum', x.param.enumDef.name) : x.param.flagsDef ? link('flags', x.param.flagsDef.name) : code(x.param.typeName)),
    input: (x) => code(x.param.typeName),
    output: (x) => (x.record ? `${code(x.param.typeName)} of ${link('record', x.record.name)}` : code(x.param.typeName)),
    inout: (x) => (x.commands ? `${code(x.param.typeName)} of ${link('enum', x.commands.name)}` : code(x.param.typeName)),
  });
}

function returnText(h: Hostcall): string {
  const r = h.returns;
  switch (r.kind) {
    case 'count':
      return r.of
        ? `\`count\` (i32): the number of [${code(r.of.name)}](#record-${anchor(r.of.name)}) records written (bytes / ${r.of.size}), or -errno`
        : '`count` (i32): the number of bytes written or read, or -errno';
    case 'fd':
      return '`fd` (i32): the new fd, or -errno';
    case 'status':
      return '`status` (i32): 0, or -errno';
    case 'value':
      return `\`value\` (${r.int!.name}): the value itself`;
    case 'none':
      return '`none`: no result';
  }
}

function cPrototype(h: Hostcall): string {
  const ret = h.plan.result.c;
  const params = h.wasmParams.length ? h.wasmParams.map((p) => `${p.c} ${p.name}`).join(', ') : 'void';
  return `${ret} ${h.cName}(${params});`;
}

const C_HELPERS: Record<string, string> = { str: 'a `_str` variant taking C strings' };

/** A canonical value as JSON lines: one line when short, else indented. */
function jsonLines(v: unknown): string[] {
  const flat = JSON.stringify(v);
  return flat.length <= 96 ? [flat] : JSON.stringify(v, null, 2).split('\n');
}

function wasmSignature(h: Hostcall, model: Model): string {
  const params = h.wasmParams.length ? ` (param ${h.wasmParams.map((p) => p.wasm).join(' ')})` : '';
  const result = h.wasmResult ? ` (result ${h.wasmResult})` : '';
  return `(import "${model.abi.module}" "${h.name}" (func${params}${result}))`;
}

const errnoList = (errors: Errno[]): string => (errors.length ? errors.map((e) => `[${code(e.name)}](#errno)`).join(', ') : 'none');

/**
 * The status of a hostcall: what the ABI marks it as (the IDL's `implemented`) and what this
 * host build does (`HOST_IMPLEMENTED`).
 */
function statusOf(h: Hostcall): { abi: string; host: string; short: string } {
  const onHost = HOST_IMPLEMENTED.includes(h.name);
  const enosys =
    h.returns.kind === 'none'
      ? 'not implemented yet (the call has no result to carry -ENOSYS)'
      : h.returns.kind === 'value'
        ? 'not implemented yet; returns -ENOSYS as its value'
        : 'not implemented yet; returns -ENOSYS';
  if (!h.implemented) return { abi: 'declared only (returns -ENOSYS on every host)', host: 'returns -ENOSYS', short: 'declared; returns -ENOSYS on this host' };
  return onHost
    ? { abi: 'implemented', host: 'implemented', short: 'implemented' }
    : { abi: 'implemented (planned for this host)', host: enosys, short: 'implemented (planned); returns -ENOSYS on this build' };
}

function hostcallView(h: Hostcall, model: Model) {
  const status = statusOf(h);
  return {
    name: h.name,
    anchor: anchor(h.name),
    doc: h.doc.trim(),
    cName: h.cName,
    prototype: cPrototype(h),
    wasm: wasmSignature(h, model),
    wasmShort: `(${h.wasmParams.map((p) => p.wasm).join(', ')}) → ${h.wasmResult ?? 'none'}`,
    params: h.plan.impl.map((a) => ({
      name: code(a.param.name),
      type: argType(a),
      kind: PARAM_KIND[a.param.kind],
      wasm: a.param.lowered.map((v) => code(`${v.name}: ${v.wasm}`)).join(', '),
      doc: cell(a.param.doc),
    })),
    returns: returnText(h),
    errors: h.errors.map((e) => ({ name: e.name, value: e.value, doc: cell(e.doc) })),
    blocking: h.blocking ? 'yes' : 'no',
    cAliases: h.cAliases.map(code).join(', '),
    cHelpers: h.cHelpers.map((x) => `${code(x)}${C_HELPERS[x] ? ` (${C_HELPERS[x]})` : ''}`).join(', '),
    recordHelpers: h.params.filter((p) => p.cRecordHelper).map((p) => `${code(p.cRecordHelper!)} (reads one ${code(p.record ? p.record.name : 'record')} into its struct)`).join(', '),
    status,
  };
}

function recordView(r: RecordDef) {
  return {
    name: r.name,
    anchor: anchor(r.name),
    cName: r.cName,
    cHeader: r.cHeader,
    layout: r.layout === 'packed' ? 'packed (no padding, alignment 1)' : 'natural (C alignment of each field)',
    size: r.size,
    align: r.align,
    doc: r.doc.trim(),
    fields: r.fields.map((f) => {
      const rules: string[] = [];
      if (f.const !== undefined) rules.push(`must be ${f.const.toString()} (0x${f.const.toString(16)})`);
      if (f.range) rules.push(`${f.range[0]}..${f.range[1]}`);
      return {
        name: code(f.name),
        type: fieldTypeText(f.type, f.typeName),
        offset: f.offset,
        size: f.size,
        rules: rules.join('; ') || '',
        doc: cell(f.doc),
      };
    }),
    vectors: r.vectors.map((v) => ({
      name: v.name,
      hex: bytesHex(v.bytes, r.fields),
      length: v.bytes.length,
      outcome: v.error ? `decoding fails: \`${v.error}\`` : 'decodes to the value below',
      value: v.value !== undefined ? jsonLines(v.value) : false,
    })),
  };
}

function dictionaryView(d: DictionaryDef) {
  return {
    name: d.name,
    anchor: anchor(d.name),
    doc: d.doc.trim(),
    fields: d.fields.map((f) => ({
      name: code(f.name),
      js: code(camel(f.name)),
      type: apiTypeText(f.type, f.typeName),
      optional: f.optional ? 'yes' : 'no',
      default: f.default !== undefined ? code(JSON.stringify(f.default)) : '',
      range: f.range ? `${f.range[0]}..${f.range[1]}` : '',
      doc: cell(f.doc),
    })),
  };
}

const apiParams = (ps: ApiParam[]) =>
  ps.map((p) => ({ name: code(p.name), type: apiTypeText(p.type, p.typeName), optional: p.optional ? 'yes' : 'no', doc: cell(p.doc) }));

const signatureOf = (name: string, ps: ApiParam[], returns?: string, async = false): string =>
  `${name}(${ps.map((p) => `${p.name}${p.optional ? '?' : ''}: ${p.typeName}`).join(', ')})${returns !== undefined ? `: ${async ? `Promise<${returns}>` : returns}` : ''}`;

/** `load_remote_conn_info` -> `loadRemoteConnInfo`: the JavaScript name of a method or key. */
const camel = (name: string): string => name.replace(/_+([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

function interfaceView(i: InterfaceDef) {
  return {
    name: i.name,
    anchor: anchor(i.name),
    doc: i.doc.trim(),
    ctor: i.ctor
      ? { signature: signatureOf(`new ${i.name}`, i.ctor.params), doc: i.ctor.doc.trim(), params: apiParams(i.ctor.params), errors: errnoList(i.ctor.errors) }
      : false,
    methods: i.methods.map((m) => ({
      name: m.name,
      js: camel(m.name),
      signature: signatureOf(m.name, m.params, m.returnsName, m.async),
      async: m.async ? 'yes (returns a promise)' : 'no',
      asyncShort: m.async ? 'yes' : 'no',
      returns: apiTypeText(m.returns, m.returnsName),
      doc: m.doc.trim(),
      docCell: cell(m.doc),
      params: apiParams(m.params),
      errors: errnoList(m.errors),
    })),
  };
}

/** One example per lowering rule, taken from the hostcalls of the model. */
function loweringView(model: Model) {
  const named = (...types: string[]) => (a: ImplArg): boolean => a.kind === 'value' && types.includes(a.param.typeName);
  const rows: Array<{ types: string; matches: (a: ImplArg) => boolean; wasm: string }> = [
    { types: '`fd`, `fn_index`', matches: named('fd', 'fn_index'), wasm: '`name: i32`' },
    { types: 'integer, enum, flags', matches: (a) => a.kind === 'value' && !named('fd', 'fn_index')(a), wasm: '`name: i32` (`i64` for 64-bit types)' },
    { types: '`in_bytes`, `in_string`', matches: (a) => a.kind === 'input', wasm: '`name_ptr: i32, name_len: i32`' },
    { types: '`out_bytes`, `ctl_arg`', matches: hasOutput, wasm: '`name_ptr: i32, name_len_ptr: i32`' },
  ];
  return rows.map((r) => {
    const examples = model.hostcalls.flatMap((h) => h.plan.impl.filter(r.matches).map((a) => ({ h, p: a.param })));
    const ex = examples[0];
    return {
      types: r.types,
      wasm: r.wasm,
      example: ex ? `${code(ex.h.name)}: ${code(`${ex.p.name}`)} → ${ex.p.lowered.map((v) => code(`${v.name}: ${v.wasm}`)).join(', ')}` : '',
    };
  });
}

/** The note under a protocol item's heading; '' for an item of the guest ABI. */
function protocolNote(model: Model, protocol: string | undefined): string {
  const p = protocol === undefined ? undefined : model.protocols.find((x) => x.name === protocol);
  return p ? `**Protocol:** [${code(p.name)}](#protocol-${anchor(p.name)}) ${p.version.text}: versioned by the protocol, not by the ABI.` : '';
}

/** A section per protocol: its version, its doc, its items. */
function protocolsView(model: Model) {
  const link = (kind: string) => (name: string) => `[${code(name)}](#${kind}-${anchor(name)})`;
  return model.protocols.map((p) => {
    const mine = <T extends { name: string; protocol?: string }>(items: T[]): string[] => items.filter((i) => i.protocol === p.name).map((i) => i.name);
    const groups = [
      { what: 'Enums', names: mine(model.enums).map(link('enum')) },
      { what: 'Constants', names: mine(model.constants).map((n) => code(n)) },
      { what: 'Records', names: mine(model.records).map(link('record')) },
      { what: 'Dictionaries', names: mine(model.dictionaries).map(link('dictionary')) },
      { what: 'Interfaces', names: mine(model.interfaces).map(link('interface')) },
    ].filter((g) => g.names.length > 0);
    const k = `k${pascal(p.name)}`;
    return {
      name: p.name,
      anchor: anchor(p.name),
      version: p.version.text,
      major: p.version.major,
      doc: p.doc.trim(),
      ts: code(`PROTOCOLS.${p.name}`),
      cpp: `${code(`${k}Version`)}, ${code(`${k}VersionMajor`)}, ${code(`${k}VersionMinor`)}, ${code(`${k}VersionPatch`)}`,
      items: groups.map((g) => ({ what: g.what, names: g.names.join(', ') })),
    };
  });
}

export function emitDocs(model: Model): GeneratedFile[] {
  // A name of HOST_IMPLEMENTED that the IDL lacks says nothing about the IDL's calls: it is left out.
  const { abi } = model;
  const families = [...new Set(model.hostcalls.map((h) => h.family))];
  const headers = [...new Set([abi.c.header, ...model.records.map((r) => r.cHeader), ...model.enums.map((e) => e.cHeader), ...model.flags.map((f) => f.cHeader), ...model.constants.map((c) => c.cHeader)])];
  const enosys = model.errnos.find((e) => e.name === 'ENOSYS');
  const view = {
    files: model.files.map((f) => `idl/${f}`).join(', '),
    abi: {
      name: abi.name,
      version: abi.version.text,
      major: abi.version.major,
      module: abi.module,
      doc: abi.doc.trim(),
      header: abi.c.header,
      headers: headers.map(code).join(', '),
      importMacro: abi.c.importMacro,
    },
    protocols: protocolsView(model),
    protocolSummary: model.protocols.map((p) => `[${code(p.name)}](#protocol-${anchor(p.name)}) ${p.version.text}`).join(', '),
    constantProtocols: model.constants.some((c) => c.protocol !== undefined),
    hostStatus: {
      note: HOST_STATUS_NOTE,
      enosys: enosys ? `-${enosys.value}` : '-ENOSYS',
      implementedCount: model.hostcalls.filter((h) => h.implemented).length,
      declaredCount: model.hostcalls.filter((h) => !h.implemented).length,
      total: model.hostcalls.length,
    },
    lowering: loweringView(model),
    errnos: model.errnos.map((e) => ({ name: e.name, value: e.value, c: `${abi.c.constantPrefix}${e.name}`, doc: cell(e.doc) })),
    errnoAliases: model.errnoAliases.map((a) => ({ name: a.name, value: a.value, of: a.errno ? `-${a.errno}` : String(a.value), doc: cell(a.doc) })),
    hostcallSummary: model.hostcalls.map((h) => ({
      name: h.name,
      anchor: anchor(h.name),
      family: h.family,
      cName: h.cName,
      wasm: `(${h.wasmParams.map((p) => p.wasm).join(', ')}) → ${h.wasmResult ?? 'none'}`,
      blocking: h.blocking ? 'yes' : 'no',
      status: statusOf(h).short,
    })),
    families: families.map((f) => ({ name: f, hostcalls: model.hostcalls.filter((h) => h.family === f).map((h) => hostcallView(h, model)) })),
    enums: model.enums.map((e) => ({
      name: e.name,
      anchor: anchor(e.name),
      type: e.type.name,
      cPrefix: e.cPrefix,
      cHeader: e.cHeader,
      doc: e.doc.trim(),
      protocol: protocolNote(model, e.protocol),
      isCommands: e.values.some((v) => v.input !== 'none' || v.output !== 'none'),
      values: e.values.map((v) => ({
        name: code(v.name),
        value: v.value.toString(),
        c: code(v.cName),
        input: v.input === 'json' ? 'JSON' : '—',
        output: v.output === 'json' ? 'JSON' : '—',
        doc: cell(v.doc),
      })),
      aliases: e.aliases.map((a) => ({ name: code(a.name), target: code(a.target) })),
    })),
    flags: model.flags.map((f) => ({
      name: f.name,
      anchor: anchor(f.name),
      type: f.type.name,
      cPrefix: f.cPrefix,
      cHeader: f.cHeader,
      doc: f.doc.trim(),
      allMask: hex(f.allMask, f.type),
      bits: f.bits.map((b) => ({ name: code(b.name), bit: b.bit, mask: code(hex(b.mask, f.type)), c: code(b.cName), doc: cell(b.doc) })),
      aliases: f.aliases.map((a) => ({ name: code(a.name), target: code(a.target) })),
    })),
    constants: model.constants.map((c) => ({
      name: code(c.name),
      type: c.type.name,
      value: c.value.toString(),
      hex: code(hex(c.value, c.type)),
      c: code(c.cName),
      header: code(c.cHeader),
      doc: cell(c.doc),
      protocol: c.protocol !== undefined ? `[${code(c.protocol)}](#protocol-${anchor(c.protocol)})` : '',
    })),
    records: model.records.map((r) => ({ ...recordView(r), protocol: protocolNote(model, r.protocol) })),
    dictionaries: model.dictionaries.map((d) => ({ ...dictionaryView(d), protocol: protocolNote(model, d.protocol) })),
    interfaces: model.interfaces.map((i) => ({ ...interfaceView(i), protocol: protocolNote(model, i.protocol) })),
  };
  return [{ path: 'ABI.md', content: templates.render('ABI.md', view) }];
}

/**
 * The C++ back end (`generated/cpp/`): plain C++17 for the hand-written native core, no N-API.
 *
 *   hostwire_abi.hpp   namespace hostwire::abi: the ABI's and each protocol's version, errno,
 *                      constants, enums, flags, record structs with static_asserts, strict
 *                      codecs, the record table
 *   vectors.hpp        the golden vectors as byte arrays, expected statuses and values
 *
 * Templates are handlebars files beside this module, read from the source tree.
 */
import type { EnumDef, FlagsDef, GeneratedFile, Model, RecordDef, RecordVector } from '../../model';
import { codecBodies, cppMember, cppValue, recordsInDependencyOrder } from './codec';
import { cppLiteral, cppString, docComment, headerLine, ident, kName, pascal, templateRenderer, WIDTH } from './text';

const render = templateRenderer('cpp');

const body = (lines: string[]): string => lines.join('\n  ');

/** `kTransfer`: the prefix of a protocol's version constants (`kTransferVersion`, `kTransferVersionMajor`). */
export const protocolK = (name: string): string => `k${pascal(name)}`;

/** Fail early when a protocol's version constants would collide with the ABI's or a constant. */
function checkProtocolNames(model: Model): void {
  const taken = new Map<string, string>([['kAbi', 'the ABI version (kAbiVersion)']]);
  for (const c of model.constants) taken.set(kName(c.name).replace(/Version(Major|Minor|Patch)?$/, ''), `constant '${c.name}'`);
  for (const p of model.protocols) {
    const k = protocolK(p.name);
    const other = taken.get(k);
    if (other) throw new Error(`C++ back end: the version constants of protocol '${p.name}' (${k}Version*) collide with ${other}`);
    taken.set(k, `protocol '${p.name}'`);
  }
}

/** Fail early when two IDL items would get the same C++ type name. */
function checkTypeNames(model: Model): void {
  const seen = new Map<string, string>();
  for (const [kind, name] of [
    ...model.enums.map((e) => ['enum', e.name]),
    ...model.flags.map((f) => ['flags', f.name]),
    ...model.records.map((r) => ['record', r.name]),
  ]) {
    const cpp = pascal(name);
    const other = seen.get(cpp);
    if (other) throw new Error(`C++ back end: ${kind} '${name}' and ${other} are both spelled ${cpp}`);
    seen.set(cpp, `${kind} '${name}'`);
  }
}

function enumView(e: EnumDef) {
  return {
    doc: docComment([e.doc]),
    name: pascal(e.name),
    type: e.type.c,
    first: e.values[0]?.name ?? '',
    values: e.values.map((v) => ({ doc: docComment([v.doc], 2), k: kName(v.name), name: v.name, literal: cppLiteral(v.value, e.type) })),
    valid: validExpr(e),
  };
}

/** `v == kA || v == kB`, continued on lines of its own when it is long. */
function validExpr(e: EnumDef): string {
  if (!e.values.length) return 'false';
  const tests = e.values.map((v) => `v == ${kName(v.name)}`);
  const flat = tests.join(' || ');
  if (flat.length <= 40) return flat;
  const lines: string[] = [];
  for (const t of tests) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + t.length + 4 <= WIDTH - 11) lines[lines.length - 1] = `${last} || ${t}`;
    else lines.push(t);
  }
  return lines.join(' ||\n           ');
}

function flagsView(f: FlagsDef) {
  return {
    doc: docComment([f.doc]),
    name: pascal(f.name),
    type: f.type.c,
    bits: f.bits.map((b) => ({ doc: docComment([`Bit ${b.bit}: ${b.doc}`], 2), k: kName(b.name), literal: hexLiteral(b.mask, f) })),
    all: hexLiteral(f.allMask, f),
  };
}

function hexLiteral(mask: bigint, f: FlagsDef): string {
  const hex = `0x${mask.toString(16)}`;
  if (f.type.bytes < 4) return hex;
  return `${f.type.signed ? 'INT' : 'UINT'}${f.type.bytes * 8}_C(${hex})`;
}

function recordView(r: RecordDef) {
  const codec = codecBodies(r);
  return {
    doc: docComment([r.doc]),
    name: pascal(r.name),
    idl: r.name,
    layout: r.layout,
    attr: r.layout === 'packed' ? '__attribute__((packed)) ' : '',
    size: r.size,
    align: r.align,
    members: r.fields.map((f) => {
      const rules = [
        f.const !== undefined ? `Must be ${f.const >= 1n << 24n ? `0x${f.const.toString(16)}` : f.const.toString()}.` : '',
        f.range ? `Range ${f.range[0].toString()}..${f.range[1].toString()}.` : '',
      ].filter(Boolean);
      return {
        doc: docComment([[f.doc, ...rules].join(' ')], 2),
        decl: cppMember(f),
        member: ident(f.name),
        field: f.name,
        offset: f.offset,
      };
    }),
    decode: body(codec.decode),
    encode: body(codec.encode),
    equal: body(codec.equal),
  };
}

const cId = (s: string): string => s.replace(/[^A-Za-z0-9_]/g, '_');

function vectorView(r: RecordDef, v: RecordVector) {
  const id = `${cId(r.name)}__${cId(v.name)}`;
  const hex = Array.from(v.bytes, (b) => `0x${b.toString(16).padStart(2, '0')}`);
  const bytes: string[] = [];
  for (let i = 0; i < hex.length; i += 12) bytes.push(`${hex.slice(i, i + 12).join(', ')},`);
  const status = v.error === undefined ? 'kOk' : { truncated: 'kTruncated', range: 'kRange', const: 'kConst' }[v.error];
  const value = v.value !== undefined ? cppValue({ kind: 'record', def: r }, v.value, WIDTH, 0) : '';
  const type = pascal(r.name);
  const data = bytes.length ? `data::${id}_bytes` : 'nullptr';
  const fns = value ? `&decodes_to<${type}, data::${id}_value>, &encode_expected<${type}, data::${id}_value>` : 'nullptr, nullptr';
  const row = `{${cppString(r.name)}, ${cppString(v.name)}, ${v.bytes.length}, DecodeStatus::${status},\n     ${data},\n     ${fns}}`;
  return { id, record: r.name, name: v.name, error: v.error ?? '', size: v.bytes.length, bytes, type, value, row };
}

export function emitCpp(model: Model): GeneratedFile[] {
  checkTypeNames(model);
  checkProtocolNames(model);
  const { abi } = model;
  const line = headerLine(model, 'cpp');
  const ordered = recordsInDependencyOrder(model.records);

  const header = render('hostwire_abi.hpp', {
    headerLine: line,
    abiDoc: docComment([
      `The ${abi.name} ABI ${abi.version.text} for the native core: errno, constants, enums, flags, records and ` +
        'their strict codecs. Plain C++17; no N-API.',
      '',
      abi.doc,
      '',
      'Names: errno codes, values and constants are `k` + their IDL name (`kENOSYS`, `EpollOp::kADD`, ' +
        '`kLOG_MAX_BYTES`), which keeps them clear of the C library macros of the same names; enums, flag ' +
        'sets and records are PascalCase structs.',
    ]),
    abi: {
      name: cppString(abi.name),
      module: cppString(abi.module),
      version: cppString(abi.version.text),
      major: abi.version.major,
      minor: abi.version.minor,
      patch: abi.version.patch,
    },
    protocols: model.protocols.map((p) => ({
      doc: docComment([`The ${p.name} protocol ${p.version.text}, versioned apart from the ABI.`, '', p.doc]),
      k: protocolK(p.name),
      version: cppString(p.version.text),
      major: p.version.major,
      minor: p.version.minor,
      patch: p.version.patch,
    })),
    errnoDoc: docComment(['Errno codes (positive). A hostcall or core function returns `-errno` on failure.']),
    errnos: model.errnos.map((e) => ({
      doc: docComment([e.doc]),
      k: kName(e.name),
      value: e.value,
      row: `{${cppString(e.name)}, ${kName(e.name)}, ${cppString(e.doc)}}`,
    })),
    constants: model.constants.map((c) => ({ doc: docComment([c.doc]), type: c.type.c, k: kName(c.name), literal: cppLiteral(c.value, c.type) })),
    enums: model.enums.map(enumView),
    flags: model.flags.map(flagsView),
    records: ordered.map(recordView),
    recordTable: model.records.map((r) => ({ idl: r.name, name: pascal(r.name) })),
  });

  const vectors = render('vectors.hpp', {
    headerLine: line,
    vectors: model.records.flatMap((r) => r.vectors.map((v) => vectorView(r, v))),
  });

  return [
    { path: 'hostwire_abi.hpp', content: header },
    { path: 'vectors.hpp', content: vectors },
  ];
}

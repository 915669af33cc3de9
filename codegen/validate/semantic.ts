/**
 * Stage 2b: semantic checks over the merged IDL, after the schema passed: one ABI header,
 * unique names and values, flag bits that do not overlap, errors that are in the errno
 * table, type references that resolve, protocols that are declared and that the guest ABI
 * does not depend on. Every problem names its file and place.
 */
import { Diagnostic, pointer as ptr } from '../diagnostics';
import type { Located, RawIdl, RawObject } from '../raw';
import type { IntInfo } from '../model';
import { INTS, isIntType, parseInt64, inRange } from '../resolve/ints';
import { checkSpelling } from './spelling';

/** The most elements of a record field's array (records are fixed-size wire structures). */
export const MAX_ARRAY_LENGTH = 65535;

/** Parameter types a hostcall may use besides enums, flags and integers. */
export const HOSTCALL_PARAM_KINDS = ['fd', 'fn_index', 'in_bytes', 'in_string', 'out_bytes', 'ctl_arg'] as const;
/** Types an interface signature or dictionary may use besides dictionaries, interfaces and records. */
export const API_BUILTINS = ['bool', 'string', 'bytes', 'memory', 'abort_signal', 'json', 'void', ...Object.keys(INTS)];

/** Built-in types only a method may return (`json`: JSON text from the core, an object in JS). */
const RESULT_ONLY = ['void', 'json'];

class Checker {
  readonly diags: Diagnostic[] = [];
  constructor(readonly raw: RawIdl) {}

  report(at: Located, sub: string, message: string): void {
    const pointer = at.pointer + sub;
    this.diags.push({ file: at.file.displayPath, pointer, line: at.file.lineOf(pointer), message });
  }

  /** Report every name that occurs twice in `items` (by `key`), at its second occurrence. */
  unique<T>(items: Array<{ at: Located; sub: string; key: T }>, what: string, show: (k: T) => string = String): void {
    const first = new Map<T, { at: Located; sub: string }>();
    for (const it of items) {
      const prev = first.get(it.key);
      if (prev) {
        const line = prev.at.file.lineOf(prev.at.pointer + prev.sub);
        const where = `${prev.at.file.displayPath}${line !== undefined ? ':' + line : ''}`;
        this.report(it.at, it.sub, `duplicate ${what} ${show(it.key)} (first defined at ${where}); expected each ${what} once`);
      } else first.set(it.key, it);
    }
  }
}

function list(o: RawObject, key: string): RawObject[] {
  const v = o[key];
  return Array.isArray(v) ? (v as RawObject[]) : [];
}

export function checkSemantics(raw: RawIdl): Diagnostic[] {
  const c = new Checker(raw);
  const { sections } = raw;

  // One ABI header and one errno table.
  const abis = raw.files.filter((f) => f.data.abi);
  if (abis.length === 0) {
    c.diags.push({ file: raw.files[0].displayPath, pointer: '', line: 1, message: "missing the 'abi' section: expected exactly one IDL file to declare it" });
  }
  for (const f of abis.slice(1)) {
    c.diags.push({ file: f.displayPath, pointer: '/abi', line: f.lineOf('/abi'), message: `second 'abi' section (first in ${abis[0].displayPath}); expected exactly one` });
  }
  const errnoFiles = raw.files.filter((f) => f.data.errno);
  if (errnoFiles.length === 0) {
    c.diags.push({ file: raw.files[0].displayPath, pointer: '', line: 1, message: "missing the 'errno' table: expected exactly one IDL file to declare it" });
  }
  for (const f of errnoFiles.slice(1)) {
    c.diags.push({ file: f.displayPath, pointer: '/errno', line: f.lineOf('/errno'), message: `second 'errno' table (first in ${errnoFiles[0].displayPath}); expected exactly one` });
  }

  // errno: unique names and values; aliases refer to codes.
  const errnoNames = new Set<string>();
  if (raw.errno) {
    const at = raw.errno;
    const codes = list(at.item, 'codes');
    codes.forEach((e) => errnoNames.add(String(e.name)));
    c.unique(codes.map((e, i) => ({ at, sub: ptr('codes', i, 'name'), key: String(e.name) })), 'errno name');
    c.unique(codes.map((e, i) => ({ at, sub: ptr('codes', i, 'value'), key: Number(e.value) })), 'errno value');
    list(at.item, 'aliases').forEach((a, i) => {
      if (a.errno !== undefined && !errnoNames.has(String(a.errno))) {
        c.report(at, ptr('aliases', i, 'errno'), `unknown errno '${String(a.errno)}'; expected one of the errno table: ${[...errnoNames].join(', ')}`);
      }
    });
  }
  const checkErrors = (at: Located, sub: string, errors: unknown): void => {
    if (!Array.isArray(errors)) return;
    errors.forEach((e, i) => {
      if (!errnoNames.has(String(e))) {
        c.report(at, `${sub}/${i}`, `error '${String(e)}' is not in the errno table; expected one of: ${[...errnoNames].join(', ')}`);
      }
    });
    c.unique(errors.map((e, i) => ({ at, sub: `${sub}/${i}`, key: String(e) })), 'error');
  };

  // One namespace for every named type.
  const typeDecls: Array<{ at: Located; sub: string; key: string }> = [];
  for (const s of ['enums', 'flags', 'records', 'dictionaries', 'interfaces'] as const) {
    for (const at of sections[s]) typeDecls.push({ at, sub: '/name', key: String(at.item.name) });
  }
  c.unique(typeDecls, 'type name');
  const builtinNames = new Set<string>([...API_BUILTINS, ...HOSTCALL_PARAM_KINDS]);
  for (const d of typeDecls) {
    if (builtinNames.has(d.key)) c.report(d.at, d.sub, `type name '${d.key}' is reserved for a built-in type; expected another name`);
  }
  const kindOf = new Map<string, string>();
  for (const s of ['enums', 'flags', 'records', 'dictionaries', 'interfaces'] as const) {
    for (const at of sections[s]) kindOf.set(String(at.item.name), s);
  }
  /** The names of one kind of type, for messages. */
  const namesOf = (kind: string): string => [...kindOf].filter(([, k]) => k === kind).map(([n]) => n).join(', ') || '(none declared)';

  // Protocols: unique names, apart from the ABI's; every item's `protocol` names one of them.
  c.unique(raw.protocols.map((at) => ({ at, sub: '/name', key: String(at.item.name) })), 'protocol');
  const protocolNames = new Set(raw.protocols.map((at) => String(at.item.name)));
  const abiName = raw.abi ? String(raw.abi.item.name) : undefined;
  for (const at of raw.protocols) {
    if (String(at.item.name) === abiName) {
      c.report(at, '/name', `protocol '${abiName}' has the name of the ABI; expected a name of its own (each protocol is a version domain apart from the ABI)`);
    }
  }
  const expectedProtocol = (): string =>
    protocolNames.size ? `one of the protocols declared under 'protocols': ${[...protocolNames].join(', ')}` : `a protocol declared under 'protocols' (none is declared)`;
  for (const s of ['constants', 'enums', 'records', 'dictionaries', 'interfaces'] as const) {
    for (const at of sections[s]) {
      const p = at.item.protocol;
      if (p !== undefined && !protocolNames.has(String(p))) c.report(at, '/protocol', `unknown protocol '${String(p)}'; expected ${expectedProtocol()}`);
    }
  }
  // The domain of every named type: its protocol, or the guest ABI (undefined). An item may use
  // types of the guest ABI and of its own protocol only: the guest ABI cannot depend on a
  // protocol's version, nor one protocol on another's.
  const protocolOf = new Map<string, string | undefined>();
  for (const s of ['enums', 'flags', 'records', 'dictionaries', 'interfaces'] as const) {
    for (const at of sections[s]) protocolOf.set(String(at.item.name), at.item.protocol === undefined ? undefined : String(at.item.protocol));
  }
  const SINGULAR = { enums: 'enum', flags: 'flags', records: 'record', dictionaries: 'dictionary', interfaces: 'interface', hostcalls: 'hostcall' } as const;
  const checkDomain = (at: Located, section: keyof typeof SINGULAR, sub: string, typeName: unknown): void => {
    const base = String(typeName).replace(/\[\d*\]$/, '');
    const theirs = protocolOf.get(base);
    if (theirs === undefined) return;
    const mine = section === 'hostcalls' ? undefined : (at.item.protocol as string | undefined);
    if (mine === theirs || (mine !== undefined && !protocolNames.has(mine))) return;
    const what = `${SINGULAR[section]} '${String(at.item.name)}'`;
    const type = `${SINGULAR[kindOf.get(base) as keyof typeof SINGULAR] ?? 'type'} '${base}'`;
    c.report(
      at,
      sub,
      mine === undefined
        ? `${what} is part of the guest ABI and cannot use ${type} of protocol '${theirs}' (the guest ABI cannot depend on a protocol's version); expected a type of the guest ABI`
        : `${what} of protocol '${mine}' cannot use ${type} of protocol '${theirs}'; expected a type of the guest ABI or of protocol '${mine}'`,
    );
  };

  /** Check a `range` of an integer field: it fits the type and is in order. Returns it when it is sound. */
  const checkRange = (at: Located, sub: string, range: unknown, t: IntInfo | undefined): [bigint, bigint] | undefined => {
    if (!Array.isArray(range) || !t) return undefined;
    const [lo, hi] = range.map(parseInt64);
    if (lo === undefined || hi === undefined) return undefined;
    let sound = true;
    [lo, hi].forEach((v, j) => {
      if (!inRange(v, t)) {
        c.report(at, `${sub}/range/${j}`, `range bound ${v} does not fit ${t.name} (expected ${t.min}..${t.max})`);
        sound = false;
      }
    });
    if (sound && lo > hi) {
      c.report(at, `${sub}/range`, `range ${lo}..${hi} is empty; expected the lower bound first`);
      sound = false;
    }
    return sound ? [lo, hi] : undefined;
  };

  // Constants.
  c.unique(sections.constants.map((at) => ({ at, sub: '/name', key: String(at.item.name) })), 'constant');
  for (const at of sections.constants) {
    const v = parseInt64(at.item.value);
    const t = INTS[at.item.type as keyof typeof INTS];
    if (v !== undefined && t && !inRange(v, t)) c.report(at, '/value', `value ${v} does not fit ${t.name} (expected ${t.min}..${t.max})`);
  }

  // Enums: unique value names and values, values fit the type, aliases name values.
  for (const at of sections.enums) {
    const values = list(at.item, 'values');
    const t = INTS[at.item.type as keyof typeof INTS];
    c.unique(values.map((v, i) => ({ at, sub: ptr('values', i, 'name'), key: String(v.name) })), `value name in enum '${String(at.item.name)}':`);
    c.unique(values.map((v, i) => ({ at, sub: ptr('values', i, 'value'), key: String(parseInt64(v.value)) })), `value in enum '${String(at.item.name)}':`);
    values.forEach((v, i) => {
      const n = parseInt64(v.value);
      if (n !== undefined && t && !inRange(n, t)) c.report(at, ptr('values', i, 'value'), `value ${n} does not fit ${t.name} (expected ${t.min}..${t.max})`);
      else if (n !== undefined && !inRange(n, INTS.i32)) {
        c.report(at, ptr('values', i, 'value'), `value ${n} does not fit a C enum constant, which is an int (expected ${INTS.i32.min}..${INTS.i32.max})`);
      }
    });
    const names = new Set(values.map((v) => String(v.name)));
    list(at.item, 'aliases').forEach((a, i) => {
      if (!names.has(String(a.of))) c.report(at, ptr('aliases', i, 'of'), `alias of unknown value '${String(a.of)}'; expected one of: ${[...names].join(', ')}`);
    });
  }

  // Flags: unique names, no two flags on one bit, bits inside the type.
  for (const at of sections.flags) {
    const bits = list(at.item, 'bits');
    const t = INTS[at.item.type as keyof typeof INTS];
    c.unique(bits.map((b, i) => ({ at, sub: ptr('bits', i, 'name'), key: String(b.name) })), `flag name in '${String(at.item.name)}':`);
    const byBit = new Map<number, string>();
    bits.forEach((b, i) => {
      const bit = Number(b.bit);
      if (t && bit >= t.bytes * 8) c.report(at, ptr('bits', i, 'bit'), `bit ${bit} does not fit ${t.name} (expected 0..${t.bytes * 8 - 1})`);
      const prev = byBit.get(bit);
      if (prev !== undefined) {
        c.report(at, ptr('bits', i, 'bit'), `flag '${String(b.name)}' overlaps flag '${prev}' on bit ${bit} (mask 0x${(1n << BigInt(bit)).toString(16)}); expected each flag on its own bit`);
      } else byBit.set(bit, String(b.name));
    });
    const names = new Set(bits.map((b) => String(b.name)));
    list(at.item, 'aliases').forEach((a, i) => {
      if (!names.has(String(a.of))) c.report(at, ptr('aliases', i, 'of'), `alias of unknown flag '${String(a.of)}'; expected one of: ${[...names].join(', ')}`);
    });
  }

  // Records: field types resolve, no record contains itself, const/range fit.
  const recordFieldTypes = ['enums', 'flags', 'records'];
  for (const at of sections.records) {
    const fields = list(at.item, 'fields');
    c.unique(fields.map((f, i) => ({ at, sub: ptr('fields', i, 'name'), key: String(f.name) })), `field of record '${String(at.item.name)}':`);
    fields.forEach((f, i) => {
      const base = String(f.type).replace(/\[\d+\]$/, '');
      const length = /\[(\d+)\]$/.exec(String(f.type))?.[1];
      if (length !== undefined && Number(length) > MAX_ARRAY_LENGTH) {
        c.report(at, ptr('fields', i, 'type'), `array length ${length} is too large; expected 1..${MAX_ARRAY_LENGTH} elements`);
      }
      const k = kindOf.get(base);
      if (!isIntType(base) && !(k && recordFieldTypes.includes(k))) {
        const known = [...Object.keys(INTS), ...[...kindOf].filter(([, kk]) => recordFieldTypes.includes(kk)).map(([n]) => n)];
        c.report(at, ptr('fields', i, 'type'), `unknown type '${base}'; expected an integer type, enum, flags or record: ${known.join(', ')}`);
      }
      if (base === at.item.name) c.report(at, ptr('fields', i, 'type'), `record '${base}' contains itself; expected a finite layout`);
      checkDomain(at, 'records', ptr('fields', i, 'type'), base);
      if ((f.const !== undefined || f.range !== undefined) && !isIntType(String(f.type))) {
        c.report(at, ptr('fields', i), `'const' and 'range' apply to integer fields only (type '${String(f.type)}'); expected one of: ${Object.keys(INTS).join(', ')}`);
      } else {
        const type = String(f.type);
        const t = isIntType(type) ? INTS[type] : undefined;
        const range = checkRange(at, ptr('fields', i), f.range, t);
        const v = parseInt64(f.const);
        if (v !== undefined && t) {
          if (!inRange(v, t)) c.report(at, ptr('fields', i, 'const'), `const ${v} does not fit ${t.name} (expected ${t.min}..${t.max})`);
          else if (range && (v < range[0] || v > range[1])) c.report(at, ptr('fields', i, 'const'), `const ${v} is outside the field's range (expected ${range[0]}..${range[1]})`);
        }
      }
    });
  }

  // Hostcalls.
  const commandEnums = new Set<Located>();
  c.unique(sections.hostcalls.map((at) => ({ at, sub: '/name', key: String(at.item.name) })), 'hostcall import name');
  const paramKinds = new Set<string>([...HOSTCALL_PARAM_KINDS, ...Object.keys(INTS)]);
  for (const at of sections.hostcalls) {
    const h = at.item;
    const params = list(h, 'params');
    c.unique(params.map((p, i) => ({ at, sub: ptr('params', i, 'name'), key: String(p.name) })), `parameter of '${String(h.name)}':`);
    let pointers = false;
    let outputs = false;
    params.forEach((p, i) => {
      const t = String(p.type);
      const k = kindOf.get(t);
      if (!paramKinds.has(t) && k !== 'enums' && k !== 'flags') {
        c.report(at, ptr('params', i, 'type'), `unknown type '${t}'; expected one of: ${[...HOSTCALL_PARAM_KINDS].join(', ')}, an integer type, or an enum or flags name`);
      }
      checkDomain(at, 'hostcalls', ptr('params', i, 'type'), t);
      if (p.record !== undefined) checkDomain(at, 'hostcalls', ptr('params', i, 'record'), p.record);
      if (p.commands !== undefined) checkDomain(at, 'hostcalls', ptr('params', i, 'commands'), p.commands);
      if (['in_bytes', 'in_string', 'out_bytes', 'ctl_arg'].includes(t)) pointers = true;
      if (t === 'out_bytes') outputs = true;
      if (p.record !== undefined) {
        if (t !== 'out_bytes') c.report(at, ptr('params', i, 'record'), `'record' applies to out_bytes parameters only; expected no 'record' on a ${t} parameter`);
        else if (kindOf.get(String(p.record)) !== 'records') c.report(at, ptr('params', i, 'record'), `unknown record '${String(p.record)}'; expected one of: ${namesOf('records')}`);
      }
      if (t === 'ctl_arg') {
        if (p.commands === undefined) c.report(at, ptr('params', i), `a ctl_arg parameter needs 'commands'; expected the command enum, one of: ${namesOf('enums')}`);
        else if (kindOf.get(String(p.commands)) !== 'enums') c.report(at, ptr('params', i, 'commands'), `unknown enum '${String(p.commands)}'; expected one of: ${namesOf('enums')}`);
        else {
          const cmdEnum = sections.enums.find((e) => e.item.name === p.commands);
          if (cmdEnum && list(cmdEnum.item, 'values').some((v) => v.output === 'json')) outputs = true;
          if (!params.some((q) => q !== p && q.type === p.commands)) {
            c.report(at, ptr('params', i, 'commands'), `no parameter of '${String(h.name)}' has the command enum '${String(p.commands)}' as its type; expected the command as a parameter of type '${String(p.commands)}' beside '${String(p.name)}'`);
          }
          if (cmdEnum) commandEnums.add(cmdEnum);
        }
      } else if (p.commands !== undefined) c.report(at, ptr('params', i, 'commands'), `'commands' applies to ctl_arg parameters only; expected no 'commands' on a ${t} parameter`);
      if (p.c_record_helper !== undefined && p.record === undefined) c.report(at, ptr('params', i, 'c_record_helper'), `'c_record_helper' needs 'record'; expected the record it reads beside it`);
      if (p.c_str_name !== undefined && t !== 'in_string') c.report(at, ptr('params', i, 'c_str_name'), `'c_str_name' applies to in_string parameters only; expected no 'c_str_name' on a ${t} parameter`);
      if (p.timeout === true) {
        if (h.blocking !== true) c.report(at, ptr('params', i, 'timeout'), `'timeout' applies to parameters of blocking hostcalls only; expected no 'timeout' here, or 'blocking: true' on the hostcall`);
        else if (['i64', 'u64'].includes(t) || (!isIntType(t) && paramKinds.has(t))) {
          c.report(at, ptr('params', i, 'timeout'), `a 'timeout' parameter is an integer of at most 32 bits (milliseconds); expected i32 or a narrower integer, not '${t}'`);
        }
      }
    });
    if (params.filter((p) => p.timeout === true).length > 1) c.report(at, '/params', `at most one parameter of '${String(h.name)}' may be its 'timeout'; expected one`);
    const ret = (h.returns ?? {}) as RawObject;
    // Outputs (out_bytes, ctl_arg): the length of one is the result ('count'), or each length
    // is written back beside its buffer ('status').
    const outs = params.map((p, i) => ({ p, i })).filter(({ p }) => p.type === 'out_bytes' || p.type === 'ctl_arg');
    if (outs.length > 1 && ret.kind !== 'status') {
      c.report(
        at,
        '/returns/kind',
        `'${String(h.name)}' has ${outs.length} output parameters (${outs.map(({ p }) => `'${String(p.name)}'`).join(', ')}) but returns '${String(ret.kind)}'; expected 'status' (a 'count' is the length of a call's one output)`,
      );
    } else if (outs.length === 1 && ret.kind !== 'count' && ret.kind !== 'status') {
      const out = outs[0].p;
      c.report(
        at,
        '/returns/kind',
        `'${String(h.name)}' has an output parameter ('${String(out.name)}', ${String(out.type)}) but returns '${String(ret.kind)}'; expected 'count' or 'status'`,
      );
    }
    if (ret.kind === 'value' && ret.type === undefined) c.report(at, '/returns', `a 'value' return needs 'type'; expected one of: ${Object.keys(INTS).join(', ')}`);
    if (ret.kind !== 'value' && ret.type !== undefined) c.report(at, '/returns/type', `'type' applies to 'value' returns only; expected no 'type' on a '${String(ret.kind)}' return`);
    if (ret.of !== undefined) {
      checkDomain(at, 'hostcalls', '/returns/of', ret.of);
      if (ret.kind !== 'count') c.report(at, '/returns/of', `'of' applies to 'count' returns only; expected no 'of' on a '${String(ret.kind)}' return`);
      else if (kindOf.get(String(ret.of)) !== 'records') c.report(at, '/returns/of', `unknown record '${String(ret.of)}'; expected one of: ${namesOf('records')}`);
    }
    checkErrors(at, '/errors', h.errors);
    const errs = Array.isArray(h.errors) ? h.errors.map(String) : [];
    if (pointers && !errs.includes('EFAULT')) c.report(at, '/errors', `'${String(h.name)}' takes guest pointers, so its errors must include EFAULT; expected EFAULT in 'errors'`);
    if (outputs && !errs.includes('ENOSPC')) c.report(at, '/errors', `'${String(h.name)}' writes an output buffer, so its errors must include ENOSPC (the output-buffer rule); expected ENOSPC in 'errors'`);
    if (h.implemented === false && !errs.includes('ENOSYS')) c.report(at, '/errors', `'${String(h.name)}' is not implemented, so its errors must include ENOSYS; expected ENOSYS in 'errors'`);
  }
  // The C header has helpers for commands that take JSON or give JSON, not both.
  for (const at of commandEnums) {
    list(at.item, 'values').forEach((v, i) => {
      if (v.input === 'json' && v.output === 'json' && v.c_helper !== false) {
        c.report(at, ptr('values', i), `command '${String(v.name)}' takes JSON input and gives JSON output, which no C helper does; expected 'c_helper: false' (the guest calls the hostcall itself), or one direction`);
      }
    });
  }
  const cNames = sections.hostcalls.flatMap((at) => [
    { at, sub: '/c_name', key: String(at.item.c_name ?? '') || `(default for ${String(at.item.name)})` },
    ...((at.item.c_aliases as string[] | undefined) ?? []).map((a, i) => ({ at, sub: ptr('c_aliases', i), key: a })),
  ]);
  c.unique(cNames, 'C function name');

  // Dictionaries and interfaces: types resolve, errors are in the table.
  const apiType = (at: Located, sub: string, t: unknown, allowVoid: boolean): void => {
    const base = String(t).replace(/\[\]$/, '');
    const k = kindOf.get(base);
    const ok = (API_BUILTINS.includes(base) && (allowVoid || !RESULT_ONLY.includes(base))) || k === 'dictionaries' || k === 'interfaces' || k === 'records';
    if (!ok) {
      c.report(at, sub, `unknown type '${base}'; expected one of: ${API_BUILTINS.filter((b) => allowVoid || !RESULT_ONLY.includes(b)).join(', ')}, or a dictionary, interface or record name`);
    }
  };
  /** A dictionary field's range fits its integer type; its default is a value of its type, inside the range. */
  const checkDefault = (at: Located, sub: string, f: RawObject): void => {
    const type = String(f.type);
    const t = isIntType(type) ? INTS[type] : undefined;
    if (f.range !== undefined && !t) {
      c.report(at, `${sub}/range`, `'range' applies to integer fields only (type '${type}'); expected one of: ${Object.keys(INTS).join(', ')}`);
    }
    const range = checkRange(at, sub, f.range, t);
    if (!('default' in f)) return;
    const d = f.default;
    const at2 = `${sub}/default`;
    const got = JSON.stringify(d) ?? String(d);
    if (type === 'bool') {
      if (typeof d !== 'boolean') c.report(at, at2, `default ${got} of a bool field; expected true or false`);
    } else if (type === 'string') {
      if (typeof d !== 'string') c.report(at, at2, `default ${got} of a string field; expected a string`);
    } else if (t) {
      if (typeof d !== 'number' || !Number.isSafeInteger(d)) {
        c.report(at, at2, `default ${got} of a ${t.name} field; expected an integer (a number, not a string)`);
      } else if (!inRange(BigInt(d), t)) {
        c.report(at, at2, `default ${d} does not fit ${t.name} (expected ${t.min}..${t.max})`);
      } else if (range && (BigInt(d) < range[0] || BigInt(d) > range[1])) {
        c.report(at, at2, `default ${d} is outside the field's range (expected ${range[0]}..${range[1]})`);
      }
    } else {
      c.report(at, at2, `a default applies to bool, string and integer fields only (type '${type}'); expected no default`);
    }
  };
  for (const at of sections.dictionaries) {
    const fields = list(at.item, 'fields');
    c.unique(fields.map((f, i) => ({ at, sub: ptr('fields', i, 'name'), key: String(f.name) })), `field of dictionary '${String(at.item.name)}':`);
    fields.forEach((f, i) => {
      apiType(at, ptr('fields', i, 'type'), f.type, false);
      checkDomain(at, 'dictionaries', ptr('fields', i, 'type'), String(f.type).replace(/\[\]$/, ''));
      checkDefault(at, ptr('fields', i), f);
    });
  }
  for (const at of sections.interfaces) {
    const methods = list(at.item, 'methods');
    c.unique(methods.map((m, i) => ({ at, sub: ptr('methods', i, 'name'), key: String(m.name) })), `method of '${String(at.item.name)}':`);
    methods.forEach((m, i) => {
      list(m, 'params').forEach((p, j) => {
        apiType(at, ptr('methods', i, 'params', j, 'type'), p.type, false);
        checkDomain(at, 'interfaces', ptr('methods', i, 'params', j, 'type'), String(p.type).replace(/\[\]$/, ''));
      });
      apiType(at, ptr('methods', i, 'returns'), m.returns, true);
      checkDomain(at, 'interfaces', ptr('methods', i, 'returns'), String(m.returns).replace(/\[\]$/, ''));
      checkErrors(at, ptr('methods', i, 'errors'), m.errors);
    });
    const ctor = at.item.ctor as RawObject | undefined;
    if (ctor) {
      list(ctor, 'params').forEach((p, j) => {
        apiType(at, ptr('ctor', 'params', j, 'type'), p.type, false);
        checkDomain(at, 'interfaces', ptr('ctor', 'params', j, 'type'), String(p.type).replace(/\[\]$/, ''));
      });
      checkErrors(at, '/ctor/errors', ctor.errors);
    }
  }
  c.diags.push(...checkSpelling(raw));
  return c.diags;
}

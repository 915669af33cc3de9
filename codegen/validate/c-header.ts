/**
 * Stage 2d: what the C header's hand-written helpers need of the IDL. `spear.h` is a drop-in
 * for SPEAR's guest header: its `*_alloc` pattern, log helpers and JSON helpers use some
 * constants, errno codes and the log hostcall by name, and `spear_ssf.h` reads and writes the
 * SSF v1 header through named records and constants. An IDL without them is refused here,
 * naming what is missing, instead of failing inside the back end.
 */
import type { Diagnostic } from '../diagnostics';
import type { Located, RawIdl, RawObject } from '../raw';
import { INTS, isIntType } from '../resolve/ints';

/** The sub-headers the C back end has templates for (`c_header` may name these or the ABI's header). */
export const C_SUB_HEADERS = ['spear_ssf.h'] as const;

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const list = (o: RawObject, key: string): RawObject[] => (Array.isArray(o[key]) ? (o[key] as RawObject[]) : []);

/** Constants of the main header's helpers, and what each is for. */
const MAIN_CONSTANTS: Record<string, string> = {
  ALLOC_INITIAL_BYTES: 'the first capacity of the *_alloc helpers',
  ALLOC_MAX_TRIES: 'the most calls an *_alloc helper makes',
  LOG_MAX_BYTES: 'the longest message of the log helpers',
};
/** Errno codes the helpers return. */
const MAIN_ERRNOS = ['EFAULT', 'EINVAL', 'ENOMEM', 'ENOSPC'];
/** Values of the log level enum the log helpers use. */
const LOG_LEVELS = ['DEBUG', 'INFO', 'ERROR'];

/** spear_ssf.h: its records and their fields (with the width the helpers read or write, in bytes). */
const SSF_RECORDS: Record<string, Record<string, number | undefined>> = {
  ssf_v1_wire_header: { magic: 4, version: 2, header_len: 2, msg_type: 2, flags: 2, stream_id: 4, seq: 8, meta_len: 4, data_len: 4 },
  ssf_v1_header: { msg_type: undefined, flags: undefined, stream_id: undefined, seq: undefined, meta_len: undefined, data_len: undefined, header_len: undefined },
};
const SSF_CONSTANTS = ['SSF_V1_MAGIC', 'SSF_V1_VERSION', 'SSF_V1_HEADER_LEN'];

export function checkCHeader(raw: RawIdl): Diagnostic[] {
  const diags: Diagnostic[] = [];
  const report = (at: Located, sub: string, message: string): void => {
    const pointer = at.pointer + sub;
    diags.push({ file: at.file.displayPath, pointer, line: at.file.lineOf(pointer), message });
  };
  const abi = raw.abi;
  if (!abi) return diags;
  const { sections } = raw;
  const mainHeader = str((abi.item.c as RawObject | undefined)?.header);
  const named = (items: Located[], name: string): Located | undefined => items.find((at) => at.item.name === name);
  const header = (at: Located): string => str(at.item.c_header) || mainHeader;

  // The main header: constants, errno codes, the alias of -EIO, the log hostcall.
  for (const [name, why] of Object.entries(MAIN_CONSTANTS)) {
    if (!named(sections.constants, name)) report(abi, '/c', `the C header's helpers need constant '${name}' (${why}); expected it under 'constants'`);
  }
  if (raw.errno) {
    const codes = new Set(list(raw.errno.item, 'codes').map((e) => str(e.name)));
    for (const name of MAIN_ERRNOS) {
      if (!codes.has(name)) report(raw.errno, '/codes', `the C header's helpers return -${name}; expected errno '${name}' in the table`);
    }
    if (codes.has('EIO') && !list(raw.errno.item, 'aliases').some((a) => a.errno === 'EIO')) {
      report(raw.errno, '/aliases', `the C header's JSON helpers return an alias of -EIO when a JSON argument does not fit; expected an alias with 'errno: EIO'`);
    } else if (!codes.has('EIO')) {
      report(raw.errno, '/codes', `the C header's JSON helpers return an alias of -EIO; expected errno 'EIO' in the table`);
    }
  }
  const log = named(sections.hostcalls, 'log');
  if (!log) {
    report(abi, '/c', `the C header's log helpers call a hostcall 'log'; expected a hostcall named 'log' taking a log level enum and an in_bytes message`);
  } else {
    const params = list(log.item, 'params');
    const level = sections.enums.find((e) => e.item.name === params[0]?.type);
    const ret = str((log.item.returns as RawObject | undefined)?.kind);
    if (params.length !== 2 || !level || params[1].type !== 'in_bytes') {
      report(log, '/params', `the C header's log helpers call 'log' with a level and a message; expected two parameters: a log level enum, then an in_bytes message`);
    } else {
      const values = new Set(list(level.item, 'values').map((v) => str(v.name)));
      const missing = LOG_LEVELS.filter((v) => !values.has(v));
      if (missing.length) {
        report(level, '/values', `the C header's log helpers use levels ${LOG_LEVELS.join(', ')} of '${str(level.item.name)}'; expected values named ${missing.join(', ')}`);
      }
    }
    if (ret !== 'status' && ret !== 'count') {
      report(log, '/returns/kind', `the C header's log helpers return what 'log' returns as an int32_t; expected 'status' or 'count' (got '${ret}')`);
    }
  }

  // Sub-headers: only those with a template; spear_ssf.h with what its helpers use.
  const placed = [...sections.constants, ...sections.enums, ...sections.flags, ...sections.records].filter((at) => at.item.c_header !== undefined);
  for (const at of placed) {
    const h = header(at);
    if (h !== mainHeader && !(C_SUB_HEADERS as readonly string[]).includes(h)) {
      report(at, '/c_header', `the C back end writes ${mainHeader} and ${C_SUB_HEADERS.join(', ')} only; expected one of them (got '${h}')`);
    }
  }
  const ssf = placed.find((at) => header(at) === 'spear_ssf.h' && mainHeader !== 'spear_ssf.h');
  if (ssf) {
    const need = `the SSF helpers of spear_ssf.h, which holds '${str(ssf.item.name)}',`;
    for (const name of SSF_CONSTANTS) {
      const c = named(sections.constants, name);
      if (!c || header(c) !== 'spear_ssf.h') report(ssf, '/c_header', `${need} use constant '${name}'; expected it under 'constants' with 'c_header: spear_ssf.h'`);
    }
    for (const [name, fields] of Object.entries(SSF_RECORDS)) {
      const r = named(sections.records, name);
      if (!r || header(r) !== 'spear_ssf.h') {
        report(ssf, '/c_header', `${need} use record '${name}'; expected it under 'records' with 'c_header: spear_ssf.h'`);
        continue;
      }
      const have = new Map(list(r.item, 'fields').map((f, i) => [str(f.name), { f, i }]));
      for (const [field, bytes] of Object.entries(fields)) {
        const got = have.get(field);
        const t = got && widthOf(raw, str(got.f.type));
        if (!got || t === undefined || (bytes !== undefined && t !== bytes)) {
          const want = bytes !== undefined ? `a ${bytes * 8}-bit integer, enum or flags field '${field}'` : `an integer, enum or flags field '${field}'`;
          report(r, got ? `/fields/${got.i}/type` : '/fields', `${need} use field '${field}' of '${name}'; expected ${want}`);
        }
      }
    }
  }
  return diags;
}

/** The width in bytes of a scalar field type (integer, enum, flags); undefined for arrays and records. */
function widthOf(raw: RawIdl, type: string): number | undefined {
  if (isIntType(type)) return INTS[type].bytes;
  const e = [...raw.sections.enums, ...raw.sections.flags].find((at) => at.item.name === type);
  return e ? INTS[e.item.type as keyof typeof INTS]?.bytes : undefined;
}

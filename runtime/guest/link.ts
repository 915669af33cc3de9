/**
 * Linking a guest before it is instantiated: every import must be a WASI preview1 function
 * or a `spear` hostcall, with the signature this host gives it. A JS function satisfies any
 * wasm import signature, so a mismatch would not fail instantiation: it would pass garbage
 * (or `undefined`) to the host. The import section is read here and checked against the
 * IDL (`HOSTCALLS`) and the preview1 signatures, and the guest is refused with one line per
 * problem.
 */
import { HOSTCALLS, type HostcallName } from '../../generated/ts/hostcalls';

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';

export interface FuncType {
  params: ValType[];
  results: ValType[];
}

export interface ModuleImport {
  module: string;
  name: string;
  kind: 'func' | 'table' | 'memory' | 'global' | 'tag';
  /** Functions only. */
  type?: FuncType;
}

export type GuestLinkErrorCode = 'ERR_GUEST_LINK' | 'ERR_GUEST_WASM_MALFORMED';

/** The guest cannot be linked against this host; `problems` holds one line per import. */
export class GuestLinkError extends Error {
  readonly code: GuestLinkErrorCode;
  readonly problems: string[];
  constructor(code: GuestLinkErrorCode, message: string, problems: string[] = []) {
    super(message);
    this.name = 'GuestLinkError';
    this.code = code;
    this.problems = problems;
  }
}

export const WASI_MODULE = 'wasi_snapshot_preview1';
export const SPEAR_MODULE = 'spear';

const VALTYPES: Readonly<Record<number, ValType>> = {
  0x7f: 'i32',
  0x7e: 'i64',
  0x7d: 'f32',
  0x7c: 'f64',
  0x7b: 'v128',
  0x70: 'funcref',
  0x6f: 'externref',
};

const KINDS: readonly ModuleImport['kind'][] = ['func', 'table', 'memory', 'global', 'tag'];

/** The imports of a wasm binary with the signatures of its function imports. */
export function readModuleImports(wasm: Uint8Array): ModuleImport[] {
  const b = wasm;
  let at = 8;
  const bad = (why: string): never => {
    throw new GuestLinkError('ERR_GUEST_WASM_MALFORMED', `not a valid wasm module: ${why}`);
  };
  if (b.length < 8 || b[0] !== 0x00 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d) bad('no \\0asm magic');
  const byte = (): number => (at < b.length ? b[at++] : bad(`truncated at byte ${at}`));
  const u32 = (): number => {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const x = byte();
      result += (x & 0x7f) * 2 ** shift;
      if ((x & 0x80) === 0) return result;
    }
    return bad(`LEB128 longer than 5 bytes at byte ${at}`);
  };
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const name = (): string => {
    const len = u32();
    if (at + len > b.length) bad(`name at byte ${at} runs past the end`);
    try {
      return decoder.decode(b.subarray(at, (at += len)));
    } catch {
      return bad(`name before byte ${at} is not UTF-8`);
    }
  };
  const valtype = (): ValType => {
    const t = byte();
    return VALTYPES[t] ?? bad(`unknown value type 0x${t.toString(16)} at byte ${at - 1}`);
  };
  const limits = (): void => {
    const flags = byte();
    u32();
    if (flags & 1) u32();
  };

  const types: FuncType[] = [];
  const imports: ModuleImport[] = [];
  while (at < b.length) {
    const id = byte();
    const size = u32();
    const end = at + size;
    if (end > b.length) bad(`section ${id} runs past the end`);
    if (id === 1) {
      const count = u32();
      for (let i = 0; i < count; i++) {
        const form = byte();
        if (form !== 0x60) bad(`type ${i} is not a function type (0x${form.toString(16)})`);
        const params = Array.from({ length: u32() }, valtype);
        const results = Array.from({ length: u32() }, valtype);
        types.push({ params, results });
      }
    } else if (id === 2) {
      const count = u32();
      for (let i = 0; i < count; i++) {
        const module = name();
        const field = name();
        const kindByte = byte();
        const kind = KINDS[kindByte] ?? bad(`import ${module}.${field} has unknown kind ${kindByte}`);
        const imp: ModuleImport = { module, name: field, kind };
        if (kind === 'func') {
          const index = u32();
          imp.type = types[index] ?? bad(`import ${module}.${field} uses type ${index}, which does not exist`);
        } else if (kind === 'table') {
          valtype();
          limits();
        } else if (kind === 'memory') {
          limits();
        } else if (kind === 'global') {
          valtype();
          byte();
        } else {
          byte();
          u32();
        }
        imports.push(imp);
      }
      return imports; // nothing after the import section matters here
    }
    at = end;
  }
  return imports;
}

const i32 = 'i32' as const;
const i64 = 'i64' as const;
const sig = (params: ValType[], results: ValType[] = [i32]): FuncType => ({ params, results });
const ints = (n: number): ValType[] => Array.from({ length: n }, () => i32);

/** WASI preview1 (witx `wasi_snapshot_preview1`) function signatures. */
export const WASI_PREVIEW1: Readonly<Record<string, FuncType>> = {
  args_get: sig(ints(2)),
  args_sizes_get: sig(ints(2)),
  environ_get: sig(ints(2)),
  environ_sizes_get: sig(ints(2)),
  clock_res_get: sig(ints(2)),
  clock_time_get: sig([i32, i64, i32]),
  fd_advise: sig([i32, i64, i64, i32]),
  fd_allocate: sig([i32, i64, i64]),
  fd_close: sig(ints(1)),
  fd_datasync: sig(ints(1)),
  fd_fdstat_get: sig(ints(2)),
  fd_fdstat_set_flags: sig(ints(2)),
  fd_fdstat_set_rights: sig([i32, i64, i64]),
  fd_filestat_get: sig(ints(2)),
  fd_filestat_set_size: sig([i32, i64]),
  fd_filestat_set_times: sig([i32, i64, i64, i32]),
  fd_pread: sig([i32, i32, i32, i64, i32]),
  fd_prestat_get: sig(ints(2)),
  fd_prestat_dir_name: sig(ints(3)),
  fd_pwrite: sig([i32, i32, i32, i64, i32]),
  fd_read: sig(ints(4)),
  fd_readdir: sig([i32, i32, i32, i64, i32]),
  fd_renumber: sig(ints(2)),
  fd_seek: sig([i32, i64, i32, i32]),
  fd_sync: sig(ints(1)),
  fd_tell: sig(ints(2)),
  fd_write: sig(ints(4)),
  path_create_directory: sig(ints(3)),
  path_filestat_get: sig(ints(5)),
  path_filestat_set_times: sig([i32, i32, i32, i32, i64, i64, i32]),
  path_link: sig(ints(7)),
  path_open: sig([i32, i32, i32, i32, i32, i64, i64, i32, i32]),
  path_readlink: sig(ints(6)),
  path_remove_directory: sig(ints(3)),
  path_rename: sig(ints(6)),
  path_symlink: sig(ints(5)),
  path_unlink_file: sig(ints(3)),
  poll_oneoff: sig(ints(4)),
  proc_exit: sig(ints(1), []),
  proc_raise: sig(ints(1)),
  sched_yield: sig([]),
  random_get: sig(ints(2)),
  sock_accept: sig(ints(3)),
  sock_recv: sig(ints(6)),
  sock_send: sig(ints(5)),
  sock_shutdown: sig(ints(2)),
};

/** The wasm signature of a spear hostcall, from the IDL's lowering. */
export function hostcallSignature(name: HostcallName): FuncType {
  const h = HOSTCALLS[name];
  return { params: h.params.flatMap((p) => p.wasm.map((w) => w.type)), results: h.result === null ? [] : [h.result] };
}

const showSig = (t: FuncType): string => `(${t.params.join(', ')}) -> ${t.results.length === 0 ? '()' : t.results.join(', ')}`;
const sameSig = (a: FuncType, b: FuncType): boolean =>
  a.params.length === b.params.length &&
  a.results.length === b.results.length &&
  a.params.every((t, i) => t === b.params[i]) &&
  a.results.every((t, i) => t === b.results[i]);

/**
 * Check every import of `wasm`; throws a `GuestLinkError` listing each one this host cannot
 * give (an unknown module or name, a wrong kind, a wrong signature). `wasiNames`, when
 * given, are the preview1 functions the WASI implementation really provides.
 */
export function checkGuestImports(wasm: Uint8Array, wasiNames?: ReadonlySet<string>): ModuleImport[] {
  const imports = readModuleImports(wasm);
  const problems: string[] = [];
  for (const imp of imports) {
    const what = `${imp.module}.${imp.name}`;
    let expected: FuncType | undefined;
    if (imp.module === SPEAR_MODULE) {
      if (!Object.prototype.hasOwnProperty.call(HOSTCALLS, imp.name)) {
        problems.push(`${what}: no such hostcall in this host's ABI`);
        continue;
      }
      expected = hostcallSignature(imp.name as HostcallName);
    } else if (imp.module === WASI_MODULE) {
      expected = Object.prototype.hasOwnProperty.call(WASI_PREVIEW1, imp.name) ? WASI_PREVIEW1[imp.name] : undefined;
      if (expected === undefined || (wasiNames !== undefined && !wasiNames.has(imp.name))) {
        problems.push(`${what}: not a WASI preview1 function this host provides`);
        continue;
      }
    } else {
      problems.push(`${what}: module '${imp.module}' is neither WASI preview1 (${WASI_MODULE}) nor the hostcalls (${SPEAR_MODULE})`);
      continue;
    }
    if (imp.kind !== 'func') {
      problems.push(`${what}: imported as a ${imp.kind}, but it is a function`);
    } else if (!sameSig(imp.type!, expected)) {
      problems.push(`${what}: imported with signature ${showSig(imp.type!)}, but this host's is ${showSig(expected)}`);
    }
  }
  if (problems.length > 0) {
    const n = problems.length;
    throw new GuestLinkError(
      'ERR_GUEST_LINK',
      `the guest needs ${n === 1 ? 'an import' : `${n} imports`} this host cannot give:\n${problems.map((p) => `  ${p}`).join('\n')}`,
      problems,
    );
  }
  return imports;
}

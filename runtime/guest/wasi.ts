/**
 * WASI preview1 for a guest, from `node:wasi`: args, env, preopens, stdio and the exit code
 * (`returnOnExit`). A stdio stream given a host fd is written by WASI itself, synchronously;
 * a captured (`'pipe'`) stream has its `fd_write`s handed to `onData` instead.
 */
import * as fs from 'node:fs';
import type { WASI as WasiClass } from 'node:wasi';
import type { StdioTarget } from './messages';
import type { WasmImports, WasmInstance, WasmMemory } from './wasm-api';

/** WASI's errno for a bad address (preview1 `errno::fault`). */
const WASI_EFAULT = 21;

let wasiClass: typeof WasiClass | undefined;

/** `node:wasi`, loaded without its ExperimentalWarning (it would land in the guest's stderr). */
function loadWasi(): typeof WasiClass {
  if (wasiClass) return wasiClass;
  const emit = process.emitWarning;
  process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]): void {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    const text = typeof warning === 'string' ? warning : warning.message;
    if ((type === 'ExperimentalWarning' || (warning as Error).name === 'ExperimentalWarning') && text.startsWith('WASI ')) return;
    (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    wasiClass = (require('node:wasi') as typeof import('node:wasi')).WASI;
  } finally {
    process.emitWarning = emit;
  }
  return wasiClass;
}

/** A guest's WASI setup. */
export interface GuestWasiOptions {
  /** argv: the program name first. */
  argv: string[];
  env: Record<string, string>;
  preopens: Record<string, string>;
  /** The guest's stdin: a host fd, or nothing (`'null'`: /dev/null). */
  stdin: number | 'null';
  stdout: StdioTarget;
  stderr: StdioTarget;
}

export interface GuestWasi {
  /** `{ wasi_snapshot_preview1: {...} }`. */
  readonly imports: WasmImports;
  /** The preview1 functions provided. */
  readonly names: ReadonlySet<string>;
  /** Run `_start`; returns the exit code. Traps propagate. */
  start(instance: WasmInstance): number;
  /** Close what was opened for the guest. */
  close(): void;
}

/**
 * WASI for a guest. `memory` gives the guest's memory once it is instantiated; `onData`
 * receives the bytes of captured streams, in order.
 */
export function createGuestWasi(
  opts: GuestWasiOptions,
  memory: () => WasmMemory,
  onData: (stream: 'stdout' | 'stderr', data: Uint8Array) => void,
): GuestWasi {
  const WASI = loadWasi();
  const opened: number[] = [];
  const fdFor = (t: StdioTarget): number => {
    if (t !== 'pipe') return t;
    // Writes are intercepted; WASI still answers fd_fdstat_get and the like for it.
    const fd = fs.openSync('/dev/null', 'w');
    opened.push(fd);
    return fd;
  };
  let stdin = opts.stdin;
  if (stdin === 'null') {
    stdin = fs.openSync('/dev/null', 'r');
    opened.push(stdin);
  }
  const wasi = new WASI({
    version: 'preview1',
    args: opts.argv,
    env: opts.env,
    preopens: opts.preopens,
    stdin,
    stdout: fdFor(opts.stdout),
    stderr: fdFor(opts.stderr),
    returnOnExit: true,
  });
  const preview1 = { ...(wasi.getImportObject() as WasmImports).wasi_snapshot_preview1 };
  const names = new Set(Object.keys(preview1));

  const captured: Partial<Record<number, 'stdout' | 'stderr'>> = {};
  if (opts.stdout === 'pipe') captured[1] = 'stdout';
  if (opts.stderr === 'pipe') captured[2] = 'stderr';
  if (captured[1] || captured[2]) {
    const fdWrite = preview1.fd_write as (fd: number, iovs: number, iovsLen: number, nwritten: number) => number;
    preview1.fd_write = (fd: number, iovsPtr: number, iovsLen: number, nwrittenPtr: number): number => {
      const stream = captured[fd];
      if (stream === undefined) return fdWrite(fd, iovsPtr, iovsLen, nwrittenPtr);
      const buffer = memory().buffer;
      const view = new DataView(buffer);
      const iovs = iovsPtr >>> 0;
      const count = iovsLen >>> 0;
      const nwritten = nwrittenPtr >>> 0;
      if (iovs + count * 8 > buffer.byteLength || nwritten + 4 > buffer.byteLength) return WASI_EFAULT;
      const parts: Uint8Array[] = [];
      let total = 0;
      for (let i = 0; i < count; i++) {
        const ptr = view.getUint32(iovs + i * 8, true);
        const len = view.getUint32(iovs + i * 8 + 4, true);
        if (ptr + len > buffer.byteLength) return WASI_EFAULT;
        parts.push(new Uint8Array(buffer, ptr, len));
        total += len;
      }
      const data = new Uint8Array(total);
      let at = 0;
      for (const p of parts) {
        data.set(p, at);
        at += p.length;
      }
      if (total > 0) onData(stream, data);
      view.setUint32(nwritten, total, true);
      return 0;
    };
  }

  return {
    imports: { wasi_snapshot_preview1: preview1 },
    names,
    start: (instance) => wasi.start(instance as unknown as object),
    close: () => {
      for (const fd of opened.splice(0)) fs.closeSync(fd);
    },
  };
}

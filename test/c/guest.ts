/**
 * Run a wasm32-wasi guest in this process with a mock `spear` module, to watch what the
 * header's helpers pass to the host. Only the imports a test provides may be called.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WASI } from 'node:wasi';
import { tmpDir } from '../helpers/toolchain';

/** The part of the WebAssembly JS API used here (the project's TypeScript libs leave it out). */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
    static imports(module: Module): { module: string; name: string; kind: string }[];
  }
  class Instance {
    constructor(module: Module, imports: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  interface Memory {
    readonly buffer: ArrayBuffer;
  }
}

/** The guest's linear memory as the mock host sees it. */
export class GuestMemory {
  constructor(private readonly memory: () => WebAssembly.Memory) {}

  bytes(ptr: number, len: number): Uint8Array {
    return new Uint8Array(this.memory().buffer, ptr, len);
  }

  string(ptr: number, len: number): string {
    return Buffer.from(this.bytes(ptr, len)).toString('utf8');
  }

  u32(ptr: number): number {
    return new DataView(this.memory().buffer).getUint32(ptr, true);
  }

  setU32(ptr: number, value: number): void {
    new DataView(this.memory().buffer).setUint32(ptr, value, true);
  }

  /**
   * The output-buffer rule: `data` if it fits the capacity at `lenPtr` (its length written
   * back and returned), else the needed length written back and -ENOSPC.
   */
  output(ptr: number, lenPtr: number, data: Uint8Array | string): number {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    const cap = this.u32(lenPtr);
    this.setU32(lenPtr, bytes.length);
    if (bytes.length > cap) return -28;
    this.bytes(ptr, bytes.length).set(bytes);
    return bytes.length;
  }
}

export type HostFn = (...args: number[]) => number | bigint | void;

export interface GuestRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `wasm`; `host` builds the `spear` functions the guest may call. */
export function runGuest(wasm: string, host: (mem: GuestMemory) => Record<string, HostFn>): GuestRun {
  const dir = tmpDir('guest');
  const out = path.join(dir, 'stdout');
  const err = path.join(dir, 'stderr');
  const stdout = fs.openSync(out, 'w');
  const stderr = fs.openSync(err, 'w');
  try {
    const wasi = new WASI({ version: 'preview1', args: ['guest'], env: {}, stdout, stderr, returnOnExit: true });
    const module = new WebAssembly.Module(fs.readFileSync(wasm));
    let instance: WebAssembly.Instance | undefined;
    const fns = host(new GuestMemory(() => instance!.exports.memory as WebAssembly.Memory));
    const spear: Record<string, HostFn> = {};
    for (const imp of WebAssembly.Module.imports(module)) {
      if (imp.module !== 'spear') continue;
      spear[imp.name] =
        fns[imp.name] ??
        (() => {
          throw new Error(`the guest called spear.${imp.name}, which this test does not provide`);
        });
    }
    instance = new WebAssembly.Instance(module, { ...wasi.getImportObject(), spear });
    const code = wasi.start(instance);
    return { code, stdout: fs.readFileSync(out, 'utf8'), stderr: fs.readFileSync(err, 'utf8') };
  } finally {
    fs.closeSync(stdout);
    fs.closeSync(stderr);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

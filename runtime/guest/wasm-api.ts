/**
 * The part of the WebAssembly JS API the guest host uses. The project's TypeScript libs
 * (ES2022, no DOM) do not declare it, and declaring it globally would clash with a user's
 * DOM lib, so it is typed here and reached through `globalThis`.
 */

export interface WasmMemory {
  /** The current bytes; replaced (the old buffer detached) when the memory grows. */
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}

export interface WasmTable {
  readonly length: number;
  get(index: number): unknown;
}

/** A compiled module: an opaque handle. */
export interface WasmModule {
  readonly __wasmModule?: never;
}

export interface WasmInstance {
  readonly exports: Readonly<Record<string, unknown>>;
}

export type WasmImports = Record<string, Record<string, unknown>>;

interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: WasmImports) => WasmInstance;
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  Table: abstract new (...args: never[]) => WasmTable;
  RuntimeError: new (message?: string) => Error;
  compile(bytes: Uint8Array): Promise<WasmModule>;
}

export const WebAssemblyApi: WasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export function isMemory(v: unknown): v is WasmMemory {
  return v instanceof (WebAssemblyApi.Memory as unknown as abstract new () => object);
}

export function isTable(v: unknown): v is WasmTable {
  return v instanceof WebAssemblyApi.Table;
}

/**
 * A real WebAssembly engine for the glue tests: minimal typings of the `WebAssembly` global
 * (the project compiles with lib ES2022 and no DOM, so it has none), and a hand-assembled
 * guest module that forwards to its `spear` imports, so that values cross a real wasm
 * boundary (i32 arguments arrive signed, i64 results must be bigints).
 */

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => WasmInstance;
}

export const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export type WasmType = 'i32' | 'i64';

export interface ImportSignature {
  name: string;
  params: WasmType[];
  result: WasmType | null;
}

const VALTYPE: Record<WasmType, number> = { i32: 0x7f, i64: 0x7e };

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

const name = (s: string): number[] => [...uleb(Buffer.byteLength(s)), ...Buffer.from(s)];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const funcType = (params: WasmType[], result: WasmType | null): number[] => [
  0x60,
  ...vec(params.map((p) => [VALTYPE[p]])),
  ...vec(result ? [[VALTYPE[result]]] : []),
];

/**
 * A module that imports `env.memory` and each hostcall from `spear`, and exports
 * `call_<name>` (same signature, forwarding its arguments) for each, plus `grow(pages) -> i32`.
 */
export function forwarderModule(imports: ImportSignature[]): Uint8Array {
  const types = [...imports.map((i) => funcType(i.params, i.result)), funcType(['i32'], 'i32')];
  const growType = imports.length;
  const importEntries = [
    [...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)],
    ...imports.map((imp, i) => [...name('spear'), ...name(imp.name), 0x00, ...uleb(i)]),
  ];
  // Defined functions: one forwarder per import (same type), then grow.
  const functions = [...imports.map((_, i) => uleb(i)), uleb(growType)];
  const n = imports.length;
  const exports = [
    ...imports.map((imp, i) => [...name(`call_${imp.name}`), 0x00, ...uleb(n + i)]),
    [...name('grow'), 0x00, ...uleb(2 * n)],
  ];
  const bodies = [
    ...imports.map((imp, i) => {
      const code = [...imp.params.flatMap((_, p) => [0x20, ...uleb(p)]), 0x10, ...uleb(i), 0x0b];
      return [...uleb(code.length + 1), 0x00, ...code];
    }),
    (() => {
      const code = [0x20, 0x00, 0x40, 0x00, 0x0b]; // local.get 0; memory.grow 0; end
      return [...uleb(code.length + 1), 0x00, ...code];
    })(),
  ];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec(importEntries)),
    ...section(3, vec(functions)),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}

/** Instantiate `forwarderModule(imports)` over `memory` and the `spear` import object. */
export function instantiateForwarder(imports: ImportSignature[], memory: WasmMemory, spear: object): Record<string, unknown> {
  const module = new WA.Module(forwarderModule(imports));
  return new WA.Instance(module, { env: { memory }, spear: spear as Record<string, unknown> }).exports;
}

/** Compiling test guests against the generated header: strict builds that report, not throw. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clang, clangxx, GENERATED, runCompiler, STRICT_C, STRICT_CXX, tmpDir, type CompileResult } from '../helpers/toolchain';

export const INCLUDE = ['-I', path.join(GENERATED, 'c')];

/** Strict flags for a host (not wasm) syntax check. */
const HOST_C = ['-std=c11', '-Wall', '-Wextra', '-Werror', '-pedantic', '-fsyntax-only'];
const HOST_CXX = ['-std=c++17', '-Wall', '-Wextra', '-Werror', '-pedantic', '-fsyntax-only'];

export type Build = 'wasm-c' | 'wasm-c++' | 'host-c' | 'host-c++';

/**
 * Build `source` (C text): linked into a wasm32-wasi module at `out` for `wasm-c` (no
 * `--allow-undefined`: the spear imports must come from the import attributes), compiled
 * to an object for `wasm-c++` (there is no libc++ for wasm32-wasi to link), and only
 * syntax-checked for the host.
 */
export function build(kind: Build, source: string, out: string, extra: string[] = []): CompileResult {
  const dir = tmpDir('src');
  const file = path.join(dir, kind.endsWith('c++') ? 'guest.cc' : 'guest.c');
  fs.writeFileSync(file, source);
  try {
    switch (kind) {
      case 'wasm-c':
        return runCompiler(clang(), [...STRICT_C, '-O2', ...INCLUDE, ...extra, '-o', out, file]);
      case 'wasm-c++':
        return runCompiler(clangxx(), [...STRICT_CXX, '-O2', ...INCLUDE, ...extra, '-c', '-o', out, file]);
      case 'host-c':
        return runCompiler(clang(), [...HOST_C, ...INCLUDE, ...extra, file]);
      case 'host-c++':
        return runCompiler(clangxx(), [...HOST_CXX, ...INCLUDE, ...extra, file]);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Link C files into a wasm32-wasi module with the strict flags. */
export function linkWasm(files: string[], out: string, extra: string[] = []): CompileResult {
  return runCompiler(clang(), [...STRICT_C, '-O2', ...INCLUDE, ...extra, '-o', out, ...files]);
}

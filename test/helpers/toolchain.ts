/** Test helpers: compile C to wasm32-wasi with clang and run the result under node:wasi. */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const GENERATED = path.join(ROOT, 'generated');

/** The ABI name and version as idl/abi.yaml gives them (read here, not through the generator). */
export const IDL_ABI: { name: string; version: string; major: number; minor: number; patch: number } = (() => {
  const abi = (parse(fs.readFileSync(path.join(ROOT, 'idl', 'abi.yaml'), 'utf8')) as { abi: { name: string; version: string } }).abi;
  const [major, minor, patch] = abi.version.split('.').map(Number);
  return { name: abi.name, version: abi.version, major, minor, patch };
})();

/** The clang to use: $CLANG, else `clang`, else the newest `clang-NN` on PATH. */
export function clang(): string {
  if (process.env.CLANG) return process.env.CLANG;
  const candidates = ['clang', ...Array.from({ length: 12 }, (_, i) => `clang-${22 - i}`)];
  for (const c of candidates) {
    if (spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0) return c;
  }
  throw new Error('clang not found: install clang, lld, wasi-libc and libclang-rt-dev-wasm32 (see .ci/run)');
}

/** The C++ driver beside `clang()`. */
export function clangxx(): string {
  return clang().replace(/clang(-\d+)?$/, (_m, v: string | undefined) => `clang++${v ?? ''}`);
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `hostwire-${prefix}-`));
}

export interface CompileResult {
  status: number;
  stderr: string;
}

/** Run a compiler; returns status and diagnostics instead of throwing. */
export function runCompiler(cmd: string, args: string[]): CompileResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { status: r.status ?? -1, stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

/** Strict flags every guest compile uses. */
export const STRICT_C = ['--target=wasm32-wasi', '-std=c11', '-Wall', '-Wextra', '-Werror', '-pedantic'];
export const STRICT_CXX = ['--target=wasm32-wasi', '-std=c++17', '-Wall', '-Wextra', '-Werror', '-pedantic'];

/** Compile C sources to a wasm32-wasi command module; throws with clang's output on failure. */
export function compileWasm(sources: string[], out: string, extra: string[] = []): string {
  execFileSync(clang(), [...STRICT_C, '-O2', '-I', path.join(GENERATED, 'c'), ...extra, '-o', out, ...sources], { stdio: ['ignore', 'inherit', 'inherit'] });
  return out;
}

/** Run a wasm32-wasi command with only WASI imports; returns its exit code and stdout. */
export function runWasi(wasm: string, args: string[] = []): { code: number; stdout: string } {
  const dir = tmpDir('wasi');
  const outFile = path.join(dir, 'stdout');
  const script = `
    const { WASI } = require('node:wasi');
    const fs = require('node:fs');
    const fd = fs.openSync(${JSON.stringify(outFile)}, 'w');
    const wasi = new WASI({ version: 'preview1', args: ${JSON.stringify(['guest', ...args])}, env: {}, stdout: fd, returnOnExit: true });
    const mod = new WebAssembly.Module(fs.readFileSync(${JSON.stringify(wasm)}));
    const inst = new WebAssembly.Instance(mod, wasi.getImportObject());
    process.exitCode = wasi.start(inst);
  `;
  const r = spawnSync(process.execPath, ['--no-warnings', '-e', script], { encoding: 'utf8' });
  if (r.status === null) throw new Error(`wasm run failed: ${r.stderr}`);
  const stdout = fs.readFileSync(outFile, 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  if (r.stderr && r.status !== 0 && !stdout) throw new Error(r.stderr);
  return { code: r.status, stdout };
}

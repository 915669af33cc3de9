/** Helpers of the guest host tests: building guests (C with clang, WAT with wat2wasm) and running the CLI. */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileWasm, ROOT, tmpDir } from '../helpers/toolchain';

export { ROOT, tmpDir };

export const BIN = path.join(ROOT, 'bin', 'hostwire.js');
export const GUEST_C = path.join(ROOT, 'test', 'guest', 'c');
export const EXAMPLES_C = path.join(ROOT, 'examples', 'c');

/** Link flags of a guest whose tools the host calls (wasm-ld does not export the table by default). */
export const EXPORT_TABLE = ['-Wl,--export-table'];

/** Compile `test/guest/c/<name>.c` (strict flags) to `<dir>/<name>.wasm`. */
export function buildGuest(name: string, dir: string, extra: string[] = []): string {
  return compileWasm([path.join(GUEST_C, `${name}.c`)], path.join(dir, `${name}.wasm`), extra);
}

/**
 * Build flag for a guest whose printf and puts should reach stdout: the header routes stdio to
 * the host log by default on wasm, as SPEAR's does.
 */
export const STDIO_TO_STDOUT = ['-DSPEAR_DISABLE_STDIO_REDIRECT_TO_LOG'];

/** Compile `examples/c/<name>.c` (strict flags; stdio to stdout unless `extra` says otherwise) to `<dir>/<name>.wasm`. */
export function buildExample(name: string, dir: string, extra: string[] = STDIO_TO_STDOUT): string {
  return compileWasm([path.join(EXAMPLES_C, `${name}.c`)], path.join(dir, `${name}.wasm`), extra);
}

/** Assemble WAT text with wabt's `wat2wasm` to `<dir>/<name>.wasm`. */
export function wat(dir: string, name: string, text: string): string {
  const src = path.join(dir, `${name}.wat`);
  const out = path.join(dir, `${name}.wasm`);
  fs.writeFileSync(src, text);
  execFileSync('wat2wasm', ['--debug-names', src, '-o', out], { stdio: ['ignore', 'inherit', 'inherit'] });
  return out;
}

export interface CliRun {
  /** The exit code (null when a signal ended the process). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Run `hostwire ARGS...` as a child process without blocking this one (a test may serve
 * HTTP to it meanwhile). Kills it after `timeoutMs`.
 */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string; onStderr?: (soFar: string, pid: number) => void } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: opts.env ?? process.env, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => {
      err.push(c);
      opts.onStderr?.(Buffer.concat(err).toString('utf8'), child.pid!);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** The lines of `text` (without the empty string after a final newline). */
export function lines(text: string): string[] {
  const l = text.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

/** Assert a guest's transcript line by line, so that a failure names the first line that differs. */
export function assertTranscript(stdout: string, expected: string): void {
  const got = lines(stdout);
  const want = lines(expected);
  for (let i = 0; i < Math.max(got.length, want.length); i++) {
    assert.equal(got[i], want[i], `line ${i + 1}`);
  }
}

/** Blocks in spear_epoll_wait(-1) on an empty set after logging `waiting`. */
export const BLOCKED = `(module
  (import "spear" "spear_epoll_create" (func $create (result i32)))
  (import "spear" "spear_epoll_wait" (func $wait (param i32 i32 i32 i32) (result i32)))
  (import "spear" "log" (func $log (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "waiting")
  (func (export "_start") (local $ep i32)
    (local.set $ep (call $create))
    (drop (call $log (i32.const 2) (i32.const 0) (i32.const 7)))
    (i32.store (i32.const 60) (i32.const 64))
    (drop (call $wait (local.get $ep) (i32.const 64) (i32.const 60) (i32.const -1)))
    unreachable))`;

/** Loops forever without a hostcall after logging `spinning`. */
export const SPINNING = `(module
  (import "spear" "log" (func $log (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "spinning")
  (func (export "_start")
    (drop (call $log (i32.const 2) (i32.const 0) (i32.const 8)))
    (loop $forever (br $forever))))`;

/**
 * Linking: a guest importing anything this host cannot give (an unknown hostcall, a wrong
 * signature, a module that is neither WASI nor spear) is refused before it runs, with one
 * line per import; the guest does not start.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Guest, GuestLinkError } from '../../runtime';
import { runCli, tmpDir, wat } from './helpers';

/** A guest that would print `started` at once: proof, when nothing is printed, that it never ran. */
function guestWith(imports: string): string {
  return `(module
  ${imports}
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "started\\n")
  (data (i32.const 0) "\\10\\00\\00\\00\\08\\00\\00\\00")
  (func (export "_start") (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`;
}

describe('guest host: linking', () => {
  let dir: string;
  before(() => {
    dir = tmpDir('link');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cases: { name: string; imports: string; problems: string[] }[] = [
    {
      name: 'a hostcall this ABI lacks',
      imports: '(import "spear" "cchat_teleport" (func (param i32) (result i32)))',
      problems: ["spear.cchat_teleport: no such hostcall in this host's ABI"],
    },
    {
      name: 'a hostcall with the wrong signature',
      imports: '(import "spear" "cchat_create" (func (param i32) (result i32)))\n(import "spear" "spear_epoll_wait" (func (param i32 i32 i32 i64) (result i32)))',
      problems: [
        "spear.cchat_create: imported with signature (i32) -> i32, but this host's is () -> i32",
        "spear.spear_epoll_wait: imported with signature (i32, i32, i32, i64) -> i32, but this host's is (i32, i32, i32, i32) -> i32",
      ],
    },
    {
      name: 'a hostcall without its result',
      imports: '(import "spear" "time_now_ms" (func))',
      problems: ["spear.time_now_ms: imported with signature () -> (), but this host's is () -> i64"],
    },
    {
      name: 'a module that is neither WASI nor spear',
      imports: '(import "env" "foo" (func))\n(import "env" "__indirect_function_table" (table 1 funcref))',
      problems: [
        "env.foo: module 'env' is neither WASI preview1 (wasi_snapshot_preview1) nor the hostcalls (spear)",
        "env.__indirect_function_table: module 'env' is neither WASI preview1 (wasi_snapshot_preview1) nor the hostcalls (spear)",
      ],
    },
    {
      name: 'a WASI function with the wrong signature, and one preview1 does not have',
      imports: '(import "wasi_snapshot_preview1" "clock_time_get" (func (param i32 i32 i32) (result i32)))\n(import "wasi_snapshot_preview1" "fd_teleport" (func))',
      problems: [
        "wasi_snapshot_preview1.clock_time_get: imported with signature (i32, i32, i32) -> i32, but this host's is (i32, i64, i32) -> i32",
        'wasi_snapshot_preview1.fd_teleport: not a WASI preview1 function this host provides',
      ],
    },
    {
      name: 'a hostcall imported as a global',
      imports: '(import "spear" "log" (global i32))',
      problems: ['spear.log: imported as a global, but it is a function'],
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.name}: Guest.load throws GuestLinkError naming each import`, async () => {
      const file = wat(dir, 'bad', guestWith(c.imports));
      await assert.rejects(Guest.load(file), (e: unknown) => {
        assert.ok(e instanceof GuestLinkError);
        assert.equal(e.code, 'ERR_GUEST_LINK');
        assert.deepEqual(e.problems, c.problems);
        const head = c.problems.length === 1 ? 'an import' : `${c.problems.length} imports`;
        assert.equal(e.message, `the guest needs ${head} this host cannot give:\n${c.problems.map((p) => `  ${p}`).join('\n')}`);
        return true;
      });
    });

    it(`refuses ${c.name}: hostwire run exits 2 with the list and the guest never starts`, async () => {
      const file = wat(dir, 'bad', guestWith(c.imports));
      const r = await runCli(['run', file]);
      assert.equal(r.stdout, '');
      const head = c.problems.length === 1 ? 'an import' : `${c.problems.length} imports`;
      assert.equal(r.stderr, `hostwire: cannot run ${file}: the guest needs ${head} this host cannot give:\n${c.problems.map((p) => `  ${p}\n`).join('')}`);
      assert.equal(r.code, 2);
    });
  }

  it('links a guest importing the hostcalls with their IDL signatures (and runs it)', async () => {
    const file = wat(
      dir,
      'good',
      guestWith('(import "spear" "cchat_recv" (func (param i32 i32 i32) (result i32)))\n(import "spear" "sleep_ms" (func (param i32)))\n(import "spear" "random_i64" (func (result i64)))'),
    );
    const g = await Guest.load(file);
    assert.deepEqual(
      g.imports.map((i) => `${i.module}.${i.name}`),
      ['spear.cchat_recv', 'spear.sleep_ms', 'spear.random_i64', 'wasi_snapshot_preview1.fd_write'],
    );
    const r = await g.run();
    assert.deepEqual({ exitCode: r.exitCode, stdout: r.stdout }, { exitCode: 0, stdout: 'started\n' });
  });

  it('refuses bytes that are not wasm', async () => {
    await assert.rejects(Guest.load(new TextEncoder().encode('#!/bin/sh\n')), { name: 'GuestAbiError', code: 'ERR_GUEST_WASM_MALFORMED', message: 'not a valid wasm module: no \\0asm magic' });
  });
});

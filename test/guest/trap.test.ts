/**
 * Traps: a guest that traps (unreachable, an out-of-bounds access, a stack overflow, a bad
 * indirect call) ends with a clear message and exit code 134; the host goes on hosting.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { EXIT_TRAP, runGuest } from '../../runtime';
import { buildGuest, EXPORT_TABLE, lines, runCli, tmpDir, wat } from './helpers';

const TRAPS: { name: string; body: string; first: string; frame: RegExp }[] = [
  {
    name: 'unreachable',
    body: '(func $explode unreachable)\n(func (export "_start") call $explode)',
    first: 'RuntimeError: unreachable',
    frame: /^ {4}at explode \(wasm:\/\/wasm\/[0-9a-f]+:wasm-function\[0\]:0x[0-9a-f]+\)$/,
  },
  {
    name: 'an out-of-bounds load',
    body: '(func $peek (result i32) (i32.load (i32.const 0x7ffffff0)))\n(func (export "_start") (drop (call $peek)))',
    first: 'RuntimeError: memory access out of bounds',
    frame: /^ {4}at peek \(wasm:\/\/wasm\/[0-9a-f]+:wasm-function\[0\]:0x[0-9a-f]+\)$/,
  },
  {
    name: 'a stack overflow',
    body: '(func $deeper (param i32) (result i32) (call $deeper (i32.add (local.get 0) (i32.const 1))))\n(func (export "_start") (drop (call $deeper (i32.const 0))))',
    first: 'RangeError: Maximum call stack size exceeded',
    frame: /^ {4}at deeper \(wasm:\/\/wasm\/[0-9a-f]+:wasm-function\[0\]:0x[0-9a-f]+\)/,
  },
  {
    name: 'a trap in the start function, during instantiation',
    body: '(func $boot unreachable)\n(start $boot)\n(func (export "_start"))',
    first: 'RuntimeError: unreachable',
    frame: /^ {4}at boot \(wasm:\/\/wasm\/[0-9a-f]+:wasm-function\[0\]:0x[0-9a-f]+\)$/,
  },
  {
    name: 'an indirect call through an empty table slot',
    body: '(type $t (func))\n(table 2 funcref)\n(func $dispatch (call_indirect (type $t) (i32.const 1)))\n(func (export "_start") call $dispatch)',
    first: 'RuntimeError: null function or function signature mismatch',
    frame: /^ {4}at dispatch \(wasm:\/\/wasm\/[0-9a-f]+:wasm-function\[0\]:0x[0-9a-f]+\)$/,
  },
];

describe('guest host: traps', () => {
  let dir: string;
  let stdio: string;
  before(() => {
    dir = tmpDir('trap');
    stdio = buildGuest('stdio', dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  // SPEAR runtime/wasm_hostcalls.rs call_wasm_tool_by_offset: a failed tool call is -EIO.
  it('a tool that traps inside a blocking hostcall fails that tool call (-EIO) and the guest goes on, as SPEAR', async () => {
    const r = await runGuest(buildGuest('tool_trap', dir, EXPORT_TABLE));
    const out = lines(r.stdout);
    assert.equal(out[0], 'send: 1001');
    const response = JSON.parse(out[1].replace(/^response: /, '')) as { choices: { message: { content: string } }[]; _spear: unknown };
    assert.equal(response.choices[0].message.content, 'stub chat completion after tool');
    assert.deepEqual(response._spear, { backend: 'stub', model: 'm' });
    assert.equal(r.trap, undefined);
    assert.equal(r.exitCode, 0);
    const next = await runGuest(stdio);
    assert.equal(next.exitCode, 0);
  });

  for (const t of TRAPS) {
    const module = (): string => wat(dir, 'trap', `(module\n(memory (export "memory") 1)\n${t.body})`);

    it(`${t.name}: hostwire run prints 'guest trapped: ${t.first}' with the wasm frames and exits 134`, async () => {
      const r = await runCli(['run', module()]);
      assert.equal(r.stdout, '');
      const err = lines(r.stderr);
      assert.equal(err[0], `hostwire: guest trapped: ${t.first}`);
      assert.match(err[1], t.frame);
      assert.equal(r.code, 134);
    });

    it(`${t.name}: the SDK reports the trap, and the same host then runs another guest`, async () => {
      const r = await runGuest(module());
      assert.equal(r.exitCode, EXIT_TRAP);
      assert.equal(r.killed, false);
      assert.equal(r.trap?.split('\n')[0], t.first);
      assert.equal(r.error, undefined);
      const next = await runGuest(stdio, { args: ['x'] });
      assert.deepEqual({ exitCode: next.exitCode, stdout: next.stdout }, { exitCode: 0, stdout: 'argc=2\nargv[0]=stdio.wasm\nargv[1]=x\nGREETING=(unset)\nHOME=(unset)\n' });
    });
  }
});

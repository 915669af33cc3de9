/**
 * Every back end on hostcall shapes the real ABI does not have, from one small IDL of our own
 * (the real `abi.yaml` and `util.yaml`, plus `variant.yaml` below): a `u32` value result, a
 * call with two outputs, an in/out ctl argument, and a blocking call with a timeout that
 * counts records. Each back end interprets the same binding plan, so they must agree:
 *
 *  - C: the header's prototypes compile against the generated conformance sources (static
 *    asserts of every result and parameter type) for wasm32;
 *  - TypeScript: the generated glue, compiled and run over a wasm guest, applies the
 *    output-buffer rule to both outputs, passes a u32 through, runs the ctl's input and output
 *    through one buffer, and the host table repeats a blocking call with what is left of its
 *    timeout;
 *  - N-API: the generated glue compiles (syntax only) against node-addon-api;
 *  - docs: the reference shows the result types the header declares.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { buildModel } from '../../codegen/frontend';
import { emitAll } from '../../codegen/pipeline';
import { WebAssemblyApi, type WasmImports, type WasmMemory } from '../../runtime/guest/wasm-api';
import { clang, ROOT, tmpDir } from '../helpers/toolchain';

const VARIANT = `# Hostcalls of shapes the real ABI does not have.
enums:
  - name: knob_cmd
    type: i32
    c_prefix: SPEAR_KNOB_
    doc: The commands of \`knob_ctl\`.
    values:
      - { name: SET, value: 1, input: json, doc: "Set the knob." }
      - { name: GET, value: 2, output: json, doc: "Read the knob." }
records:
  - name: tick
    c_name: sp_tick_t
    layout: packed
    doc: One tick.
    fields:
      - { name: seq, type: u32, doc: Its sequence number. }
      - { name: value, type: i32, doc: Its value. }
    vectors:
      - { name: one, value: { seq: 1, value: -1 }, bytes: 01000000 ffffffff }
hostcalls:
  - name: answer
    family: variant
    doc: The answer, a u32.
    params: []
    returns: { kind: value, type: u32 }
    errors: []
  - name: split
    family: variant
    doc: Split \`text\` at its first space into \`head\` and \`tail\`.
    params:
      - { name: text, type: in_bytes, doc: The text. }
      - { name: head, type: out_bytes, doc: The part before the space. }
      - { name: tail, type: out_bytes, doc: The part after it. }
    returns: { kind: status }
    errors: [EFAULT, ENOSPC, EINVAL]
  - name: knob_ctl
    family: variant
    doc: Set or read the knob of \`fd\`.
    params:
      - { name: fd, type: fd, doc: The fd. }
      - { name: cmd, type: knob_cmd, doc: The command. }
      - { name: arg, type: ctl_arg, commands: knob_cmd, doc: In/out argument of the command. }
    returns: { kind: count }
    errors: [EBADF, EFAULT, ENOSPC, EINVAL]
  - name: ticks_wait
    family: variant
    doc: Wait for ticks.
    params:
      - { name: fd, type: fd, doc: The fd. }
      - { name: out, type: out_bytes, record: tick, doc: Room for the ticks. }
      - { name: timeout_ms, type: i32, timeout: true, doc: "Milliseconds: < 0 forever." }
    returns: { kind: count, of: tick }
    blocking: true
    errors: [EBADF, EFAULT, ENOSPC]
`;

/** The guest: each export calls one import with its buffers at fixed addresses. */
const GUEST_WAT = `(module
  (import "spear" "answer" (func $answer (result i32)))
  (import "spear" "split" (func $split (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "spear" "knob_ctl" (func $knob (param i32 i32 i32 i32) (result i32)))
  (import "spear" "ticks_wait" (func $ticks (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "answer") (result i32) (call $answer))
  ;; split: text at 0 (len), head at 100 (capacity at 96), tail at 200 (capacity at 196)
  (func (export "split") (param $len i32) (param $headCap i32) (param $tailCap i32) (result i32)
    (i32.store (i32.const 96) (local.get $headCap))
    (i32.store (i32.const 196) (local.get $tailCap))
    (call $split (i32.const 0) (local.get $len) (i32.const 100) (i32.const 96) (i32.const 200) (i32.const 196)))
  ;; knob: argument at 300, its length at 296
  (func (export "knob") (param $cmd i32) (param $len i32) (result i32)
    (i32.store (i32.const 296) (local.get $len))
    (call $knob (i32.const 1000) (local.get $cmd) (i32.const 300) (i32.const 296)))
  ;; ticks: room at 400 (capacity at 396)
  (func (export "ticks") (param $cap i32) (param $timeout i32) (result i32)
    (i32.store (i32.const 396) (local.get $cap))
    (call $ticks (i32.const 1000) (i32.const 400) (i32.const 396) (local.get $timeout))))`;

interface Guest {
  memory: WasmMemory;
  answer(): number;
  split(len: number, headCap: number, tailCap: number): number;
  knob(cmd: number, len: number): number;
  ticks(cap: number, timeout: number): number;
}

/** The generated TypeScript, compiled to CommonJS in `dir/ts-js`. */
function compileTs(out: string): string {
  const js = path.join(out, 'ts-js');
  fs.mkdirSync(js, { recursive: true });
  for (const f of fs.readdirSync(path.join(out, 'ts'))) {
    const source = fs.readFileSync(path.join(out, 'ts', f), 'utf8');
    const r = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 }, reportDiagnostics: true });
    assert.deepEqual(r.diagnostics ?? [], [], `${f} does not transpile`);
    fs.writeFileSync(path.join(js, f.replace(/\.ts$/, '.js')), r.outputText);
  }
  return js;
}

/** Type-checks the generated TypeScript with the repository's compiler settings (strict). */
function typeCheck(out: string): readonly ts.Diagnostic[] {
  const files = fs.readdirSync(path.join(out, 'ts')).map((f) => path.join(out, 'ts', f));
  const program = ts.createProgram(files, { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, types: [], lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'] });
  return ts.getPreEmitDiagnostics(program);
}

describe('codegen: every back end on a variant IDL (u32 value, two outputs, in/out ctl, timeout)', function () {
  this.timeout(120_000);
  let dir: string;
  let out: string;
  const file = (rel: string): string => fs.readFileSync(path.join(out, rel), 'utf8');

  before(() => {
    dir = tmpDir('variant');
    const idl = path.join(dir, 'idl');
    fs.mkdirSync(idl);
    for (const f of ['abi.yaml', 'util.yaml', 'hostwire-idl.schema.json']) fs.copyFileSync(path.join(ROOT, 'idl', f), path.join(idl, f));
    fs.writeFileSync(path.join(idl, 'variant.yaml'), VARIANT);
    out = path.join(dir, 'out');
    for (const g of emitAll(buildModel(idl))) {
      fs.mkdirSync(path.dirname(path.join(out, g.path)), { recursive: true });
      fs.writeFileSync(path.join(out, g.path), g.content);
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('C: the u32 result is uint32_t in the header, and the conformance sources compile against it', () => {
    const h = file('c/spear.h');
    assert.match(h, /\nuint32_t sp_answer\(void\);/);
    assert.match(h, /\nint32_t sp_split\(int32_t text_ptr,\s+int32_t text_len,\s+int32_t head_ptr,\s+int32_t head_len_ptr,\s+int32_t tail_ptr,\s+int32_t tail_len_ptr\);/);
    assert.doesNotMatch(h, /sp_split_alloc/, 'no _alloc helper for a call with two outputs');
    assert.match(h, /static inline uint8_t \*sp_knob_get_alloc\(int32_t fd, uint32_t \*out_len\)/);
    for (const c of ['test/prototypes.c', 'test/imports.c']) {
      const r = spawnSync(clang(), ['--target=wasm32-wasi', '-std=c11', '-Wall', '-Wextra', '-Werror', '-fsyntax-only', '-I', path.join(out, 'c'), path.join(out, c)], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${c}: ${r.stderr}`);
    }
    const proto = file('test/prototypes.c');
    assert.match(proto, /uint32_t/, 'the prototype check names the u32 result');
  });

  it('docs: the reference declares the result types the header does', () => {
    const md = file('docs/ABI.md');
    assert.match(md, /uint32_t sp_answer\(void\);/);
    assert.match(md, /`ctl_arg` of \[`knob_cmd`\]/);
  });

  it('TypeScript: the generated files type-check under strict settings', () => {
    const diags = typeCheck(out).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    assert.deepEqual(diags, []);
  });

  describe('TypeScript glue over a wasm guest', () => {
    type Hostcalls = typeof import('../../generated/ts/hostcalls');
    let hc: Hostcalls;
    let guest: Guest;
    let knob = 0;
    const log: string[] = [];
    const text = (at: number, n: number): string => Buffer.from(new Uint8Array(guest.memory.buffer, at, n)).toString();
    const u32 = (at: number): number => new DataView(guest.memory.buffer).getUint32(at, true);
    let ticksResults: (Uint8Array | number)[] = [];

    before(() => {
      const js = compileTs(out);
      hc = require(path.join(js, 'hostcalls.js')) as Hostcalls;
      const wasmFile = path.join(dir, 'variant.wasm');
      fs.writeFileSync(path.join(dir, 'variant.wat'), GUEST_WAT);
      execFileSync('wat2wasm', [path.join(dir, 'variant.wat'), '-o', wasmFile]);
      // The implementation of the variant calls (the real calls are not linked by this guest).
      const impl = {
        answer: (): number => 0xfffffff0,
        split: (t: Uint8Array, headCap: number, tailCap: number): [Uint8Array, Uint8Array] | number => {
          log.push(`split ${headCap} ${tailCap}`);
          const s = Buffer.from(t).toString();
          const at = s.indexOf(' ');
          if (at < 0) return -22;
          return [Buffer.from(s.slice(0, at)), Buffer.from(s.slice(at + 1))];
        },
        knob_ctl: (fd: number, cmd: number, input: Uint8Array, capacity: number): Uint8Array | number => {
          log.push(`knob ${fd} ${cmd} ${input.length} ${capacity}`);
          if (cmd === 1) {
            knob = (JSON.parse(Buffer.from(input).toString()) as { value: number }).value;
            return 0;
          }
          return Buffer.from(JSON.stringify({ value: knob }));
        },
        ticks_wait: (_fd: number, capacity: number, timeout: number): Uint8Array | number => {
          log.push(`ticks ${capacity} ${timeout}`);
          return ticksResults.shift() ?? -9;
        },
      };
      let memory: WasmMemory | undefined;
      const native = hc.createSpearImports(() => memory!, impl as unknown as Parameters<Hostcalls['createSpearImports']>[1]);
      let now = 0;
      const spear = hc.createSpearHost(native as Parameters<Hostcalls['createSpearHost']>[0], {
        runCallbacks: () => {
          now += 30;
          log.push('callbacks');
        },
        aborted: () => {
          throw new Error('aborted');
        },
        now: () => now,
      });
      const instance = new WebAssemblyApi.Instance(new WebAssemblyApi.Module(fs.readFileSync(wasmFile)), { spear } as unknown as WasmImports);
      guest = instance.exports as unknown as Guest;
      memory = guest.memory;
    });

    beforeEach(() => {
      log.length = 0;
    });

    it('a u32 value result passes through (as the i32 with the same bits)', () => {
      assert.equal(guest.answer() >>> 0, 0xfffffff0);
    });

    it('two outputs: both are written with their lengths; when one does not fit, -ENOSPC, its needed length, and nothing written', () => {
      new Uint8Array(guest.memory.buffer).set(Buffer.from('hello wide world'), 0);
      assert.equal(guest.split(16, 32, 32), 0);
      assert.deepEqual([u32(96), text(100, 5), u32(196), text(200, 10)], [5, 'hello', 10, 'wide world']);
      new Uint8Array(guest.memory.buffer).fill(0, 100, 300);
      assert.equal(guest.split(16, 32, 4), -28);
      assert.deepEqual([u32(96), u32(196)], [32, 10], 'the one that fits keeps its capacity; the other gets its needed length');
      assert.deepEqual([text(100, 5), text(200, 4)], ['\0\0\0\0\0', '\0\0\0\0'], 'nothing written');
      assert.equal(guest.split(3, 32, 32), -22, "the implementation's errno as is");
      assert.equal(guest.split(70000, 32, 32), -14, 'the input past the end of memory: -EFAULT');
    });

    it('an in/out ctl: the input is the *len bytes at the buffer, the output goes back into it, its length counted', () => {
      new Uint8Array(guest.memory.buffer).set(Buffer.from('{"value":42}'), 300);
      assert.equal(guest.knob(1, 12), 0);
      assert.equal(guest.knob(2, 64), '{"value":42}'.length);
      assert.equal(text(300, 12), '{"value":42}');
      assert.equal(u32(296), 12);
      assert.equal(guest.knob(2, 4), -28);
      assert.equal(u32(296), 12, 'the needed length');
      assert.deepEqual(log, ['knob 1000 1 12 12', 'knob 1000 2 64 64', 'knob 1000 2 4 4']);
    });

    it('a blocking call that counts records: CALLBACK_PENDING runs the callbacks and repeats with what is left of the timeout', () => {
      ticksResults = [hc.CALLBACK_PENDING, hc.CALLBACK_PENDING, new Uint8Array([1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 5, 0, 0, 0])];
      assert.equal(guest.ticks(64, 100), 2);
      assert.deepEqual(log, ['ticks 64 100', 'callbacks', 'ticks 64 70', 'callbacks', 'ticks 64 40']);
      assert.equal(u32(396), 16);
      ticksResults = [hc.CALLBACK_PENDING, 0];
      log.length = 0;
      assert.equal(guest.ticks(64, -1), 0);
      assert.deepEqual(log, ['ticks 64 -1', 'callbacks', 'ticks 64 -1'], 'forever stays forever');
      ticksResults = [hc.ABORTED];
      assert.throws(() => guest.ticks(64, 5), /aborted/);
    });
  });

  it('N-API: the generated glue compiles against node-addon-api (syntax only)', () => {
    const addonApi = path.dirname(require.resolve('node-addon-api/napi.h'));
    const nodeInclude = [path.join(path.dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node'].find((d) => fs.existsSync(path.join(d, 'node_api.h')));
    assert.ok(nodeInclude, "Node's headers (node_api.h) are needed to build the addon and were not found");
    for (const cc of ['napi/guest_instance.cc', 'napi/wasm_memory.cc', 'napi/convert.cc']) {
      const res: SpawnSyncReturns<string> = spawnSync(
        'g++',
        ['-std=c++17', '-fsyntax-only', '-Wall', '-Wextra', '-Werror', '-DNAPI_VERSION=8', '-DNAPI_CPP_EXCEPTIONS', '-I', addonApi, '-I', nodeInclude, '-I', out, '-I', path.join(out, 'napi'), path.join(out, cc)],
        { encoding: 'utf8' },
      );
      assert.equal(res.status, 0, `${cc}: ${res.stderr.slice(0, 4000)}`);
    }
    const core = file('napi/guest_instance_core.hpp');
    assert.match(core, /virtual uint32_t answer\(\) = 0;/);
    assert.match(core, /virtual int32_t split\(const uint8_t \*text,\s+size_t text_len,\s+Output &head,\s+Output &tail\) = 0;/);
    const glue = file('napi/guest_instance.cc');
    assert.match(glue, /store_output\(mem, head_len_ptr, head, r\);\n\s+store_output\(mem, tail_len_ptr, tail, r\);/);
  });
});

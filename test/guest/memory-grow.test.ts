/**
 * Guest memory that grows while the host holds pointers into it: the native wasm imports take
 * a fresh view of guest memory on every call, so a blocking call repeated after a tool callback
 * grew the memory reads and writes the new buffer, never the detached one. With a real native
 * instance and bridge, and a WAT guest on this thread.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { FdCtlCmd, RtasrCtlCmd } from '../../generated/ts/constants';
import type { NativeGuestInstance } from '../../generated/ts/hostcalls';
import { hostBridge } from '../../runtime/guest/bridge';
import { createGuestImports, type GuestHostEvents } from '../../runtime/guest/hostcalls';
import type { ToolCallOutcome } from '../../runtime/guest/tools';
import { WebAssemblyApi, type WasmMemory, type WasmTable } from '../../runtime/guest/wasm-api';
import { loadNative } from '../../runtime/native';
import { tmpDir, wat } from './helpers';

const GUEST = `(module
  (import "spear" "rtasr_write" (func $write (param i32 i32 i32) (result i32)))
  (import "spear" "spear_fd_ctl" (func $fd_ctl (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (table (export "__indirect_function_table") 2 funcref)
  (elem (i32.const 1) $grow)
  ;; grow: a tool that grows the memory by 2 pages (the old buffer is detached) and outputs nothing
  (func $grow (param i32 i32 i32) (param $out_len i32) (result i32)
    (drop (memory.grow (i32.const 2)))
    (i32.store (local.get $out_len) (i32.const 0))
    (i32.const 0))
  (func (export "write") (param $fd i32) (param $ptr i32) (param $len i32) (result i32)
    (call $write (local.get $fd) (local.get $ptr) (local.get $len)))
  ;; flags(fd): GET_FLAGS into 256, capacity at 252; the count
  (func (export "flags") (param $fd i32) (result i32)
    (i32.store (i32.const 252) (i32.const 64))
    (call $fd_ctl (local.get $fd) (i32.const ${FdCtlCmd.GET_FLAGS}) (i32.const 256) (i32.const 252))))`;

type Exports = { memory: WasmMemory; __indirect_function_table: WasmTable; write(fd: number, ptr: number, len: number): number; flags(fd: number): number };

describe('guest host: guest memory that grows under a blocking call', () => {
  let dir: string;
  let wasmFile: string;
  before(() => {
    dir = tmpDir('memory-grow');
    wasmFile = wat(dir, 'grow', GUEST);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a blocking rtasr_write repeated after a tool callback grew the memory writes all of the bytes', () => {
    const binding = loadNative();
    const bridge = hostBridge(binding);
    const inst: NativeGuestInstance = new binding.GuestInstance();
    try {
      const results: { id: number; outcome: ToolCallOutcome }[] = [];
      const events: GuestHostEvents = { request: () => undefined, callbackResult: (id, outcome) => results.push({ id, outcome }), log: () => undefined };
      let exports: Exports | undefined;
      const target = { memory: () => exports!.memory, table: () => exports!.__indirect_function_table };
      const spear = createGuestImports(inst, inst.wasmImports(), bridge, target, events);
      exports = new WebAssemblyApi.Instance(new WebAssemblyApi.Module(fs.readFileSync(wasmFile)), { spear }).exports as unknown as Exports;
      inst.attachMemory(exports.memory);

      const fd = inst.rtasr_create();
      assert.equal(inst.rtasr_ctl(fd, RtasrCtlCmd.CONNECT, new Uint8Array(0), 0), 0);
      const audio = new Uint8Array(exports.memory.buffer, 4096, 1000);
      for (let i = 0; i < audio.length; i++) audio[i] = (i * 7) & 0xff;
      const before = exports.memory.buffer;

      // A queued callback makes the blocking write return CALLBACK_PENDING before it writes:
      // the tool grows the memory, and the write is repeated over the new buffer.
      assert.equal(bridge.postCallback(bridge.instanceId(inst), 9, JSON.stringify({ fn_offset: 1, args: '{}', arena_ptr: 1024, arena_len: 512, max_output_bytes: 64 })), 0);
      assert.equal(exports.write(fd, 4096, 1000), 1000);
      assert.deepEqual(results, [{ id: 9, outcome: { rc: 0, output: '' } }]);
      assert.equal(before.byteLength, 0, 'the tool grew the memory: the old buffer is detached');
      assert.equal(exports.memory.buffer.byteLength, 3 * 65536);
      const metrics = JSON.parse(new TextDecoder().decode(inst.spear_fd_ctl(fd, FdCtlCmd.GET_METRICS, new Uint8Array(0), 4096) as Uint8Array));
      assert.equal(metrics.bytes_written, 1000);

      // Outputs go to the grown memory too.
      assert.equal(exports.flags(fd), '{"flags":[]}'.length);
      assert.equal(new TextDecoder().decode(new Uint8Array(exports.memory.buffer, 256, 12)), '{"flags":[]}');
    } finally {
      bridge.releaseInstance(inst);
    }
  });

  it('a call before the memory is attached throws instead of touching memory', () => {
    const binding = loadNative();
    const inst = new binding.GuestInstance();
    try {
      const imports = inst.wasmImports();
      assert.throws(() => imports.spear_fd_ctl(1000, FdCtlCmd.GET_FLAGS, 256, 252), /before its memory was attached/);
      assert.equal(imports.spear_epoll_create() >= 1000, true, 'a call without memory arguments needs none');
    } finally {
      hostBridge(binding).releaseInstance(inst);
    }
  });
});

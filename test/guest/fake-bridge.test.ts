/**
 * The worker's wrappers over the native instance (runtime/guest/hostcalls.ts and tools.ts),
 * against a fake instance and a fake bridge, with a real wasm guest in this thread: the
 * CALLBACK_PENDING loop runs tool callbacks on the guest's thread and repeats the call with
 * what is left of its timeout, ABORTED unwinds the guest, cchat_send drains the requests, and
 * tool calls follow the arena layout and the output-buffer rule.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Errno, HostwireError } from '../../generated/ts/errno';
import { createSpearImports, enosysHost, type SpearHostImpl } from '../../generated/ts/hostcalls';
import { ABORTED, CALLBACK_PENDING, type GuestCallback, type GuestRequest } from '../../runtime/guest/bridge';
import { createGuestImports, GuestAborted, type GuestHostEvents } from '../../runtime/guest/hostcalls';
import { runToolCallback, type ToolCallOutcome } from '../../runtime/guest/tools';
import { WebAssemblyApi, type WasmInstance, type WasmMemory, type WasmTable } from '../../runtime/guest/wasm-api';
import { tmpDir, wat } from './helpers';

const GUEST = `(module
  (import "spear" "spear_epoll_wait" (func $epoll_wait (param i32 i32 i32 i32) (result i32)))
  (import "spear" "cchat_recv" (func $recv (param i32 i32 i32) (result i32)))
  (import "spear" "cchat_send" (func $send (param i32 i32) (result i32)))
  (import "spear" "sleep_ms" (func $sleep (param i32)))
  (import "spear" "log" (func $log (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (table (export "__indirect_function_table") 6 funcref)
  (elem (i32.const 1) $echo $explode $one_arg $chatty $liar)
  ;; echo: the arguments are the output (the output-buffer rule: -ENOSPC with the needed length)
  (func $echo (param $args i32) (param $len i32) (param $out i32) (param $out_len i32) (result i32)
    (if (i32.lt_u (i32.load (local.get $out_len)) (local.get $len))
      (then (i32.store (local.get $out_len) (local.get $len)) (return (i32.const -28))))
    (memory.copy (local.get $out) (local.get $args) (local.get $len))
    (i32.store (local.get $out_len) (local.get $len))
    (i32.const 0))
  (func $explode (param i32 i32 i32 i32) (result i32) unreachable)
  (func $one_arg (param i32) (result i32) (i32.const 0))
  ;; chatty: logs its arguments (a hostcall inside a callback) and outputs nothing
  (func $chatty (param $args i32) (param $len i32) (param $out i32) (param $out_len i32) (result i32)
    (drop (call $log (i32.const 2) (local.get $args) (local.get $len)))
    (i32.store (local.get $out_len) (i32.const 0))
    (i32.const 7))
  ;; liar: claims more output than the capacity
  (func $liar (param i32 i32 i32) (param $out_len i32) (result i32)
    (i32.store (local.get $out_len) (i32.const -1))
    (i32.const 0))
  ;; wait(epfd, timeout): 8 records of room at 256, the capacity at 252
  (func (export "wait") (param $epfd i32) (param $timeout i32) (result i32)
    (i32.store (i32.const 252) (i32.const 64))
    (call $epoll_wait (local.get $epfd) (i32.const 256) (i32.const 252) (local.get $timeout)))
  (func (export "recv") (param $fd i32) (result i32)
    (i32.store (i32.const 252) (i32.const 64))
    (call $recv (local.get $fd) (i32.const 256) (i32.const 252)))
  (func (export "send") (param i32 i32) (result i32) (call $send (local.get 0) (local.get 1)))
  (func (export "sleep") (param i32) (call $sleep (local.get 0)))
  (func (export "log") (param i32 i32 i32) (result i32) (call $log (local.get 0) (local.get 1) (local.get 2))))`;

const TOOL = { echo: 1, explode: 2, oneArg: 3, chatty: 4, liar: 5 };
const ARENA = 4096;

type Exports = {
  memory: WasmMemory;
  __indirect_function_table: WasmTable;
  wait(epfd: number, timeout: number): number;
  recv(fd: number): number;
  send(fd: number, flags: number): number;
  sleep(ms: number): void;
  log(level: number, ptr: number, len: number): number;
};

/** What the fake bridge and the events saw. */
interface Seen {
  callbacks: { id: number; outcome: ToolCallOutcome }[];
  requests: GuestRequest[];
  logs: [number, string][];
  order: string[];
}

/** Sleep this thread (a blocking native call takes time). */
function block(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const payload = (fn: number, args: string, arena: { ptr?: number; len?: number; max?: number } = { ptr: ARENA, len: 1024 }): string =>
  JSON.stringify({ fn_offset: fn, args, arena_ptr: arena.ptr ?? 0, arena_len: arena.len ?? 0, max_output_bytes: arena.max ?? 65536 });

describe('guest host: worker wrappers over a fake native bridge', () => {
  let dir: string;
  let wasmFile: string;
  before(() => {
    dir = tmpDir('fake-bridge');
    wasmFile = wat(dir, 'bridge', GUEST);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The guest over `overrides` of an ENOSYS instance, with `queue` as the bridge's callbacks. */
  function setup(overrides: Partial<SpearHostImpl>, queue: GuestCallback[] = [], requests: GuestRequest[] = []): { g: Exports; seen: Seen; inst: SpearHostImpl } {
    const inst: SpearHostImpl = { ...enosysHost(), ...overrides };
    const seen: Seen = { callbacks: [], requests: [], logs: [], order: [] };
    const bridge = {
      takeCallbacks: (i: SpearHostImpl): GuestCallback[] => {
        assert.equal(i, inst);
        seen.order.push('takeCallbacks');
        return queue.splice(0);
      },
      takeRequests: (i: SpearHostImpl): GuestRequest[] => {
        assert.equal(i, inst);
        seen.order.push('takeRequests');
        return requests.splice(0);
      },
    };
    let instance: WasmInstance | undefined;
    const memory = (): WasmMemory => instance!.exports.memory as WasmMemory;
    const events: GuestHostEvents = {
      request: (r) => seen.requests.push(r),
      callbackResult: (id, outcome) => {
        seen.order.push(`result ${id}`);
        seen.callbacks.push({ id, outcome });
      },
      log: (level, message) => {
        seen.order.push(`log ${message}`);
        seen.logs.push([level, message]);
      },
    };
    const spear = createGuestImports(inst, createSpearImports(memory, inst), bridge, { memory, table: () => instance!.exports.__indirect_function_table as WasmTable }, events);
    instance = new WebAssemblyApi.Instance(new WebAssemblyApi.Module(fs.readFileSync(wasmFile)), { spear });
    return { g: instance.exports as unknown as Exports, seen, inst };
  }

  it('spear_epoll_wait: CALLBACK_PENDING runs the queued tools on this thread, posts their results, and repeats with the time left', () => {
    const timeouts: number[] = [];
    const queue: GuestCallback[] = [];
    const { g, seen } = setup(
      {
        spear_epoll_wait: (_epfd, capacity, timeout) => {
          timeouts.push(timeout);
          if (timeouts.length === 1) {
            block(30);
            queue.push({ id: 11, payload: payload(TOOL.echo, '{"a":7,"b":35}') }, { id: 12, payload: payload(TOOL.chatty, 'from a tool') });
            return CALLBACK_PENDING;
          }
          assert.equal(capacity, 64);
          return new Uint8Array([0xe8, 0x03, 0, 0, 0x01, 0, 0, 0]);
        },
      },
      queue,
    );
    assert.equal(g.wait(1000, 100), 1);
    assert.deepEqual(Array.from(new Uint8Array(g.memory.buffer, 252, 12)), [8, 0, 0, 0, 0xe8, 0x03, 0, 0, 0x01, 0, 0, 0]);
    assert.equal(timeouts.length, 2);
    assert.equal(timeouts[0], 100);
    assert.ok(timeouts[1] >= 0 && timeouts[1] <= 70, `the retry waits what is left of 100 ms after 30 ms, not ${timeouts[1]}`);
    assert.deepEqual(seen.callbacks, [
      { id: 11, outcome: { rc: 0, output: '{"a":7,"b":35}' } },
      { id: 12, outcome: { rc: 7, output: '' } },
    ]);
    assert.deepEqual(seen.logs, [[2, 'from a tool']]);
    assert.deepEqual(seen.order, ['takeCallbacks', 'result 11', 'log from a tool', 'result 12']);
  });

  it('spear_epoll_wait: a timeout of -1 stays -1 and 0 stays 0 when repeated', () => {
    for (const t of [-1, 0]) {
      const timeouts: number[] = [];
      const { g } = setup({ spear_epoll_wait: (_e, _c, timeout) => (timeouts.push(timeout) < 3 ? CALLBACK_PENDING : 0) });
      assert.equal(g.wait(1000, t), 0);
      assert.deepEqual(timeouts, [t, t, t]);
    }
  });

  it('ABORTED from a blocking call throws GuestAborted, which unwinds the guest', () => {
    const { g } = setup({ spear_epoll_wait: () => ABORTED, cchat_recv: () => ABORTED });
    assert.throws(() => g.wait(1000, -1), GuestAborted);
    assert.throws(() => g.recv(1001), GuestAborted);
  });

  it('cchat_recv: CALLBACK_PENDING (twice) runs the callbacks, then the bytes reach the guest', () => {
    const queue: GuestCallback[] = [];
    let calls = 0;
    const { g, seen } = setup(
      {
        cchat_recv: (fd, capacity) => {
          assert.deepEqual([fd, capacity], [1001, 64]);
          if (++calls <= 2) {
            queue.push({ id: calls, payload: payload(TOOL.echo, `call ${calls}`) });
            return CALLBACK_PENDING;
          }
          return new TextEncoder().encode('{"ok":true}');
        },
      },
      queue,
    );
    assert.equal(g.recv(1001), 11);
    assert.equal(Buffer.from(new Uint8Array(g.memory.buffer, 256, 11)).toString(), '{"ok":true}');
    assert.deepEqual(seen.callbacks, [
      { id: 1, outcome: { rc: 0, output: 'call 1' } },
      { id: 2, outcome: { rc: 0, output: 'call 2' } },
    ]);
  });

  it('sleep_ms: a result of CALLBACK_PENDING runs the callbacks and sleeps what is left, ABORTED unwinds; a thrown error propagates', () => {
    const queue: GuestCallback[] = [];
    const slept: number[] = [];
    const { g, seen } = setup(
      {
        sleep_ms: (ms) => {
          slept.push(ms);
          if (slept.length === 1) {
            block(20);
            queue.push({ id: 5, payload: payload(TOOL.echo, 'zzz') });
            return CALLBACK_PENDING;
          }
          return undefined;
        },
      },
      queue,
    );
    g.sleep(60);
    assert.equal(slept[0], 60);
    assert.ok(slept[1] >= 0 && slept[1] <= 40, `sleeps what is left of 60 ms after 20 ms, not ${slept[1]}`);
    assert.deepEqual(seen.callbacks, [{ id: 5, outcome: { rc: 0, output: 'zzz' } }]);

    const aborted = setup({ sleep_ms: () => ABORTED });
    assert.throws(() => aborted.g.sleep(10), GuestAborted);
    const failing = setup({ sleep_ms: () => { throw new HostwireError(-Errno.ENOSYS, 'GuestInstance.sleep_ms: not implemented'); } });
    assert.throws(() => failing.g.sleep(10), { name: 'HostwireError', code: 'ENOSYS' });
  });

  it('cchat_send: the requests are drained after the call and handed over in order', () => {
    const requests: GuestRequest[] = [];
    const { g, seen } = setup(
      {
        cchat_send: (fd, flags) => {
          assert.deepEqual([fd, flags], [1000, 2]);
          requests.push({ kind: 'chat', responseFd: 1001, request: '{"n":1}' }, { kind: 'chat', responseFd: 1002, request: '{"n":2}' });
          return 1001;
        },
      },
      [],
      requests,
    );
    assert.equal(g.send(1000, 2), 1001);
    assert.deepEqual(seen.requests, [
      { kind: 'chat', responseFd: 1001, request: '{"n":1}' },
      { kind: 'chat', responseFd: 1002, request: '{"n":2}' },
    ]);
    assert.deepEqual(seen.order, ['takeRequests']);
  });

  it('log is answered by the worker: levels 0..4 are lines, others -EINVAL; the native log is never called', () => {
    const { g, seen } = setup({ log: () => assert.fail('the native log was called') });
    new Uint8Array(g.memory.buffer).set(new TextEncoder().encode('hello\n'), 100);
    assert.equal(g.log(4, 100, 6), 0);
    assert.equal(g.log(5, 100, 6), -Errno.EINVAL);
    assert.equal(g.log(-1, 100, 6), -Errno.EINVAL);
    assert.equal(g.log(2, 65530, 100), -Errno.EFAULT);
    assert.deepEqual(seen.logs, [[4, 'hello']]);
  });

  // SPEAR src/spearlet/execution/runtime/wasm_hostcalls.rs call_wasm_tool_with_arena.
  describe('tool callbacks (runToolCallback, SPEAR call_wasm_tool_with_arena)', () => {
    const run = (p: string, g: Exports, withTable = true): ToolCallOutcome =>
      runToolCallback(p, { memory: () => g.memory, table: () => (withTable ? g.__indirect_function_table : undefined) });

    it('lays out the arena: arguments, a NUL, the output at align8(args+1), its u32 length at out + align8(cap)', () => {
      const { g } = setup({});
      assert.deepEqual(run(payload(TOOL.echo, 'abcde', { ptr: ARENA, len: 64 }), g), { rc: 0, output: 'abcde' });
      const m = new Uint8Array(g.memory.buffer);
      assert.deepEqual(Array.from(m.subarray(ARENA, ARENA + 6)), [97, 98, 99, 100, 101, 0]);
      // args 5 bytes + NUL: the output at +8; cap = 64 - 8 - 8 = 48; the length slot at +8 + 48 = +56.
      assert.equal(Buffer.from(m.subarray(ARENA + 8, ARENA + 13)).toString(), 'abcde');
      assert.equal(new DataView(g.memory.buffer).getUint32(ARENA + 56, true), 5);
    });

    it('max_tool_output_bytes bounds the capacity: an output over it is -ENOSPC; an arena without room too', () => {
      const { g } = setup({});
      assert.deepEqual(run(payload(TOOL.echo, '12345678', { ptr: ARENA, len: 1024, max: 8 }), g), { rc: 0, output: '12345678' });
      assert.deepEqual(run(payload(TOOL.echo, '12345678', { ptr: ARENA, len: 1024, max: 7 }), g), { rc: -Errno.ENOSPC, output: '' });
      // 17 bytes of args: the output at +24; 48 bytes leave 48 - 24 - 8 = 16 of room for 17.
      assert.deepEqual(run(payload(TOOL.echo, '0123456789abcdefX', { ptr: ARENA, len: 48 }), g), { rc: -Errno.ENOSPC, output: '' });
      assert.deepEqual(run(payload(TOOL.echo, '12345678', { ptr: ARENA, len: 24 }), g), { rc: -Errno.ENOSPC, output: '' });
      assert.deepEqual(run(payload(TOOL.echo, 'x', { ptr: ARENA, len: 64, max: 0 }), g), { rc: -Errno.ENOSPC, output: '' });
    });

    it('an output length over the capacity is -EIO; any other rc is the result', () => {
      const { g } = setup({});
      assert.deepEqual(run(payload(TOOL.liar, 'x'), g), { rc: -Errno.EIO, output: '' });
      assert.deepEqual(run(payload(TOOL.chatty, 'x'), g), { rc: 7, output: '' });
    });

    it('no arena or a negative fn_offset is -EFAULT, an arena outside the memory -EFAULT', () => {
      const { g } = setup({});
      assert.deepEqual(run(payload(TOOL.echo, 'x', {}), g), {
        rc: -Errno.EFAULT,
        output: '',
        problem: 'the guest registered tools but set no tool arena (tool_arena_ptr, tool_arena_len)',
      });
      assert.deepEqual(run(payload(TOOL.echo, 'x', { ptr: -8, len: 64 }), g).rc, -Errno.EFAULT);
      assert.deepEqual(run(payload(-1, 'x'), g), { rc: -Errno.EFAULT, output: '' });
      assert.deepEqual(run(payload(TOOL.echo, 'x', { ptr: 65536 - 16, len: 64 }), g), { rc: -Errno.EFAULT, output: '' });
    });

    it('a table entry that is no tool function, or no exported table, is -EIO with the reason', () => {
      const { g } = setup({});
      const notTool = (n: number): ToolCallOutcome => ({ rc: -Errno.EIO, output: '', problem: `function table entry ${n} is not a tool function (i32, i32, i32, i32) -> i32` });
      assert.deepEqual(run(payload(TOOL.oneArg, 'x'), g), notTool(TOOL.oneArg));
      assert.deepEqual(run(payload(0, 'x'), g), notTool(0));
      assert.deepEqual(run(payload(99, 'x'), g), notTool(99));
      assert.deepEqual(run(payload(TOOL.echo, 'x'), g, false), {
        rc: -Errno.EIO,
        output: '',
        problem: 'the guest exports no function table (__indirect_function_table), so its tools cannot be called: link it with -Wl,--export-table',
      });
      assert.equal(run('{"fn_offset":"one"}', g).rc, -Errno.EIO);
    });

    it('a tool that traps fails that tool call with -EIO and the guest goes on', () => {
      const { g } = setup({});
      assert.deepEqual(run(payload(TOOL.explode, '{}'), g), { rc: -Errno.EIO, output: '', problem: 'the tool function 2 trapped: unreachable' });
      const queue: GuestCallback[] = [{ id: 1, payload: payload(TOOL.explode, '{}') }];
      let waits = 0;
      const { g: g2, seen } = setup({ spear_epoll_wait: () => (++waits === 1 ? CALLBACK_PENDING : 0) }, queue);
      assert.equal(g2.wait(1000, -1), 0);
      assert.deepEqual(seen.callbacks, [{ id: 1, outcome: { rc: -Errno.EIO, output: '', problem: 'the tool function 2 trapped: unreachable' } }]);
    });
  });
});

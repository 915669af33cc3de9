/**
 * The generated import glue (generated/ts/hostcalls.ts) against a real WebAssembly.Memory and
 * fake implementations: value conversion, bounds checks (-EFAULT, nothing written), the
 * output-buffer rule (-ENOSPC), record counts, i64 results and memory.grow.
 */
import * as assert from 'node:assert/strict';
import * as hw from '../../generated/ts/index';
import { instantiateForwarder, WA, type ImportSignature, type WasmMemory } from './wasm';

const PAGE = 65536;
const EFAULT = -hw.Errno.EFAULT;
const ENOSPC = -hw.Errno.ENOSPC;

/** A fresh one-page memory, filled with 0xaa so that any write shows. */
function freshMemory(pages = 1): WasmMemory {
  const memory = new WA.Memory({ initial: pages, maximum: 4 });
  new Uint8Array(memory.buffer).fill(0xaa);
  return memory;
}

const u8 = (m: WasmMemory): Uint8Array => new Uint8Array(m.buffer);
const snapshot = (m: WasmMemory): Buffer => Buffer.from(u8(m));
const setU32 = (m: WasmMemory, at: number, v: number): void => new DataView(m.buffer).setUint32(at, v, true);
const getU32 = (m: WasmMemory, at: number): number => new DataView(m.buffer).getUint32(at, true);

/** Offsets where the bytes of `m` differ from `before`. */
function changed(m: WasmMemory, before: Buffer): number[] {
  const now = u8(m);
  const out: number[] = [];
  for (let i = 0; i < now.length; i++) if (i >= before.length || now[i] !== before[i]) out.push(i);
  return out;
}

/** Every call an implementation received, by hostcall. */
type Calls = Array<{ name: string; args: unknown[] }>;

/**
 * `enosysHost()` with some methods replaced; every call to a replaced method is recorded with
 * copies of its Uint8Array arguments (the views are only valid during the call).
 */
function fakeHost(overrides: Partial<hw.SpearHostImpl>, calls: Calls = []): hw.SpearHostImpl {
  const host = hw.enosysHost() as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const [name, fn] of Object.entries(overrides) as Array<[string, (...args: unknown[]) => unknown]>) {
    host[name] = (...args: unknown[]) => {
      calls.push({ name, args: args.map((a) => (a instanceof Uint8Array ? Uint8Array.from(a) : a)) });
      return fn(...args);
    };
  }
  return host as unknown as hw.SpearHostImpl;
}

function glue(memory: WasmMemory, overrides: Partial<hw.SpearHostImpl>, calls: Calls = []): hw.SpearImports {
  return hw.createSpearImports(() => memory, fakeHost(overrides, calls));
}

const signature = (name: hw.HostcallName): ImportSignature => ({
  name,
  params: hw.HOSTCALLS[name].params.flatMap((p) => p.wasm.map((w) => w.type)),
  result: hw.HOSTCALLS[name].result,
});

describe('ts: hostcall glue (createSpearImports)', () => {
  describe('input buffers (log: level, msg_ptr, msg_len)', () => {
    it('passes a view of exactly the guest bytes and the converted level; returns the result', () => {
      const memory = freshMemory();
      u8(memory).set(Buffer.from('hello'), 100);
      const calls: Calls = [];
      const spear = glue(memory, { log: () => 0 }, calls);
      assert.equal(spear.log(hw.LogLevel.WARN, 100, 5), 0);
      assert.deepStrictEqual(calls, [{ name: 'log', args: [3, Uint8Array.from(Buffer.from('hello'))] }]);
    });

    it('an empty range at the very end of memory is valid', () => {
      const memory = freshMemory();
      const calls: Calls = [];
      assert.equal(glue(memory, { log: () => 0 }, calls).log(0, PAGE, 0), 0);
      assert.deepStrictEqual(calls, [{ name: 'log', args: [0, new Uint8Array(0)] }]);
    });

    const bad: Array<[string, number, number]> = [
      ['one byte past the end', PAGE - 4, 5],
      ['a pointer past the end, length 0', PAGE + 1, 0],
      ['a pointer near 2^32 that wraps to a small sum (0xfffffff0 + 32)', -16, 32],
      ['a length near 2^32 (0xffffffff)', 0, -1],
      ['pointer and length that sum to exactly 2^32', 0x10000000, -0x10000000],
    ];
    for (const [what, ptr, len] of bad) {
      it(`-EFAULT for ${what}; the implementation is not called`, () => {
        const memory = freshMemory();
        const calls: Calls = [];
        assert.equal(glue(memory, { log: () => 0 }, calls).log(2, ptr, len), EFAULT);
        assert.deepStrictEqual(calls, []);
      });
    }

    it('checks every range of a call: a bad second buffer is -EFAULT', () => {
      const memory = freshMemory();
      const calls: Calls = [];
      const spear = glue(memory, { cchat_write_msg: () => 0 }, calls);
      assert.equal(spear.cchat_write_msg(1000, 0, 4, PAGE - 1, 2), EFAULT);
      assert.equal(spear.cchat_write_msg(1000, PAGE - 1, 2, 0, 4), EFAULT);
      assert.deepStrictEqual(calls, []);
      assert.equal(spear.cchat_write_msg(1000, 0, 4, PAGE - 2, 2), 0);
      assert.equal(calls.length, 1);
    });
  });

  describe('output buffers (cchat_recv: response_fd, out_ptr, out_len_ptr)', () => {
    const OUT = 1024;
    const LEN = 512;

    it('copies the bytes, stores their length at *len_ptr and returns it; nothing else is written', () => {
      const memory = freshMemory();
      setU32(memory, LEN, 8);
      const before = snapshot(memory);
      const calls: Calls = [];
      const result = glue(memory, { cchat_recv: () => Uint8Array.of(1, 2, 3, 4, 5) }, calls).cchat_recv(1001, OUT, LEN);
      assert.equal(result, 5);
      assert.deepStrictEqual(calls, [{ name: 'cchat_recv', args: [1001, 8] }]);
      assert.deepStrictEqual([...u8(memory).subarray(OUT, OUT + 8)], [1, 2, 3, 4, 5, 0xaa, 0xaa, 0xaa]);
      assert.equal(getU32(memory, LEN), 5);
      assert.deepStrictEqual(changed(memory, before), [LEN, OUT, OUT + 1, OUT + 2, OUT + 3, OUT + 4]);
    });

    it('bytes exactly as long as the capacity fit', () => {
      const memory = freshMemory();
      setU32(memory, LEN, 3);
      assert.equal(glue(memory, { cchat_recv: () => Uint8Array.of(7, 8, 9) }).cchat_recv(1001, OUT, LEN), 3);
      assert.deepStrictEqual([...u8(memory).subarray(OUT, OUT + 4)], [7, 8, 9, 0xaa]);
      assert.equal(getU32(memory, LEN), 3);
    });

    it('-ENOSPC when the bytes do not fit: writes only the needed length to *len_ptr', () => {
      const memory = freshMemory();
      setU32(memory, LEN, 4);
      const before = snapshot(memory);
      assert.equal(glue(memory, { cchat_recv: () => new Uint8Array(10).fill(1) }).cchat_recv(1001, OUT, LEN), ENOSPC);
      assert.equal(getU32(memory, LEN), 10);
      assert.deepStrictEqual(changed(memory, before), [LEN]);
    });

    it('an empty result stores length 0 and returns 0', () => {
      const memory = freshMemory();
      setU32(memory, LEN, 64);
      assert.equal(glue(memory, { cchat_recv: () => new Uint8Array(0) }).cchat_recv(1001, OUT, LEN), 0);
      assert.equal(getU32(memory, LEN), 0);
    });

    it('a number from the implementation is returned as is, with nothing written', () => {
      const memory = freshMemory();
      setU32(memory, LEN, 64);
      const before = snapshot(memory);
      assert.equal(glue(memory, { cchat_recv: () => -hw.Errno.EAGAIN }).cchat_recv(1001, OUT, LEN), -11);
      assert.deepStrictEqual(changed(memory, before), []);
    });

    const bad: Array<[string, number, number, number | undefined]> = [
      ['len_ptr with fewer than 4 bytes left', OUT, PAGE - 3, undefined],
      ['len_ptr past the end', OUT, PAGE, undefined],
      ['len_ptr near 2^32 (0xfffffffc)', OUT, -4, undefined],
      ['a capacity that runs past the end', PAGE - 10, LEN, 11],
      ['a capacity near 2^32', 0, LEN, 0xffffffff],
      ['out_ptr near 2^32 (0xfffffff8) with capacity 16', -8, LEN, 16],
    ];
    for (const [what, ptr, lenPtr, capacity] of bad) {
      it(`-EFAULT for ${what}: memory unchanged, implementation not called`, () => {
        const memory = freshMemory();
        if (capacity !== undefined) setU32(memory, LEN, capacity);
        const before = snapshot(memory);
        const calls: Calls = [];
        assert.equal(glue(memory, { cchat_recv: () => Uint8Array.of(1) }, calls).cchat_recv(1001, ptr, lenPtr), EFAULT);
        assert.deepStrictEqual(calls, []);
        assert.deepStrictEqual(changed(memory, before), []);
      });
    }

    it('an output range that ends exactly at the end of memory is valid', () => {
      const memory = freshMemory();
      setU32(memory, LEN, 4);
      assert.equal(glue(memory, { cchat_recv: () => Uint8Array.of(1, 2, 3, 4) }).cchat_recv(1001, PAGE - 4, LEN), 4);
      assert.deepStrictEqual([...u8(memory).subarray(PAGE - 4)], [1, 2, 3, 4]);
    });
  });

  describe('records (spear_epoll_wait: epfd, out_ptr, out_len_ptr, timeout_ms)', () => {
    const OUT = 2048;
    const LEN = 16;
    const events = (...rs: hw.EpollEvent[]): Uint8Array => {
      const out = new Uint8Array(rs.length * hw.EpollEventCodec.size);
      rs.forEach((r, i) => hw.EpollEventCodec.encodeInto(r, new DataView(out.buffer), i * hw.EpollEventCodec.size));
      return out;
    };

    it('returns the number of records, not bytes, and stores the byte length', () => {
      const memory = freshMemory();
      setU32(memory, LEN, 64);
      const calls: Calls = [];
      const ready = events({ fd: 1000, events: hw.EpollEvents.IN }, { fd: 1001, events: hw.EpollEvents.OUT | hw.EpollEvents.HUP });
      assert.equal(glue(memory, { spear_epoll_wait: () => ready }, calls).spear_epoll_wait(1005, OUT, LEN, -1), 2);
      assert.deepStrictEqual(calls, [{ name: 'spear_epoll_wait', args: [1005, 64, -1] }]);
      assert.equal(getU32(memory, LEN), 16);
      assert.deepStrictEqual(hw.EpollEventCodec.decode(u8(memory), OUT), { fd: 1000, events: 1 });
      assert.deepStrictEqual(hw.EpollEventCodec.decode(u8(memory), OUT + 8), { fd: 1001, events: 0x14 });
      assert.equal(u8(memory)[OUT + 16], 0xaa);
    });

    it('nothing ready: 0 records with *len_ptr = 0', () => {
      const memory = freshMemory();
      setU32(memory, LEN, 64);
      assert.equal(glue(memory, { spear_epoll_wait: () => new Uint8Array(0) }).spear_epoll_wait(1005, OUT, LEN, 0), 0);
      assert.equal(getU32(memory, LEN), 0);
    });

    it('a capacity under one record gives -ENOSPC with 8 written back', () => {
      const memory = freshMemory();
      setU32(memory, LEN, 7);
      const before = snapshot(memory);
      const ready = events({ fd: 1000, events: 1 });
      assert.equal(glue(memory, { spear_epoll_wait: () => ready }).spear_epoll_wait(1005, OUT, LEN, 0), ENOSPC);
      assert.equal(getU32(memory, LEN), 8);
      assert.deepStrictEqual(changed(memory, before), [LEN]);
    });

    it('an implementation that returns part of a record is a bug: TypeError, nothing written', () => {
      const memory = freshMemory();
      setU32(memory, LEN, 64);
      const before = snapshot(memory);
      assert.throws(
        () => glue(memory, { spear_epoll_wait: () => new Uint8Array(12) }).spear_epoll_wait(1005, OUT, LEN, 0),
        { name: 'TypeError', message: 'spear_epoll_wait: the implementation returned 12 bytes, not a whole number of epoll_event records (8 bytes each)' },
      );
      assert.deepStrictEqual(changed(memory, before), []);
    });
  });

  describe('ctl arguments (spear_fd_ctl: fd, cmd, arg_ptr, arg_len_ptr)', () => {
    const ARG = 4096;
    const LEN = 32;

    it('passes the *len_ptr bytes at arg_ptr as input and the capacity; writes the output back', () => {
      const memory = freshMemory();
      const input = Buffer.from('{"set":["O_NONBLOCK"],"clear":[]}');
      u8(memory).set(input, ARG);
      setU32(memory, LEN, input.length);
      const calls: Calls = [];
      const out = Buffer.from('{"flags":[]}');
      const result = glue(memory, { spear_fd_ctl: () => Uint8Array.from(out) }, calls).spear_fd_ctl(1000, hw.FdCtlCmd.SET_FLAGS, ARG, LEN);
      assert.equal(result, out.length);
      assert.deepStrictEqual(calls, [{ name: 'spear_fd_ctl', args: [1000, 1, Uint8Array.from(input), input.length] }]);
      assert.equal(getU32(memory, LEN), out.length);
      assert.equal(Buffer.from(u8(memory).subarray(ARG, ARG + out.length)).toString(), '{"flags":[]}');
      // Past the output, the rest of the input is left as it was.
      assert.equal(Buffer.from(u8(memory).subarray(ARG + out.length, ARG + input.length)).toString(), input.subarray(out.length).toString());
    });

    it('a number result (a command without output) is returned as is, nothing written', () => {
      const memory = freshMemory();
      setU32(memory, LEN, 0);
      const before = snapshot(memory);
      assert.equal(glue(memory, { spear_fd_ctl: () => 0 }).spear_fd_ctl(1000, 1, ARG, LEN), 0);
      assert.equal(glue(memory, { spear_fd_ctl: () => -hw.Errno.EINVAL }).spear_fd_ctl(1000, 99, ARG, LEN), -22);
      assert.deepStrictEqual(changed(memory, before), []);
    });

    it('output longer than *len_ptr is -ENOSPC with the needed length', () => {
      const memory = freshMemory();
      setU32(memory, LEN, 2);
      const before = snapshot(memory);
      assert.equal(glue(memory, { spear_fd_ctl: () => new Uint8Array(40) }).spear_fd_ctl(1000, 4, ARG, LEN), ENOSPC);
      assert.equal(getU32(memory, LEN), 40);
      assert.deepStrictEqual(changed(memory, before), [LEN]);
    });

    it('-EFAULT when the input range (*len_ptr bytes at arg_ptr) leaves memory', () => {
      const memory = freshMemory();
      setU32(memory, LEN, 100);
      const calls: Calls = [];
      assert.equal(glue(memory, { spear_fd_ctl: () => 0 }, calls).spear_fd_ctl(1000, 1, PAGE - 99, LEN), EFAULT);
      assert.deepStrictEqual(calls, []);
    });
  });

  describe('value conversion', () => {
    it('i32 values are signed, u32 flags unsigned, whatever the caller passed', () => {
      const memory = freshMemory();
      const calls: Calls = [];
      const spear = glue(memory, { cchat_send: () => 1002, spear_epoll_ctl: () => 0 }, calls);
      assert.equal(spear.cchat_send(0xffffffff, -1), 1002);
      assert.equal(spear.spear_epoll_ctl(1005, hw.EpollOp.ADD, 1000, hw.EpollEvents.IN | hw.EpollEvents.OUT), 0);
      assert.deepStrictEqual(calls, [
        { name: 'cchat_send', args: [-1, 0xffffffff] },
        { name: 'spear_epoll_ctl', args: [1005, 1, 1000, 5] },
      ]);
    });

    it('calls without a result return undefined', () => {
      const calls: Calls = [];
      assert.equal(glue(freshMemory(), { sleep_ms: () => undefined }, calls).sleep_ms(-5), undefined);
      assert.deepStrictEqual(calls, [{ name: 'sleep_ms', args: [-5] }]);
    });
  });

  describe('through a real wasm instance', () => {
    const names: hw.HostcallName[] = ['time_now_ms', 'random_i64', 'cchat_recv', 'cchat_send', 'log'];

    it('i64 results pass through as bigints, including negative ones and values above 2^53', () => {
      const memory = freshMemory();
      let next = 0n;
      const spear = glue(memory, { time_now_ms: () => 1234567890123n, random_i64: () => next });
      const exports = instantiateForwarder(names.map(signature), memory, spear);
      assert.equal((exports.call_time_now_ms as () => bigint)(), 1234567890123n);
      for (const v of [-1n, -(1n << 63n), (1n << 63n) - 1n, (1n << 53n) + 1n]) {
        next = v;
        assert.equal((exports.call_random_i64 as () => bigint)(), v);
      }
    });

    it('pointers arrive signed from wasm and are read unsigned: 0xfffffff0 is -EFAULT, not offset -16', () => {
      const memory = freshMemory();
      const calls: Calls = [];
      const exports = instantiateForwarder(names.map(signature), memory, glue(memory, { log: () => 0, cchat_send: () => 7 }, calls));
      const log = exports.call_log as (level: number, ptr: number, len: number) => number;
      assert.equal(log(2, 0xfffffff0, 32), EFAULT);
      assert.equal(log(2, 16, 4), 0);
      const send = exports.call_cchat_send as (fd: number, flags: number) => number;
      assert.equal(send(1000, 0x80000000), 7);
      assert.deepStrictEqual(calls, [
        { name: 'log', args: [2, new Uint8Array(4).fill(0xaa)] },
        { name: 'cchat_send', args: [1000, 0x80000000] },
      ]);
    });

    it('memory.grow between calls: the next call sees the new pages', () => {
      const memory = freshMemory();
      const exports = instantiateForwarder(names.map(signature), memory, glue(memory, { cchat_recv: () => Uint8Array.of(9, 8, 7) }));
      const recv = exports.call_cchat_recv as (fd: number, ptr: number, lenPtr: number) => number;
      setU32(memory, 0, 16);
      assert.equal(recv(1001, PAGE + 100, 0), EFAULT);
      assert.equal((exports.grow as (pages: number) => number)(1), 1);
      assert.equal(memory.buffer.byteLength, 2 * PAGE);
      assert.equal(recv(1001, PAGE + 100, 0), 3);
      assert.deepStrictEqual([...u8(memory).subarray(PAGE + 100, PAGE + 103)], [9, 8, 7]);
      assert.equal(getU32(memory, 0), 3);
    });

    it('memory.grow during the call (a guest callback): the result is written to the new buffer', () => {
      const memory = freshMemory();
      let grow: (pages: number) => number = () => -1;
      const exports = instantiateForwarder(
        names.map(signature),
        memory,
        glue(memory, {
          cchat_recv: () => {
            assert.equal(grow(1), 1);
            return Uint8Array.of(5, 6);
          },
        }),
      );
      grow = exports.grow as (pages: number) => number;
      const recv = exports.call_cchat_recv as (fd: number, ptr: number, lenPtr: number) => number;
      const oldBuffer = memory.buffer;
      setU32(memory, 8, 4);
      assert.equal(recv(1001, 100, 8), 2);
      assert.notEqual(memory.buffer, oldBuffer);
      assert.equal(oldBuffer.byteLength, 0); // detached by the grow
      assert.deepStrictEqual([...u8(memory).subarray(100, 103)], [5, 6, 0xaa]);
      assert.equal(getU32(memory, 8), 2);
    });

    it('a guest importing every hostcall instantiates against createSpearImports', () => {
      const memory = freshMemory();
      const all = Object.keys(hw.HOSTCALLS) as hw.HostcallName[];
      const exports = instantiateForwarder(all.map(signature), memory, hw.createSpearImports(() => memory, hw.enosysHost()));
      assert.equal(Object.keys(exports).length, all.length + 1);
    });
  });

  describe('HOSTCALLS and enosysHost', () => {
    it('HOSTCALLS lists every import of createSpearImports, each with its wasm arity', () => {
      const memory = freshMemory();
      const spear = hw.createSpearImports(() => memory, hw.enosysHost()) as unknown as Record<string, (...args: unknown[]) => unknown>;
      assert.deepStrictEqual(Object.keys(spear), Object.keys(hw.HOSTCALLS));
      for (const [name, info] of Object.entries(hw.HOSTCALLS)) {
        assert.equal(info.name, name);
        assert.equal(spear[name].length, info.params.reduce((n, p) => n + p.wasm.length, 0), name);
      }
    });

    it('describes spear_epoll_wait exactly', () => {
      assert.deepStrictEqual(hw.HOSTCALLS.spear_epoll_wait, {
        name: 'spear_epoll_wait',
        family: 'epoll',
        params: [
          { name: 'epfd', kind: 'fd', wasm: [{ name: 'epfd', type: 'i32', role: 'value' }] },
          { name: 'out', kind: 'out_bytes', wasm: [{ name: 'out_ptr', type: 'i32', role: 'ptr' }, { name: 'out_len_ptr', type: 'i32', role: 'len_ptr' }] },
          { name: 'timeout_ms', kind: 'int', wasm: [{ name: 'timeout_ms', type: 'i32', role: 'value' }] },
        ],
        result: 'i32',
        returns: 'count',
        countOf: 'epoll_event',
        errors: [9, 14, 22, 28, 4].sort((a, b) => a - b),
        blocking: true,
        timeout: 'timeout_ms',
        implemented: true,
      });
    });

    it('a call with guest pointers documents -EFAULT, and returns only -EFAULT for a bad range (fuzz-style)', () => {
      const memory = freshMemory();
      setU32(memory, 0, 0xffffffff);
      const spear = hw.createSpearImports(() => memory, hw.enosysHost()) as unknown as Record<string, (...args: number[]) => unknown>;
      let checked = 0;
      for (const info of Object.values(hw.HOSTCALLS)) {
        const wasm = info.params.flatMap((p) => p.wasm);
        if (!wasm.some((w) => w.role !== 'value')) continue;
        assert.ok(info.errors.includes(hw.Errno.EFAULT), `${info.name} lists EFAULT`);
        // Every pointer at 0xfffffff0, every length 64, every len_ptr at 0 (capacity 0xffffffff).
        const args = wasm.map((w) => (w.role === 'ptr' ? -16 : w.role === 'len' ? 64 : 0));
        const r = spear[info.name](...args);
        assert.equal(r, EFAULT, info.name);
        assert.ok(info.errors.includes(-(r as number) as hw.ErrnoValue));
        checked++;
      }
      assert.equal(checked, 15);
    });

    it('enosysHost returns -ENOSYS from every call (a bigint for i64 results, nothing for none)', () => {
      const memory = freshMemory();
      setU32(memory, 0, 0);
      const spear = hw.createSpearImports(() => memory, hw.enosysHost()) as unknown as Record<string, (...args: number[]) => unknown>;
      for (const info of Object.values(hw.HOSTCALLS)) {
        const args = info.params.flatMap((p) => p.wasm).map(() => 0);
        const expected = info.result === 'i64' ? -38n : info.result === null ? undefined : -38;
        assert.equal(spear[info.name](...args), expected, info.name);
      }
    });

    it('every hostcall the IDL declares is implemented by this host', () => {
      assert.deepStrictEqual(Object.values(hw.HOSTCALLS).filter((h) => !h.implemented).map((h) => h.name), []);
    });
  });
});

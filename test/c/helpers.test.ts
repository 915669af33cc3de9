/**
 * The inline helpers at work: a guest (guests/helpers.c) calls them against a scripted mock
 * host, and the test checks both what the guest saw and what reached the host.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Model } from '../../codegen/model';
import { buildModel } from '../../codegen/pipeline';
import { ROOT, tmpDir } from '../helpers/toolchain';
import { linkWasm } from './build';
import { runGuest, type GuestMemory, type HostFn } from './guest';

const ENOSPC = -28;
const EBADF = -9;

type Call = Record<string, number | string>;

/** The mock host: fixed answers per fd, and a log of every call. */
function scriptedHost(calls: Record<string, Call[]>) {
  return (mem: GuestMemory): Record<string, HostFn> => {
    const record = (fn: string, call: Call) => (calls[fn] ??= []).push(call);
    const preview = (text: string) => (text.length <= 16 ? text : `${text.slice(0, 4)}..${text.length}..${text.slice(-4)}`);
    return {
      cchat_recv: (fd, ptr, lenPtr) => {
        const cap = mem.u32(lenPtr);
        record('cchat_recv', { fd, cap });
        switch (fd) {
          case 1001:
            return mem.output(ptr, lenPtr, 'small response');
          case 1002:
            return mem.output(ptr, lenPtr, 'L'.repeat(70000));
          case 1003:
            mem.setU32(lenPtr, cap + 1);
            return ENOSPC;
          default:
            return EBADF;
        }
      },
      spear_fd_ctl: (fd, cmd, ptr, lenPtr) => {
        if (cmd === 1) {
          record('spear_fd_ctl', { fd, cmd, input: mem.string(ptr, mem.u32(lenPtr)) });
          return 0;
        }
        record('spear_fd_ctl', { fd, cmd, cap: mem.u32(lenPtr) });
        return mem.output(ptr, lenPtr, '{"kind":"RtAsr"}');
      },
      spear_epoll_wait: (epfd, ptr, lenPtr, timeout) => {
        record('spear_epoll_wait', { epfd, cap: mem.u32(lenPtr), timeout });
        mem.output(ptr, lenPtr, Buffer.from('e803000001000000e903000004000000', 'hex'));
        return 2;
      },
      cchat_ctl: (fd, cmd, ptr, lenPtr) => {
        record('cchat_ctl', { fd, cmd, input: mem.string(ptr, mem.u32(lenPtr)) });
        return 0;
      },
      rtasr_ctl: (fd, cmd, ptr, lenPtr) => {
        record('rtasr_ctl', { fd, cmd, ptr: cmd === 1 ? 'json' : ptr, input: mem.string(ptr, mem.u32(lenPtr)) });
        return 0;
      },
      cchat_write_msg: (fd, rolePtr, roleLen, contentPtr, contentLen) => {
        record('cchat_write_msg', { fd, role: mem.string(rolePtr, roleLen), content: mem.string(contentPtr, contentLen) });
        return 0;
      },
      user_stream_ctl_read: (fd, ptr, lenPtr) => {
        record('user_stream_ctl_read', { fd, cap: mem.u32(lenPtr) });
        return mem.output(ptr, lenPtr, Buffer.from('0700000001000000', 'hex'));
      },
      log: (level, ptr, len) => {
        record('log', { level, len, text: preview(mem.string(ptr, len)) });
        return 0;
      },
    };
  };
}

describe('C inline helpers against a scripted host', () => {
  let model: Model;
  let dir: string;
  let run: { code: number; stdout: string };
  const calls: Record<string, Call[]> = {};
  before(() => {
    model = buildModel(path.join(ROOT, 'idl'));
    dir = tmpDir('c-helpers');
    const wasm = path.join(dir, 'helpers.wasm');
    const r = linkWasm([path.join(ROOT, 'test', 'c', 'guests', 'helpers.c')], wasm);
    assert.equal(r.status, 0, r.stderr);
    run = runGuest(wasm, scriptedHost(calls));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const lines = () => run.stdout.split('\n');
  const line = (prefix: string) => lines().filter((l) => l.startsWith(`${prefix}:`));

  it('the guest runs to the end', () => {
    assert.equal(run.code, 0);
    assert.deepEqual(line('ssf bad magic'), ['ssf bad magic: 0']);
  });

  it('*_alloc: 64 KiB first, the length asked for on -ENOSPC, at most 3 calls, NUL-terminated', () => {
    assert.deepEqual(line('recv small'), ['recv small: len=14 nul=1 head=small re']);
    assert.deepEqual(line('recv large'), ['recv large: len=70000 nul=1 head=LLLLLLLL']);
    assert.deepEqual(line('recv growing'), ['recv growing: NULL']);
    assert.deepEqual(line('recv error'), ['recv error: NULL']);
    assert.deepEqual(calls.cchat_recv, [
      { fd: 1001, cap: 65536 },
      { fd: 1002, cap: 65536 },
      { fd: 1002, cap: 70000 },
      { fd: 1003, cap: 65536 },
      { fd: 1003, cap: 65537 },
      { fd: 1003, cap: 65538 },
      { fd: 1004, cap: 65536 },
    ]);
  });

  it('ctl commands: _alloc for JSON output, _json for JSON input', () => {
    assert.deepEqual(line('fd kind'), ['fd kind: len=16 nul=1 head={"kind":']);
    assert.deepEqual(line('set flags'), ['set flags: 0']);
    assert.deepEqual(calls.spear_fd_ctl, [
      { fd: 1005, cmd: 3, cap: 65536 },
      { fd: 1005, cmd: 1, input: '{"set":["O_NONBLOCK"],"clear":[]}' },
    ]);
  });

  it('an out_bytes call of records gets the same _alloc pattern, readable as records', () => {
    assert.deepEqual(line('epoll record'), ['epoll record: fd=1000 events=1', 'epoll record: fd=1001 events=4']);
    assert.deepEqual(calls.spear_epoll_wait, [{ epfd: 1006, cap: 65536, timeout: 0 }]);
  });

  it('_string and _u32 send {"key","value"} JSON; too long is SPEAR_CCHAT_ERR_INTERNAL and NULL -EFAULT, without a call', () => {
    assert.deepEqual(line('param string'), ['param string: 0']);
    assert.deepEqual(line('param u32'), ['param u32: 0']);
    assert.deepEqual(line('param too long'), ['param too long: -5']);
    assert.deepEqual(line('param null'), ['param null: -14']);
    assert.deepEqual(calls.cchat_ctl, [{ fd: 1007, cmd: 1, input: '{"key":"model","value":"stub-model"}' }]);
  });

  it('commands without an argument pass pointer 0 and length 0', () => {
    assert.deepEqual(line('flush'), ['flush: 0']);
    assert.deepEqual(calls.rtasr_ctl, [
      { fd: 1008, cmd: 1, ptr: 'json', input: '{"key":"sample_rate","value":4294967295}' },
      { fd: 1008, cmd: 5, ptr: 0, input: '' },
    ]);
  });

  it('_str passes C strings as (ptr, len); the record helper reads one record', () => {
    assert.deepEqual(line('write msg'), ['write msg: 0']);
    assert.deepEqual(calls.cchat_write_msg, [{ fd: 1007, role: 'user', content: 'two words' }]);
    assert.deepEqual(line('ctl event'), ['ctl event: rc=8 stream=7 kind=1']);
    assert.deepEqual(line('ctl event null'), ['ctl event null: -14']);
    assert.deepEqual(calls.user_stream_ctl_read, [{ fd: 1009, cap: 8 }]);
  });

  it('log helpers cap at SPEAR_LOG_MAX_BYTES, format long messages whole, and pick levels', () => {
    const max = Number(model.constants.find((c) => c.name === 'LOG_MAX_BYTES')!.value);
    assert.equal(max, 16384);
    assert.deepEqual(line('log write'), ['log write: 0']);
    assert.deepEqual(line('log null'), ['log null: -14']);
    assert.deepEqual(line('warnf long'), ['warnf long: 2000']);
    assert.deepEqual(line('fprintf stderr'), ['fprintf stderr: 3']);
    assert.deepEqual(line('puts'), ['puts: 5']);
    assert.deepEqual(calls.log, [
      { level: 2, len: max, text: `xxxx..${max}..xxxx` },
      { level: 3, len: 2000, text: 'xxxx..2000..xxx!' },
      { level: 4, len: 3, text: 'e=5' },
      { level: 2, len: 5, text: 'line\n' },
    ]);
  });

  it('SSF: the built header is the IDL golden vector, and split/parse check their input', () => {
    const vector = model.records.find((r) => r.name === 'ssf_v1_wire_header')!.vectors.find((v) => v.name === 'data_frame')!;
    assert.deepEqual(line('ssf header'), [`ssf header: ${Buffer.from(vector.bytes).toString('hex')}`]);
    assert.deepEqual(line('ssf split'), ['ssf split: ok=1 type=2 stream=5 seq=9 meta={} data=abc header_len=32']);
    assert.deepEqual(line('ssf meta contains'), ['ssf meta contains: 1 0']);
    assert.deepEqual(line('ssf short'), ['ssf short: 0']);
  });
});

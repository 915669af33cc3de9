/** The generated errno, constants and SDK modules (generated/ts/) against the model. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { buildModel } from '../../codegen/pipeline';
import type { Model } from '../../codegen/model';
import { pascal } from '../../codegen/emit/ts/naming';
import * as hw from '../../generated/ts/index';
import { IDL_ABI, ROOT } from '../helpers/toolchain';

const model: Model = buildModel(path.join(ROOT, 'idl'));
const exported = hw as unknown as Record<string, unknown>;

describe('ts: errno.ts', () => {
  it('Errno is the errno table of the model, in order', () => {
    assert.deepStrictEqual(Object.entries(hw.Errno), model.errnos.map((e) => [e.name, e.value]));
    assert.equal(hw.Errno.EBADF, 9);
  });

  it('errnoName takes positive or negative numbers', () => {
    assert.equal(hw.errnoName(9), 'EBADF');
    assert.equal(hw.errnoName(-9), 'EBADF');
    assert.equal(hw.errnoName(-125), 'ECANCELED');
    for (const e of model.errnos) assert.equal(hw.errnoName(-e.value), e.name);
    assert.equal(hw.errnoName(0), undefined);
    assert.equal(hw.errnoName(3), undefined);
    assert.equal(hw.errnoName(-3), undefined);
    assert.equal(hw.errnoName(9.5), undefined);
  });

  it('errnoDoc has the IDL doc of every errno', () => {
    assert.deepStrictEqual({ ...hw.errnoDoc }, Object.fromEntries(model.errnos.map((e) => [e.name, e.doc])));
  });

  it('HostwireError has code and a negative errno, like Node system errors', () => {
    const e = new hw.HostwireError(-9);
    assert.ok(e instanceof Error);
    assert.ok(e instanceof hw.HostwireError);
    assert.equal(e.name, 'HostwireError');
    assert.equal(e.code, 'EBADF');
    assert.equal(e.errno, -9);
    assert.equal(e.message, 'EBADF: The fd was never opened in this instance, is closed, or is the wrong kind for the call.');
    const f = new hw.HostwireError(hw.Errno.ETIMEDOUT, 'connect to peer b');
    assert.equal(f.code, 'ETIMEDOUT');
    assert.equal(f.errno, -110);
    assert.equal(f.message, 'ETIMEDOUT: connect to peer b');
    const u = new hw.HostwireError(-1234);
    assert.equal(u.code, 'UNKNOWN');
    assert.equal(u.errno, -1234);
    assert.equal(u.message, 'UNKNOWN: unknown errno 1234');
  });

  it('isHostwireError accepts HostwireErrors and Errors with a matching code and errno (as the addon throws)', () => {
    assert.equal(hw.isHostwireError(new hw.HostwireError(22)), true);
    assert.equal(hw.isHostwireError(Object.assign(new Error('x'), { code: 'EINVAL', errno: -22 })), true);
    assert.equal(hw.isHostwireError(Object.assign(new Error('x'), { code: 'EINVAL', errno: 22 })), false);
    assert.equal(hw.isHostwireError(Object.assign(new Error('x'), { code: 'EBADF', errno: -22 })), false);
    assert.equal(hw.isHostwireError({ code: 'EINVAL', errno: -22 }), false);
    assert.equal(hw.isHostwireError(new Error('plain')), false);
    assert.equal(hw.isHostwireError(undefined), false);
  });
});

describe('ts: constants.ts', () => {
  it('ABI is the IDL metadata', () => {
    assert.deepStrictEqual({ ...hw.ABI }, { ...IDL_ABI, module: 'spear' });
  });

  it('every constant by IDL name, 64-bit ones as bigints', () => {
    assert.ok(model.constants.length > 0);
    for (const c of model.constants) {
      assert.equal(exported[c.name], c.type.bytes === 8 ? c.value : Number(c.value), c.name);
    }
    assert.equal(hw.LOG_MAX_BYTES, 16384);
    assert.equal(hw.CONN_INFO_MAGIC, 0x49435748);
  });

  for (const e of model.enums) {
    const name = pascal(e.name);
    it(`enum ${e.name} as ${name}, with the guard is${name}`, () => {
      assert.deepStrictEqual(exported[name], Object.fromEntries(e.values.map((v) => [v.name, Number(v.value)])));
      const guard = exported[`is${name}`] as (v: unknown) => boolean;
      for (const v of e.values) assert.equal(guard(Number(v.value)), true, v.name);
      const unused = [-1, 9999, ...e.values.map((v) => Number(v.value) + 100)].filter((n) => !e.values.some((v) => Number(v.value) === n));
      for (const n of unused) assert.equal(guard(n), false, String(n));
      assert.equal(guard(String(Number(e.values[0].value))), false);
      assert.equal(guard(e.values[0].value), false); // a bigint is not a number enum value
    });
  }

  for (const f of model.flags) {
    const name = pascal(f.name);
    it(`flags ${f.name} as ${name}: one mask per bit`, () => {
      assert.deepStrictEqual(exported[name], Object.fromEntries(f.bits.map((b) => [b.name, Number(b.mask)])));
    });
  }

  it('names from the contract: EpollOp.ADD, EpollEvents.IN/OUT/ERR/HUP, FdKind, FdFlags.O_NONBLOCK', () => {
    assert.equal(hw.EpollOp.ADD, 1);
    assert.deepStrictEqual([hw.EpollEvents.IN, hw.EpollEvents.OUT, hw.EpollEvents.ERR, hw.EpollEvents.HUP], [0x1, 0x4, 0x8, 0x10]);
    assert.equal(hw.FdKind.RtAsr, 4);
    assert.equal(hw.FdFlags.O_NONBLOCK, 1);
    assert.equal(hw.isEpollOp(3), true);
    assert.equal(hw.isEpollOp(4), false);
  });
});

describe('ts: sdk.ts', () => {
  it('dictionary defaults as the IDL gives them, with camelCase keys', () => {
    assert.deepStrictEqual({ ...hw.SESSION_OPTIONS_DEFAULTS }, {
      channels: 1,
      host: '',
      chunkBytes: 2097152,
      windowChunks: 8,
      eagerMaxBytes: 65536,
      heartbeatMs: 1000,
      peerTimeoutMs: 5000,
      name: '',
      connectTimeoutMs: 5000,
      congestion: 'auto',
      minProgressBytes: 65536,
    });
    assert.deepStrictEqual({ ...hw.REGISTER_OPTIONS_DEFAULTS }, { recv: false, send: true });
    assert.deepStrictEqual({ ...hw.WAIT_OPTIONS_DEFAULTS }, { timeoutMs: -1 });
  });

  it('the types fit a hand-written implementation (checked by the compiler)', async () => {
    // This only has to compile: the shapes of sdk.ts as a native binding would implement them.
    class Region implements hw.MemoryRegion {
      id(): number {
        return 1;
      }
      size(): number {
        return 16;
      }
      view(): Buffer {
        return Buffer.alloc(16);
      }
      descriptor(): Uint8Array {
        return new Uint8Array(hw.MemoryDescriptorCodec.size);
      }
    }
    const session: Pick<hw.Session, 'listen' | 'loadRemoteConnInfo' | 'registerMemory'> = {
      listen: async () => new Uint8Array(hw.ConnInfoCodec.size),
      loadRemoteConnInfo: (_name: string, _blob: Uint8Array) => undefined,
      registerMemory: (_memory: ArrayBuffer | ArrayBufferView, _options?: hw.RegisterOptions) => new Region(),
    };
    const wait: hw.WaitOptions = { timeoutMs: 5, signal: new AbortController().signal };
    const op: hw.PostOp = { region: new Region(), offset: 0, size: 16, tag: 7 };
    const result: hw.RecordRoundTripResult = { ok: false, error: 'range' };
    assert.equal((await session.listen()).length, 180);
    assert.equal(session.registerMemory(new ArrayBuffer(4)).size(), 16);
    assert.equal(wait.timeoutMs, 5);
    assert.equal(op.tag, 7);
    assert.equal(result.ok, false);
  });
});

/**
 * The generated N-API glue on a fake core (build/Release/hostwire_glue_test.node, built from
 * native/test/fake_core.cc): the paths the real core cannot reach while it is all ENOSYS.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { HostwireError } from '../../generated/ts/errno';
import { argError, ROOT, throwsArgError } from './support';

type Obj = Record<string, (...a: unknown[]) => unknown>;
interface Glue {
  Session: new (options?: unknown) => Obj;
  GuestInstance: new () => Obj;
  MemoryRegion: { prototype: object };
  Transfer: { prototype: object };
  setErrorClass(c: unknown): void;
}

function glue(): Glue {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const g = require(path.join(ROOT, 'build', 'Release', 'hostwire_glue_test.node')) as Glue;
  g.setErrorClass(HostwireError);
  return g;
}

function errnoOf(code: string, where: string): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof HostwireError, String(e));
    assert.equal(e.code, code);
    assert.ok(e.message.startsWith(`${code}: ${where}: `), e.message);
    return true;
  };
}

/** Node's AbortError for a signal aborted with `reason`: name, code, message and a non-enumerable cause. */
function abortError(reason: unknown): (e: unknown) => true {
  return (e: unknown) => {
    assert.ok(e instanceof Error, `expected an Error, got ${String(e)}`);
    assert.equal(e.name, 'AbortError');
    assert.equal((e as Error & { code?: unknown }).code, 'ABORT_ERR');
    assert.equal(e.message, 'The operation was aborted');
    assert.equal(e.cause, reason);
    assert.equal(Object.getOwnPropertyDescriptor(e, 'cause')?.enumerable, false);
    assert.ok(!(e instanceof HostwireError));
    return true;
  };
}

describe('native glue on a fake core', () => {
  it('async results resolve on the JS thread, completed from another thread', async () => {
    const blob = (await new (glue().Session)({ channels: 3 }).listen()) as Uint8Array;
    assert.ok(blob instanceof Uint8Array);
    assert.equal(blob.length, 180);
    assert.deepStrictEqual([...blob.subarray(0, 10)], [0x48, 0x57, 0x43, 0x49, 2, 0, 0, 0, 3, 0]);
    await assert.rejects(new (glue().Session)().connect('later') as Promise<void>, errnoOf('ECONNRESET', 'Session.connect'));
    assert.equal(await new (glue().Session)().connect('now'), undefined);
  });

  it('a completion the core drops rejects with EIO instead of hanging', async () => {
    await assert.rejects(new (glue().Session)().connect('drop') as Promise<void>, (e: unknown) => {
      assert.ok(e instanceof HostwireError);
      assert.equal(e.code, 'EIO');
      assert.match(e.message, /Session\.connect \(the native core dropped it without completing\)/);
      return true;
    });
  });

  it('options reach the core with their defaults; a json result is parsed into an object; a core failure in the constructor throws', () => {
    assert.deepStrictEqual(new (glue().Session)().metrics(), { channels: 1, host: '' });
    assert.deepStrictEqual(new (glue().Session)({ channels: 8, host: '::1' }).metrics(), { channels: 8, host: '::1' });
    assert.throws(() => new (glue().Session)({ host: 'fail' }), errnoOf('EINVAL', 'new Session'));
  });

  it('registerMemory: the region the core returns is a MemoryRegion over the same bytes', () => {
    const { Session, MemoryRegion } = glue();
    const s = new Session();
    const bytes = new Uint8Array(new ArrayBuffer(64), 16, 32);
    bytes.set([1, 2, 3]);
    const region = s.registerMemory(bytes, { recv: true }) as Obj;
    assert.ok(region instanceof (MemoryRegion as unknown as new () => object));
    assert.equal(region.id(), 1);
    assert.equal(region.size(), 32);
    const view = region.view() as Buffer;
    assert.ok(Buffer.isBuffer(view));
    assert.equal(view.buffer, bytes.buffer, 'a Buffer over the same ArrayBuffer');
    assert.equal(view.byteOffset, 16);
    assert.deepStrictEqual([...view.subarray(0, 3)], [1, 2, 3]);
    view[0] = 9;
    assert.equal(bytes[0], 9);
    assert.equal((region.descriptor() as Uint8Array).length, 32);
    assert.equal(s.deregisterMemory(region), undefined);
    assert.throws(() => s.deregisterMemory(region), errnoOf('EINVAL', 'Session.deregisterMemory'));
    assert.throws(() => s.registerMemory(new ArrayBuffer(8), { recv: false, send: false }), errnoOf('EINVAL', 'Session.registerMemory'));
  });

  it('registered JS memory stays alive while the core holds it, and is released (from another thread) after', () => {
    // In a child process with --expose-gc: the ArrayBuffer must survive every collection while
    // registered, and be collectable once the core dropped it on its own thread.
    const script = `
      const g = require(${JSON.stringify(path.join(ROOT, 'build', 'Release', 'hostwire_glue_test.node'))});
      const s = new g.Session();
      let collected = false;
      const registry = new FinalizationRegistry(() => { collected = true; });
      let region;
      (() => {
        const ab = new ArrayBuffer(1 << 20);
        new Uint8Array(ab).fill(7);
        registry.register(ab, 'ab');
        region = s.registerMemory(new DataView(ab, 4096));
      })();
      (async () => {
        const tick = () => new Promise((r) => setTimeout(r, 5));
        for (let i = 0; i < 5; i++) { global.gc(); await tick(); }
        const alive = !collected && region.view()[12345] === 7 && region.size() === (1 << 20) - 4096;
        s.deregisterMemory(region);
        region = null;
        for (let i = 0; i < 200 && !collected; i++) { global.gc(); await tick(); }
        process.stdout.write(JSON.stringify({ alive, collected }));
      })();`;
    const r = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' });
    assert.equal(r.stderr, '');
    assert.deepStrictEqual(JSON.parse(r.stdout), { alive: true, collected: true });
  });

  it('allocMemory: engine memory comes back as a Buffer that keeps it alive; a u64 past 2^53 is a RangeError', () => {
    const s = new (glue().Session)();
    const region = s.allocMemory(16) as Obj;
    const view = region.view() as Buffer;
    assert.deepStrictEqual([...view], [...Array(16).keys()]);
    assert.throws(() => (s.allocMemory(0) as Obj).size(), (e: unknown) => {
      assert.ok(e instanceof RangeError);
      assert.equal(e.message, 'MemoryRegion.size: the result 9007199254740992 is beyond Number.MAX_SAFE_INTEGER');
      return true;
    });
  });

  it('Transfer: post_op arrays with MemoryRegion instances, and their argument errors', () => {
    const s = new (glue().Session)();
    const region = s.allocMemory(64);
    const t = s.createTransfer('peer') as Obj;
    assert.ok(t instanceof (glue().Transfer as unknown as new () => object));
    t.postSend(region, 0, 8, 1);
    t.postSendBatch([
      { region, offset: 8, size: 8, tag: 2 },
      { region, offset: 16, size: 16, tag: 2 },
    ]);
    assert.equal(t.receivedBytes(1), 8);
    assert.equal(t.receivedBytes(2), 16 + 32);
    assert.equal(t.isComplete(), false);
    assert.throws(() => t.receivedBytes(3), errnoOf('ENOENT', 'Transfer.receivedBytes'));
    assert.throws(() => t.postRecvBatch([]), errnoOf('EINVAL', 'Transfer.postRecvBatch'));
    const type = 'ERR_INVALID_ARG_TYPE';
    throwsArgError(() => t.postSendBatch({}), type, 'The "ops" argument must be an instance of Array. Received an instance of Object');
    throwsArgError(() => t.postSendBatch([undefined]), type, 'The "ops[0]" argument must be of type object. Received undefined');
    throwsArgError(
      () => t.postSendBatch([{ region, offset: 0, size: 8, tag: 1 }, { region: {}, offset: 0, size: 8, tag: 1 }]),
      type,
      'The "ops[1].region" property must be an instance of MemoryRegion. Received an instance of Object',
    );
    throwsArgError(() => t.postSendBatch([{ region, offset: 0, size: 8 }]), type, 'The "ops[0].tag" property must be of type number. Received undefined');
    throwsArgError(
      () => t.postSendBatch([{ region, offset: 0, size: 8, tag: -1 }]),
      'ERR_OUT_OF_RANGE',
      'The value of "ops[0].tag" is out of range. It must be >= 0 && <= 9007199254740991. Received -1',
    );
    throwsArgError(() => t.postSend(t, 0, 8, 1), type, 'The "region" argument must be an instance of MemoryRegion. Received an instance of Transfer');
    assert.equal(t.release(), undefined);
    assert.equal(t.isComplete(), true);
    assert.throws(() => s.createTransfer('nobody'), errnoOf('ENOENT', 'Session.createTransfer'));
  });

  it('results that are dictionaries and arrays of them come back as objects with camelCase keys (getNotifs, waitNotif)', async () => {
    const s = new (glue().Session)();
    assert.deepEqual(s.getNotifs(), []);
    s.genNotif('a', Uint8Array.of(1, 2));
    s.genNotif('b', new Uint8Array(0));
    const got = s.getNotifs() as Array<{ peer: string; msg: Uint8Array }>;
    assert.equal(got.length, 2);
    assert.deepEqual(got.map((n) => [n.peer, [...n.msg], n.msg instanceof Uint8Array]), [['a', [1, 2], true], ['b', [], true]]);
    assert.deepEqual(s.getNotifs(), []);
    assert.throws(() => s.genNotif('', Uint8Array.of(1)), errnoOf('ENOENT', 'Session.genNotif'));
    const n = (await s.waitNotif({ peer: 'p' })) as { peer: string; msg: Uint8Array };
    assert.deepEqual({ peer: n.peer, msg: [...n.msg] }, { peer: 'p', msg: [1, 2, 3] });
    assert.equal(((await s.waitNotif()) as { peer: string }).peer, 'any');
    await assert.rejects(s.waitNotif({ timeoutMs: 0 }) as Promise<void>, errnoOf('ETIMEDOUT', 'Session.waitNotif'));
  });

  it('Transfer one-sided posts: remote_op arrays, a descriptor decoded strictly, and their argument errors', () => {
    const s = new (glue().Session)();
    const region = s.allocMemory(64);
    const remote = (region as unknown as { descriptor(): Uint8Array }).descriptor();
    const t = s.createTransfer('peer') as Obj;
    t.postWrite(region, 0, 8, remote, 0);
    t.postWriteBatch([{ region, offset: 8, size: 8, remote, remoteOffset: 0 }], { notify: Uint8Array.of(1) });
    t.postReadBatch([{ region, offset: 16, size: 4, remote, remoteOffset: 0 }]);
    const id = (region as unknown as { id(): number }).id();
    assert.equal(t.receivedBytes(id), 8 + 16 + 20);
    assert.throws(() => t.postWriteBatch([{ region, offset: 0, size: 8, remote, remoteOffset: 0 }], { notify: Uint8Array.of(1, 2, 3, 4) }), errnoOf('EINVAL', 'Transfer.postWriteBatch'));
    throwsArgError(
      () => t.postWrite(region, 0, 8, remote.subarray(0, 8), 0),
      'ERR_INVALID_ARG_VALUE',
      "The argument 'remote' is not a valid memory_descriptor record (truncated). Received an instance of Uint8Array",
    );
    throwsArgError(
      () => t.postReadBatch([{ region, offset: 0, size: 8, remoteOffset: 0 }]),
      'ERR_INVALID_ARG_TYPE',
      'The "ops[0].remote" property must be an instance of Uint8Array. Received undefined',
    );
  });

  it('Transfer.wait: timeoutMs reaches the core; an AbortSignal cancels it from JS with an AbortError whose cause is the reason', async () => {
    const s = new (glue().Session)();
    const t = s.createTransfer('peer') as Obj;
    await assert.rejects(t.wait({ timeoutMs: 5 }) as Promise<void>, errnoOf('ETIMEDOUT', 'Transfer.wait'));
    const controller = new AbortController();
    const waiting = t.wait({ signal: controller.signal }) as Promise<void>;
    const reason = new Error('enough');
    setTimeout(() => controller.abort(reason), 10);
    await assert.rejects(waiting, abortError(reason));
    const already = AbortSignal.abort();
    await assert.rejects(t.wait({ signal: already }) as Promise<void>, abortError(already.reason));
    await assert.rejects(
      t.wait({ signal: { aborted: false } }) as Promise<void>,
      argError('ERR_INVALID_ARG_TYPE', 'The "options.signal" property must be an instance of AbortSignal. Received an instance of Object'),
    );
    await assert.rejects(
      t.wait({ timeoutMs: 2 ** 31 }) as Promise<void>,
      argError('ERR_OUT_OF_RANGE', 'The value of "options.timeoutMs" is out of range. It must be >= -2147483648 && <= 2147483647. Received 2147483648'),
    );
  });

  it('connect and listen take a signal: an abort while waiting, or before the call, rejects with an AbortError', async () => {
    const s = new (glue().Session)();
    const controller = new AbortController();
    const connecting = s.connect('abortable', { signal: controller.signal }) as Promise<void>;
    controller.abort('stop');
    await assert.rejects(connecting, abortError('stop'));
    await assert.rejects(s.listen({ signal: AbortSignal.abort('early') }) as Promise<unknown>, abortError('early'));
    assert.equal(((await s.listen({ signal: new AbortController().signal })) as Uint8Array).length, 180);
  });

  it('an ECANCELED that no aborted signal caused stays a HostwireError', async () => {
    const s = new (glue().Session)();
    await assert.rejects(s.connect('cancelled', { signal: new AbortController().signal }) as Promise<void>, errnoOf('ECANCELED', 'Session.connect'));
    await assert.rejects(s.connect('cancelled') as Promise<void>, errnoOf('ECANCELED', 'Session.connect'));
  });

  it('GuestInstance: outputs come back as Uint8Array, numbers as is, i64 as bigint', () => {
    const g = new (glue().GuestInstance)();
    assert.deepStrictEqual(g.spear_epoll_wait(1234, 64, 0), new Uint8Array([0xd2, 0x04, 0, 0, 1, 0, 0, 0]));
    // Under one record the core says it needs 8 bytes: as many zero bytes, which the TS glue turns into -ENOSPC with 8.
    assert.deepStrictEqual(g.spear_epoll_wait(1234, 7, 0), new Uint8Array(8));
    assert.deepStrictEqual(g.cchat_ctl(1000, 2, new Uint8Array([5, 6]), 64), new Uint8Array([5, 6]));
    assert.equal(g.cchat_ctl(1000, 7, new Uint8Array(0), 64), 7);
    assert.deepStrictEqual(g.cchat_recv(1000, 64), new Uint8Array(0));
    assert.equal(g.cchat_write_msg(1000, new Uint8Array(4), new Uint8Array(3)), 7);
    assert.equal(g.cchat_send(1000, 0xffffffff), -1);
    assert.equal(g.time_now_ms(), 1n << 40n);
    assert.equal(g.random_i64(), -(1n << 63n));
    assert.equal(g.sleep_ms(1), undefined);
    assert.throws(() => g.sleep_ms(-1), errnoOf('EINVAL', 'GuestInstance.sleep_ms'));
  });
});

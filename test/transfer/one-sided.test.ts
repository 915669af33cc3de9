/**
 * One-sided READ/WRITE into a peer's registered memory (NIXL's backend model): the target
 * only registers memory and hands out descriptors; its engine serves the operations. And
 * notifications: genNotif, getNotifs, waitNotif, and a WRITE batch's notification sent once
 * its bytes have landed.
 */
import * as assert from 'node:assert/strict';
import { createHash, randomFillSync } from 'node:crypto';
import { NOTIF_MAX_BYTES } from '../../generated/ts/constants';
import { MemoryDescriptorCodec, RecordError } from '../../generated/ts/records';
import type { MemoryRegion, RemoteOp, Session } from '../../generated/ts/sdk';
import { connectPair, newSession, rejectsAborted, rejectsWith, throwsWith } from './helpers';

const KiB = 1024;
const PAGE = 4096;
const CANARY = 0xa5;

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Two sessions of this process, connected: `target` knows `initiator` as 'initiator' and the other way round. */
async function pair(channels = 2): Promise<{ initiator: Session; target: Session }> {
  const t = newSession({ channels, name: 'target' });
  const i = newSession({ channels, name: 'initiator' });
  i.loadRemoteConnInfo('target', await t.listen());
  await Promise.all([i.connect('target'), t.accept('initiator')]);
  return { initiator: i, target: t };
}

let initiator: Session;
let target: Session;

async function closePair(): Promise<void> {
  await initiator.close();
  await target.close();
}

/** A fresh connected 1-channel pair (`initiator`, `target`) for each test of the enclosing describe. */
function eachPair(): void {
  beforeEach(async () => ({ initiator, target } = await pair(1)));
  afterEach(closePair);
}

/** A target buffer of `size` bytes between canary pages, registered; its descriptor. */
function guarded(target: Session, size: number, options: { recv?: boolean; send?: boolean } = { recv: true }) {
  const buf = Buffer.alloc(size + 2 * PAGE, CANARY);
  const region = target.registerMemory(buf, options);
  return { buf, region, desc: region.descriptor(), inner: buf.subarray(PAGE, PAGE + size) };
}

function assertCanaries(buf: Buffer, size: number): void {
  for (let i = 0; i < PAGE; i++) assert.equal(buf[i], CANARY, `canary byte ${i} before the region's range`);
  for (let i = PAGE + size; i < buf.length; i++) assert.equal(buf[i], CANARY, `canary byte ${i} after the region's range`);
}

/** A descriptor with some fields changed (a forged or stale one). */
function forged(desc: Uint8Array, change: Partial<ReturnType<typeof MemoryDescriptorCodec.decode>>): Uint8Array {
  return MemoryDescriptorCodec.encode({ ...MemoryDescriptorCodec.decode(desc), ...change });
}

function source(initiator: Session, size: number): { region: MemoryRegion; bytes: Buffer } {
  const region = initiator.allocMemory(size);
  const bytes = region.view();
  randomFillSync(bytes);
  return { region, bytes };
}

describe('transfer: one-sided operations', function () {
  this.timeout(60000);

  it('a passive target process: a WRITE list with a notification lands; a READ list with reversed indices, reposted; release; deregister', async () => {
    const { local, peer } = await connectPair({ channels: 2 }, { channels: 2 });
    try {
      // The target (the other process) registers memory between canaries and hands out its descriptor: nothing else.
      const N = 64;
      const SZ = 16 * KiB;
      const { region: rid } = await peer.call<{ region: number }>('register', { size: N * SZ + 2 * PAGE, recv: true, fill: CANARY });
      const { hex } = await peer.call<{ hex: string }>('descriptor', { region: rid });
      const remote = Buffer.from(hex, 'hex');
      assert.equal(MemoryDescriptorCodec.decode(remote).size, BigInt(N * SZ + 2 * PAGE));

      const src = source(local, N * SZ);
      const w = local.createTransfer('client');
      const writes: RemoteOp[] = Array.from({ length: N }, (_, i) => ({ region: src.region, offset: i * SZ, size: SZ, remote, remoteOffset: PAGE + i * SZ }));
      w.postWriteBatch(writes, { notify: Buffer.from('written') });
      await w.wait({ timeoutMs: 20000 });
      // The notification arrives after every byte: the target's bytes are right when it is there.
      const n = await peer.call<{ peer: string; msg: string }>('waitNotif', { timeoutMs: 10000 });
      assert.deepEqual(n, { peer: 'server', msg: Buffer.from('written').toString('hex') });
      assert.equal((await peer.call<{ sha: string }>('sha', { region: rid, offset: PAGE, size: N * SZ })).sha, sha(src.bytes));
      const canaryPage = Buffer.alloc(PAGE, CANARY).toString('hex');
      assert.equal((await peer.call<{ hex: string }>('bytes', { region: rid, offset: 0, size: PAGE })).hex, canaryPage);
      assert.equal((await peer.call<{ hex: string }>('bytes', { region: rid, offset: PAGE + N * SZ, size: PAGE })).hex, canaryPage);

      // READ the list back, block i into slot N-1-i.
      const dst = local.allocMemory(N * SZ, { recv: true });
      const r = local.createTransfer('client');
      const reads: RemoteOp[] = Array.from({ length: N }, (_, i) => ({ region: dst, offset: (N - 1 - i) * SZ, size: SZ, remote, remoteOffset: PAGE + i * SZ }));
      r.postReadBatch(reads);
      await r.wait({ timeoutMs: 20000 });
      const got = dst.view();
      for (let i = 0; i < N; i++) {
        assert.ok(got.subarray((N - 1 - i) * SZ, (N - i) * SZ).equals(src.bytes.subarray(i * SZ, (i + 1) * SZ)), `block ${i}`);
      }
      // Repost on the same transfer: the same list again, after new bytes were written.
      randomFillSync(src.bytes);
      w.postWriteBatch(writes);
      await w.wait({ timeoutMs: 20000 });
      dst.view().fill(0);
      r.postReadBatch(reads);
      await r.wait({ timeoutMs: 20000 });
      for (let i = 0; i < N; i++) {
        assert.ok(got.subarray((N - 1 - i) * SZ, (N - i) * SZ).equals(src.bytes.subarray(i * SZ, (i + 1) * SZ)), `block ${i} reposted`);
      }
      w.release();
      r.release();
      // Only the batch with `notify` sent one.
      assert.deepEqual(await peer.call('notifs'), { notifs: [] });
      const m = (await peer.call<{ peers: Record<string, { oneSidedServed: number; oneSidedRefused: number }> }>('metrics')).peers.server;
      assert.equal(m.oneSidedServed, 4 * N);
      assert.equal(m.oneSidedRefused, 0);

      // Deregistered over there: the descriptor is stale, and a WRITE with it writes nothing.
      await peer.call('deregister', { region: rid });
      const stale = local.createTransfer('client');
      stale.postWrite(src.region, 0, SZ, remote, PAGE);
      await rejectsWith(stale.wait({ timeoutMs: 10000 }), 'ESTALE');
      const again = local.createTransfer('client');
      again.postRead(dst, 0, SZ, remote, PAGE);
      await rejectsWith(again.wait({ timeoutMs: 10000 }), 'ESTALE');
      local.deregisterMemory(dst);
      local.deregisterMemory(src.region);
    } finally {
      await peer.stop();
      await local.close();
    }
  });

  it('one large WRITE and READ striped over 4 channels, and zero-byte operations', async () => {
    ({ initiator, target } = await pair(4));
    try {
      const size = 24 * 1024 * 1024 + 123;
      const t = guarded(target, size);
      const src = source(initiator, size);
      const x = initiator.createTransfer('target');
      x.postWrite(src.region, 0, size, t.desc, PAGE);
      x.postWrite(src.region, 0, 0, t.desc, PAGE);
      await x.wait({ timeoutMs: 30000 });
      assert.ok(t.inner.equals(src.bytes));
      assertCanaries(t.buf, size);
      randomFillSync(t.inner);
      const dst = initiator.allocMemory(size, { recv: true });
      x.postRead(dst, 0, size, t.desc, PAGE);
      x.postRead(dst, 0, 0, t.desc, PAGE);
      await x.wait({ timeoutMs: 30000 });
      assert.ok(dst.view().equals(t.inner));
    } finally {
      await closePair();
    }
  });

  describe('the target refuses, and only that operation fails', () => {
    eachPair();

    /** `post` fails with `code` and leaves the target's buffer as it was; a good WRITE then still works. */
    async function refused(code: string, post: (x: ReturnType<Session['createTransfer']>, src: MemoryRegion, t: ReturnType<typeof guarded>) => void, options?: { recv?: boolean; send?: boolean }) {
      const t = guarded(target, 4 * PAGE, options ?? { recv: true });
      const before = Buffer.from(t.buf);
      const src = source(initiator, 8 * PAGE);
      const x = initiator.createTransfer('target');
      post(x, src.region, t);
      await rejectsWith(x.wait({ timeoutMs: 10000 }), code);
      assert.ok(t.buf.equals(before), 'the target buffer is unchanged');
      const m = target.metrics() as { peers: Record<string, { oneSidedRefused: number; state: string }> };
      assert.equal(m.peers.initiator.oneSidedRefused, 1);
      assert.equal(m.peers.initiator.state, 'connected');
      // The peer is still connected: a good WRITE lands.
      const good = guarded(target, PAGE);
      const y = initiator.createTransfer('target');
      y.postWrite(src.region, 0, PAGE, good.desc, PAGE);
      await y.wait({ timeoutMs: 10000 });
      assert.ok(good.inner.equals(src.bytes.subarray(0, PAGE)));
    }

    it('a forged key on a WRITE: EACCES', async () => {
      await refused('EACCES', (x, src, t) => x.postWrite(src, 0, PAGE, forged(t.desc, { rkey: MemoryDescriptorCodec.decode(t.desc).rkey ^ 1n }), PAGE));
    });
    it('a forged key on a READ: EACCES, nothing read into the destination', async () => {
      const dst = initiator.allocMemory(PAGE, { recv: true });
      dst.view().fill(7);
      await refused('EACCES', (x, _src, t) => x.postRead(dst, 0, PAGE, forged(t.desc, { rkey: 12345n }), 0));
      assert.ok(dst.view().equals(Buffer.alloc(PAGE, 7)));
    });
    it('a region id never registered: ESTALE', async () => {
      await refused('ESTALE', (x, src, t) => x.postWrite(src, 0, PAGE, forged(t.desc, { region_id: 999999 }), PAGE));
    });
    it('a range past the end of the region (a descriptor claiming more than it has): EFAULT', async () => {
      await refused('EFAULT', (x, src, t) => x.postWrite(src, 0, 2 * PAGE, forged(t.desc, { size: 1n << 40n }), 5 * PAGE));
    });
    it('an oversized length (more than the whole region): EFAULT', async () => {
      await refused('EFAULT', (x, src, t) => x.postWrite(src, 0, 8 * PAGE, forged(t.desc, { size: 1n << 40n }), 0));
    });
    it('a WRITE into a region not registered for receiving: EPERM (recv governs WRITE)', async () => {
      await refused('EPERM', (x, src, t) => x.postWrite(src, 0, PAGE, t.desc, PAGE), { recv: false, send: true });
    });
    it('a READ of a region not registered for sending: EPERM (send governs READ)', async () => {
      const dst = initiator.allocMemory(PAGE, { recv: true });
      await refused('EPERM', (x, _src, t) => x.postRead(dst, 0, PAGE, t.desc, PAGE), { recv: true, send: false });
    });
    it('a recv: false region may be read', async () => {
      const t = guarded(target, PAGE, { recv: false });
      randomFillSync(t.inner);
      const dst = initiator.allocMemory(PAGE, { recv: true });
      const x = initiator.createTransfer('target');
      x.postRead(dst, 0, PAGE, t.desc, PAGE);
      await x.wait({ timeoutMs: 10000 });
      assert.ok(dst.view().equals(t.inner));
    });
    it('one bad descriptor in a list fails that operation; the others land, and no notification is sent', async () => {
      const t = guarded(target, 4 * PAGE);
      const src = source(initiator, 4 * PAGE);
      const x = initiator.createTransfer('target');
      const ops: RemoteOp[] = [0, 1, 2, 3].map((i) => ({ region: src.region, offset: i * PAGE, size: PAGE, remote: i === 2 ? forged(t.desc, { rkey: 1n }) : t.desc, remoteOffset: PAGE + i * PAGE }));
      x.postWriteBatch(ops, { notify: Buffer.from('all') });
      await rejectsWith(x.wait({ timeoutMs: 10000 }), 'EACCES');
      for (const i of [0, 1, 3]) assert.ok(t.inner.subarray(i * PAGE, (i + 1) * PAGE).equals(src.bytes.subarray(i * PAGE, (i + 1) * PAGE)), `op ${i}`);
      assert.ok(t.inner.subarray(2 * PAGE, 3 * PAGE).equals(Buffer.alloc(PAGE, CANARY)), 'op 2 wrote nothing');
      await rejectsWith(target.waitNotif({ timeoutMs: 300 }), 'ETIMEDOUT');
    });
  });

  it('checks at post time: local ranges, remote ranges against the descriptor, wrapping offsets, malformed descriptors; a decoded descriptor serves as its bytes', async () => {
    ({ initiator, target } = await pair(1));
    try {
      const t = guarded(target, PAGE);
      const src = source(initiator, PAGE);
      const noRecv = initiator.allocMemory(PAGE);
      const x = initiator.createTransfer('target');
      throwsWith(() => x.postWrite(src.region, 1, PAGE, t.desc, 0), 'EINVAL');
      throwsWith(() => x.postWrite(src.region, 0, PAGE, t.desc, 2 * PAGE + 1), 'EINVAL');
      throwsWith(() => x.postWrite(src.region, 0, 16, t.desc, Number.MAX_SAFE_INTEGER), 'EINVAL');
      throwsWith(() => x.postRead(noRecv, 0, PAGE, t.desc, 0), 'EINVAL');
      throwsWith(() => x.postWrite(src.region, 0, 16, forged(t.desc, { kind: 1 }), 0), 'EINVAL');
      assert.throws(() => x.postWrite(src.region, 0, 16, t.desc.subarray(0, 31), 0), TypeError);
      throwsWith(() => x.postWriteBatch([{ region: src.region, offset: 0, size: 16, remote: t.desc, remoteOffset: 0 }], { notify: Buffer.alloc(NOTIF_MAX_BYTES + 1) }), 'EINVAL');
      assert.equal(x.isComplete(), true);
      // The decoded record serves as well as its bytes; a value that is no record throws its codec's RecordError.
      const decoded = MemoryDescriptorCodec.decode(t.desc);
      x.postWrite(src.region, 0, 64, decoded, PAGE + 8);
      x.postWriteBatch([{ region: src.region, offset: 64, size: 64, remote: decoded, remoteOffset: PAGE + 72 }]);
      await x.wait({ timeoutMs: 10000 });
      assert.ok(t.inner.subarray(8, 136).equals(src.bytes.subarray(0, 128)));
      assert.throws(() => x.postWrite(src.region, 0, 16, { ...decoded, kind: 7 } as unknown as typeof decoded, 0), (e: unknown) => e instanceof RecordError);
      assert.throws(() => x.postWrite(src.region, 0, 16, { ...decoded, rkey: -1n }, 0), (e: unknown) => e instanceof RecordError);
    } finally {
      await closePair();
    }
  });

  it('deregistering a target region fails the operations served on it (ESTALE), and new ones; local ones keep it EBUSY', async () => {
    ({ initiator, target } = await pair(1));
    try {
      const t = guarded(target, PAGE);
      target.deregisterMemory(t.region);
      const src = source(initiator, PAGE);
      const x = initiator.createTransfer('target');
      x.postWrite(src.region, 0, PAGE, t.desc, PAGE);
      await rejectsWith(x.wait({ timeoutMs: 10000 }), 'ESTALE');
      assertCanaries(t.buf, 0);
      // The initiator's own region is in use while its operation is active.
      const y = initiator.createTransfer('target');
      const big = source(initiator, 64 * 1024 * 1024);
      const u = guarded(target, 64 * 1024 * 1024);
      y.postWrite(big.region, 0, 64 * 1024 * 1024, u.desc, PAGE);
      throwsWith(() => initiator.deregisterMemory(big.region), 'EBUSY');
      await y.wait({ timeoutMs: 30000 });
      initiator.deregisterMemory(big.region);
    } finally {
      await closePair();
    }
  });

  describe('notifications', () => {
    eachPair();

    it('genNotif / getNotifs: in order, each with its peer, drained once', async () => {
      initiator.genNotif('target', Buffer.from('one'));
      initiator.genNotif('target', new Uint8Array(0));
      initiator.genNotif('target', Buffer.from('three'));
      const first = await target.waitNotif({ timeoutMs: 10000 });
      assert.deepEqual({ peer: first.peer, msg: Buffer.from(first.msg).toString() }, { peer: 'initiator', msg: 'one' });
      await target.waitNotif({ peer: 'initiator', timeoutMs: 10000 }).then(() => target.waitNotif({ timeoutMs: 10000 })).then((n) => {
        // the empty one was taken by the first wait of the chain
        assert.equal(Buffer.from(n.msg).toString(), 'three');
      });
      assert.deepEqual(target.getNotifs(), []);
      target.genNotif('initiator', Buffer.from('back'));
      const back = await initiator.waitNotif({ timeoutMs: 10000 });
      assert.equal(back.peer, 'target');
      assert.equal(Buffer.from(back.msg).toString(), 'back');
    });

    it('getNotifs returns what arrived, oldest first', async () => {
      for (let i = 0; i < 10; i++) initiator.genNotif('target', Buffer.from(`n${i}`));
      // A wait for the tenth proves all ten are there.
      const all: string[] = [];
      while (all.length < 10) {
        const n = await target.waitNotif({ timeoutMs: 10000 });
        all.push(Buffer.from(n.msg).toString());
        all.push(...target.getNotifs().map((m) => Buffer.from(m.msg).toString()));
      }
      assert.deepEqual(all, Array.from({ length: 10 }, (_, i) => `n${i}`));
    });

    it('waitNotif: ETIMEDOUT, a peer filter, an abort (an AbortError with its reason), the session closing (ECANCELED)', async () => {
      await rejectsWith(target.waitNotif({ timeoutMs: 50 }), 'ETIMEDOUT');
      await rejectsWith(target.waitNotif({ timeoutMs: 0 }), 'ETIMEDOUT');
      const other = target.waitNotif({ peer: 'nobody', timeoutMs: 10000 });
      other.catch(() => {});
      const any = target.waitNotif({ timeoutMs: 10000 });
      initiator.genNotif('target', Buffer.from('x'));
      assert.equal(Buffer.from((await any).msg).toString(), 'x');
      const ac = new AbortController();
      const aborted = target.waitNotif({ signal: ac.signal });
      const reason = new Error('stop waiting');
      ac.abort(reason);
      await rejectsAborted(aborted, reason);
      const pre = new AbortController();
      pre.abort('early');
      await rejectsAborted(target.waitNotif({ signal: pre.signal }), 'early');
      const pending = target.waitNotif();
      await target.close();
      await rejectsWith(pending, 'ECANCELED');
      await rejectsWith(other, 'ECANCELED');
    });

    it('genNotif errors: an unknown peer (ENOENT), a message over NOTIF_MAX_BYTES (EINVAL)', () => {
      throwsWith(() => initiator.genNotif('nobody', Buffer.from('x')), 'ENOENT');
      throwsWith(() => initiator.genNotif('target', Buffer.alloc(NOTIF_MAX_BYTES + 1)), 'EINVAL');
      initiator.genNotif('target', Buffer.alloc(NOTIF_MAX_BYTES));
    });
  });
});

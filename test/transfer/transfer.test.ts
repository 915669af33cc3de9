/**
 * The transfer engine between two real processes on loopback: this one (mocha) and a peer
 * process (peer.ts) driven over stdin/stdout.
 */
import * as assert from 'node:assert/strict';
import { createHash, randomFillSync } from 'node:crypto';
import * as net from 'node:net';
import { MemKind } from '../../generated/ts/constants';
import { ConnInfoCodec, MemoryDescriptorCodec } from '../../generated/ts/records';
import type { Session } from '../../runtime';
import { connectPair, MiB, newSession, peerRejectsWith, PeerProcess, quiet, rejectsAborted, rejectsWith, throwsWith } from './helpers';
import { connInfoBlob } from './raw-peer';

describe('transfer: two processes on loopback', function () {
  this.timeout(120000);
  let local: Session;
  let peer: PeerProcess;

  beforeEach(async () => {
    ({ local, peer } = await connectPair({ channels: 2, chunkBytes: 1 * MiB, windowChunks: 8 }));
  });
  afterEach(async () => {
    await peer.stop();
    await local.close();
  });

  it('moves 256 MiB of random bytes in 4 MiB messages over 2 channels, sha256 intact', async () => {
    const total = 256 * MiB;
    const msg = 4 * MiB;
    const { region: src } = await peer.call<{ region: number }>('alloc', { size: total, fill: 'random' });
    const dst = local.allocMemory(total, { recv: true });
    const t = local.createTransfer('client');
    const ops = [];
    for (let i = 0; i < total / msg; i++) ops.push({ region: dst, offset: i * msg, size: msg, tag: 1000 + i });
    t.postRecvBatch(ops);
    const { xfer } = await peer.call<{ xfer: number }>('transfer', { peer: 'server' });
    await peer.call('postBatch', {
      xfer,
      dir: 'send',
      ops: ops.map((o) => ({ region: src, offset: o.offset, size: o.size, tag: o.tag })),
    });
    await Promise.all([t.wait({ timeoutMs: 60000 }), peer.call('wait', { xfer, timeoutMs: 60000 })]);
    assert.equal(t.isComplete(), true);
    const { sha } = await peer.call<{ sha: string }>('sha', { region: src });
    assert.equal(createHash('sha256').update(dst.view()).digest('hex'), sha);
    for (const o of ops) assert.equal(t.receivedBytes(o.tag), msg);
    const m = local.metrics();
    assert.equal(m.peers.client.bytesReceived, total);
    assert.equal(m.peers.client.recvsCompleted, total / msg);
    t.release();
  });

  it('sends from this process too (eager and rendezvous sizes, registered JS memory)', async () => {
    const sizes = [0, 1, 4096, 65536, 65537, 3 * MiB + 17];
    const total = sizes.reduce((a, b) => a + b, 0);
    const src = Buffer.alloc(total);
    randomFillSync(src);
    const region = local.registerMemory(src);
    const { region: dst } = await peer.call<{ region: number }>('alloc', { size: total, recv: true });
    const { xfer } = await peer.call<{ xfer: number }>('transfer', { peer: 'server' });
    const t = local.createTransfer('client');
    let off = 0;
    for (const [i, size] of sizes.entries()) {
      t.postSend(region, off, size, i);
      await peer.call('post', { xfer, dir: 'recv', region: dst, offset: off, size, tag: i });
      off += size;
    }
    await Promise.all([t.wait({ timeoutMs: 20000 }), peer.call('wait', { xfer, timeoutMs: 20000 })]);
    const { sha } = await peer.call<{ sha: string }>('sha', { region: dst });
    assert.equal(sha, createHash('sha256').update(src).digest('hex'));
    for (const [i, size] of sizes.entries()) assert.deepEqual(await peer.call('received', { xfer, tag: i }), { bytes: size });
  });

  it('matches tags whatever the posting order (receives reversed, sends first, interleaved)', async () => {
    const n = 12;
    const size = 256 * 1024; // rendezvous
    const small = 1000; // eager
    const { region: src } = await peer.call<{ region: number }>('alloc', { size: n * size, fill: 'random' });
    const dst = local.allocMemory(n * size, { recv: true });
    const { xfer } = await peer.call<{ xfer: number }>('transfer', { peer: 'server' });
    // Half of the sends go first (unexpected eager messages, unanswered rendezvous).
    for (let i = 0; i < n; i += 2) {
      await peer.call('post', { xfer, dir: 'send', region: src, offset: i * size, size: i % 4 === 0 ? small : size, tag: 500 + i });
    }
    const t = local.createTransfer('client');
    for (let i = n - 1; i >= 0; i--) t.postRecv(dst, i * size, size, 500 + i);
    for (let i = 1; i < n; i += 2) {
      await peer.call('post', { xfer, dir: 'send', region: src, offset: i * size, size: i % 4 === 1 ? small : size, tag: 500 + i });
    }
    await Promise.all([t.wait({ timeoutMs: 20000 }), peer.call('wait', { xfer, timeoutMs: 20000 })]);
    for (let i = 0; i < n; i++) {
      const len = i % 4 <= 1 ? small : size;
      assert.equal(t.receivedBytes(500 + i), len, `tag ${500 + i}`);
      const { hex } = await peer.call<{ hex: string }>('bytes', { region: src, offset: i * size, size: len });
      assert.equal(dst.view().subarray(i * size, i * size + len).toString('hex'), hex, `bytes of tag ${500 + i}`);
    }
  });

  it('a second active operation with the same tag and direction is EEXIST (the other direction is free)', async () => {
    const dst = local.allocMemory(1024, { recv: true });
    const t = local.createTransfer('client');
    t.postRecv(dst, 0, 512, 9);
    throwsWith(() => t.postRecv(dst, 512, 512, 9), 'EEXIST');
    const t2 = local.createTransfer('client');
    throwsWith(() => t2.postRecv(dst, 512, 512, 9), 'EEXIST');
    throwsWith(() => t2.postRecvBatch([{ region: dst, offset: 0, size: 1, tag: 70 }, { region: dst, offset: 1, size: 1, tag: 70 }]), 'EEXIST');
    t2.postSend(dst, 0, 16, 9); // a send with tag 9 is another direction
    t.release();
    t2.release();
  });

  it('a send larger than the receive fails both with EMSGSIZE; a smaller one completes it with its real length', async () => {
    const { region: src } = await peer.call<{ region: number }>('alloc', { size: 4 * MiB, fill: 'random' });
    const dst = local.allocMemory(4 * MiB, { recv: true });
    for (const [big, cap] of [
      [2000, 1000], // eager
      [3 * MiB, 2 * MiB], // rendezvous
    ]) {
      const { xfer } = await peer.call<{ xfer: number }>('transfer', { peer: 'server' });
      const t = local.createTransfer('client');
      t.postRecv(dst, 0, cap, 1);
      await peer.call('post', { xfer, dir: 'send', region: src, offset: 0, size: big, tag: 1 });
      await rejectsWith(t.wait({ timeoutMs: 10000 }), 'EMSGSIZE');
      await peerRejectsWith(peer.call('wait', { xfer, timeoutMs: 10000 }), 'EMSGSIZE');
      t.release();
      await peer.call('release', { xfer });
    }
    for (const [size, cap] of [
      [700, 1000],
      [MiB + 3, 3 * MiB],
    ]) {
      const { xfer } = await peer.call<{ xfer: number }>('transfer', { peer: 'server' });
      const t = local.createTransfer('client');
      t.postRecv(dst, 0, cap, 2);
      await peer.call('post', { xfer, dir: 'send', region: src, offset: 0, size, tag: 2 });
      await Promise.all([t.wait({ timeoutMs: 10000 }), peer.call('wait', { xfer, timeoutMs: 10000 })]);
      assert.equal(t.receivedBytes(2), size);
      const { hex } = await peer.call<{ hex: string }>('bytes', { region: src, offset: 0, size });
      assert.equal(dst.view().subarray(0, size).toString('hex'), hex);
      throwsWith(() => t.receivedBytes(3), 'ENOENT');
    }
  });

  it('wait with a timeout rejects with ETIMEDOUT and leaves the transfer active; a second wait succeeds', async () => {
    const dst = local.allocMemory(MiB, { recv: true });
    const t = local.createTransfer('client');
    t.postRecv(dst, 0, MiB, 42);
    await rejectsWith(t.wait({ timeoutMs: 50 }), 'ETIMEDOUT');
    await rejectsWith(t.wait({ timeoutMs: 0 }), 'ETIMEDOUT');
    assert.equal(t.isComplete(), false);
    const { region: src } = await peer.call<{ region: number }>('alloc', { size: MiB, fill: 7 });
    const { xfer } = await peer.call<{ xfer: number }>('transfer', { peer: 'server' });
    await peer.call('post', { xfer, dir: 'send', region: src, offset: 0, size: MiB, tag: 42 });
    await t.wait({ timeoutMs: 10000 });
    assert.equal(t.isComplete(), true);
    assert.equal(dst.view()[MiB - 1], 7);
  });

  it('release() of an active transfer fails its operations with ECANCELED on both sides', async () => {
    const size = 64 * MiB; // far more than the sockets buffer: a cancelled stream cannot finish
    const dst = local.allocMemory(size, { recv: true });
    const { region: src } = await peer.call<{ region: number }>('alloc', { size });
    // The peer's send waits for our receive; we post it and release at once (RTR, then CANCEL).
    const { xfer } = await peer.call<{ xfer: number }>('transfer', { peer: 'server' });
    await peer.call('post', { xfer, dir: 'send', region: src, offset: 0, size, tag: 1 });
    const peerWait = quiet(peer.call('wait', { xfer, timeoutMs: 20000 }));
    const t = local.createTransfer('client');
    t.postRecv(dst, 0, size, 1);
    t.postRecv(dst, 0, 1000, 2); // no send: cancelled here only
    const pending = quiet(t.wait());
    t.release();
    await rejectsWith(pending, 'ECANCELED');
    await rejectsWith(t.wait(), 'ECANCELED');
    throwsWith(() => t.postRecv(dst, 0, 1, 5), 'ECANCELED');
    await peerRejectsWith(peerWait, 'ECANCELED');

    // The peer releases its send right after posting it: our receive fails.
    const t2 = local.createTransfer('client');
    t2.postRecv(dst, 0, size, 10);
    const w2 = quiet(t2.wait({ timeoutMs: 20000 }));
    const { xfer: x2 } = await peer.call<{ xfer: number }>('transfer', { peer: 'server' });
    await peer.call('post', { xfer: x2, dir: 'send', region: src, offset: 0, size, tag: 10, release: true });
    await rejectsWith(w2, 'ECANCELED');
    assert.ok(t2.receivedBytes(10) < size);

    // The session is still usable.
    const t3 = local.createTransfer('client');
    t3.postRecv(dst, 0, 64, 12);
    const { xfer: x3 } = await peer.call<{ xfer: number }>('transfer', { peer: 'server' });
    await peer.call('post', { xfer: x3, dir: 'send', region: src, offset: 0, size: 64, tag: 12 });
    await t3.wait({ timeoutMs: 10000 });
  });

  it('an AbortSignal cancels the transfer: an AbortError here (its cause the reason), ECANCELED on the peer', async () => {
    const size = 64 * MiB;
    const dst = local.allocMemory(size, { recv: true });
    const { region: src } = await peer.call<{ region: number }>('alloc', { size });
    // Aborted here: the peer's matching send fails too.
    const { xfer } = await peer.call<{ xfer: number }>('transfer', { peer: 'server' });
    await peer.call('post', { xfer, dir: 'send', region: src, offset: 0, size, tag: 77 });
    const peerWait = quiet(peer.call('wait', { xfer, timeoutMs: 20000 }));
    const t = local.createTransfer('client');
    t.postRecv(dst, 0, size, 77);
    const ac = new AbortController();
    const w = t.wait({ signal: ac.signal });
    ac.abort('enough');
    await rejectsAborted(w, 'enough');
    await peerRejectsWith(peerWait, 'ECANCELED');

    // Aborted on the peer (its send): our receive fails.
    const t2 = local.createTransfer('client');
    t2.postRecv(dst, 0, size, 78);
    const w2 = quiet(t2.wait({ timeoutMs: 20000 }));
    const { xfer: x2 } = await peer.call<{ xfer: number }>('transfer', { peer: 'server' });
    await peer.call('post', { xfer: x2, dir: 'send', region: src, offset: 0, size, tag: 78, abort: true });
    await peerRejectsWith(peer.call('wait', { xfer: x2 }), 'ABORT_ERR');
    await rejectsWith(w2, 'ECANCELED');

    // An already aborted signal cancels at once.
    const t3 = local.createTransfer('client');
    t3.postRecv(dst, 0, 10, 79);
    const already = AbortSignal.abort();
    await rejectsAborted(t3.wait({ signal: already }), already.reason);
  });

  it('deregistering memory that an active transfer uses is EBUSY; afterwards it succeeds', async () => {
    const dst = local.allocMemory(MiB, { recv: true });
    const t = local.createTransfer('client');
    t.postRecv(dst, 0, MiB, 5);
    throwsWith(() => local.deregisterMemory(dst), 'EBUSY');
    t.release();
    local.deregisterMemory(dst);
    throwsWith(() => local.deregisterMemory(dst), 'EINVAL');
    const t2 = local.createTransfer('client');
    throwsWith(() => t2.postRecv(dst, 0, 1, 6), 'EINVAL');
  });

  it('ranges outside the region, receives into send-only memory and foreign regions are EINVAL at post time', async () => {
    const r = local.allocMemory(4096, { recv: true });
    const sendOnly = local.allocMemory(4096);
    const t = local.createTransfer('client');
    throwsWith(() => t.postRecv(r, 4000, 97, 1), 'EINVAL');
    throwsWith(() => t.postRecv(r, 4097, 0, 1), 'EINVAL');
    throwsWith(() => t.postSend(r, 0, 4097, 1), 'EINVAL');
    throwsWith(() => t.postRecv(sendOnly, 0, 16, 1), 'EINVAL');
    const noSend = local.allocMemory(4096, { recv: true, send: false });
    throwsWith(() => t.postSend(noSend, 0, 16, 1), 'EINVAL');
    const other = newSession();
    throwsWith(() => t.postSend(other.allocMemory(64), 0, 16, 1), 'EINVAL');
    await other.close();
    throwsWith(() => local.createTransfer('nobody'), 'ENOENT');
  });

  it('the peer process killed (SIGKILL) mid-transfer fails every pending operation with ECONNRESET', async () => {
    const dst = local.allocMemory(64 * MiB, { recv: true });
    const src = local.allocMemory(8 * MiB);
    const t = local.createTransfer('client');
    t.postRecv(dst, 0, 64 * MiB, 1); // being streamed when the peer dies
    t.postRecv(dst, 0, 100, 2); // never sent
    t.postSend(src, 0, 8 * MiB, 3); // never received
    const t2 = local.createTransfer('client');
    t2.postSend(src, 0, 100, 4); // eager, never acknowledged
    const { region } = await peer.call<{ region: number }>('alloc', { size: 64 * MiB });
    const { xfer } = await peer.call<{ xfer: number }>('transfer', { peer: 'server' });
    await peer.call('post', { xfer, dir: 'send', region, offset: 0, size: 64 * MiB, tag: 1 });
    const waits = [quiet(t.wait()), quiet(t2.wait())];
    peer.kill('SIGKILL');
    for (const w of waits) await rejectsWith(w, 'ECONNRESET');
    throwsWith(() => local.createTransfer('client'), 'ENOTCONN');
    throwsWith(() => t.postRecv(dst, 0, 1, 9), 'ENOTCONN');
  });

  it('disconnect() fails pending operations with ECONNRESET on both sides', async () => {
    const dst = local.allocMemory(MiB, { recv: true });
    const t = local.createTransfer('client');
    t.postRecv(dst, 0, MiB, 1);
    const { region } = await peer.call<{ region: number }>('alloc', { size: MiB, recv: true });
    const { xfer } = await peer.call<{ xfer: number }>('transfer', { peer: 'server' });
    await peer.call('post', { xfer, dir: 'recv', region, offset: 0, size: MiB, tag: 2 });
    const peerWait = quiet(peer.call('wait', { xfer }));
    await local.disconnect('client');
    await rejectsWith(t.wait(), 'ECONNRESET');
    await peerRejectsWith(peerWait, 'ECONNRESET');
    await rejectsWith(local.disconnect('nobody'), 'ENOENT');
  });

  it('metrics() reports bytes and operations per peer, errors by code and a latency histogram', async () => {
    const dst = local.allocMemory(MiB, { recv: true });
    const t = local.createTransfer('client');
    t.postRecv(dst, 0, MiB, 1);
    t.postRecv(dst, 0, 10, 2);
    const { region } = await peer.call<{ region: number }>('alloc', { size: MiB });
    const { xfer } = await peer.call<{ xfer: number }>('transfer', { peer: 'server' });
    await peer.call('post', { xfer, dir: 'send', region, offset: 0, size: MiB, tag: 1 });
    await peer.call('post', { xfer, dir: 'send', region, offset: 0, size: 20, tag: 2 });
    await rejectsWith(t.wait({ timeoutMs: 10000 }), 'EMSGSIZE');
    await new Promise((r) => setTimeout(r, 50));
    const m = local.metrics();
    assert.equal(m.peers.client.state, 'connected');
    assert.equal(m.peers.client.channels, 2);
    assert.equal(m.peers.client.bytesReceived, MiB); // the 20 bytes that did not fit were dropped
    assert.equal(m.peers.client.recvsCompleted, 1);
    assert.equal(m.peers.client.opsFailed, 1);
    assert.equal(m.errors.EMSGSIZE, 1);
    assert.equal(m.latency.count, 1);
    assert.equal(m.latency.buckets.reduce((a: number, b: { count: number }) => a + b.count, 0), 1);
    const pm = await peer.call<{ peers: Record<string, { bytesSent: number }>; errors: Record<string, number> }>('metrics');
    assert.equal(pm.peers.server.bytesSent, MiB); // tag 2 was refused at the RTR: nothing sent
    assert.equal(pm.errors.EMSGSIZE, 1);
  });
});

describe('transfer: sessions', function () {
  this.timeout(30000);

  it('a peer that stops answering (SIGSTOP) fails pending operations with ETIMEDOUT after peerTimeoutMs', async () => {
    const { local, peer } = await connectPair({ channels: 2, heartbeatMs: 20, peerTimeoutMs: 300 });
    try {
      const dst = local.allocMemory(4096, { recv: true });
      const t = local.createTransfer('client');
      t.postRecv(dst, 0, 4096, 1);
      const w = quiet(t.wait());
      await new Promise((r) => setTimeout(r, 100)); // heartbeats keep an idle link alive
      assert.equal(local.metrics().peers.client.state, 'connected');
      peer.kill('SIGSTOP');
      await rejectsWith(w, 'ETIMEDOUT');
      assert.equal(local.metrics().peers.client.state, 'timed-out');
    } finally {
      peer.kill('SIGKILL');
      await peer.stop();
      await local.close();
    }
  });

  it('connect() to a listener that never answers HELLO is ETIMEDOUT after peerTimeoutMs', async () => {
    const server = net.createServer(() => {});
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const info = connInfoBlob([port], 1n);
    const c = newSession({ peerTimeoutMs: 200 });
    c.loadRemoteConnInfo('silent', info);
    await rejectsWith(c.connect('silent'), 'ETIMEDOUT');
    await c.close();
    server.close();
  });

  it('close() fails pending operations with ECANCELED and later calls fail', async () => {
    const { local, peer } = await connectPair({ channels: 1 });
    try {
      const dst = local.allocMemory(4096, { recv: true });
      const t = local.createTransfer('client');
      t.postRecv(dst, 0, 4096, 1);
      const w = quiet(t.wait());
      await local.close();
      await rejectsWith(w, 'ECANCELED');
      await rejectsWith(local.connect('server'), 'ECANCELED');
      await rejectsWith(local.listen(), 'EINVAL');
      await local.close();
    } finally {
      await peer.stop();
    }
  });

  it('connect() to a closed port is ECONNREFUSED naming every address tried; to an unknown name ENOENT; accept() before listen() EINVAL', async () => {
    const s = newSession();
    const blob = await s.listen();
    await s.close();
    const info = ConnInfoCodec.decode(blob);
    const c = newSession();
    c.loadRemoteConnInfo('gone', blob);
    const e = await rejectsWith(c.connect('gone'), 'ECONNREFUSED');
    assert.equal(e.message.split('ECONNREFUSED (').length - 1, info.addr_count, e.message);
    assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:${info.ports[0]}: ECONNREFUSED`));
    await rejectsWith(c.connect('unknown'), 'ENOENT');
    await rejectsWith(c.accept('x'), 'EINVAL');
    await c.close();
  });

  it('listen() is idempotent and the blob is a conn_info record with the channel endpoints', async () => {
    const s = newSession({ channels: 3 });
    const a = Buffer.from(await s.listen());
    const b = Buffer.from(await s.listen());
    assert.deepEqual(a, b);
    assert.equal(a.length, 180);
    assert.equal(a.readUInt32LE(0), 0x49435748);
    const info = ConnInfoCodec.decode(a);
    assert.equal(info.channel_count, 3);
    assert.deepEqual(info.ports.slice(3), [0, 0, 0, 0, 0]);
    for (const p of info.ports.slice(0, 3)) assert.ok(p > 0);
    assert.equal(new Set(info.ports.slice(0, 3)).size, 3);
    await s.close();
  });

  it('two sessions in one process talk too (8 channels, tiny chunks and window)', async () => {
    const s = newSession({ channels: 8, chunkBytes: 4096, windowChunks: 1 });
    const c = newSession({ channels: 1 });
    c.loadRemoteConnInfo('s', await s.listen());
    await c.connect('s');
    await s.accept('c');
    const src = c.allocMemory(3 * MiB + 5);
    randomFillSync(src.view());
    const dst = s.allocMemory(3 * MiB + 5, { recv: true });
    const tr = s.createTransfer('c');
    const ts = c.createTransfer('s');
    ts.postSend(src, 0, 3 * MiB + 5, 1);
    tr.postRecv(dst, 0, 3 * MiB + 5, 1);
    await Promise.all([tr.wait({ timeoutMs: 20000 }), ts.wait({ timeoutMs: 20000 })]);
    assert.ok(src.view().equals(dst.view()));
    await c.close();
    await s.close();
  });

  it("a region's descriptor() decodes with MemoryDescriptorCodec: its address, size, id, kind and a random key", async () => {
    const s = newSession();
    const engine = s.allocMemory(MiB);
    const buf = Buffer.alloc(4096);
    const whole = s.registerMemory(buf, { recv: true });
    const tail = s.registerMemory(buf.subarray(100), { recv: true });
    const d = [engine, whole, tail].map((r) => MemoryDescriptorCodec.decode(r.descriptor()));
    assert.deepEqual(
      d.map((x) => [x.size, x.kind, x.region_id]),
      [
        [BigInt(MiB), MemKind.HOST, engine.id()],
        [4096n, MemKind.HOST, whole.id()],
        [3996n, MemKind.HOST, tail.id()],
      ],
    );
    assert.equal(d[2].base_addr - d[1].base_addr, 100n, 'the address of the registered bytes');
    assert.notEqual(d[0].base_addr, 0n);
    assert.equal(new Set(d.map((x) => x.rkey)).size, 3, 'a key of its own per region');
    assert.ok(d.every((x) => x.rkey !== 0n));
    // A peer's bytes are checked: short, or naming an unknown memory kind.
    assert.throws(() => MemoryDescriptorCodec.decode(whole.descriptor().subarray(0, 31)), /memory_descriptor/);
    const bad = Uint8Array.from(whole.descriptor());
    bad[MemoryDescriptorCodec.fields.kind.offset] = 7;
    assert.throws(() => MemoryDescriptorCodec.decode(bad), /kind/);
    for (const r of [tail, whole, engine]) s.deregisterMemory(r);
    await s.close();
  });

  it('one session serves several peers at once: the same tags on each, every byte intact, one peer lost fails only its own', async () => {
    const s = newSession({ channels: 2, chunkBytes: 256 * 1024 });
    const blob = await s.listen();
    const names = ['a', 'b', 'c'];
    const clients = names.map(() => newSession({ channels: 2 }));
    // accept() names the next peer whose handshake completes: one client at a time, so that
    // each name goes to its own client.
    for (const [i, c] of clients.entries()) {
      c.loadRemoteConnInfo('s', blob);
      await Promise.all([c.connect('s'), s.accept(names[i])]);
    }
    // Each peer sends 4 messages (eager and rendezvous sizes) under the same tags 1..4.
    const sizes = [100, 64 * 1024, MiB, 3 * MiB + 7];
    const offsets = sizes.map((_, k) => sizes.slice(0, k).reduce((x, y) => x + y, 0));
    const total = sizes.reduce((x, y) => x + y, 0);
    const srcs = clients.map((c) => {
      const r = c.allocMemory(total);
      randomFillSync(r.view());
      return r;
    });
    const dsts = names.map(() => s.allocMemory(total, { recv: true }));
    const recvs = names.map((name, i) => {
      const t = s.createTransfer(name);
      t.postRecvBatch(sizes.map((size, k) => ({ region: dsts[i], offset: offsets[k], size, tag: k + 1 })));
      return t;
    });
    const sends = clients.map((c, i) => {
      const t = c.createTransfer('s');
      t.postSendBatch(sizes.map((size, k) => ({ region: srcs[i], offset: offsets[k], size, tag: k + 1 })));
      return t;
    });
    await Promise.all([...recvs, ...sends].map((t) => t.wait({ timeoutMs: 20000 })));
    for (let i = 0; i < names.length; i++) assert.ok(dsts[i].view().equals(srcs[i].view()), `peer ${names[i]}'s bytes`);
    const m = s.metrics();
    for (const name of names) assert.equal(m.peers[name].bytesReceived, total);
    for (const t of [...recvs, ...sends]) t.release();

    // Receives pending from every peer; b goes away; a and c still deliver.
    const pending = names.map((name, i) => {
      const t = s.createTransfer(name);
      t.postRecv(dsts[i], 0, MiB, 9);
      return t;
    });
    const lost = quiet(pending[1].wait({ timeoutMs: 20000 }));
    await clients[1].close();
    await rejectsWith(lost, 'ECONNRESET');
    for (const i of [0, 2]) {
      const t = clients[i].createTransfer('s');
      t.postSend(srcs[i], 0, MiB, 9);
      await Promise.all([t.wait({ timeoutMs: 20000 }), pending[i].wait({ timeoutMs: 20000 })]);
      assert.ok(dsts[i].view().subarray(0, MiB).equals(srcs[i].view().subarray(0, MiB)));
      t.release();
    }
    throwsWith(() => s.createTransfer('b'), 'ENOTCONN');
    const after = s.metrics();
    assert.deepEqual([after.peers.a.state, after.peers.b.state, after.peers.c.state], ['connected', 'closed', 'connected']);
    for (const t of pending) t.release();
    for (const i of [0, 2]) await clients[i].close();
    await s.close();
  });
});

/**
 * The handshake (native/core/transfer/handshake.hpp): usable on either side only once every
 * channel has finished it on both, whatever order the frames of different channels arrive
 * in; peers that name themselves; both sides checking each other's protocol version.
 *
 * The interleavings are forced, not waited for: a raw peer (a `net` socket per channel that
 * speaks the frames by hand) sends one channel's part of the handshake and the frames that
 * may follow it before another channel's part, with injected delays between channels.
 */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { FrameType } from '../../generated/ts/constants';
import { ConnInfoCodec, type FrameHeader } from '../../generated/ts/records';
import type { Session } from '../../runtime';
import { MiB, newSession, PeerProcess, quiet, rejectsAborted, rejectsWith } from './helpers';
import { connInfoBlob, frame, FrameReader, hello, helloPayload, PROTOCOL } from './raw-peer';

interface RawChannel {
  sock: net.Socket;
  reader: FrameReader;
}

/** Open a raw socket to each of `ports` on 127.0.0.1. */
async function openChannels(ports: number[]): Promise<RawChannel[]> {
  return Promise.all(
    ports.map(async (port) => {
      const sock = net.connect(port, '127.0.0.1');
      const reader = new FrameReader(sock);
      await new Promise((r) => sock.once('connect', r));
      return { sock, reader };
    }),
  );
}

/** Wait `delay`: 0 = none, -1 = one turn of the event loop, else milliseconds. */
function pause(delay: number): Promise<void> {
  if (delay === 0) return Promise.resolve();
  if (delay < 0) return new Promise((r) => setImmediate(r));
  return new Promise((r) => setTimeout(r, delay));
}

/** A raw listener: a `net` server per channel; the handshake is played by the test. */
async function rawListener(count: number): Promise<{ servers: net.Server[]; ports: number[]; accepted: Promise<RawChannel>[] }> {
  const servers: net.Server[] = [];
  const accepted: Promise<RawChannel>[] = [];
  for (let i = 0; i < count; i++) {
    let got!: (c: RawChannel) => void;
    accepted.push(new Promise((r) => (got = r)));
    const server = net.createServer((sock) => got({ sock, reader: new FrameReader(sock) }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
  }
  return { servers, ports: servers.map((s) => (s.address() as net.AddressInfo).port), accepted };
}

const EAGER_BYTES = Buffer.from('early frame, after READY on its channel, before the other channel is done');

describe('transfer: the handshake', () => {
  for (const channels of [2, 4]) {
    it(`a listener that posts the moment accept() resolves: 150 rounds over ${channels} channels, none fails`, async function () {
      this.timeout(120000);
      const peer = new PeerProcess();
      await peer.ready;
      try {
        for (let round = 0; round < 150; round++) {
          const local = newSession({ channels, host: '127.0.0.1' });
          const blob = await local.listen();
          await peer.call('session', { options: { channels } });
          await peer.call('load', { name: 'server', blob: Buffer.from(blob).toString('hex') });
          const { region: src } = await peer.call<{ region: number }>('alloc', { size: 64 * 1024, fill: round & 0xff });
          const connected = peer.call('connect', { name: 'server' });
          // As the README shows it: accept, then post at once (the RTR goes out on channel 0
          // while the connector may still be finishing its other channels).
          await local.accept('client');
          const dst = local.allocMemory(64 * 1024, { recv: true });
          const t = local.createTransfer('client');
          t.postRecv(dst, 0, 64 * 1024, 1);
          const done = quiet(t.wait({ timeoutMs: 20000 }));
          await connected;
          const { xfer } = await peer.call<{ xfer: number }>('transfer', { peer: 'server' });
          await peer.call('post', { xfer, dir: 'send', region: src, offset: 0, size: 64 * 1024, tag: 1 });
          await peer.call('wait', { xfer });
          await done;
          assert.equal(dst.view()[64 * 1024 - 1], round & 0xff, `round ${round}`);
          t.release();
          await peer.call('close');
          await local.close();
        }
      } finally {
        await peer.stop();
      }
    });
  }

  for (const [order, delay] of [
    ['channel 0 done first', 0],
    ['channel 0 done first', -1],
    ['channel 0 done first', 20],
    ['channel 1 done first', 0],
    ['channel 1 done first', 20],
  ] as const) {
    it(`listener: frames right behind a READY wait for the other channel's READY (${order}, delay ${delay})`, async () => {
      const session = newSession({ channels: 2, host: '127.0.0.1', peerTimeoutMs: 60000 });
      const info = ConnInfoCodec.decode(await session.listen());
      const ch = await openChannels(info.ports.slice(0, 2));
      ch[0].sock.write(hello(info.nonce, 42n, 0, 2, 'raw'));
      ch[1].sock.write(hello(info.nonce, 42n, 1, 2, 'raw'));
      await ch[0].reader.next(FrameType.HELLO);
      await ch[1].reader.next(FrameType.HELLO);
      const accepted = quiet(session.accept('raw'));
      // Channel 0's READY with an EAGER message and a HEARTBEAT behind it, in one write;
      // channel 1's READY with a HEARTBEAT behind it.
      const zero = Buffer.concat([frame({ type: FrameType.READY }), frame({ type: FrameType.EAGER, tag: 5n, msg_id: 9n }, EAGER_BYTES), frame({ type: FrameType.HEARTBEAT })]);
      const one = Buffer.concat([frame({ type: FrameType.READY }), frame({ type: FrameType.HEARTBEAT })]);
      const [first, second] = order === 'channel 0 done first' ? [ch[0], ch[1]] : [ch[1], ch[0]];
      first.sock.write(first === ch[0] ? zero : one);
      await pause(delay);
      second.sock.write(second === ch[0] ? zero : one);
      await accepted;
      const dst = session.allocMemory(4096, { recv: true });
      const t = session.createTransfer('raw');
      t.postRecv(dst, 0, 4096, 5);
      await t.wait({ timeoutMs: 10000 });
      assert.equal(t.receivedBytes(5), EAGER_BYTES.length);
      assert.deepEqual(Buffer.from(dst.view().subarray(0, EAGER_BYTES.length)), EAGER_BYTES);
      const ack = await ch[0].reader.next(FrameType.ACK);
      assert.deepEqual([ack.tag, ack.msg_id, ack.offset], [5n, 9n, BigInt(EAGER_BYTES.length)]);
      const m = session.metrics().peers.raw;
      assert.equal(m.state, 'connected');
      assert.equal(m.announced, 'raw');
      for (const c of ch) c.sock.destroy();
      await session.close();
    });
  }

  it('listener: accept() resolves only after every READY (a peer that never says READY is never accepted)', async () => {
    const session = newSession({ channels: 2, host: '127.0.0.1', peerTimeoutMs: 300, heartbeatMs: 50 });
    const info = ConnInfoCodec.decode(await session.listen());
    const ch = await openChannels(info.ports.slice(0, 2));
    ch[0].sock.write(hello(info.nonce, 43n, 0, 2, 'half'));
    ch[1].sock.write(hello(info.nonce, 43n, 1, 2, 'half'));
    await ch[0].reader.next(FrameType.HELLO);
    ch[0].sock.write(frame({ type: FrameType.READY }));
    // The handshake is not finished within peerTimeoutMs: the accept waiting for that name
    // learns it, and the channels are closed.
    await rejectsWith(session.accept('half'), 'ETIMEDOUT');
    await ch[0].reader.close();
    await ch[1].reader.close();
    await session.close();
  });

  for (const delay of [0, 20]) {
    it(`connector: a channel's answer with frames right behind it waits for the other channel's answer (delay ${delay})`, async () => {
      const { servers, ports, accepted } = await rawListener(2);
      const client = newSession({ channels: 2, peerTimeoutMs: 60000, name: 'connector' });
      client.loadRemoteConnInfo('raw', connInfoBlob(ports, 77n));
      const connected = quiet(client.connect('raw'));
      const ch = await Promise.all(accepted);
      const hellos: FrameHeader[] = [];
      for (const c of ch) hellos.push(await c.reader.next(FrameType.HELLO));
      for (const [i, h] of hellos.entries()) assert.deepEqual([h.tag, h.offset, h.rkey, h.length], [77n, BigInt(i), 2n, 8 + 'connector'.length]);
      const connId = hellos[0].msg_id;
      const answer = (i: number) => frame({ type: FrameType.HELLO, tag: connId, msg_id: 77n, offset: BigInt(i), rkey: 2n }, helloPayload('listener'));
      // Channel 0's answer with a HEARTBEAT right behind it; channel 1's answer later.
      ch[0].sock.write(Buffer.concat([answer(0), frame({ type: FrameType.HEARTBEAT })]));
      await pause(delay);
      ch[1].sock.write(answer(1));
      await connected;
      for (const c of ch) await c.reader.next(FrameType.READY);
      // Established: a message from the raw listener reaches a receive posted now.
      const dst = client.allocMemory(4096, { recv: true });
      const t = client.createTransfer('raw');
      t.postRecv(dst, 0, 4096, 3);
      ch[0].sock.write(frame({ type: FrameType.EAGER, tag: 3n, msg_id: 1n }, EAGER_BYTES));
      await t.wait({ timeoutMs: 10000 });
      assert.deepEqual(Buffer.from(dst.view().subarray(0, EAGER_BYTES.length)), EAGER_BYTES);
      const m = client.metrics().peers.raw;
      assert.equal(m.announced, 'listener');
      assert.equal(m.address, `127.0.0.1:${ports[0]}`);
      for (const c of ch) c.sock.destroy();
      for (const s of servers) s.close();
      await client.close();
    });
  }

  it('peers of another minor version interoperate, both ways', async () => {
    // A connector of minor 7: accepted, and its message arrives.
    const session = newSession({ channels: 1, host: '127.0.0.1' });
    const info = ConnInfoCodec.decode(await session.listen());
    const [c] = await openChannels([info.ports[0]]);
    c.sock.write(hello(info.nonce, 5n, 0, 1, 'newer', PROTOCOL.major, PROTOCOL.minor + 7));
    await c.reader.next(FrameType.HELLO);
    c.sock.write(Buffer.concat([frame({ type: FrameType.READY }), frame({ type: FrameType.EAGER, tag: 1n, msg_id: 2n }, EAGER_BYTES)]));
    await session.accept('newer');
    const dst = session.allocMemory(4096, { recv: true });
    const t = session.createTransfer('newer');
    t.postRecv(dst, 0, 4096, 1);
    await t.wait({ timeoutMs: 10000 });
    assert.equal(t.receivedBytes(1), EAGER_BYTES.length);
    c.sock.destroy();
    await session.close();
    // A listener of minor 7: connected, and a message from it arrives.
    const { servers, ports, accepted } = await rawListener(1);
    const client = newSession({ channels: 1 });
    client.loadRemoteConnInfo('newer', connInfoBlob(ports, 6n));
    const connected = quiet(client.connect('newer'));
    const [l] = await Promise.all(accepted);
    const h = await l.reader.next(FrameType.HELLO);
    l.sock.write(frame({ type: FrameType.HELLO, tag: h.msg_id, msg_id: 6n, offset: 0n, rkey: 1n }, helloPayload('', PROTOCOL.major, PROTOCOL.minor + 7)));
    await connected;
    await l.reader.next(FrameType.READY);
    const t2 = client.createTransfer('newer');
    const dst2 = client.allocMemory(4096, { recv: true });
    t2.postRecv(dst2, 0, 4096, 1);
    l.sock.write(frame({ type: FrameType.EAGER, tag: 1n, msg_id: 2n }, EAGER_BYTES));
    await t2.wait({ timeoutMs: 10000 });
    assert.equal(t2.receivedBytes(1), EAGER_BYTES.length);
    l.sock.destroy();
    servers[0].close();
    await client.close();
  });

  it('a peer of another major version is refused with EPROTO naming both versions, both ways', async () => {
    const ours = `${PROTOCOL.major}.${PROTOCOL.minor}`;
    const theirs = `${PROTOCOL.major + 1}.3`;
    // A connector of the next major, announcing the name an accept waits for.
    const session = newSession({ channels: 1, host: '127.0.0.1' });
    const info = ConnInfoCodec.decode(await session.listen());
    const accepted = quiet(session.accept('future'));
    const [c] = await openChannels([info.ports[0]]);
    c.sock.write(hello(info.nonce, 5n, 0, 1, 'future', PROTOCOL.major + 1, 3));
    // It is answered (so that it can name both versions too), then closed.
    const answer = await c.reader.next(FrameType.HELLO);
    assert.equal(answer.length, 8);
    await c.reader.close();
    const e = await rejectsWith(accepted, 'EPROTO');
    assert.match(e.message, new RegExp(`transfer protocol ${theirs.replace('.', '\\.')}, this engine ${ours.replace('.', '\\.')}`));
    await session.close();
    // A listener of the next major.
    const { servers, ports, accepted: acc } = await rawListener(1);
    const client = newSession({ channels: 1 });
    client.loadRemoteConnInfo('future', connInfoBlob(ports, 6n));
    const connected = quiet(client.connect('future'));
    const [l] = await Promise.all(acc);
    const h = await l.reader.next(FrameType.HELLO);
    l.sock.write(frame({ type: FrameType.HELLO, tag: h.msg_id, msg_id: 6n, offset: 0n, rkey: 1n }, helloPayload('', PROTOCOL.major + 1, 3)));
    const e2 = await rejectsWith(connected, 'EPROTO');
    assert.match(e2.message, new RegExp(`transfer protocol ${theirs.replace('.', '\\.')}, this engine ${ours.replace('.', '\\.')}`));
    await l.reader.close();
    servers[0].close();
    await client.close();
  });

  it('several named clients connecting at the same moment are told apart, whatever order the accepts were called in', async function () {
    this.timeout(60000);
    const names = ['agent-a', 'agent-b', 'agent-c'];
    const peers = names.map(() => new PeerProcess());
    try {
      await Promise.all(peers.map((p) => p.ready));
      const local = newSession({ channels: 2, host: '127.0.0.1' });
      const blob = Buffer.from(await local.listen()).toString('hex');
      // The accepts in another order than the names, all pending before anyone connects.
      const accepts = [2, 0, 1].map((i) => [i, quiet(local.accept(names[i]))] as const);
      await Promise.all(
        peers.map(async (p, i) => {
          await p.call('session', { options: { channels: 2, name: names[i] } });
          await p.call('load', { name: 'server', blob });
        }),
      );
      const regions = await Promise.all(peers.map((p, i) => p.call<{ region: number }>('alloc', { size: MiB, fill: 0x10 + i })));
      await Promise.all(peers.map((p) => p.call('connect', { name: 'server' })));
      for (const [, a] of accepts) await a;
      // Each client sends its own bytes under the same tag; each arrives from the client named.
      const got = names.map((n) => {
        const dst = local.allocMemory(MiB, { recv: true });
        const t = local.createTransfer(n);
        t.postRecv(dst, 0, MiB, 1);
        return { dst, t };
      });
      await Promise.all(
        peers.map(async (p, i) => {
          const { xfer } = await p.call<{ xfer: number }>('transfer', { peer: 'server' });
          await p.call('post', { xfer, dir: 'send', region: regions[i].region, offset: 0, size: MiB, tag: 1 });
          await p.call('wait', { xfer });
        }),
      );
      for (const [i, { dst, t }] of got.entries()) {
        await t.wait({ timeoutMs: 10000 });
        const v = dst.view();
        assert.ok(v[0] === 0x10 + i && v[MiB - 1] === 0x10 + i, `${names[i]} got the bytes of client ${v[0] - 0x10}`);
      }
      const m = local.metrics().peers;
      for (const n of names) assert.equal(m[n].announced, n);
      await local.close();
    } finally {
      for (const p of peers) await p.stop();
    }
  });

  it('peers that completed the handshake and died before anyone accepted them no longer count against the 1024 held', async function () {
    this.timeout(60000);
    const session = newSession({ channels: 1, host: '127.0.0.1', peerTimeoutMs: 60000 });
    const info = ConnInfoCodec.decode(await session.listen());
    // 1024 unnamed peers finish their handshake, nobody accepts them, and they go away.
    for (let batch = 0; batch < 8; batch++) {
      const chans = await openChannels(new Array(128).fill(info.ports[0]));
      await Promise.all(
        chans.map(async (c, i) => {
          c.sock.write(hello(info.nonce, BigInt(batch * 128 + i + 1), 0, 1));
          await c.reader.next(FrameType.HELLO);
          c.sock.write(frame({ type: FrameType.READY }));
        }),
      );
      // Each is established once its READY is read; its close, behind it on the socket, ends it.
      for (const c of chans) c.sock.end();
      await Promise.all(chans.map((c) => c.reader.close()));
    }
    // A peer that connects before its accept is called still gets in.
    const client = newSession({ channels: 1, name: 'late' });
    client.loadRemoteConnInfo('server', await session.listen());
    await client.connect('server');
    await session.accept('late', { timeoutMs: 10000 });
    await client.close();
    await session.close();
  });

  describe('accept() options and errors', () => {
    let session: Session;
    beforeEach(async () => {
      session = newSession({ channels: 1, host: '127.0.0.1' });
      await session.listen();
    });
    afterEach(async () => {
      await session.close();
    });

    it('a timeout: ETIMEDOUT, and the name is free again', async () => {
      const e = await rejectsWith(session.accept('nobody', { timeoutMs: 30 }), 'ETIMEDOUT');
      assert.match(e.message, /no peer "nobody" within 30 ms/);
      await rejectsWith(session.accept('nobody', { timeoutMs: 0 }), 'ETIMEDOUT');
    });

    it('a signal: an AbortError with the reason as its cause when aborted, at once when aborted already', async () => {
      const ac = new AbortController();
      const p = quiet(session.accept('nobody', { signal: ac.signal }));
      const reason = new Error('shutting down');
      ac.abort(reason);
      await rejectsAborted(p, reason);
      const already = AbortSignal.abort();
      await rejectsAborted(session.accept('nobody', { signal: already }), already.reason);
      // The name is free again.
      await rejectsWith(session.accept('nobody', { timeoutMs: 0 }), 'ETIMEDOUT');
    });

    it("a named peer that breaks off its handshake fails the accept waiting for it with ECONNRESET", async () => {
      const info = ConnInfoCodec.decode(await session.listen());
      const s2 = newSession({ channels: 2, host: '127.0.0.1' });
      const info2 = ConnInfoCodec.decode(await s2.listen());
      const accepted = quiet(s2.accept('flaky'));
      const ch = await openChannels(info2.ports.slice(0, 2));
      ch[0].sock.write(hello(info2.nonce, 8n, 0, 2, 'flaky'));
      await pause(20);
      ch[0].sock.destroy();
      const e = await rejectsWith(accepted, 'ECONNRESET');
      assert.match(e.message, /"flaky" broke off its handshake/);
      ch[1].sock.destroy();
      await s2.close();
      assert.ok(info.ports[0] > 0);
    });

    it('a second accept for a pending name is EEXIST; close() fails pending accepts with ECANCELED', async () => {
      const p = quiet(session.accept('x'));
      await rejectsWith(session.accept('x'), 'EEXIST');
      await session.close();
      await rejectsWith(p, 'ECANCELED');
    });
  });
});

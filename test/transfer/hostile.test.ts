/**
 * A hostile peer: a raw `net` socket speaking the frame format (generated FrameHeaderCodec)
 * to a session of this process. Every malformed or out-of-range frame closes the connection
 * with EPROTO, fails the peer's operations, and no byte lands outside a posted range; the
 * process survives.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { FrameType } from '../../generated/ts/constants';
import { ConnInfoCodec, type FrameHeader } from '../../generated/ts/records';
import type { MemoryRegion, Transfer } from '../../generated/ts/sdk';
import type { Session } from '../../runtime';
import { newSession, quiet, rejectsWith } from './helpers';
import { connectRaw, frame, FrameReader, hello as rawHello } from './raw-peer';

const PAGE = 4096;
const CANARY = 0xa5;
const RECV_BIT = 1n << 63n;

interface Victim {
  session: Session;
  sock: net.Socket;
  reader: FrameReader;
  buf: Buffer;
  region: MemoryRegion;
  xfer: Transfer;
  /** The RTR the session sent for the posted receive (tag 1, PAGE bytes at offset PAGE). */
  rtr: FrameHeader;
}

/** A session with one receive posted between canary pages, connected to a raw socket. */
async function victim(): Promise<Victim> {
  const session = newSession({ channels: 1, peerTimeoutMs: 60000 });
  const { sock, reader } = await connectRaw(session, 'evil');
  const buf = Buffer.alloc(3 * PAGE, CANARY);
  const region = session.registerMemory(buf, { recv: true });
  const xfer = session.createTransfer('evil');
  xfer.postRecv(region, PAGE, PAGE, 1);
  const rtr = await reader.next(FrameType.RTR);
  assert.equal(rtr.tag, 1n);
  assert.equal(rtr.offset, BigInt(PAGE));
  assert.ok((rtr.msg_id & RECV_BIT) !== 0n);
  return { session, sock, reader, buf, region, xfer, rtr };
}

function assertCanaries(buf: Buffer, middle: number | 'any') {
  for (let i = 0; i < PAGE; i++) assert.equal(buf[i], CANARY, `canary byte ${i} before the range`);
  for (let i = 2 * PAGE; i < 3 * PAGE; i++) assert.equal(buf[i], CANARY, `canary byte ${i} after the range`);
  if (middle !== 'any') for (let i = PAGE; i < 2 * PAGE; i++) assert.equal(buf[i], middle, `byte ${i} of the range`);
}

/** Send `bytes`; expect the session to close the connection with EPROTO. */
async function expectEproto(v: Victim, bytes: Buffer, middle: number | 'any' = CANARY): Promise<void> {
  const w = quiet(v.xfer.wait({ timeoutMs: 10000 }));
  v.sock.write(bytes);
  await rejectsWith(w, 'EPROTO');
  await v.reader.close(); // the session closed the connection
  assertCanaries(v.buf, middle);
  const m = v.session.metrics();
  assert.equal(m.peers.evil.state, 'protocol-error');
  assert.ok(m.errors.EPROTO >= 1);
  v.sock.destroy();
  await v.session.close();
}

describe('transfer: a hostile peer', function () {
  this.timeout(30000);

  it('control: well-formed DATA frames land in the posted range and complete the receive (ACK)', async () => {
    const v = await victim();
    const payload = Buffer.alloc(PAGE, 0x11);
    v.sock.write(frame({ type: FrameType.DATA, tag: 1n, msg_id: v.rtr.msg_id, offset: 0n, rkey: v.rtr.rkey }, payload.subarray(0, 1000)));
    v.sock.write(frame({ type: FrameType.DATA, tag: 1n, msg_id: v.rtr.msg_id, offset: 1000n, rkey: v.rtr.rkey }, payload.subarray(1000)));
    v.sock.write(frame({ type: FrameType.DATA, tag: 1n, msg_id: v.rtr.msg_id, offset: BigInt(PAGE), rkey: v.rtr.rkey }));
    await v.xfer.wait({ timeoutMs: 10000 });
    const ack = await v.reader.next(FrameType.ACK);
    assert.equal(ack.msg_id, v.rtr.msg_id);
    assert.equal(ack.offset, BigInt(PAGE));
    assertCanaries(v.buf, 0x11);
    v.sock.destroy();
    await v.session.close();
  });

  const data = (v: Victim, o: Partial<FrameHeader>, payload?: Uint8Array) =>
    frame({ type: FrameType.DATA, tag: 1n, msg_id: v.rtr.msg_id, offset: 0n, rkey: v.rtr.rkey, ...o }, payload);

  it('DATA past the end of the posted range', async () => {
    const v = await victim();
    await expectEproto(v, data(v, { offset: BigInt(PAGE - 100) }, Buffer.alloc(200, 0xee)));
  });

  it('DATA longer than the posted range, at offset 0', async () => {
    const v = await victim();
    await expectEproto(v, data(v, {}, Buffer.alloc(PAGE + 1, 0xee)));
  });

  it('DATA at an offset far outside the destination (2^63)', async () => {
    const v = await victim();
    await expectEproto(v, data(v, { offset: 1n << 63n }, Buffer.alloc(16, 0xee)));
  });

  it('DATA with a wrong rkey', async () => {
    const v = await victim();
    await expectEproto(v, data(v, { rkey: v.rtr.rkey ^ 1n }, Buffer.alloc(16, 0xee)));
  });

  it('DATA whose tag is not the receive\'s', async () => {
    const v = await victim();
    await expectEproto(v, data(v, { tag: 2n }, Buffer.alloc(16, 0xee)));
  });

  it('an end of message longer than the posted receive', async () => {
    const v = await victim();
    await expectEproto(v, data(v, { offset: BigInt(PAGE + 1) }));
  });

  it('a DATA length beyond any chunk (bad length), with no payload behind it', async () => {
    const v = await victim();
    const h = data(v, {});
    h.writeUInt32LE(0xffffffff, 4);
    await expectEproto(v, h);
  });

  it('an unknown frame type', async () => {
    const v = await victim();
    const h = frame({ type: FrameType.HEARTBEAT });
    h[1] = 99;
    await expectEproto(v, h);
  });

  it('a bad frame version, reserved flags set', async () => {
    for (const patch of [(h: Buffer) => (h[0] = 2), (h: Buffer) => h.writeUInt16LE(1, 2)]) {
      const v = await victim();
      const h = frame({ type: FrameType.HEARTBEAT });
      patch(h);
      await expectEproto(v, h);
    }
  });

  it('an EAGER payload beyond the eager limit, and a control frame with a payload', async () => {
    let v = await victim();
    const h = frame({ type: FrameType.EAGER, tag: 9n, msg_id: 1n });
    h.writeUInt32LE(2 << 20, 4);
    await expectEproto(v, h);
    v = await victim();
    await expectEproto(v, frame({ type: FrameType.ACK, tag: 1n }, Buffer.alloc(8)));
  });

  it('RTR without a receive id, HELLO after the handshake', async () => {
    let v = await victim();
    await expectEproto(v, frame({ type: FrameType.RTR, tag: 5n, msg_id: 5n, offset: 10n }));
    v = await victim();
    await expectEproto(v, frame({ type: FrameType.HELLO }));
  });

  it('unexpected EAGER messages beyond the buffering bound', async () => {
    const v = await victim();
    const chunks: Buffer[] = [];
    for (let i = 0; i < 17; i++) chunks.push(frame({ type: FrameType.EAGER, tag: BigInt(100 + i), msg_id: BigInt(i + 1) }, Buffer.alloc(1 << 20)));
    await expectEproto(v, Buffer.concat(chunks));
  });

  // Per-peer tables a peer's frames grow are bounded (native/core/transfer/tags.hpp): 65536
  // stored RTRs, and unexpected eager messages at their bytes plus 256 each within 16 MiB, so
  // 65536 empty ones. Up to the bound the peer is served; one frame past it is EPROTO for that
  // peer alone.
  const BOUND = 65536;

  /** Fill a table to the bound: still served (the posted receive completes); one more is EPROTO; another peer is unharmed. */
  async function pastTheBound(v: Victim, one: (i: number) => Buffer): Promise<void> {
    const frames: Buffer[] = [];
    for (let i = 0; i < BOUND; i++) frames.push(one(i));
    v.sock.write(Buffer.concat(frames));
    v.sock.write(frame({ type: FrameType.DATA, tag: 1n, msg_id: v.rtr.msg_id, offset: 0n, rkey: v.rtr.rkey }, Buffer.alloc(PAGE, 0x22)));
    v.sock.write(frame({ type: FrameType.DATA, tag: 1n, msg_id: v.rtr.msg_id, offset: BigInt(PAGE), rkey: v.rtr.rkey }));
    await v.xfer.wait({ timeoutMs: 20000 });
    assert.equal(v.session.metrics().peers.evil.state, 'connected');
    const t = v.session.createTransfer('evil');
    t.postRecv(v.region, PAGE, 16, 2);
    const w = quiet(t.wait({ timeoutMs: 20000 }));
    v.sock.write(one(BOUND));
    await rejectsWith(w, 'EPROTO');
    await v.reader.close();
    assert.equal(v.session.metrics().peers.evil.state, 'protocol-error');
    assertCanaries(v.buf, 0x22);
    v.sock.destroy();
    // The session goes on serving another peer.
    const good = await connectRaw(v.session, 'good');
    const dst = v.session.allocMemory(64, { recv: true });
    const g = v.session.createTransfer('good');
    g.postRecv(dst, 0, 64, 5);
    good.sock.write(frame({ type: FrameType.EAGER, tag: 5n, msg_id: 1n }, Buffer.alloc(64, 0x33)));
    await g.wait({ timeoutMs: 10000 });
    assert.ok(Buffer.from(dst.view()).equals(Buffer.alloc(64, 0x33)));
    assert.equal((await good.reader.next(FrameType.ACK)).msg_id, 1n);
    good.sock.destroy();
    await v.session.close();
  }

  it('RTR frames with distinct tags: 65536 are stored, one more is EPROTO', async () => {
    const v = await victim();
    await pastTheBound(v, (i) => frame({ type: FrameType.RTR, tag: BigInt(1000 + i), msg_id: RECV_BIT | BigInt(i + 1), offset: 10n, rkey: 1n }));
  });

  it('zero-length EAGER frames with distinct tags: 65536 are buffered, one more is EPROTO', async () => {
    const v = await victim();
    await pastTheBound(v, (i) => frame({ type: FrameType.EAGER, tag: BigInt(1000 + i), msg_id: BigInt(i + 1) }));
  });

  it('a handshake that misbehaves is dropped whole; the listener goes on accepting', async () => {
    const session = newSession({ channels: 2, peerTimeoutMs: 60000 });
    const info = ConnInfoCodec.decode(await session.listen());
    const open = async (i: number) => {
      const sock = net.connect(info.ports[i], '127.0.0.1');
      const reader = new FrameReader(sock);
      await new Promise((r) => sock.once('connect', r));
      return { sock, reader };
    };
    const hello = (i: number, connId: bigint) => rawHello(info.nonce, connId, i, 2);
    // Channel 0 says HELLO, then a DATA frame before its peer is complete: both of its group go.
    const a = await open(0);
    a.sock.write(hello(0, 7n));
    a.sock.write(frame({ type: FrameType.HEARTBEAT }));
    await a.reader.close();
    // A wrong nonce, a wrong channel index: closed at once.
    const b = await open(1);
    b.sock.write(rawHello(info.nonce ^ 1n, 8n, 1, 2));
    await b.reader.close();
    const c = await open(1);
    c.sock.write(hello(0, 9n));
    await c.reader.close();
    // A well-behaved peer still gets in.
    const d0 = await open(0);
    const d1 = await open(1);
    d0.sock.write(hello(0, 10n));
    d1.sock.write(hello(1, 10n));
    await d0.reader.next(FrameType.HELLO);
    await d1.reader.next(FrameType.HELLO);
    d0.sock.write(frame({ type: FrameType.READY }));
    d1.sock.write(frame({ type: FrameType.READY }));
    await session.accept('late');
    for (const x of [a, b, c, d0, d1]) x.sock.destroy();
    await session.close();
  });

  it('random garbage', async () => {
    for (let i = 0; i < 5; i++) {
      const v = await victim();
      const junk = randomBytes(40 + 64 * i);
      junk[0] = 0x80 | (i + 2); // not frame version 1
      await expectEproto(v, junk);
    }
  });

  it('random well-versioned headers: the connection fails or goes on, and nothing lands outside the range', async () => {
    for (let i = 0; i < 25; i++) {
      const v = await victim();
      const junk = randomBytes(40 * 4);
      for (let k = 0; k < 4; k++) junk[40 * k] = 1;
      const w = quiet(v.xfer.wait({ timeoutMs: 200 }));
      v.sock.write(junk);
      await w.catch(() => {});
      assertCanaries(v.buf, 'any');
      v.sock.destroy();
      await v.session.close();
    }
  });
});

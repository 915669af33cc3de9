/**
 * One-sided operations against raw peers (a `net` socket speaking the frame format): hostile
 * requests a target must refuse without touching a byte outside a registered range, replies
 * cut short, peers that die mid-READ and mid-WRITE, a region deregistered while a peer writes
 * into it, and the bound on queued notifications.
 */
import * as assert from 'node:assert/strict';
import { FRAME_FLAG_INITIATOR, FRAME_FLAG_TARGET, FrameType, NOTIF_MAX_BYTES, NOTIF_QUEUE_MAX } from '../../generated/ts/constants';
import { Errno as ERRNO } from '../../generated/ts/errno';
import { MemoryDescriptorCodec, RemoteAccessCodec, type FrameHeader } from '../../generated/ts/records';
import type { MemoryRegion, Session } from '../../generated/ts/sdk';
import { newSession, quiet, rejectsWith } from './helpers';
import { connectRaw, frame, FrameReader } from './raw-peer';
import type * as net from 'node:net';

const PAGE = 4096;
const CANARY = 0xa5;
const RECV_BIT = 1n << 63n;

interface Raw {
  session: Session;
  sock: net.Socket;
  reader: FrameReader;
}

async function raw(): Promise<Raw> {
  const session = newSession({ channels: 1, peerTimeoutMs: 60000 });
  const { sock, reader } = await connectRaw(session, 'evil');
  return { session, sock, reader };
}

/** A region of `size` bytes between canary pages in `session`, registered for receiving. */
function guarded(session: Session, size: number) {
  const buf = Buffer.alloc(size + 2 * PAGE, CANARY);
  const region = session.registerMemory(buf, { recv: true });
  const d = MemoryDescriptorCodec.decode(region.descriptor());
  return { buf, region, id: d.region_id, rkey: d.rkey };
}

/** A WRITE_REQ / READ_REQ frame with its remote_access record. */
function request(type: FrameType, v: { tag: bigint; id: bigint; offset: bigint; rkey: bigint; region: number; size: bigint; eager?: boolean; replyRkey?: bigint }): Buffer {
  const access = RemoteAccessCodec.encode({ region_id: v.region, flags: v.eager ? 1 : 0, size: v.size, reply_rkey: v.replyRkey ?? 0n });
  return frame({ type, tag: v.tag, msg_id: v.id, offset: v.offset, rkey: v.rkey }, access);
}

function metricsOf(session: Session, peer = 'evil'): Record<string, unknown> {
  return (session.metrics() as { peers: Record<string, Record<string, unknown>> }).peers[peer];
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

/** The next ERROR frame, with its fields checked against the op and errno expected. */
async function expectError(reader: FrameReader, flags: number, id: bigint, errno: number): Promise<FrameHeader> {
  const e = await reader.next(FrameType.ERROR);
  assert.deepEqual({ flags: e.flags, msg_id: e.msg_id, offset: e.offset }, { flags, msg_id: id, offset: BigInt(errno) });
  return e;
}

describe('transfer: one-sided operations against raw peers', function () {
  this.timeout(30000);

  describe('the session as the target', () => {
    let r: Raw;
    beforeEach(async () => (r = await raw()));
    afterEach(async () => {
      r.sock.destroy();
      await r.session.close();
    });

    it('a wrapping offset is refused (EINVAL) and writes nothing; the peer stays connected and a good request is served', async () => {
      const g = guarded(r.session, PAGE);
      r.sock.write(request(FrameType.WRITE_REQ, { tag: 1n, id: 5n, offset: (1n << 64n) - 8n, rkey: g.rkey, region: g.id, size: 16n, eager: true }));
      r.sock.write(frame({ type: FrameType.EAGER, flags: FRAME_FLAG_INITIATOR, tag: 1n, msg_id: 5n }, Buffer.alloc(16, 0xee)));
      await expectError(r.reader, FRAME_FLAG_TARGET, 5n | RECV_BIT, ERRNO.EINVAL);
      assert.ok(g.buf.equals(Buffer.alloc(3 * PAGE, CANARY)));
      // A good eager WRITE after it lands, and is ACKed.
      r.sock.write(request(FrameType.WRITE_REQ, { tag: 2n, id: 6n, offset: BigInt(PAGE), rkey: g.rkey, region: g.id, size: 16n, eager: true }));
      r.sock.write(frame({ type: FrameType.EAGER, flags: FRAME_FLAG_INITIATOR, tag: 2n, msg_id: 6n }, Buffer.alloc(16, 0x11)));
      const ack = await r.reader.next(FrameType.ACK);
      assert.deepEqual({ flags: ack.flags, msg_id: ack.msg_id, offset: ack.offset }, { flags: FRAME_FLAG_TARGET, msg_id: 6n, offset: 16n });
      assert.ok(g.buf.subarray(PAGE, PAGE + 16).equals(Buffer.alloc(16, 0x11)));
      assert.ok(g.buf.subarray(PAGE + 16).equals(Buffer.alloc(2 * PAGE - 16, CANARY)));
      assert.equal(metricsOf(r.session).state, 'connected');
      assert.equal(metricsOf(r.session).oneSidedRefused, 1);
    });

    it('an EAGER payload longer than its request fails that operation (EPROTO) and lands nowhere', async () => {
      const g = guarded(r.session, PAGE);
      r.sock.write(request(FrameType.WRITE_REQ, { tag: 1n, id: 5n, offset: BigInt(PAGE), rkey: g.rkey, region: g.id, size: 100n, eager: true }));
      r.sock.write(frame({ type: FrameType.EAGER, flags: FRAME_FLAG_INITIATOR, tag: 1n, msg_id: 5n }, Buffer.alloc(PAGE + 200, 0xee)));
      await expectError(r.reader, FRAME_FLAG_TARGET, 5n | RECV_BIT, ERRNO.EPROTO);
      assert.ok(g.buf.equals(Buffer.alloc(3 * PAGE, CANARY)));
      assert.equal(metricsOf(r.session).state, 'connected');
    });

    it('DATA outside the granted range closes the peer (EPROTO) and lands nowhere', async () => {
      const g = guarded(r.session, PAGE);
      r.sock.write(request(FrameType.WRITE_REQ, { tag: 1n, id: 5n, offset: BigInt(PAGE), rkey: g.rkey, region: g.id, size: BigInt(PAGE) }));
      const rtr = await r.reader.next(FrameType.RTR);
      assert.deepEqual({ flags: rtr.flags, msg_id: rtr.msg_id, offset: rtr.offset, rkey: rtr.rkey }, { flags: FRAME_FLAG_TARGET, msg_id: 5n | RECV_BIT, offset: BigInt(PAGE), rkey: g.rkey });
      r.sock.write(frame({ type: FrameType.DATA, flags: FRAME_FLAG_INITIATOR, tag: 1n, msg_id: rtr.msg_id, offset: BigInt(PAGE - 8), rkey: g.rkey }, Buffer.alloc(64, 0xee)));
      await r.reader.close();
      assert.ok(g.buf.equals(Buffer.alloc(3 * PAGE, CANARY)));
      assert.equal(metricsOf(r.session).state, 'protocol-error');
    });

    it('a second request with a tag in use closes the peer (EPROTO)', async () => {
      const g = guarded(r.session, PAGE);
      const req = { tag: 1n, offset: BigInt(PAGE), rkey: g.rkey, region: g.id, size: BigInt(PAGE) };
      r.sock.write(request(FrameType.WRITE_REQ, { ...req, id: 5n }));
      r.sock.write(request(FrameType.WRITE_REQ, { ...req, id: 6n }));
      await r.reader.close();
      assert.equal(metricsOf(r.session).state, 'protocol-error');
    });

    it('a malformed remote_access record (unknown flags) closes the peer (EPROTO)', async () => {
      const g = guarded(r.session, PAGE);
      const bad = Buffer.from(RemoteAccessCodec.encode({ region_id: g.id, flags: 0, size: 16n, reply_rkey: 0n }));
      bad.writeUInt32LE(2, 4);
      r.sock.write(frame({ type: FrameType.WRITE_REQ, tag: 1n, msg_id: 5n, offset: BigInt(PAGE), rkey: g.rkey }, bad));
      await r.reader.close();
      assert.equal(metricsOf(r.session).state, 'protocol-error');
      assert.ok(g.buf.equals(Buffer.alloc(3 * PAGE, CANARY)));
    });

    it('a region deregistered mid-WRITE: the peer is told ESTALE and the rest of its bytes land nowhere', async () => {
      const g = guarded(r.session, 2 * PAGE);
      r.sock.write(request(FrameType.WRITE_REQ, { tag: 1n, id: 5n, offset: BigInt(PAGE), rkey: g.rkey, region: g.id, size: BigInt(2 * PAGE) }));
      const rtr = await r.reader.next(FrameType.RTR);
      const chunk = (offset: number, fill: number, length = PAGE) =>
        frame({ type: FrameType.DATA, flags: FRAME_FLAG_INITIATOR, tag: 1n, msg_id: rtr.msg_id, offset: BigInt(offset), rkey: g.rkey }, Buffer.alloc(length, fill));
      r.sock.write(chunk(0, 0x11));
      await until(() => g.buf[2 * PAGE - 1] === 0x11);
      r.session.deregisterMemory(g.region);
      await expectError(r.reader, FRAME_FLAG_TARGET, rtr.msg_id, ERRNO.ESTALE);
      r.sock.write(chunk(PAGE, 0x22));
      r.sock.write(frame({ type: FrameType.DATA, flags: FRAME_FLAG_INITIATOR, tag: 1n, msg_id: rtr.msg_id, offset: BigInt(2 * PAGE), rkey: g.rkey }));
      r.sock.write(frame({ type: FrameType.HEARTBEAT }));
      await until(() => (metricsOf(r.session).framesReceived as number) >= 5);
      assert.ok(g.buf.subarray(PAGE, 2 * PAGE).equals(Buffer.alloc(PAGE, 0x11)));
      assert.ok(g.buf.subarray(2 * PAGE).equals(Buffer.alloc(2 * PAGE, CANARY)), 'nothing after the deregistration');
      assert.ok(g.buf.subarray(0, PAGE).equals(Buffer.alloc(PAGE, CANARY)));
      assert.equal(metricsOf(r.session).state, 'connected');
    });

    it(`notifications past NOTIF_QUEUE_MAX (${NOTIF_QUEUE_MAX}) per peer are dropped (the newest) and counted`, async () => {
      const frames: Buffer[] = [];
      for (let i = 0; i < NOTIF_QUEUE_MAX + 3; i++) frames.push(frame({ type: FrameType.NOTIF }, Buffer.from(`n${i}`)));
      r.sock.write(Buffer.concat(frames));
      await until(() => metricsOf(r.session).notifsReceived === NOTIF_QUEUE_MAX + 3);
      assert.equal(metricsOf(r.session).notifsDropped, 3);
      const got = r.session.getNotifs();
      assert.equal(got.length, NOTIF_QUEUE_MAX);
      assert.equal(Buffer.from(got[0].msg).toString(), 'n0');
      assert.equal(Buffer.from(got[NOTIF_QUEUE_MAX - 1].msg).toString(), `n${NOTIF_QUEUE_MAX - 1}`);
      assert.ok(got.every((n) => n.peer === 'evil'));
      // Drained: the next one is queued again.
      r.sock.write(frame({ type: FrameType.NOTIF }, Buffer.from('again')));
      const n = await r.session.waitNotif({ timeoutMs: 10000 });
      assert.equal(Buffer.from(n.msg).toString(), 'again');
    });

    it('a NOTIF over NOTIF_MAX_BYTES, or with other fields set, closes the peer (EPROTO)', async () => {
      r.sock.write(frame({ type: FrameType.NOTIF, length: NOTIF_MAX_BYTES + 1 }));
      await r.reader.close();
      assert.equal(metricsOf(r.session).state, 'protocol-error');
      const s = await raw();
      s.sock.write(frame({ type: FrameType.NOTIF, tag: 1n }, Buffer.from('x')));
      await s.reader.close();
      assert.equal(metricsOf(s.session).state, 'protocol-error');
      s.sock.destroy();
      await s.session.close();
    });

    it('one-sided flags on a frame that takes none, or both flags, close the peer (EPROTO)', async () => {
      r.sock.write(frame({ type: FrameType.HEARTBEAT, flags: FRAME_FLAG_INITIATOR }));
      await r.reader.close();
      assert.equal(metricsOf(r.session).state, 'protocol-error');
      const s = await raw();
      s.sock.write(frame({ type: FrameType.ACK, flags: 3, tag: 1n, msg_id: 1n }));
      await s.reader.close();
      assert.equal(metricsOf(s.session).state, 'protocol-error');
      s.sock.destroy();
      await s.session.close();
    });
  });

  describe('the session as the initiator', () => {
    let r: Raw;
    let dst: { buf: Buffer; region: MemoryRegion; rkey: bigint };
    const remote = MemoryDescriptorCodec.encode({ base_addr: 0n, size: 1n << 30n, kind: 0, region_id: 7, rkey: 99n });
    beforeEach(async () => {
      r = await raw();
      const g = guarded(r.session, 2 * PAGE);
      dst = { buf: g.buf, region: g.region, rkey: g.rkey };
    });
    afterEach(async () => {
      r.sock.destroy();
      await r.session.close();
    });

    /** Post a READ of 2 pages into the guarded region; the READ_REQ the raw peer got. */
    async function read(): Promise<{ wait: Promise<void>; req: FrameHeader }> {
      const x = r.session.createTransfer('evil');
      x.postRead(dst.region, PAGE, 2 * PAGE, remote, 64);
      const wait = quiet(x.wait({ timeoutMs: 20000 }));
      const req = await r.reader.next(FrameType.READ_REQ);
      assert.deepEqual({ flags: req.flags, offset: req.offset, rkey: req.rkey, length: req.length }, { flags: 0, offset: 64n, rkey: 99n, length: RemoteAccessCodec.size });
      assert.ok((req.msg_id & RECV_BIT) !== 0n);
      return { wait, req };
    }
    const data = (req: FrameHeader, offset: number, payload?: Buffer) =>
      frame({ type: FrameType.DATA, flags: FRAME_FLAG_TARGET, tag: req.tag, msg_id: req.msg_id, offset: BigInt(offset), rkey: dst.rkey }, payload);

    it('control: a READ served by the raw target completes with its bytes, and is not ACKed', async () => {
      const { wait, req } = await read();
      r.sock.write(data(req, 0, Buffer.alloc(2 * PAGE, 0x33)));
      r.sock.write(data(req, 2 * PAGE));
      await wait;
      assert.ok(dst.buf.subarray(PAGE, 3 * PAGE).equals(Buffer.alloc(2 * PAGE, 0x33)));
      r.sock.write(frame({ type: FrameType.HEARTBEAT }));
      await new Promise((res) => setTimeout(res, 50));
      assert.equal(r.reader.frames.filter((f) => f.type === FrameType.ACK).length, 0);
    });

    it('a READ whose reply is cut short fails that READ (EPROTO) and the peer stays connected', async () => {
      const { wait, req } = await read();
      r.sock.write(data(req, 0, Buffer.alloc(PAGE, 0x33)));
      r.sock.write(data(req, PAGE));
      await rejectsWith(wait, 'EPROTO');
      await expectError(r.reader, FRAME_FLAG_INITIATOR, req.msg_id, ERRNO.EPROTO);
      assert.ok(dst.buf.subarray(0, PAGE).equals(Buffer.alloc(PAGE, CANARY)));
      assert.ok(dst.buf.subarray(3 * PAGE).equals(Buffer.alloc(PAGE, CANARY)));
      assert.equal(metricsOf(r.session).state, 'connected');
    });

    it('the target dies mid-READ: ECONNRESET, nothing past the range', async () => {
      const { wait, req } = await read();
      r.sock.write(data(req, 0, Buffer.alloc(PAGE, 0x33)));
      await until(() => dst.buf[2 * PAGE - 1] === 0x33);
      r.sock.destroy();
      await rejectsWith(wait, 'ECONNRESET');
      assert.ok(dst.buf.subarray(0, PAGE).equals(Buffer.alloc(PAGE, CANARY)));
      assert.ok(dst.buf.subarray(2 * PAGE).equals(Buffer.alloc(2 * PAGE, CANARY)));
    });

    it('the target dies mid-WRITE (after its RTR, while the bytes stream): ECONNRESET', async () => {
      const src = r.session.allocMemory(8 << 20);
      const x = r.session.createTransfer('evil');
      x.postWrite(src, 0, 8 << 20, remote, 0);
      const wait = quiet(x.wait({ timeoutMs: 20000 }));
      const req = await r.reader.next(FrameType.WRITE_REQ);
      assert.equal(req.msg_id & RECV_BIT, 0n);
      r.sock.write(frame({ type: FrameType.RTR, flags: FRAME_FLAG_TARGET, tag: req.tag, msg_id: req.msg_id | RECV_BIT, offset: BigInt(8 << 20), rkey: 99n }));
      await r.reader.next(FrameType.DATA);
      r.sock.destroy();
      await rejectsWith(wait, 'ECONNRESET');
    });

    it('an RTR that answers no WRITE request closes the peer (EPROTO); its WRITEs fail', async () => {
      const src = r.session.allocMemory(1 << 20);
      const x = r.session.createTransfer('evil');
      x.postWrite(src, 0, 1 << 20, remote, 0);
      const wait = quiet(x.wait({ timeoutMs: 20000 }));
      const req = await r.reader.next(FrameType.WRITE_REQ);
      r.sock.write(frame({ type: FrameType.RTR, flags: FRAME_FLAG_TARGET, tag: req.tag, msg_id: 12345n | RECV_BIT, offset: BigInt(1 << 20), rkey: 99n }));
      await rejectsWith(wait, 'EPROTO');
    });
  });
});

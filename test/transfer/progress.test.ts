/**
 * Progress, not just signs of life (native/core/transfer/README.md, "Progress"): a peer that
 * keeps heartbeating but never ACKs what it was given, never reads what it was sent, or
 * trickles a message a byte at a time, fails the operations with ETIMEDOUT after
 * peerTimeoutMs; a slow link that moves its floor (minProgressBytes per peerTimeoutMs) does not.
 * The failures are the engine's own (metrics, ERROR frames, peer state), not a wait's timeout.
 */
import * as assert from 'node:assert/strict';
import type * as net from 'node:net';
import { FrameType } from '../../generated/ts/constants';
import { Errno } from '../../generated/ts/errno';
import type { Session } from '../../runtime';
import { MiB, newSession, quiet, rejectsWith } from './helpers';
import { connectRaw, frame, type FrameReader } from './raw-peer';

const RECV_BIT = 1n << 63n;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('transfer: progress', function () {
  this.timeout(60000);
  let session: Session;
  let sock: net.Socket;
  let reader: FrameReader;
  let heartbeats: NodeJS.Timeout | undefined;

  /** A session (peer timeout 500 ms) and a raw peer `name` that heartbeats every 50 ms. */
  async function setup(name: string, options: { minProgressBytes?: number } = {}) {
    session = newSession({ channels: 1, heartbeatMs: 50, peerTimeoutMs: 500, ...options });
    ({ sock, reader } = await connectRaw(session, name));
    heartbeats = setInterval(() => sock.write(frame({ type: FrameType.HEARTBEAT })), 50);
  }
  afterEach(async () => {
    clearInterval(heartbeats);
    heartbeats = undefined;
    sock?.destroy();
    await session?.close();
  });

  it('a send whose bytes were all taken and whose ACK never comes fails ETIMEDOUT (ERROR to the peer); the peer stays', async () => {
    await setup('mute');
    const src = session.allocMemory(256 * 1024);
    const t = session.createTransfer('mute');
    t.postSend(src, 0, 256 * 1024, 3); // rendezvous: streams once the RTR comes
    sock.write(frame({ type: FrameType.RTR, tag: 3n, msg_id: RECV_BIT | 1n, offset: BigInt(256 * 1024), rkey: 5n }));
    await rejectsWith(t.wait({ timeoutMs: 5000 }), 'ETIMEDOUT');
    const m = session.metrics();
    assert.equal(m.errors.ETIMEDOUT, 1, 'the send failed, not only the wait');
    assert.equal(m.peers.mute.state, 'connected');
    const err = await reader.next(FrameType.ERROR);
    assert.equal(err.tag, 3n);
    assert.equal(err.offset, BigInt(Errno.ETIMEDOUT));
    // An eager send whose receive was announced (its RTR crossed the EAGER frame) likewise.
    t.release();
    const e = session.createTransfer('mute');
    e.postSend(src, 0, 100, 4);
    await reader.next(FrameType.EAGER);
    sock.write(frame({ type: FrameType.RTR, tag: 4n, msg_id: RECV_BIT | 2n, offset: 100n, rkey: 5n }));
    await rejectsWith(e.wait({ timeoutMs: 5000 }), 'ETIMEDOUT');
    assert.equal(session.metrics().errors.ETIMEDOUT, 2);
  });

  it('an eager send whose receive is not posted yet waits for it (no ETIMEDOUT)', async () => {
    await setup('late');
    const src = session.allocMemory(100);
    const t = session.createTransfer('late');
    t.postSend(src, 0, 100, 5);
    const eager = await reader.next(FrameType.EAGER);
    await rejectsWith(t.wait({ timeoutMs: 1500 }), 'ETIMEDOUT'); // three peer timeouts: only the wait ends
    const m = session.metrics();
    assert.equal(m.errors.ETIMEDOUT, undefined);
    assert.equal(t.isComplete(), false);
    sock.write(frame({ type: FrameType.ACK, tag: 5n, msg_id: eager.msg_id, offset: 100n }));
    await t.wait({ timeoutMs: 5000 });
  });

  it('a send whose queued bytes do not drain at all (the peer reads nothing but heartbeats) fails ETIMEDOUT', async () => {
    await setup('stuck');
    const src = session.allocMemory(64 * MiB);
    const t = session.createTransfer('stuck');
    t.postSend(src, 0, 64 * MiB, 6);
    sock.write(frame({ type: FrameType.RTR, tag: 6n, msg_id: RECV_BIT | 1n, offset: BigInt(64 * MiB), rkey: 5n }));
    await reader.next(FrameType.DATA);
    sock.pause(); // reads nothing more; its heartbeats go on
    await rejectsWith(t.wait({ timeoutMs: 10000 }), 'ETIMEDOUT');
    const m = session.metrics();
    assert.equal(m.peers.stuck.state, 'timed-out');
    assert.equal(m.errors.ETIMEDOUT, 1);
  });

  it('a peer trickling a message one byte per heartbeat fails ETIMEDOUT (less than minProgressBytes per peerTimeoutMs)', async () => {
    await setup('trickle');
    clearInterval(heartbeats); // the trickled bytes are its only signs of life
    const size = MiB;
    const region = session.allocMemory(size, { recv: true });
    const t = session.createTransfer('trickle');
    t.postRecv(region, 0, size, 7);
    const rtr = await reader.next(FrameType.RTR);
    const w = quiet(t.wait({ timeoutMs: 10000 }));
    sock.write(frame({ type: FrameType.DATA, tag: 7n, msg_id: rtr.msg_id, offset: 0n, rkey: rtr.rkey, length: size }));
    let done = false;
    void w.finally(() => (done = true));
    for (let i = 0; !done && i < 400; i++) {
      sock.write(Buffer.from([i & 0xff]));
      await sleep(50);
    }
    await rejectsWith(w, 'ETIMEDOUT');
    const m = session.metrics();
    assert.equal(m.peers.trickle.state, 'timed-out');
    assert.equal(m.errors.ETIMEDOUT, 1);
  });

  it('a slow link that moves its floor per peerTimeoutMs completes (4 KiB every 50 ms, minProgressBytes 4096)', async () => {
    await setup('slow', { minProgressBytes: 4096 });
    clearInterval(heartbeats);
    const size = 256 * 1024;
    const region = session.allocMemory(size, { recv: true });
    const t = session.createTransfer('slow');
    t.postRecv(region, 0, size, 8);
    const rtr = await reader.next(FrameType.RTR);
    const payload = Buffer.alloc(size);
    for (let i = 0; i < size; i++) payload[i] = (i * 13 + 1) & 0xff;
    sock.write(frame({ type: FrameType.DATA, tag: 8n, msg_id: rtr.msg_id, offset: 0n, rkey: rtr.rkey, length: size }));
    for (let off = 0; off < size; off += 4096) {
      sock.write(payload.subarray(off, off + 4096));
      await sleep(50);
    }
    sock.write(frame({ type: FrameType.DATA, tag: 8n, msg_id: rtr.msg_id, offset: BigInt(size), rkey: rtr.rkey }));
    await t.wait({ timeoutMs: 10000 });
    assert.equal(Buffer.compare(region.view(), payload), 0);
    assert.equal(session.metrics().peers.slow.state, 'connected');
  });
});

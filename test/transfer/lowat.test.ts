/**
 * The receive low-water mark: while the rest of a bulk chunk is on its way, a channel asks the
 * kernel to wake it only once that much has arrived (SO_RCVLOWAT). It must never wait for
 * bytes that are not coming, and a slow sender's bytes must still count as a sign of life.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { FrameType } from '../../generated/ts/constants';
import { connectPair, MiB, newSession, quiet } from './helpers';
import { connectRaw, frame } from './raw-peer';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('transfer: waking for bulk data (receive low-water mark)', function () {
  this.timeout(60000);

  it('chunks much larger than one read step arrive whole, with no heartbeat tick to rescue a missed wake-up', async () => {
    // 16 MiB chunks, a 16 MiB low-water mark and a 2 MiB read step: every chunk is read in
    // several steps, and the mark must come down to what is still due each time. Heartbeats
    // and the peer timeout are far away, so only a correct wake-up completes the receives.
    const slow = { channels: 1, chunkBytes: 16 * MiB, heartbeatMs: 600000, peerTimeoutMs: 600000 };
    const before = process.env.HOSTWIRE_TRANSFER_RCVLOWAT;
    process.env.HOSTWIRE_TRANSFER_RCVLOWAT = String(16 * MiB);
    const { local, peer } = await connectPair(slow).finally(() => {
      if (before === undefined) delete process.env.HOSTWIRE_TRANSFER_RCVLOWAT;
      else process.env.HOSTWIRE_TRANSFER_RCVLOWAT = before;
    });
    try {
      const msg = 16 * MiB;
      const total = 8 * msg;
      const { region: src } = await peer.call<{ region: number }>('alloc', { size: total, fill: 'random' });
      const dst = local.allocMemory(total, { recv: true });
      const t = local.createTransfer('client');
      const ops = [];
      for (let i = 0; i < total / msg; i++) ops.push({ region: dst, offset: i * msg, size: msg, tag: i });
      t.postRecvBatch(ops);
      const { xfer } = await peer.call<{ xfer: number }>('transfer', { peer: 'server' });
      await peer.call('postBatch', { xfer, dir: 'send', ops: ops.map((o) => ({ region: src, offset: o.offset, size: o.size, tag: o.tag })) });
      await Promise.all([t.wait({ timeoutMs: 30000 }), peer.call('wait', { xfer, timeoutMs: 30000 })]);
      const { sha } = await peer.call<{ sha: string }>('sha', { region: src });
      assert.equal(createHash('sha256').update(dst.view()).digest('hex'), sha);
      t.release();
    } finally {
      await local.close();
      await peer.stop();
    }
  });

  it('a peer trickling a chunk slower than the peer timeout is alive: its bytes are read on the heartbeat tick', async () => {
    // The chunk's first bytes come a few hundred at a time, for three times peerTimeoutMs,
    // never reaching the low-water mark; then the rest. Were those bytes left unread until
    // the mark, the session would see silence and fail the receive with ETIMEDOUT. (About
    // 6 KiB per peerTimeoutMs: a slow link, so its floor of progress is lowered to 1 KiB.)
    const session = newSession({ channels: 1, heartbeatMs: 50, peerTimeoutMs: 500, minProgressBytes: 1024 });
    const { sock, reader } = await connectRaw(session, 'slow');
    try {
      const size = 1 * MiB;
      const region = session.allocMemory(size, { recv: true });
      const t = session.createTransfer('slow');
      t.postRecv(region, 0, size, 7);
      const rtr = await reader.next(FrameType.RTR);
      const payload = Buffer.alloc(size);
      for (let i = 0; i < size; i++) payload[i] = (i * 7 + 3) & 0xff;
      const waiting = quiet(t.wait({ timeoutMs: 20000 }));
      sock.write(frame({ type: FrameType.DATA, tag: 7n, msg_id: rtr.msg_id, offset: 0n, rkey: rtr.rkey, length: size }));
      let sent = 0;
      for (const end = Date.now() + 1500; Date.now() < end; sent += 256) {
        sock.write(payload.subarray(sent, sent + 256));
        await sleep(20);
      }
      sock.write(payload.subarray(sent));
      sock.write(frame({ type: FrameType.DATA, tag: 7n, msg_id: rtr.msg_id, offset: BigInt(size), rkey: rtr.rkey }));
      await waiting;
      assert.ok(sent > 0 && sent < size / 4, `the trickle stayed below the mark (${sent} bytes)`);
      assert.equal(Buffer.compare(Buffer.from(region.view()), payload), 0);
      assert.equal((await reader.next(FrameType.ACK)).msg_id, rtr.msg_id);
      t.release();
    } finally {
      sock.destroy();
      await session.close();
    }
  });
});

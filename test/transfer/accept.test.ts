/**
 * A listener out of descriptors: accept() fails with EMFILE while the connection stays queued
 * and the listening socket readable. The session must back off (not spin its loop thread on a
 * level-triggered readiness it cannot clear) and accept again once descriptors are free.
 */
import * as assert from 'node:assert/strict';
import { newSession, PeerProcess } from './helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('transfer: accepting with no descriptor left', function () {
  this.timeout(60000);

  it('EMFILE backs the listener off (few failed accepts, little CPU) and it accepts again once descriptors are freed', async () => {
    // The listening process runs with RLIMIT_NOFILE 64 and opens /dev/null until it has none left.
    const peer = new PeerProcess({ nofile: 64 });
    const local = newSession({ channels: 1, peerTimeoutMs: 30000 });
    try {
      await peer.ready;
      await peer.call('session', { options: { channels: 1, peerTimeoutMs: 30000 } });
      const { blob } = await peer.call<{ blob: string }>('listen');
      const accepted = peer.call('accept', { name: 'client' });
      const { count } = await peer.call<{ count: number }>('hoard');
      assert.ok(count > 0);

      // The connection is queued by the kernel; the listener cannot take it.
      local.loadRemoteConnInfo('server', Buffer.from(blob, 'hex'));
      let connected = false;
      const connecting = local.connect('server').then(() => (connected = true));
      await sleep(200); // the first failures, and the back-off
      const m0 = await peer.call<{ acceptFailures: number }>('metrics');
      const c0 = await peer.call<{ cpuUs: number; nowUs: number }>('cpu');
      await sleep(1000);
      const m1 = await peer.call<{ acceptFailures: number }>('metrics');
      const c1 = await peer.call<{ cpuUs: number; nowUs: number }>('cpu');
      assert.ok(m0.acceptFailures >= 1, `accept failures counted: ${m0.acceptFailures}`);
      // Spinning makes a failed accept4 per loop iteration (hundreds of thousands a second);
      // the back-off one per pause.
      const failures = m1.acceptFailures - m0.acceptFailures;
      assert.ok(failures <= 20, `${failures} more failed accepts while backing off`);
      const busy = (c1.cpuUs - c0.cpuUs) / (c1.nowUs - c0.nowUs);
      assert.ok(busy < 0.5, `the listening process used ${(busy * 100).toFixed(0)}% of a CPU while backing off`);
      assert.equal(connected, false);

      await peer.call('unhoard');
      await Promise.all([connecting, accepted]);
      assert.equal(connected, true);
    } finally {
      await local.close();
      await peer.stop();
    }
  });
});

/**
 * A long-lived listener serving many short-lived clients with distinct names forgets the dead
 * ones: their Peer objects, names and metrics entries go once their operations have settled
 * (the last 64 stay in metrics() with their final state), while the session's totals keep
 * counting them.
 */
import * as assert from 'node:assert/strict';
import { newSession, throwsWith } from './helpers';

describe('transfer: peers that are gone', function () {
  this.timeout(120000);

  it('300 clients with distinct names connect, send, and go: metrics() stays bounded, totals count them all', async () => {
    const s = newSession({ channels: 1 });
    const blob = await s.listen();
    const dst = s.allocMemory(16, { recv: true });
    const n = 300;
    for (let i = 0; i < n; i++) {
      const c = newSession({ channels: 1 });
      c.loadRemoteConnInfo('s', blob);
      await Promise.all([c.connect('s'), s.accept(`client-${i}`)]);
      const src = c.allocMemory(16);
      const tr = s.createTransfer(`client-${i}`);
      tr.postRecv(dst, 0, 16, 1);
      const ts = c.createTransfer('s');
      ts.postSend(src, 0, 10, 1);
      await Promise.all([tr.wait({ timeoutMs: 10000 }), ts.wait({ timeoutMs: 10000 })]);
      tr.release();
      ts.release();
      await c.close();
    }
    // Every client's end is seen (EOF) by the listener.
    let m = s.metrics();
    for (let k = 0; k < 200 && Object.values(m.peers).some((p) => (p as { state: string }).state === 'connected'); k++) {
      await new Promise((r) => setTimeout(r, 25));
      m = s.metrics();
    }
    const peers = Object.keys(m.peers);
    assert.ok(peers.length <= 64, `${peers.length} peers in metrics()`);
    assert.ok(peers.includes(`client-${n - 1}`) && !peers.includes('client-0'), 'the most recent stay, the oldest go');
    assert.equal(m.peers[`client-${n - 1}`].state, 'closed');
    const size = JSON.stringify(s.metrics()).length;
    assert.ok(size < 32 * 1024, `metrics() is ${size} bytes`);
    assert.equal(m.totals.recvsCompleted, n);
    assert.equal(m.totals.bytesReceived, 10 * n);
    // A recently gone name is a peer not connected; a forgotten one is unknown.
    throwsWith(() => s.createTransfer(`client-${n - 1}`), 'ENOTCONN');
    throwsWith(() => s.createTransfer('client-0'), 'ENOENT');
    // A name comes back: accepted again, its counters continue.
    const c = newSession({ channels: 1 });
    c.loadRemoteConnInfo('s', blob);
    await Promise.all([c.connect('s'), s.accept(`client-${n - 1}`)]);
    m = s.metrics();
    assert.equal(m.peers[`client-${n - 1}`].state, 'connected');
    assert.equal(m.peers[`client-${n - 1}`].recvsCompleted, 1);
    await c.close();
    await s.close();
  });
});

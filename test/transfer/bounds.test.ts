/**
 * The per-peer bounds (native/core/transfer/tags.hpp) never fail a well-behaved peer: a
 * receiver holds back RTRs beyond what the sender may store, and a sender counts each eager
 * message's overhead in its credit as the receiver does in its buffer.
 */
import * as assert from 'node:assert/strict';
import { newSession } from './helpers';

describe('transfer: per-peer bounds and a well-behaved peer', function () {
  this.timeout(120000);

  async function pair() {
    const s = newSession({ channels: 1 });
    const c = newSession({ channels: 1 });
    c.loadRemoteConnInfo('s', await s.listen());
    await Promise.all([c.connect('s'), s.accept('c')]);
    return { s, c };
  }

  it('more receives posted ahead than a peer may store RTRs for (65536 + 100) all complete', async () => {
    const { s, c } = await pair();
    const n = 65536 + 100;
    const dst = s.allocMemory(n * 8, { recv: true });
    const src = c.allocMemory(n * 8);
    const view = src.view();
    for (let i = 0; i < n; i++) view.writeUInt32LE(i, i * 8);
    const ops = Array.from({ length: n }, (_, i) => ({ offset: i * 8, size: 8, tag: i + 1 }));
    const tr = s.createTransfer('c');
    tr.postRecvBatch(ops.map((o) => ({ region: dst, ...o })));
    await new Promise((r) => setTimeout(r, 200)); // the RTRs reach the sender before its sends
    const ts = c.createTransfer('s');
    ts.postSendBatch(ops.map((o) => ({ region: src, ...o })));
    await Promise.all([tr.wait({ timeoutMs: 60000 }), ts.wait({ timeoutMs: 60000 })]);
    assert.ok(dst.view().equals(view));
    assert.equal(s.metrics().peers.c.state, 'connected');
    assert.equal(c.metrics().peers.s.state, 'connected');
    await c.close();
    await s.close();
  });

  it('more empty sends posted ahead than a receiver may buffer (70000) all complete', async () => {
    const { s, c } = await pair();
    const n = 70000;
    const src = c.allocMemory(64);
    const dst = s.allocMemory(64, { recv: true });
    const ts = c.createTransfer('s');
    ts.postSendBatch(Array.from({ length: n }, (_, i) => ({ region: src, offset: 0, size: 0, tag: i + 1 })));
    await new Promise((r) => setTimeout(r, 200)); // the eager messages arrive before the receives
    const tr = s.createTransfer('c');
    tr.postRecvBatch(Array.from({ length: n }, (_, i) => ({ region: dst, offset: 0, size: 0, tag: i + 1 })));
    await Promise.all([tr.wait({ timeoutMs: 60000 }), ts.wait({ timeoutMs: 60000 })]);
    assert.equal(s.metrics().peers.c.recvsCompleted, n);
    assert.equal(s.metrics().peers.c.state, 'connected');
    await c.close();
    await s.close();
  });
});

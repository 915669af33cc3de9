/**
 * A Transfer that JS no longer references is not lost to the garbage collector while its
 * operations are pending: they go on, a pending wait() still settles, and the peer sees them
 * complete. The peer process runs with --expose-gc and drops its only reference.
 */
import * as assert from 'node:assert/strict';
import { createHash, randomFillSync } from 'node:crypto';
import type { Session } from '../../runtime';
import { connectPair, MiB, type PeerProcess } from './helpers';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('transfer: garbage collection', function () {
  this.timeout(60000);
  let local: Session;
  let peer: PeerProcess;

  beforeEach(async () => {
    ({ local, peer } = await connectPair({ channels: 2 }, { channels: 2 }, { nodeArgs: ['--expose-gc'] }));
  });
  afterEach(async () => {
    await peer.stop();
    await local.close();
  });

  // A rendezvous and an eager size, posted before the other side posts its operations.
  const sizes = [3 * MiB + 5, 100];

  it('an unreferenced transfer with posted receives and a pending wait, collected: the sends arrive and both waits resolve', async () => {
    const total = sizes[0] + sizes[1];
    const { region: dst } = await peer.call<{ region: number }>('alloc', { size: total, recv: true });
    const orphans: number[] = [];
    for (const [i, size] of sizes.entries()) {
      const { orphan } = await peer.call<{ orphan: number }>('orphan', { peer: 'server', dir: 'recv', region: dst, offset: i * sizes[0], size, tag: i + 1 });
      orphans.push(orphan);
    }
    const { collected } = await peer.call<{ collected: number }>('gc', { atLeast: 2 });
    assert.equal(collected, 2, 'the peer process collected both transfers');

    const src = local.allocMemory(total);
    randomFillSync(src.view());
    const t = local.createTransfer('client');
    for (const [i, size] of sizes.entries()) t.postSend(src, i * sizes[0], size, i + 1);
    await Promise.all([t.wait({ timeoutMs: 20000 }), ...orphans.map((orphan) => peer.call('orphanWait', { orphan }))]);
    assert.equal((await peer.call<{ sha: string }>('sha', { region: dst })).sha, sha(src.view()));
    t.release();
  });

  it('an unreferenced transfer with posted sends and a pending wait, collected: the receives complete and both waits resolve', async () => {
    const total = sizes[0] + sizes[1];
    const { region: src } = await peer.call<{ region: number }>('alloc', { size: total, fill: 'random' });
    const orphans: number[] = [];
    for (const [i, size] of sizes.entries()) {
      const { orphan } = await peer.call<{ orphan: number }>('orphan', { peer: 'server', dir: 'send', region: src, offset: i * sizes[0], size, tag: i + 1 });
      orphans.push(orphan);
    }
    const { collected } = await peer.call<{ collected: number }>('gc', { atLeast: 2 });
    assert.equal(collected, 2, 'the peer process collected both transfers');

    const dst = local.allocMemory(total, { recv: true });
    const t = local.createTransfer('client');
    for (const [i, size] of sizes.entries()) t.postRecv(dst, i * sizes[0], size, i + 1);
    await Promise.all([t.wait({ timeoutMs: 20000 }), ...orphans.map((orphan) => peer.call('orphanWait', { orphan }))]);
    for (const [i, size] of sizes.entries()) assert.equal(t.receivedBytes(i + 1), size);
    assert.equal(sha(dst.view()), (await peer.call<{ sha: string }>('sha', { region: src })).sha);
    const m = local.metrics();
    assert.equal(m.errors.ECANCELED, undefined);
    t.release();
  });
});

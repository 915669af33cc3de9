/**
 * SessionOptions.congestion: the TCP congestion control of a session's channels, between
 * this process and a peer process on loopback, as each side's metrics report it.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SessionMetrics } from '../../runtime/transfer';
import { connectPair, MiB, newSession, throwsWith, type PeerProcess } from './helpers';

/** net.ipv4.tcp_congestion_control: what a socket of this machine starts with. */
const SYSTEM = readFileSync('/proc/sys/net/ipv4/tcp_congestion_control', 'utf8').trim();
const paces = (name: string) => name.startsWith('bbr');

describe('transfer: congestion control (SessionOptions.congestion)', function () {
  this.timeout(30000);
  let peer: PeerProcess | undefined;
  afterEach(async () => {
    await peer?.stop();
    peer = undefined;
  });

  /** Both sides' congestion control with these options, after `bytes` moved intact. */
  async function connected(congestion: string | undefined, bytes = 8 * MiB): Promise<{ local: string; remote: string }> {
    const options = congestion === undefined ? { channels: 2 } : { channels: 2, congestion };
    const pair = await connectPair(options);
    peer = pair.peer;
    const { local } = pair;
    const dst = local.allocMemory(bytes, { recv: true });
    const { region } = await peer.call<{ region: number }>('alloc', { size: bytes, fill: 'random' });
    const { xfer } = await peer.call<{ xfer: number }>('transfer', { peer: 'server' });
    const t = local.createTransfer('client');
    t.postRecv(dst, 0, bytes, 1);
    await peer.call('post', { xfer, dir: 'send', region, offset: 0, size: bytes, tag: 1 });
    await t.wait({ timeoutMs: 10000 });
    await peer.call('wait', { xfer });
    const { sha } = await peer.call<{ sha: string }>('sha', { region });
    assert.equal(createHash('sha256').update(dst.view()).digest('hex'), sha);
    const mine = local.metrics() as SessionMetrics;
    const theirs = await peer.call<SessionMetrics>('metrics');
    await local.close();
    return { local: mine.peers.client.congestion, remote: theirs.peers.server.congestion };
  }

  it('auto (the default) never paces on loopback, and keeps a system default that does not pace', async () => {
    const got = await connected(undefined);
    for (const name of [got.local, got.remote]) {
      assert.ok(!paces(name), `${name} paces (system default ${SYSTEM})`);
      if (!paces(SYSTEM)) assert.equal(name, SYSTEM);
    }
  });

  it('system keeps the system default on both sides', async () => {
    assert.deepEqual(await connected('system'), { local: SYSTEM, remote: SYSTEM });
  });

  it('a named algorithm is used on both sides', async () => {
    assert.deepEqual(await connected('reno'), { local: 'reno', remote: 'reno' });
  });

  it('an algorithm the process may not set is EINVAL at construction', () => {
    for (const congestion of ['no-such-algorithm', '', 'x'.repeat(40)]) {
      const e = throwsWith(() => newSession({ congestion }), 'EINVAL');
      assert.match(e.message, /congestion/, e.message);
    }
  });
});

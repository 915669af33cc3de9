/**
 * The transfer engine between two hosts: two network namespaces joined by a veth pair
 * (netns.ts), one peer process (peer.ts) in each, driven from this process over
 * stdin/stdout. Needs root and iproute2; skipped, with the reason, where namespaces cannot
 * be created.
 */
import * as assert from 'node:assert/strict';
import { MiB, PeerProcess, quiet } from './helpers';
import { type NetnsHost, type NetnsPair, tryCreatePair } from './netns';

type Options = Record<string, unknown>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => Number(process.hrtime.bigint()) / 1e6;

describe('transfer: two hosts (network namespaces joined by a veth pair)', function () {
  this.timeout(120000);
  let pair: NetnsPair;
  let peers: PeerProcess[] = [];

  before(function () {
    const p = tryCreatePair();
    if (typeof p === 'string') {
      console.log(`      skipped: ${p}`);
      this.skip();
    }
    p.destroy();
  });
  beforeEach(function () {
    const p = tryCreatePair();
    if (typeof p === 'string') throw new Error(p);
    pair = p;
  });
  afterEach(async () => {
    for (const p of peers) p.kill('SIGKILL');
    await Promise.all(peers.map((p) => p.stop()));
    peers = [];
    pair?.destroy();
  });

  /** A peer process in `h`'s namespace with a session of `options`. */
  async function peerIn(h: NetnsHost, options: Options): Promise<PeerProcess> {
    const p = new PeerProcess({ prefix: h.exec });
    peers.push(p);
    await p.ready;
    await p.call('session', { options });
    return p;
  }

  /** A peer process and the name its session gives the other end. */
  type End = { p: PeerProcess; other: string };

  /** A listener in namespace a (`server`, its peer named "client") and a client in namespace b connected to it. */
  async function connectHosts(serverOptions: Options, clientOptions: Options = serverOptions): Promise<{ server: End; client: End }> {
    const server = await peerIn(pair.a, serverOptions);
    const { blob } = await server.call<{ blob: string }>('listen');
    const client = await peerIn(pair.b, clientOptions);
    await client.call('load', { name: 'server', blob });
    const accepted = server.call('accept', { name: 'client' });
    await client.call('connect', { name: 'server' });
    await accepted;
    return { server: { p: server, other: 'client' }, client: { p: client, other: 'server' } };
  }

  /**
   * `total` random bytes from `from` to `to` in messages of `msg` (tags from `tagBase`);
   * resolves when both sides completed and the sha256 of what arrived is that of what was sent.
   */
  async function move(from: End, to: End, total: number, msg: number, tagBase = 1000) {
    const { region: src } = await from.p.call<{ region: number }>('alloc', { size: total, fill: 'random' });
    const { region: dst } = await to.p.call<{ region: number }>('alloc', { size: total, recv: true });
    const ops = Array.from({ length: Math.ceil(total / msg) }, (_, i) => ({ offset: i * msg, size: Math.min(msg, total - i * msg), tag: tagBase + i }));
    const { xfer: rx } = await to.p.call<{ xfer: number }>('transfer', { peer: to.other });
    await to.p.call('postBatch', { xfer: rx, dir: 'recv', ops: ops.map((o) => ({ ...o, region: dst })) });
    const { xfer: tx } = await from.p.call<{ xfer: number }>('transfer', { peer: from.other });
    await from.p.call('postBatch', { xfer: tx, dir: 'send', ops: ops.map((o) => ({ ...o, region: src })) });
    await Promise.all([to.p.call('wait', { xfer: rx, timeoutMs: 60000 }), from.p.call('wait', { xfer: tx, timeoutMs: 60000 })]);
    const [a, b] = await Promise.all([from.p.call<{ sha: string }>('sha', { region: src }), to.p.call<{ sha: string }>('sha', { region: dst })]);
    assert.equal(b.sha, a.sha, `sha256 of the ${total} bytes received differs from what was sent`);
    await Promise.all([to.p.call('release', { xfer: rx }), from.p.call('release', { xfer: tx })]);
  }

  describe("the listener's conn_info is reachable from the other namespace", () => {
    for (const family of ['v4', 'v6'] as const) {
      it(`explicit host: the namespace's IP${family} address`, async () => {
        const { server, client } = await connectHosts({ channels: 2, host: pair.a[family] });
        await move(client, server, 8 * MiB + 3, MiB);
        await move(server, client, 8 * MiB + 3, MiB, 2000);
      });
    }

    it('no host: new Session() listens on every interface, its conn_info dialable from the other namespace', async () => {
      // A listener on 127.0.0.1 only, or a wildcard address in its conn_info, would send the
      // client to its own host, which refuses it.
      const { server, client } = await connectHosts({ channels: 2 });
      await move(client, server, 8 * MiB + 3, MiB);
      await move(server, client, 8 * MiB + 3, MiB, 2000);
      // A client in the listener's own namespace reaches it as well.
      const { blob } = await server.p.call<{ blob: string }>('listen');
      const local = await peerIn(pair.a, { channels: 2 });
      await local.call('load', { name: 'server', blob });
      await Promise.all([local.call('connect', { name: 'server' }), server.p.call('accept', { name: 'local' })]);
      await move({ p: local, other: 'server' }, { p: server.p, other: 'local' }, MiB + 3, MiB, 3000);
    });
  });

  for (const channels of [1, 2, 4]) {
    it(`256 MiB of random bytes in 4 MiB messages over ${channels} channel(s), sha256 intact`, async () => {
      const { server, client } = await connectHosts({ channels, host: pair.a.v4 });
      await move(client, server, 256 * MiB, 4 * MiB);
    });
  }
  it('clients connecting at the same moment are told apart by the name each gives its session', async () => {
    const names = ['agent-a', 'agent-b', 'agent-c', 'agent-d'];
    const server = await peerIn(pair.a, { channels: 2, host: pair.a.v4 });
    const { blob } = await server.call<{ blob: string }>('listen');
    const clients = await Promise.all(names.map((name) => peerIn(pair.b, { channels: 2, name })));
    await Promise.all(clients.map((c) => c.call('load', { name: 'server', blob })));
    // Every accept is called before any client connects, in the order of the names. agent-d
    // connects first, alone, and the others at the same moment after it: the arrival order is
    // not the order of the accepts (naming by arrival would give agent-d's bytes to agent-a).
    const accepted = names.map((name) => quiet(server.call('accept', { name })));
    await clients[3].call('connect', { name: 'server' });
    await Promise.all(clients.slice(0, 3).map((c) => c.call('connect', { name: 'server' })));
    await Promise.all(accepted);

    // Each client sends a payload of its own under the same tag; the listener receives one
    // message from each name it accepted.
    const size = MiB;
    const srcs = await Promise.all(clients.map((c) => c.call<{ region: number }>('alloc', { size, fill: 'random' })));
    const sent = await Promise.all(clients.map((c, i) => c.call<{ sha: string }>('sha', { region: srcs[i].region })));
    const recvs = [];
    for (const name of names) {
      const { region } = await server.call<{ region: number }>('alloc', { size, recv: true });
      const { xfer } = await server.call<{ xfer: number }>('transfer', { peer: name });
      await server.call('post', { xfer, dir: 'recv', region, offset: 0, size, tag: 7 });
      recvs.push({ region, xfer });
    }
    const sends = [];
    for (const [i, c] of clients.entries()) {
      const { xfer } = await c.call<{ xfer: number }>('transfer', { peer: 'server' });
      await c.call('post', { xfer, dir: 'send', region: srcs[i].region, offset: 0, size, tag: 7 });
      sends.push(c.call('wait', { xfer, timeoutMs: 20000 }));
    }
    await Promise.all([...sends, ...recvs.map((r) => server.call('wait', { xfer: r.xfer, timeoutMs: 20000 }))]);
    const from = [];
    for (const r of recvs) {
      const { sha } = await server.call<{ sha: string }>('sha', { region: r.region });
      from.push(names[sent.findIndex((x) => x.sha === sha)] ?? 'nobody');
    }
    assert.deepEqual(from, names, "the payload each accepted name delivered, by the client that sent it");
  });

  describe('link failures (heartbeatMs 200, peerTimeoutMs 1000)', () => {
    const opts = { channels: 2, heartbeatMs: 200, peerTimeoutMs: 1000 };

    /**
     * One 64 MiB message from the client to the server through a 200 Mbit/s token bucket
     * each way (about 2.7 s), under way: the server has some of it, not all.
     */
    async function streaming(server: PeerProcess, client: PeerProcess) {
      const size = 64 * MiB;
      pair.rateLimit(pair.a, '200mbit');
      pair.rateLimit(pair.b, '200mbit');
      const { region: src } = await client.call<{ region: number }>('alloc', { size, fill: 'random' });
      const { region: dst } = await server.call<{ region: number }>('alloc', { size, recv: true });
      const { xfer: rx } = await server.call<{ xfer: number }>('transfer', { peer: 'client' });
      await server.call('post', { xfer: rx, dir: 'recv', region: dst, offset: 0, size, tag: 1 });
      const { xfer: tx } = await client.call<{ xfer: number }>('transfer', { peer: 'server' });
      await client.call('post', { xfer: tx, dir: 'send', region: src, offset: 0, size, tag: 1 });
      const waits = [quiet(server.call('wait', { xfer: rx })), quiet(client.call('wait', { xfer: tx }))];
      for (;;) {
        const { bytes } = await server.call<{ bytes: number }>('received', { xfer: rx, tag: 1 });
        assert.ok(bytes < size, 'the rate-limited transfer completed before the link could fail');
        if (bytes >= 4 * MiB) break;
        await sleep(20);
      }
      return { size, src, dst, rx, tx, waits };
    }

    /** Operations of their own transfers on `p` (to `name`) that nothing matches: a receive and a rendezvous send. */
    async function unmatched(p: PeerProcess, name: string): Promise<Array<Promise<unknown>>> {
      const { region } = await p.call<{ region: number }>('alloc', { size: 8 * MiB, recv: true });
      const waits = [];
      for (const [dir, tag] of [
        ['recv', 100],
        ['send', 101],
      ] as const) {
        const { xfer } = await p.call<{ xfer: number }>('transfer', { peer: name });
        await p.call('post', { xfer, dir, region, offset: 0, size: 8 * MiB, tag });
        waits.push(quiet(p.call('wait', { xfer })));
      }
      return waits;
    }

    /**
     * How `p` settled: its error code (or "ok") and when, in ms after `t0`; "pending" if it
     * had not settled 10 s after `t0` (ten peer timeouts).
     */
    const outcome = (p: Promise<unknown>, t0: number) =>
      new Promise<{ code: string; ms: number }>((resolve) => {
        const timer = setTimeout(() => resolve({ code: 'pending', ms: now() - t0 }), 10000);
        const settle = (code: string) => {
          clearTimeout(timer);
          resolve({ code, ms: now() - t0 });
        };
        p.then(
          () => settle('ok'),
          (e: { code?: string }) => settle(e.code ?? String(e)),
        );
      });

    it('the link set down mid-transfer fails every pending operation on both sides with ETIMEDOUT', async () => {
      const { server: { p: server }, client: { p: client } } = await connectHosts({ ...opts, host: pair.a.v4 });
      const pending = [...(await unmatched(server, 'client')), ...(await unmatched(client, 'server'))];
      const s = await streaming(server, client);
      const t0 = now();
      pair.linkDown(pair.b);
      const got = await Promise.all([...s.waits, ...pending].map((w) => outcome(w, t0)));
      const sides = ['server stream', 'client stream', 'server recv', 'server send', 'client recv', 'client send'];
      console.log(`      link down -> ${got.map((g, i) => `${sides[i]} ${g.code} ${g.ms.toFixed(0)} ms`).join(', ')}`);
      assert.deepEqual(
        got.map((g) => g.code),
        sides.map(() => 'ETIMEDOUT'),
      );
      const m = await server.call<{ peers: Record<string, { state: string }> }>('metrics');
      assert.equal(m.peers.client.state, 'timed-out');
    });

    it('a short flap (down, then up after 300 ms) loses nothing: the transfer completes intact', async () => {
      const { server: { p: server }, client: { p: client } } = await connectHosts({ ...opts, host: pair.a.v4 });
      const s = await streaming(server, client);
      pair.linkDown(pair.b);
      await sleep(300);
      pair.linkUp(pair.b);
      await Promise.all(s.waits);
      const [a, b] = await Promise.all([client.call<{ sha: string }>('sha', { region: s.src }), server.call<{ sha: string }>('sha', { region: s.dst })]);
      assert.equal(b.sha, a.sha, 'sha256 of the bytes received differs from what was sent');
      for (const [p, name] of [
        [server, 'client'],
        [client, 'server'],
      ] as const) {
        const m = await p.call<{ peers: Record<string, { state: string }> }>('metrics');
        assert.equal(m.peers[name].state, 'connected');
      }
    });

    it('kill -9 of the peer process fails the pending operations on the other side with ECONNRESET at once', async () => {
      const { server: { p: server }, client: { p: client } } = await connectHosts({ ...opts, host: pair.a.v4 });
      const pending = await unmatched(server, 'client');
      const s = await streaming(server, client);
      const t0 = now();
      client.kill('SIGKILL');
      const got = await Promise.all([s.waits[0], ...pending].map((w) => outcome(w, t0)));
      console.log(`      kill -9 -> ${got.map((g, i) => `${['stream', 'recv', 'send'][i]} ${g.code} ${g.ms.toFixed(0)} ms`).join(', ')}`);
      assert.deepEqual(
        got.map((g) => g.code),
        ['ECONNRESET', 'ECONNRESET', 'ECONNRESET'],
      );
    });
  });
});

/**
 * The transfer engine between two processes on loopback, beside baselines measured in the
 * same run on the same machine:
 *  - throughput of messages of 4 KiB .. 64 MiB over 1 and 2 channels, beside Node's `net`
 *    moving the same bytes between the same two processes in writes of the same size, taken
 *    from a region of the same size as hostwire's (net's receiver places them nowhere);
 *  - the headline: 1 GiB in 4 MiB messages beside `iperf3 -l 1M -n 1G` (iperf3 -s -1 and
 *    iperf3 -c, JSON), in 12 rounds whose order rotates (each ratio is the median over the
 *    rounds of hostwire against the iperf3 run of the same round, printed with the middle half
 *    of those per-round ratios, [25th-75th percentile], as its spread); hostwire moves distinct
 *    messages through a 128 MiB ring on each side (cold memory), and also, like iperf3 with
 *    its one buffer, every message through the same 4 MiB buffer, and 1 MiB messages through
 *    one 1 MiB buffer (`hot`: iperf3 -l 1M's working set). When hostwire's channels chose
 *    another congestion control than the system's (SessionOptions.congestion "auto" on
 *    loopback), iperf3 also runs with that one (`-C`) in each round, and hostwire once more at
 *    the system's (SessionOptions.congestion "system", cold ring, 1 channel): like for like
 *    both ways;
 *  - 4 KiB messages: message rate (one way, pipelined) and round-trip latency p50/p99
 *    (ping-pong, a JS completion on each side) beside a Node `net` ping-pong;
 *  - one-sided (`onesided`): WRITEs into and READs out of the peer's registered memory (the
 *    peer process only registered it and handed out its descriptor) of 4 KiB .. 64 MiB, in
 *    descriptor lists, beside two-sided messages of the same size; a descriptor list of
 *    4096 x 16 KiB beside one 64 MiB operation (one-sided WRITE, and the same for two-sided
 *    messages); and the initiator's round trip of a 4 KiB READ beside a Node `net` ping-pong;
 *  - resident memory per idle connection (a 1-channel session connected, both sides);
 *  - cross-host (`netns`): 1 GiB in 4 MiB messages between two network namespaces joined by
 *    a veth pair (test/transfer/netns.ts), a peer process of this file in each, over 1 and 4
 *    channels, through a 128 MiB ring per side (cold) and through one 4 MiB buffer (hot),
 *    beside `iperf3 -l 1M -n 1G` (and `-P 4` for the 4-channel rows) between the same
 *    namespaces, in rounds whose order rotates like the headline's. It needs root and
 *    iproute2: the full run includes it only where namespaces can be created, and prints why
 *    it skipped otherwise. `--netns-congestion=NAME` runs both hostwire and iperf3 (`-C`)
 *    with that congestion control there (default: the system's, which "auto" keeps on a link
 *    that leaves the host).
 *
 * This process receives; a child process (this file with `--peer`) sends. Progress goes to
 * stderr; `--json` prints one JSON object on stdout; `--quick` runs less; `--only=headline`
 * (or `throughput`, `latency`, `onesided`, `idle`, `netns`, comma-separated) runs those parts alone.
 * Environment: HOSTWIRE_ADDON names another build of the addon; HOSTWIRE_TRANSFER_SNDBUF /
 * HOSTWIRE_TRANSFER_RCVBUF set the engine's socket buffers (bytes; default kernel autotuning).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as readline from 'node:readline';
import type { MemoryRegion, Session, SessionOptions, Transfer } from '../generated/ts/sdk';
import { loadNative } from '../runtime/native';
import { type NetnsPair, tryCreatePair } from '../test/transfer/netns';
import { median, percentile } from './stats';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const args = process.argv.slice(2);
const JSON_OUT = args.includes('--json');
const QUICK = args.includes('--quick');
const ONLY = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
/** The cross-host part's congestion control for both hostwire and iperf3 (`-C`); default: the system's. */
const NETNS_CONGESTION = args.find((a) => a.startsWith('--netns-congestion='))?.slice('--netns-congestion='.length);
const part = (name: string) => !ONLY || ONLY.includes(name);

function newSession(o: SessionOptions): Session {
  return new (loadNative().Session)(o);
}
const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How a message size is moved: messages per batch (two batches in flight) and total bytes. */
function plan(size: number): { batch: number; total: number } {
  const total = QUICK ? Math.min(256 * MiB, Math.max(size * 16, 256 * MiB)) : size >= MiB ? GiB : size >= 64 * KiB ? 256 * MiB : 64 * MiB;
  const batch = Math.max(1, Math.min(1024, Math.floor((64 * MiB) / size)));
  return { batch, total: Math.max(total, size * batch * 2) };
}

/**
 * Post `count` operations in batches of `batch`, two batches in flight, each batch a transfer
 * made by `post(first, n, half)` (`half`: 0 or 1, which half of a two-batch region it uses);
 * resolves when all completed.
 */
async function pipeline(count: number, batch: number, post: (first: number, n: number, half: number) => Transfer) {
  const inflight: Transfer[] = [];
  for (let first = 0, k = 0; first < count; first += batch, k++) {
    if (inflight.length === 2) {
      const t = inflight.shift()!;
      await t.wait();
      t.release();
    }
    inflight.push(post(first, Math.min(batch, count - first), k % 2));
  }
  for (const t of inflight) {
    await t.wait();
    t.release();
  }
}

/**
 * Post `count` messages of `size` (as receives or sends) in batches, two batches in flight,
 * over a region of two batches (or, `hot`, every message at offset 0 of a one-message
 * region: the working set of iperf3's single buffer); resolves when all completed.
 */
async function stream(s: Session, peer: string, region: MemoryRegion, dir: 'send' | 'recv', size: number, count: number, batch: number, tagBase: number, hot = false) {
  await pipeline(count, batch, (first, n, half) => {
    const ops = [];
    for (let i = 0; i < n; i++) ops.push({ region, offset: hot ? 0 : (half * batch + i) * size, size, tag: tagBase + first + i });
    const t = s.createTransfer(peer);
    if (dir === 'send') t.postSendBatch(ops);
    else t.postRecvBatch(ops);
    return t;
  });
}

// ---- the peer process (sender) ---------------------------------------------------------------

async function peerMain(): Promise<void> {
  let s: Session | undefined;
  let region: MemoryRegion | undefined;
  let accepted: Promise<void> | undefined;
  const idle: Session[] = [];
  const reply = (id: number, result: unknown) => process.stdout.write(`${JSON.stringify({ id, result })}\n`);
  const handlers: Record<string, (a: Record<string, number | string>) => Promise<unknown>> = {
    async hwSetup(a) {
      s = newSession({ channels: Number(a.channels), ...(a.congestion ? { congestion: String(a.congestion) } : {}) });
      s.loadRemoteConnInfo('server', Buffer.from(String(a.blob), 'hex'));
      await s.connect('server');
      region = s.allocMemory(Number(a.regionBytes), { recv: true });
      region.view().fill(0x5a);
      return {};
    },
    async hwSend(a) {
      const t0 = now();
      await stream(s!, 'server', region!, 'send', Number(a.size), Number(a.count), Number(a.batch), Number(a.tag), a.hot === 1);
      const ms = now() - t0;
      // The sending side's congestion control: the one that paces the bytes, or not.
      return { ms, congestion: (s!.metrics() as { peers: Record<string, { congestion: string }> }).peers.server.congestion };
    },
    // The target of one-sided operations: connect, register memory, hand out its descriptor; nothing else.
    async hwTarget(a) {
      s = newSession({ channels: Number(a.channels) });
      s.loadRemoteConnInfo('server', Buffer.from(String(a.blob), 'hex'));
      await s.connect('server');
      region = s.allocMemory(Number(a.regionBytes), { recv: true });
      region.view().fill(0x5a);
      return { desc: Buffer.from(region.descriptor()).toString('hex') };
    },
    async hwEcho(a) {
      // Receive tag i, send it back as tag 1e9 + i.
      const size = Number(a.size);
      const sends: Transfer[] = [];
      for (let i = 0; i < Number(a.count); i++) {
        const t = s!.createTransfer('server');
        t.postRecv(region!, 0, size, i);
        await t.wait();
        t.postSend(region!, size, size, 1e9 + i);
        sends.push(t);
      }
      for (const t of sends) {
        await t.wait();
        t.release();
      }
      return {};
    },
    // The receiving side in a process of its own (the cross-host part): listen, accept, receive.
    async hwListen(a) {
      s = newSession({ channels: Number(a.channels), ...(a.host ? { host: String(a.host) } : {}), ...(a.congestion ? { congestion: String(a.congestion) } : {}) });
      const blob = Buffer.from(await s.listen()).toString('hex');
      accepted = s.accept('client');
      region = s.allocMemory(Number(a.regionBytes), { recv: true });
      region.view().fill(0); // fault the pages in before timing
      return { blob };
    },
    async hwAccept() {
      await accepted;
      return {};
    },
    async hwRecv(a) {
      const t0 = now();
      await stream(s!, 'client', region!, 'recv', Number(a.size), Number(a.count), Number(a.batch), Number(a.tag), a.hot === 1);
      return { ms: now() - t0 };
    },
    async hwClose() {
      await s!.close();
      s = undefined;
      return {};
    },
    async netSend(a) {
      const size = Number(a.size);
      let left = Number(a.total);
      // Messages taken in turn from a region of hostwire's size: the same working set.
      const ring = Buffer.alloc(Number(a.ring), 0x5a);
      const sock = net.connect(Number(a.port), '127.0.0.1');
      sock.setNoDelay(true);
      await new Promise((r) => sock.once('connect', r));
      for (let off = 0; left > 0; off = off + size >= ring.length ? 0 : off + size) {
        const n = Math.min(size, left);
        left -= n;
        if (!sock.write(ring.subarray(off, off + n))) await new Promise((r) => sock.once('drain', r));
      }
      await new Promise<void>((r) => sock.end(r));
      return {};
    },
    async netEcho(a) {
      const size = Number(a.size);
      const sock = net.connect(Number(a.port), '127.0.0.1');
      sock.setNoDelay(true);
      let have = 0;
      const back = Buffer.alloc(size, 1);
      sock.on('data', (d: Buffer) => {
        have += d.length;
        while (have >= size) {
          have -= size;
          sock.write(back);
        }
      });
      await new Promise((r) => sock.once('close', r));
      return {};
    },
    async idle(a) {
      global.gc?.();
      const before = process.memoryUsage().rss;
      for (let i = 0; i < Number(a.count); i++) {
        const c = newSession({ channels: 1 });
        c.loadRemoteConnInfo('server', Buffer.from(String(a.blob), 'hex'));
        await c.connect('server');
        idle.push(c);
      }
      await sleep(200);
      global.gc?.();
      return { rss: process.memoryUsage().rss - before };
    },
    async idleClose() {
      for (const c of idle.splice(0)) await c.close();
      return {};
    },
  };
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    const req = JSON.parse(line) as { id: number; cmd: string } & Record<string, number | string>;
    handlers[req.cmd](req).then(
      (r) => reply(req.id, r),
      (e: Error) => reply(req.id, { error: String(e?.message ?? e) }),
    );
  });
  process.stdin.on('end', () => process.exit(0));
}

// ---- the driver (receiver) -------------------------------------------------------------------

class Peer {
  private readonly child: ChildProcess;
  private next = 0;
  private readonly pending = new Map<number, (r: Record<string, unknown>) => void>();
  /** `prefix` runs the peer through a command (`ip netns exec NS`: in a network namespace). */
  constructor(prefix: string[] = []) {
    const argv = [...prefix, process.execPath, '--expose-gc', __filename, '--peer'];
    this.child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const m = JSON.parse(line) as { id: number; result: Record<string, unknown> };
      this.pending.get(m.id)?.(m.result);
      this.pending.delete(m.id);
    });
  }
  call(cmd: string, a: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (r) => (r.error ? reject(new Error(`peer: ${String(r.error)}`)) : resolve(r)));
      this.child.stdin!.write(`${JSON.stringify({ id, cmd, ...a })}\n`);
    });
  }
  end() {
    this.child.stdin!.end();
  }
}

function progress(msg: string) {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${msg}`);
  else process.stderr.write(`${msg}\n`);
}
const fmtSize = (n: number) => (n >= MiB ? `${n / MiB} MiB` : `${n / KiB} KiB`);

/**
 * hostwire: `count` messages of `size` from the peer to this process; GB/s and msgs/s.
 * `congestion` sets SessionOptions.congestion on both sides (default: the engine's "auto").
 */
async function hostwireThroughput(peer: Peer, channels: number, size: number, repeat: number, hot = false, bytes?: number, congestion?: string, listOf?: number) {
  const { batch: planned0, total: planned } = plan(size);
  const batch = listOf ?? planned0;
  const total = bytes ?? planned;
  const count = Math.floor(total / size);
  // The engine's defaults (chunk size, window, eager limit): what a user gets.
  const s = newSession({ channels, ...(congestion ? { congestion } : {}) });
  const blob = await s.listen();
  const regionBytes = hot ? size : 2 * batch * size;
  const setup = peer.call('hwSetup', { channels, blob: Buffer.from(blob).toString('hex'), regionBytes, congestion: congestion ?? '' });
  await s.accept('client');
  await setup;
  const region = s.allocMemory(regionBytes, { recv: true });
  region.view().fill(0); // fault the pages in before timing
  const runs: number[] = [];
  let used = '';
  for (let r = 0; r < repeat; r++) {
    const tag = r * 1e7;
    const t0 = now();
    const sent = peer.call('hwSend', { size, count, batch, tag, hot: hot ? 1 : 0 });
    await stream(s, 'client', region, 'recv', size, count, batch, tag, hot);
    const ms = now() - t0;
    used = String((await sent).congestion);
    runs.push(ms);
  }
  await peer.call('hwClose');
  await s.close();
  const ms = median(runs);
  return { bytes: count * size, ms, gbps: (count * size) / ms / 1e6, msgs: count / (ms / 1000), congestion: used };
}

/**
 * Node net: the same bytes in writes of `size` from the peer to this process, taken in turn
 * from a region of the size hostwire's messages go through (two batches). The receiver counts
 * what arrives in Node's own read buffers and places it nowhere.
 */
async function netThroughput(peer: Peer, size: number, repeat: number) {
  const { batch, total } = plan(size);
  const bytes = Math.floor(total / size) * size;
  const runs: number[] = [];
  for (let r = 0; r < repeat; r++) {
    const server = net.createServer();
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    const port = (server.address() as net.AddressInfo).port;
    let t0 = 0;
    const done = new Promise<number>((resolve) => {
      server.once('connection', (sock) => {
        let got = 0;
        t0 = now();
        sock.on('data', (d: Buffer) => {
          got += d.length;
          if (got >= bytes) resolve(now() - t0);
        });
      });
    });
    const sent = peer.call('netSend', { port, size, total: bytes, ring: 2 * batch * size });
    runs.push(await done);
    await sent;
    server.close();
  }
  const ms = median(runs);
  return { bytes, ms, gbps: bytes / ms / 1e6, msgs: bytes / size / (ms / 1000) };
}

/** The system's default TCP congestion control (what iperf3 and Node's `net` use). */
function systemCongestion(): string {
  try {
    return readFileSync('/proc/sys/net/ipv4/tcp_congestion_control', 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * iperf3 -l 1M -n bytes between two iperf3 processes (with `-C congestion`, `-P parallel` when
 * given): on loopback, or `between` the two namespaces of a pair (server in a, client in b):
 * GB/s, or undefined without iperf3.
 */
function iperf3(bytes: number, o: { congestion?: string; parallel?: number; between?: NetnsPair } = {}): { gbps: number } | undefined {
  if (spawnSync('iperf3', ['--version']).error) return undefined;
  const [serverPrefix, clientPrefix, host] = o.between ? [o.between.a.exec, o.between.b.exec, o.between.a.v4] : [[], [], '127.0.0.1'];
  const cmd = (prefix: string[], a: string[]): [string, string[]] => (prefix.length ? [prefix[0], [...prefix.slice(1), 'iperf3', ...a]] : ['iperf3', a]);
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = String(15201 + Math.floor(Math.random() * 2000));
    const server = spawn(...cmd(serverPrefix, ['-s', '-1', '-p', port]), { stdio: 'ignore' });
    spawnSync('sleep', ['0.3']); // let it listen
    const cc = o.congestion ? ['-C', o.congestion] : [];
    const par = o.parallel ? ['-P', String(o.parallel)] : [];
    const r = spawnSync(...cmd(clientPrefix, ['-c', host, '-p', port, '-l', '1M', '-n', String(bytes), ...cc, ...par, '-J']), { encoding: 'utf8' });
    server.kill();
    try {
      const j = JSON.parse(r.stdout) as { end?: { sum_received?: { bits_per_second: number } } };
      if (j.end?.sum_received) return { gbps: j.end.sum_received.bits_per_second / 8 / 1e9 };
    } catch {
      // not JSON: try again on another port
    }
  }
  return undefined;
}

/** hostwire ping-pong of `size` bytes: round-trip times (µs). */
async function hostwirePingPong(peer: Peer, size: number, count: number) {
  const s = newSession({ channels: 1 });
  const blob = await s.listen();
  const setup = peer.call('hwSetup', { channels: 1, blob: Buffer.from(blob).toString('hex'), regionBytes: 2 * size });
  await s.accept('client');
  await setup;
  const region = s.allocMemory(2 * size, { recv: true });
  const echo = peer.call('hwEcho', { size, count });
  const rtts: number[] = [];
  const done: Transfer[] = [];
  for (let i = 0; i < count; i++) {
    const t = s.createTransfer('client');
    const t0 = now();
    t.postRecv(region, size, size, 1e9 + i);
    t.postSend(region, 0, size, i);
    await t.wait();
    rtts.push((now() - t0) * 1000);
    done.push(t);
  }
  await echo;
  for (const t of done) t.release();
  await peer.call('hwClose');
  await s.close();
  return rtts.slice(Math.floor(count / 10)); // without the warm-up
}

/**
 * One-sided: `count` WRITEs of `size` from this process into the peer's region (or READs out
 * of it), in descriptor lists of `batch`, two lists in flight; the peer's application does
 * nothing after handing out its descriptor. GB/s and operations/s, the median of `repeat`.
 */
async function oneSided(peer: Peer, channels: number, dir: 'write' | 'read', size: number, count: number, batch: number, repeat: number) {
  const s = newSession({ channels });
  const blob = await s.listen();
  const regionBytes = 2 * batch * size;
  const setup = peer.call('hwTarget', { channels, blob: Buffer.from(blob).toString('hex'), regionBytes });
  await s.accept('client');
  const remote = Buffer.from(String((await setup).desc), 'hex');
  const local = s.allocMemory(regionBytes, { recv: true });
  local.view().fill(0x33); // fault the pages in before timing
  const runs: number[] = [];
  for (let r = 0; r < repeat; r++) {
    const t0 = now();
    await pipeline(count, batch, (_first, n, half) => {
      const ops = [];
      for (let i = 0; i < n; i++) {
        const at = (half * batch + i) * size;
        ops.push({ region: local, offset: at, size, remote, remoteOffset: at });
      }
      const t = s.createTransfer('client');
      if (dir === 'write') t.postWriteBatch(ops);
      else t.postReadBatch(ops);
      return t;
    });
    runs.push(now() - t0);
  }
  await peer.call('hwClose');
  await s.close();
  const ms = median(runs);
  return { gbps: (count * size) / ms / 1e6, ops: count / (ms / 1000) };
}

/** The initiator's round trip of one-sided READs of `size` bytes, one at a time (µs). */
async function oneSidedReadRtt(peer: Peer, size: number, count: number) {
  const s = newSession({ channels: 1 });
  const blob = await s.listen();
  const setup = peer.call('hwTarget', { channels: 1, blob: Buffer.from(blob).toString('hex'), regionBytes: size });
  await s.accept('client');
  const remote = Buffer.from(String((await setup).desc), 'hex');
  const local = s.allocMemory(size, { recv: true });
  const rtts: number[] = [];
  const t = s.createTransfer('client');
  for (let i = 0; i < count; i++) {
    const t0 = now();
    t.postRead(local, 0, size, remote, 0);
    await t.wait();
    rtts.push((now() - t0) * 1000);
  }
  t.release();
  await peer.call('hwClose');
  await s.close();
  return rtts.slice(Math.floor(count / 10));
}

interface OneSidedResult {
  rows: Array<{ size: number; writeGBps: number; readGBps: number; twoSidedGBps: number; writeVsTwoSided: number; readVsTwoSided: number }>;
  list: { oneSidedListGBps: number; oneSidedSingleGBps: number; oneSidedRatio: number; twoSidedListGBps: number; twoSidedSingleGBps: number; twoSidedRatio: number };
  readRtt: { p50us: number; p99us: number; netP50us: number; netP99us: number };
}

async function oneSidedPart(peer: Peer, repeat: number, tick: (what: string) => void): Promise<OneSidedResult> {
  const sizes = QUICK ? [4 * KiB, 4 * MiB] : [4 * KiB, 64 * KiB, MiB, 4 * MiB, 64 * MiB];
  const rows: OneSidedResult['rows'] = [];
  for (const size of sizes) {
    const { batch, total } = plan(size);
    const count = Math.floor(total / size);
    tick(`one-sided ${fmtSize(size)}: WRITE, READ, two-sided`);
    const w = await oneSided(peer, 1, 'write', size, count, batch, repeat);
    const r = await oneSided(peer, 1, 'read', size, count, batch, repeat);
    const two = await hostwireThroughput(peer, 1, size, repeat);
    rows.push({ size, writeGBps: w.gbps, readGBps: r.gbps, twoSidedGBps: two.gbps, writeVsTwoSided: w.gbps / two.gbps, readVsTwoSided: r.gbps / two.gbps });
  }
  // 4096 x 16 KiB in one descriptor list against one 64 MiB operation: the same bytes.
  const lists = QUICK ? 4 : 16;
  tick(`descriptor list: ${lists} x (4096 x 16 KiB) beside ${lists} x 64 MiB, one-sided WRITE and two-sided`);
  const osList = await oneSided(peer, 1, 'write', 16 * KiB, lists * 4096, 4096, repeat);
  const osOne = await oneSided(peer, 1, 'write', 64 * MiB, lists, 1, repeat);
  const twoList = await hostwireThroughput(peer, 1, 16 * KiB, repeat, false, lists * 64 * MiB, undefined, 4096);
  const twoOne = await hostwireThroughput(peer, 1, 64 * MiB, repeat, false, lists * 64 * MiB, undefined, 1);
  tick('4 KiB READ round trip, and a net ping-pong');
  const pings = QUICK ? 2000 : 10000;
  const rtt = await oneSidedReadRtt(peer, 4 * KiB, pings);
  const np = await netPingPong(peer, 4 * KiB, pings);
  return {
    rows,
    list: {
      oneSidedListGBps: osList.gbps,
      oneSidedSingleGBps: osOne.gbps,
      oneSidedRatio: osList.gbps / osOne.gbps,
      twoSidedListGBps: twoList.gbps,
      twoSidedSingleGBps: twoOne.gbps,
      twoSidedRatio: twoList.gbps / twoOne.gbps,
    },
    readRtt: { p50us: percentile(rtt, 50), p99us: percentile(rtt, 99), netP50us: percentile(np, 50), netP99us: percentile(np, 99) },
  };
}

/** Node net ping-pong of `size` bytes: round-trip times (µs). */
async function netPingPong(peer: Peer, size: number, count: number) {
  const server = net.createServer();
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const port = (server.address() as net.AddressInfo).port;
  const echo = peer.call('netEcho', { port, size });
  const sock = await new Promise<net.Socket>((r) => server.once('connection', r));
  sock.setNoDelay(true);
  const out = Buffer.alloc(size, 2);
  const rtts: number[] = [];
  let have = 0;
  let wake: (() => void) | undefined;
  sock.on('data', (d: Buffer) => {
    have += d.length;
    if (have >= size && wake) {
      have -= size;
      const w = wake;
      wake = undefined;
      w();
    }
  });
  for (let i = 0; i < count; i++) {
    const t0 = now();
    const got = new Promise<void>((r) => (wake = r));
    sock.write(out);
    await got;
    rtts.push((now() - t0) * 1000);
  }
  sock.end();
  await echo;
  server.close();
  return rtts.slice(Math.floor(count / 10));
}

/** RSS per idle 1-channel connection: this process accepting `count` peers, the peer connecting them. */
async function idleMemory(peer: Peer, count: number) {
  const s = newSession({ channels: 1 });
  const blob = await s.listen();
  global.gc?.();
  const before = process.memoryUsage().rss;
  const connect = peer.call('idle', { count, blob: Buffer.from(blob).toString('hex') });
  for (let i = 0; i < count; i++) await s.accept(`c${i}`);
  const { rss } = (await connect) as { rss: number };
  await sleep(200);
  global.gc?.();
  const server = (process.memoryUsage().rss - before) / count;
  await peer.call('idleClose');
  await s.close();
  return { clientBytes: rss / count, serverBytes: server };
}

/**
 * One figure per hostwire configuration of the headline. `hostwireSystem1ch` (the cold ring,
 * 1 channel, SessionOptions.congestion "system") runs only when "auto" chose another
 * algorithm than the system's: it is hostwire at iperf3's own settings.
 */
type PerConfig<T> = { hostwire1ch?: T; hostwire2ch?: T; hostwireHot1ch?: T; hostwireHot1MiB1ch?: T; hostwireSystem1ch?: T };

type Headline = {
  /** Median over the rounds of (hostwire / the iperf3 run of the same round). */
  ratios: PerConfig<number>;
  /** The middle half of those per-round ratios (25th and 75th percentiles): their spread. */
  ratioQuartiles: PerConfig<[number, number]>;
  /**
   * Median over the rounds of (hostwire / iperf3 -C <hostwire's congestion control> of the
   * same round): like for like when hostwire chose another algorithm than the system's.
   */
  ratiosSameCongestion: PerConfig<number>;
  ratioQuartilesSameCongestion: PerConfig<[number, number]>;
  /** The system default (iperf3's) and the one hostwire's sending channels used. */
  congestion: { system: string; hostwire: string };
  iperf3GBps?: number;
  iperf3SameCongestionGBps?: number;
  hostwire1chGBps: number;
  hostwire2chGBps: number;
  hostwireHot1chGBps: number;
  hostwireHot1MiB1chGBps: number;
  hostwireSystem1chGBps?: number;
  runs: Array<Record<string, number | undefined>>;
};

/** One figure of a round, by key, and how to measure it. */
type Step = [key: string, measure: () => Promise<number | undefined>];
type Round = Record<string, number | undefined>;

/**
 * `runs` rounds of `steps`, in an order rotated by one from round to round, so that no step
 * always runs right after the same other one (what ran just before can leave the caches, the
 * scheduler's placement of the two ends and the socket memory in a state that helps or slows
 * the next run). `each` sees every round as it ends.
 */
async function rounds(steps: Step[], runs: number, each: (run: Round, r: number) => void): Promise<Round[]> {
  const all: Round[] = [];
  for (let r = 0; r < runs; r++) {
    const run: Round = {};
    for (let i = 0; i < steps.length; i++) {
      const [key, step] = steps[(r + i) % steps.length];
      run[key] = await step();
    }
    all.push(run);
    each(run, r);
  }
  return all;
}

/**
 * Each round's `key` against the `base` of the same round: the machine's load drifts between
 * rounds, and a ratio within one round cancels most of that drift.
 */
function perRound(all: Round[], key: string, base: string): number[] {
  return all.map((h) => Number(h[key]) / Number(h[base]));
}

/** The middle half of `rs`: its 25th and 75th percentiles. */
function quartiles(rs: number[]): [number, number] {
  return [percentile(rs, 25), percentile(rs, 75)];
}

/**
 * The headline, `runs` rounds (`rounds`). Each round runs iperf3, hostwire in each
 * configuration, and iperf3 with hostwire's congestion control when that is not the system's.
 */
async function headline(peer: Peer, runs: number): Promise<Headline> {
  const system = systemCongestion();
  // A short transfer first: it learns the congestion control hostwire's channels choose and
  // warms both processes (code, allocator) before anything is timed.
  const chosen = (await hostwireThroughput(peer, 1, 4 * MiB, 1, false, 64 * MiB)).congestion;
  const other = chosen !== '' && chosen !== system;
  const steps: Step[] = [
    ['iperf3GBps', async () => iperf3(GiB)?.gbps],
    ['hostwire1chGBps', async () => (await hostwireThroughput(peer, 1, 4 * MiB, 1)).gbps],
    ['hostwire2chGBps', async () => (await hostwireThroughput(peer, 2, 4 * MiB, 1)).gbps],
    ['hostwireHot1chGBps', async () => (await hostwireThroughput(peer, 1, 4 * MiB, 1, true)).gbps],
    ['hostwireHot1MiB1chGBps', async () => (await hostwireThroughput(peer, 1, MiB, 1, true)).gbps],
  ];
  if (other) {
    steps.push(['iperf3SameCongestionGBps', async () => iperf3(GiB, { congestion: chosen })?.gbps]);
    steps.push(['hostwireSystem1chGBps', async () => (await hostwireThroughput(peer, 1, 4 * MiB, 1, false, undefined, 'system')).gbps]);
  }
  const all = await rounds(steps, runs, (run, r) => {
    if (!other) run.iperf3SameCongestionGBps = run.iperf3GBps;
    const g = (k: string) => (run[k] === undefined ? '-' : run[k]!.toFixed(2));
    const also = other ? `, iperf3 -C ${chosen} ${g('iperf3SameCongestionGBps')} GB/s, hostwire at ${system} ${g('hostwireSystem1chGBps')} GB/s` : '';
    progress(`  run ${r + 1}/${runs}: iperf3 ${g('iperf3GBps')} GB/s, hostwire ${g('hostwire1chGBps')} / ${g('hostwire2chGBps')} GB/s (1 / 2 channels)${also}`);
  });
  const med = (k: string) => median(all.map((h) => Number(h[k])));
  const have = (k: string) => all.every((h) => h[k] !== undefined);
  const configs = ['hostwire1ch', 'hostwire2ch', 'hostwireHot1ch', 'hostwireHot1MiB1ch', ...(other ? ['hostwireSystem1ch' as const] : [])];
  const each = <T>(base: string, stat: (rs: number[]) => T): PerConfig<T> =>
    have(base) ? Object.fromEntries(configs.map((c) => [c, stat(perRound(all, `${c}GBps`, base))])) : {};
  const sameBase = 'iperf3SameCongestionGBps';
  return {
    ratios: each('iperf3GBps', median),
    ratioQuartiles: each('iperf3GBps', quartiles),
    ratiosSameCongestion: each(sameBase, median),
    ratioQuartilesSameCongestion: each(sameBase, quartiles),
    congestion: { system, hostwire: chosen },
    iperf3GBps: have('iperf3GBps') ? med('iperf3GBps') : undefined,
    iperf3SameCongestionGBps: have(sameBase) ? med(sameBase) : undefined,
    hostwire1chGBps: med('hostwire1chGBps'),
    hostwire2chGBps: med('hostwire2chGBps'),
    hostwireHot1chGBps: med('hostwireHot1chGBps'),
    hostwireHot1MiB1chGBps: med('hostwireHot1MiB1chGBps'),
    hostwireSystem1chGBps: other ? med('hostwireSystem1chGBps') : undefined,
    runs: all,
  };
}

/**
 * hostwire between the two namespaces of `pair`: `rx` (a peer process in a) listens on a's
 * address and receives `bytes` (default 1 GiB) in messages of `size` from `tx` (in b), through
 * a ring of two batches per side or (`hot`) one message-sized buffer. GB/s as the receiver
 * timed it, from its first post to its last completion; the sender's congestion control.
 */
async function hostwireNetns(pair: NetnsPair, rx: Peer, tx: Peer, channels: number, size: number, hot: boolean, bytes?: number) {
  const { batch, total } = plan(size);
  const count = Math.floor((bytes ?? total) / size);
  const regionBytes = hot ? size : 2 * batch * size;
  const congestion = NETNS_CONGESTION ?? '';
  const { blob } = await rx.call('hwListen', { channels, host: pair.a.v4, regionBytes, congestion });
  const accepted = rx.call('hwAccept');
  await tx.call('hwSetup', { channels, blob, regionBytes, congestion });
  await accepted;
  const a = { size, count, batch, tag: 0, hot: hot ? 1 : 0 };
  const [r, t] = await Promise.all([rx.call('hwRecv', a), tx.call('hwSend', a)]);
  await Promise.all([rx.call('hwClose'), tx.call('hwClose')]);
  return { gbps: (count * size) / Number(r.ms) / 1e6, congestion: String(t.congestion) };
}

/** The cross-host figures: each hostwire configuration and the iperf3 run it is measured against. */
const CROSS_HOST = [
  { key: 'hostwire1ch', channels: 1, hot: false, base: 'iperf3GBps', target: 0.9, what: '1 channel, 128 MiB ring of distinct messages each side (cold)' },
  { key: 'hostwireHot1ch', channels: 1, hot: true, base: 'iperf3GBps', target: 1.0, what: '1 channel, one 4 MiB buffer each side (hot)' },
  { key: 'hostwire4ch', channels: 4, hot: false, base: 'iperf3P4GBps', target: 0.9, what: '4 channels, 128 MiB ring each side (cold)' },
  { key: 'hostwireHot4ch', channels: 4, hot: true, base: 'iperf3P4GBps', target: 1.0, what: '4 channels, one 4 MiB buffer each side (hot)' },
] as const;

type CrossHost = {
  /** The congestion control hostwire's sending channels used, and the system's (iperf3's unless `iperf3` says otherwise). */
  congestion: { system: string; hostwire: string; iperf3?: string };
  iperf3GBps?: number;
  iperf3P4GBps?: number;
  /** Median GB/s per hostwire configuration (CROSS_HOST keys). */
  gbps: Record<string, number>;
  /** Median over the rounds of (hostwire / its iperf3 run of the same round), and the middle half of those ratios. */
  ratios: Record<string, number>;
  ratioQuartiles: Record<string, [number, number]>;
  targets: Record<string, number>;
  runs: Round[];
};

/**
 * The cross-host part, `runs` rounds (`rounds`): in each, `iperf3 -l 1M -n 1G` and with `-P 4`
 * between the namespaces, and hostwire in each CROSS_HOST configuration.
 */
async function crossHost(pair: NetnsPair, runs: number): Promise<CrossHost> {
  const rx = new Peer(pair.a.exec);
  const tx = new Peer(pair.b.exec);
  try {
    // A short transfer first: it warms both processes and learns the congestion control.
    const chosen = (await hostwireNetns(pair, rx, tx, 1, 4 * MiB, false, 64 * MiB)).congestion;
    const steps: Step[] = [
      ['iperf3GBps', async () => iperf3(GiB, { between: pair, congestion: NETNS_CONGESTION })?.gbps],
      ['iperf3P4GBps', async () => iperf3(GiB, { between: pair, congestion: NETNS_CONGESTION, parallel: 4 })?.gbps],
      ...CROSS_HOST.map((c): Step => [`${c.key}GBps`, async () => (await hostwireNetns(pair, rx, tx, c.channels, 4 * MiB, c.hot)).gbps]),
    ];
    const all = await rounds(steps, runs, (run, r) => {
      const g = (k: string) => (run[k] === undefined ? '-' : run[k]!.toFixed(2));
      progress(
        `  run ${r + 1}/${runs}: iperf3 ${g('iperf3GBps')} / -P 4 ${g('iperf3P4GBps')} GB/s, hostwire 1 ch ${g('hostwire1chGBps')} / hot ${g('hostwireHot1chGBps')}, 4 ch ${g('hostwire4chGBps')} / hot ${g('hostwireHot4chGBps')} GB/s`,
      );
    });
    const have = (k: string) => all.every((h) => h[k] !== undefined);
    const med = (k: string) => (have(k) ? median(all.map((h) => Number(h[k]))) : undefined);
    const based = CROSS_HOST.filter((c) => have(c.base));
    return {
      congestion: { system: systemCongestion(), hostwire: chosen, ...(NETNS_CONGESTION ? { iperf3: NETNS_CONGESTION } : {}) },
      iperf3GBps: med('iperf3GBps'),
      iperf3P4GBps: med('iperf3P4GBps'),
      gbps: Object.fromEntries(CROSS_HOST.map((c) => [c.key, med(`${c.key}GBps`)!])),
      ratios: Object.fromEntries(based.map((c) => [c.key, median(perRound(all, `${c.key}GBps`, c.base))])),
      ratioQuartiles: Object.fromEntries(based.map((c) => [c.key, quartiles(perRound(all, `${c.key}GBps`, c.base))])),
      targets: Object.fromEntries(CROSS_HOST.map((c) => [c.key, c.target])),
      runs: all,
    };
  } finally {
    rx.end();
    tx.end();
  }
}

async function main(): Promise<void> {
  const sizes = QUICK ? [4 * KiB, 4 * MiB] : [4 * KiB, 64 * KiB, MiB, 4 * MiB, 64 * MiB];
  const channelsList = [1, 2];
  const repeat = QUICK ? 1 : 3;
  // The cross-host part needs network namespaces (root, iproute2): made here, or why not.
  const pair = part('netns') ? tryCreatePair() : undefined;
  const steps =
    (part('idle') ? 1 : 0) +
    (part('throughput') ? sizes.length * (channelsList.length + 1) : 0) +
    (part('headline') ? 1 : 0) +
    (part('latency') ? 2 : 0) +
    (part('onesided') ? (QUICK ? 2 : 5) + 2 : 0) +
    (typeof pair === 'object' ? 1 : 0);
  let step = 0;
  const tick = (what: string) => progress(`[${++step}/${steps}] ${what}`);

  let idle: { clientBytes: number; serverBytes: number } | undefined;
  if (part('idle')) {
    // Idle connections first, in processes that have not moved bulk data yet.
    tick('idle connections');
    const idlePeer = new Peer();
    idle = await idleMemory(idlePeer, QUICK ? 50 : 100);
    idlePeer.end();
  }
  const peer = new Peer();
  const rows: Array<Record<string, unknown>> = [];
  if (part('throughput')) {
    for (const size of sizes) {
      tick(`net ${fmtSize(size)}`);
      const n = await netThroughput(peer, size, repeat);
      for (const channels of channelsList) {
        tick(`hostwire ${fmtSize(size)} x${channels} channel(s)`);
        const h = await hostwireThroughput(peer, channels, size, repeat);
        rows.push({ size, channels, bytes: h.bytes, hostwireGBps: h.gbps, hostwireMsgsPerSec: h.msgs, netGBps: n.gbps, netMsgsPerSec: n.msgs, vsNet: h.gbps / n.gbps });
      }
    }
  }

  let head: Headline | undefined;
  if (part('headline')) {
    const runs = QUICK ? 1 : 12;
    tick(`headline: iperf3 -l 1M -n 1G and hostwire 1 GiB in 4 MiB messages, ${runs} round(s), order rotating`);
    head = await headline(peer, runs);
  }

  let latency: { hostwireP50us: number; hostwireP99us: number; netP50us: number; netP99us: number } | undefined;
  if (part('latency')) {
    tick('4 KiB ping-pong: hostwire');
    const pings = QUICK ? 2000 : 10000;
    const hp = await hostwirePingPong(peer, 4 * KiB, pings);
    tick('4 KiB ping-pong: net');
    const np = await netPingPong(peer, 4 * KiB, pings);
    latency = {
      hostwireP50us: percentile(hp, 50),
      hostwireP99us: percentile(hp, 99),
      netP50us: percentile(np, 50),
      netP99us: percentile(np, 99),
    };
  }
  let oneSidedRes: OneSidedResult | undefined;
  if (part('onesided')) oneSidedRes = await oneSidedPart(peer, repeat, tick);
  peer.end();

  let cross: CrossHost | { skipped: string } | undefined;
  if (typeof pair === 'string') {
    cross = { skipped: pair };
    progress(`cross-host (netns) skipped: ${pair}`);
  } else if (pair) {
    const runs = QUICK ? 1 : 12;
    tick(`cross-host: 1 GiB in 4 MiB messages between two network namespaces, beside iperf3 -l 1M (-P 4), ${runs} round(s), order rotating`);
    try {
      cross = await crossHost(pair, runs);
    } finally {
      pair.destroy();
    }
  }
  if (process.stderr.isTTY) process.stderr.write('\n');

  const result = { throughput: rows, headline: head, latency4KiB: latency, oneSided: oneSidedRes, idle, netns: cross };
  if (JSON_OUT) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const f = (x: number, d = 2) => x.toFixed(d);
  if (rows.length > 0) {
    console.log('\nthroughput (this process receives from a peer process on loopback; median of runs)');
    console.log('size      ch  hostwire GB/s  msgs/s      net GB/s  msgs/s      hostwire/net');
    for (const r of rows) {
      console.log(
        `${fmtSize(r.size as number).padEnd(9)} ${String(r.channels).padEnd(3)} ${f(r.hostwireGBps as number).padStart(13)}  ${f(r.hostwireMsgsPerSec as number, 0).padStart(10)}  ${f(r.netGBps as number).padStart(8)}  ${f(r.netMsgsPerSec as number, 0).padStart(10)}  ${f(r.vsNet as number).padStart(12)}x`,
      );
    }
  }
  if (head) {
    console.log(`\nheadline: 1 GiB in 4 MiB messages (${head.runs.length} round${head.runs.length === 1 ? '' : 's'}, the order rotating; medians)`);
    if (head.iperf3GBps !== undefined) {
      const cc = head.congestion;
      const differs = cc.hostwire !== '' && cc.hostwire !== cc.system;
      const q = (v?: [number, number]) => (v ? ` [${f(v[0])}-${f(v[1])}]` : '');
      const x = (c: keyof PerConfig<number>) => `${f(head.ratios[c] ?? NaN)}x${q(head.ratioQuartiles[c])} iperf3`;
      const y = (c: keyof PerConfig<number>) =>
        differs ? `, ${f(head.ratiosSameCongestion[c] ?? NaN)}x${q(head.ratioQuartilesSameCongestion[c])} iperf3 -C ${cc.hostwire}` : '';
      console.log(`  iperf3 -l 1M       ${f(head.iperf3GBps)} GB/s  (the system's congestion control, ${cc.system || 'unknown'})`);
      if (differs) console.log(`  iperf3 -l 1M -C ${cc.hostwire} ${f(head.iperf3SameCongestionGBps ?? NaN)} GB/s  (the congestion control hostwire chose on loopback)`);
      console.log(`  hostwire 1 channel ${f(head.hostwire1chGBps)} GB/s  (${x('hostwire1ch')}${y('hostwire1ch')})`);
      console.log(`  hostwire 2 channels ${f(head.hostwire2chGBps)} GB/s (${x('hostwire2ch')}${y('hostwire2ch')})`);
      console.log(`  hostwire 1 channel, one 4 MiB buffer each side ${f(head.hostwireHot1chGBps)} GB/s (${x('hostwireHot1ch')}${y('hostwireHot1ch')})`);
      console.log(`  hostwire 1 channel, 1 MiB messages through one 1 MiB buffer each side (iperf3 -l 1M's working set) ${f(head.hostwireHot1MiB1chGBps)} GB/s (${x('hostwireHot1MiB1ch')}${y('hostwireHot1MiB1ch')})`);
      if (differs) console.log(`  hostwire 1 channel, the system's congestion control (${cc.system}, as iperf3 -l 1M) ${f(head.hostwireSystem1chGBps ?? NaN)} GB/s (${x('hostwireSystem1ch')})`);
      console.log('  (1 GiB through a 128 MiB ring of distinct messages each side, unless noted; a ratio is the median over the rounds of hostwire against the iperf3 run of the same round, [the middle half of those per-round ratios])');
    } else {
      console.log(`  iperf3: not installed (apt-get install iperf3); hostwire ${f(head.hostwire1chGBps)} / ${f(head.hostwire2chGBps)} GB/s (1 / 2 channels)`);
    }
  }
  if (latency) {
    console.log('\n4 KiB round trip (ping-pong, JS on both sides)');
    console.log(`  hostwire p50 ${f(latency.hostwireP50us, 1)} us  p99 ${f(latency.hostwireP99us, 1)} us`);
    console.log(`  net      p50 ${f(latency.netP50us, 1)} us  p99 ${f(latency.netP99us, 1)} us  (hostwire/net p50 ${f(latency.hostwireP50us / latency.netP50us)}x)`);
  }
  if (oneSidedRes) {
    const o = oneSidedRes;
    console.log('\none-sided operations (this process initiates; the peer process only registered its memory; 1 channel; median of runs)');
    console.log('size      WRITE GB/s  READ GB/s  two-sided GB/s  WRITE/two-sided  READ/two-sided');
    for (const r of o.rows) {
      console.log(`${fmtSize(r.size).padEnd(9)} ${f(r.writeGBps).padStart(10)}  ${f(r.readGBps).padStart(9)}  ${f(r.twoSidedGBps).padStart(14)}  ${f(r.writeVsTwoSided).padStart(14)}x  ${f(r.readVsTwoSided).padStart(13)}x`);
    }
    const l = o.list;
    console.log(`  descriptor list 4096 x 16 KiB, one-sided WRITE: ${f(l.oneSidedListGBps)} GB/s beside one 64 MiB WRITE ${f(l.oneSidedSingleGBps)} GB/s: ${f(l.oneSidedRatio)}x (target >= 0.80x)`);
    console.log(`  the same, two-sided messages: ${f(l.twoSidedListGBps)} GB/s beside one 64 MiB message ${f(l.twoSidedSingleGBps)} GB/s: ${f(l.twoSidedRatio)}x`);
    console.log(`  4 KiB READ round trip: p50 ${f(o.readRtt.p50us, 1)} us  p99 ${f(o.readRtt.p99us, 1)} us; net ping-pong p50 ${f(o.readRtt.netP50us, 1)} us  p99 ${f(o.readRtt.netP99us, 1)} us (READ/net p50 ${f(o.readRtt.p50us / o.readRtt.netP50us)}x)`);
  }
  if (idle) console.log(`\nresident memory per idle 1-channel connection: client ${f(idle.clientBytes / KiB, 1)} KiB, server ${f(idle.serverBytes / KiB, 1)} KiB`);
  if (cross && 'skipped' in cross) console.log(`\ncross-host (two network namespaces): skipped: ${cross.skipped}`);
  else if (cross) {
    const n = cross.runs.length;
    console.log(`\ncross-host: 1 GiB in 4 MiB messages between two network namespaces joined by a veth pair (${n} round${n === 1 ? '' : 's'}, the order rotating; medians)`);
    const iperfCc = NETNS_CONGESTION ? `${NETNS_CONGESTION} (iperf3 -C)` : `${cross.congestion.system || 'unknown'} (the system's, iperf3)`;
    console.log(`  congestion control: ${cross.congestion.hostwire || 'unknown'} (hostwire), ${iperfCc}`);
    if (cross.iperf3GBps === undefined) console.log('  iperf3: not installed (apt-get install iperf3)');
    else {
      console.log(`  iperf3 -l 1M       ${f(cross.iperf3GBps)} GB/s`);
      console.log(`  iperf3 -l 1M -P 4  ${f(cross.iperf3P4GBps ?? NaN)} GB/s`);
    }
    for (const c of CROSS_HOST) {
      const r = cross.ratios[c.key];
      const q = cross.ratioQuartiles[c.key];
      const base = c.base === 'iperf3GBps' ? 'iperf3 -l 1M' : 'iperf3 -l 1M -P 4';
      const vs = r === undefined ? '' : `  (${f(r)}x [${f(q[0])}-${f(q[1])}] ${base}; target >= ${f(c.target)}x)`;
      console.log(`  hostwire ${c.what} ${f(cross.gbps[c.key])} GB/s${vs}`);
    }
    console.log('  (a ratio is the median over the rounds of hostwire against the iperf3 run of the same round, [the middle half of those per-round ratios])');
  }
}

if (args.includes('--peer')) {
  void peerMain();
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

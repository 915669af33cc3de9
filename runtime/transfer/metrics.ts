/**
 * Transfer metrics: `Session.metrics()` typed, and exported
 * in the Prometheus text format through prom-client.
 *
 * ```ts
 * const registry = sessionMetricsRegistry(session, { labels: { session: 'ingest' } });
 * res.end(await registry.metrics());   // text/plain; version=0.0.4
 * ```
 * Every series is read from the session when the registry is scraped (one metrics() call
 * per scrape), so nothing is recorded on the data path.
 */
import { Counter, Gauge, Registry, type Metric } from 'prom-client';
import type { Session } from '../../generated/ts/sdk';

/** The counters of one peer (`metrics().peers[name]`). */
export interface PeerMetrics {
  /** `connecting`, `connected`, `closed`, `timed-out` or `protocol-error`. */
  state: string;
  channels: number;
  /** The channels' TCP congestion control (`cubic`, `bbr`...; empty before they connect). */
  congestion: string;
  /** The address the peer was reached at or came from (`10.0.0.2:4242`, `[fd00::1]:4242`). */
  address: string;
  /** The name the peer announced in its handshake (empty when it announced none). */
  announced: string;
  bytesSent: number;
  bytesReceived: number;
  sendsCompleted: number;
  recvsCompleted: number;
  opsFailed: number;
  framesSent: number;
  framesReceived: number;
}

/** What `Session.metrics()` returns. */
export interface SessionMetrics {
  /** Peers connected, and the last 64 gone (with their final state); older ones count in the totals only. */
  peers: Record<string, PeerMetrics>;
  totals: Pick<PeerMetrics, 'bytesSent' | 'bytesReceived' | 'sendsCompleted' | 'recvsCompleted' | 'opsFailed'>;
  /** Failed operations by errno code (`ECONNRESET`). */
  errors: Record<string, number>;
  /** Times a listener's accept() failed for want of descriptors or memory (EMFILE...) and it backed off. */
  acceptFailures: number;
  /** Operation latency, post to completion: log2 buckets of microseconds (not cumulative). */
  latency: { unit: 'us'; count: number; sum: number; buckets: Array<{ le: number | '+Inf'; count: number }> };
}

/** `session.metrics()`, typed. */
export function readSessionMetrics(session: Pick<Session, 'metrics'>): SessionMetrics {
  return session.metrics() as unknown as SessionMetrics;
}

export interface SessionMetricsOptions {
  /** Metric name prefix. Default `hostwire_transfer_`. */
  prefix?: string;
  /** Register into this registry instead of a new one. */
  registry?: Registry;
  /** Constant labels on every series (to tell several sessions apart in one registry). */
  labels?: Record<string, string>;
}

/**
 * A prom-client registry exposing a session's metrics: bytes, operations and frames per
 * peer (counters), peer state and channels with their congestion control (gauges), failed operations by errno code
 * (counter), and the operation latency histogram (seconds).
 */
export function sessionMetricsRegistry(session: Pick<Session, 'metrics'>, options: SessionMetricsOptions = {}): Registry {
  const registry = options.registry ?? new Registry();
  const prefix = options.prefix ?? 'hostwire_transfer_';
  const constant = options.labels ?? {};
  const constNames = Object.keys(constant);

  // One snapshot per scrape: every collect() of the same turn shares it.
  let snapshot: SessionMetrics | undefined;
  const read = (): SessionMetrics => {
    if (!snapshot) {
      snapshot = readSessionMetrics(session);
      setImmediate(() => (snapshot = undefined));
    }
    return snapshot;
  };

  const perPeer = (name: string, help: string, value: (p: PeerMetrics) => number, extra: Record<string, string> = {}) => ({
    name,
    help,
    value,
    extra,
  });
  const counters = [
    perPeer('bytes_sent_total', 'Payload bytes sent to the peer.', (p) => p.bytesSent),
    perPeer('bytes_received_total', 'Payload bytes received from the peer and placed.', (p) => p.bytesReceived),
    perPeer('frames_sent_total', 'Frames sent to the peer.', (p) => p.framesSent),
    perPeer('frames_received_total', 'Frames received from the peer.', (p) => p.framesReceived),
    perPeer('operations_failed_total', 'Operations with the peer that failed.', (p) => p.opsFailed),
  ];
  for (const c of counters) {
    new Counter({
      name: prefix + c.name,
      help: c.help,
      labelNames: ['peer', ...constNames],
      registers: [registry],
      collect(this: Counter<string>) {
        this.reset();
        for (const [peer, p] of Object.entries(read().peers)) this.inc({ peer, ...constant }, c.value(p));
      },
    });
  }
  new Counter({
    name: `${prefix}operations_completed_total`,
    help: 'Operations with the peer that completed, by direction.',
    labelNames: ['peer', 'direction', ...constNames],
    registers: [registry],
    collect(this: Counter<string>) {
      this.reset();
      for (const [peer, p] of Object.entries(read().peers)) {
        this.inc({ peer, direction: 'send', ...constant }, p.sendsCompleted);
        this.inc({ peer, direction: 'recv', ...constant }, p.recvsCompleted);
      }
    },
  });
  new Counter({
    name: `${prefix}errors_total`,
    help: 'Failed operations by errno code.',
    labelNames: ['code', ...constNames],
    registers: [registry],
    collect(this: Counter<string>) {
      this.reset();
      for (const [code, n] of Object.entries(read().errors)) this.inc({ code, ...constant }, n);
    },
  });
  new Counter({
    name: `${prefix}accept_failures_total`,
    help: 'Failed accepts for want of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM); each backs the listener off.',
    labelNames: [...constNames],
    registers: [registry],
    collect(this: Counter<string>) {
      this.reset();
      this.inc({ ...constant }, read().acceptFailures ?? 0);
    },
  });
  new Gauge({
    name: `${prefix}peer_up`,
    help: 'Whether the peer is connected (1) or its link ended (0).',
    labelNames: ['peer', 'state', ...constNames],
    registers: [registry],
    collect(this: Gauge<string>) {
      this.reset();
      for (const [peer, p] of Object.entries(read().peers)) this.set({ peer, state: p.state, ...constant }, p.state === 'connected' ? 1 : 0);
    },
  });
  new Gauge({
    name: `${prefix}peer_channels`,
    help: 'TCP channels of the peer, labelled with their congestion control.',
    labelNames: ['peer', 'congestion', ...constNames],
    registers: [registry],
    collect(this: Gauge<string>) {
      this.reset();
      for (const [peer, p] of Object.entries(read().peers)) this.set({ peer, congestion: p.congestion, ...constant }, p.channels);
    },
  });

  // The latency histogram: the engine's buckets, made cumulative, in seconds.
  const name = `${prefix}operation_latency_seconds`;
  const help = 'Operation latency from post to completion.';
  const histogram = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    collect: () => {},
    reset: () => {},
    get: async () => {
      const l = read().latency;
      let cumulative = 0;
      const values = l.buckets.map((b) => {
        cumulative += b.count;
        return { metricName: `${name}_bucket`, labels: { ...constant, le: b.le === '+Inf' ? '+Inf' : b.le / 1e6 }, value: cumulative };
      });
      values.push({ metricName: `${name}_sum`, labels: { ...constant }, value: l.sum / 1e6 } as (typeof values)[number]);
      values.push({ metricName: `${name}_count`, labels: { ...constant }, value: l.count } as (typeof values)[number]);
      return { name, help, type: 'histogram', aggregator: 'sum', values };
    },
  };
  registry.registerMetric(histogram as unknown as Metric);
  return registry;
}

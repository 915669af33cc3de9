/**
 * Transfer metrics: `Session.metrics()` typed, and exported in the Prometheus text format
 * through prom-client.
 *
 * ```ts
 * const registry = new Registry();
 * sessionMetricsRegistry(ingest, { registry, labels: { session: 'ingest' } });
 * sessionMetricsRegistry(egress, { registry, labels: { session: 'egress' } });   // same families, its own series
 * res.end(await registry.metrics());   // text/plain; version=0.0.4
 * ```
 * Every series is read from the sessions when the registry is scraped (one metrics() call
 * per session and scrape), so nothing is recorded on the data path.
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
  /** The peer's one-sided READ/WRITE requests this session served, and refused (wrong key, stale region, bad range, not allowed). */
  oneSidedServed: number;
  oneSidedRefused: number;
  /** Notifications received from the peer, and dropped past the queue's bound (NOTIF_QUEUE_MAX, NOTIF_QUEUE_MAX_BYTES). */
  notifsReceived: number;
  notifsDropped: number;
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
  /**
   * Constant labels on every series of this session. Several sessions share a registry and a
   * prefix (one metric family each, a label set per session) when each has labels with the
   * same names and its own values.
   */
  labels?: Record<string, string>;
}

/** One session exported into a family group: where to read it and its constant labels. */
interface Source {
  session: Pick<Session, 'metrics'>;
  labels: Record<string, string>;
}

/** The metric families of one prefix in one registry, and the sessions they read. */
interface Group {
  labelNames: string[];
  sources: Source[];
}

/** The family groups made so far, by registry and then prefix. */
const groups = new WeakMap<Registry, Map<string, Group>>();

const sameNames = (a: string[], b: string[]): boolean => a.length === b.length && a.every((n, i) => n === b[i]);

function invalidLabels(message: string, labels: Record<string, string>): TypeError {
  const e = new TypeError(`The property 'options.labels' ${message}. Received ${JSON.stringify(labels)}`);
  return Object.assign(e, { code: 'ERR_INVALID_ARG_VALUE' });
}

/**
 * A prom-client registry exposing a session's metrics: bytes, operations and frames per
 * peer (counters), peer state and channels with their congestion control (gauges), failed
 * operations by errno code (counter), and the operation latency histogram (seconds).
 *
 * Called again with the same `registry` and `prefix` for another session, it adds that
 * session's series to the families already there. Each session must then carry `labels`
 * with the same names as the others' and values no other has (else a TypeError with code
 * ERR_INVALID_ARG_VALUE). The registry keeps a reference to each session it reads.
 */
export function sessionMetricsRegistry(session: Pick<Session, 'metrics'>, options: SessionMetricsOptions = {}): Registry {
  const registry = options.registry ?? new Registry();
  const prefix = options.prefix ?? 'hostwire_transfer_';
  const labels = { ...(options.labels ?? {}) };
  const labelNames = Object.keys(labels).sort();
  let byPrefix = groups.get(registry);
  if (!byPrefix) groups.set(registry, (byPrefix = new Map()));
  const group = byPrefix.get(prefix);
  if (group) {
    if (!sameNames(group.labelNames, labelNames)) {
      throw invalidLabels(
        group.labelNames.length === 0
          ? `must be absent, as for the session already exported with prefix '${prefix}' (give every session labels to share a registry)`
          : `must have the names ${group.labelNames.join(', ')}, as the sessions already exported with prefix '${prefix}' have`,
        labels,
      );
    }
    if (group.sources.some((s) => s.session === session)) throw invalidLabels(`cannot export a session twice with prefix '${prefix}'`, labels);
    if (group.sources.some((s) => labelNames.every((n) => s.labels[n] === labels[n]))) {
      throw invalidLabels(
        labelNames.length === 0
          ? `must tell this session apart from the one already exported with prefix '${prefix}'`
          : `must have values no other session exported with prefix '${prefix}' has`,
        labels,
      );
    }
    group.sources.push({ session, labels });
    return registry;
  }
  const created: Group = { labelNames, sources: [{ session, labels }] };
  addFamilies(registry, prefix, created);
  byPrefix.set(prefix, created);
  return registry;
}

/** Register the families of `group` (prom-client throws if one of the names is taken). */
function addFamilies(registry: Registry, prefix: string, group: Group): void {
  const constNames = group.labelNames;
  // One snapshot per session and scrape: every collect() of the same turn shares it.
  let snapshots: Map<Source, SessionMetrics> | undefined;
  const each = (): Array<[Source, SessionMetrics]> => {
    if (!snapshots) {
      snapshots = new Map(group.sources.map((s) => [s, readSessionMetrics(s.session)]));
      setImmediate(() => (snapshots = undefined));
    }
    return [...snapshots];
  };

  const perPeer = (name: string, help: string, value: (p: PeerMetrics) => number) => ({ name, help, value });
  const counters = [
    perPeer('bytes_sent_total', 'Payload bytes sent to the peer.', (p) => p.bytesSent),
    perPeer('bytes_received_total', 'Payload bytes received from the peer and placed.', (p) => p.bytesReceived),
    perPeer('frames_sent_total', 'Frames sent to the peer.', (p) => p.framesSent),
    perPeer('frames_received_total', 'Frames received from the peer.', (p) => p.framesReceived),
    perPeer('operations_failed_total', 'Operations with the peer that failed.', (p) => p.opsFailed),
    perPeer('one_sided_served_total', "The peer's one-sided READ/WRITE requests served.", (p) => p.oneSidedServed),
    perPeer('one_sided_refused_total', "The peer's one-sided READ/WRITE requests refused.", (p) => p.oneSidedRefused),
    perPeer('notifications_received_total', 'Notifications received from the peer.', (p) => p.notifsReceived),
    perPeer('notifications_dropped_total', 'Notifications from the peer dropped past the queue bound.', (p) => p.notifsDropped),
  ];
  const registers = [registry];
  for (const c of counters) {
    new Counter({
      name: prefix + c.name,
      help: c.help,
      labelNames: ['peer', ...constNames],
      registers,
      collect(this: Counter<string>) {
        this.reset();
        for (const [src, m] of each()) for (const [peer, p] of Object.entries(m.peers)) this.inc({ peer, ...src.labels }, c.value(p));
      },
    });
  }
  new Counter({
    name: `${prefix}operations_completed_total`,
    help: 'Operations with the peer that completed, by direction.',
    labelNames: ['peer', 'direction', ...constNames],
    registers,
    collect(this: Counter<string>) {
      this.reset();
      for (const [src, m] of each()) {
        for (const [peer, p] of Object.entries(m.peers)) {
          this.inc({ peer, direction: 'send', ...src.labels }, p.sendsCompleted);
          this.inc({ peer, direction: 'recv', ...src.labels }, p.recvsCompleted);
        }
      }
    },
  });
  new Counter({
    name: `${prefix}errors_total`,
    help: 'Failed operations by errno code.',
    labelNames: ['code', ...constNames],
    registers,
    collect(this: Counter<string>) {
      this.reset();
      for (const [src, m] of each()) for (const [code, n] of Object.entries(m.errors)) this.inc({ code, ...src.labels }, n);
    },
  });
  new Counter({
    name: `${prefix}accept_failures_total`,
    help: 'Failed accepts for want of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM); each backs the listener off.',
    labelNames: [...constNames],
    registers,
    collect(this: Counter<string>) {
      this.reset();
      for (const [src, m] of each()) this.inc({ ...src.labels }, m.acceptFailures ?? 0);
    },
  });
  new Gauge({
    name: `${prefix}peer_up`,
    help: 'Whether the peer is connected (1) or its link ended (0).',
    labelNames: ['peer', 'state', ...constNames],
    registers,
    collect(this: Gauge<string>) {
      this.reset();
      for (const [src, m] of each()) {
        for (const [peer, p] of Object.entries(m.peers)) this.set({ peer, state: p.state, ...src.labels }, p.state === 'connected' ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: `${prefix}peer_channels`,
    help: 'TCP channels of the peer, labelled with their congestion control.',
    labelNames: ['peer', 'congestion', ...constNames],
    registers,
    collect(this: Gauge<string>) {
      this.reset();
      for (const [src, m] of each()) {
        for (const [peer, p] of Object.entries(m.peers)) this.set({ peer, congestion: p.congestion, ...src.labels }, p.channels);
      }
    },
  });

  // The latency histogram: the engine's buckets, made cumulative, in seconds.
  const name = `${prefix}operation_latency_seconds`;
  const help = 'Operation latency from post to completion.';
  type Value = { metricName: string; labels: Record<string, string | number>; value: number };
  const histogram = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    collect: () => {},
    reset: () => {},
    get: async () => {
      const values: Value[] = [];
      for (const [src, m] of each()) {
        const l = m.latency;
        let cumulative = 0;
        for (const b of l.buckets) {
          cumulative += b.count;
          values.push({ metricName: `${name}_bucket`, labels: { ...src.labels, le: b.le === '+Inf' ? '+Inf' : b.le / 1e6 }, value: cumulative });
        }
        values.push({ metricName: `${name}_sum`, labels: { ...src.labels }, value: l.sum / 1e6 });
        values.push({ metricName: `${name}_count`, labels: { ...src.labels }, value: l.count });
      }
      return { name, help, type: 'histogram', aggregator: 'sum', values };
    },
  };
  registry.registerMetric(histogram as unknown as Metric);
}

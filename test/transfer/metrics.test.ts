/** Session metrics in the Prometheus text format (prom-client), from a real transfer. */
import * as assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { readSessionMetrics, sessionMetricsRegistry, type SessionMetrics } from '../../runtime/transfer';
import { MiB, newSession, rejectsWith } from './helpers';

describe('transfer: metrics (runtime/transfer/metrics.ts)', function () {
  this.timeout(30000);

  it('exposes bytes, operations, errors, peer state and the latency histogram', async () => {
    const s = newSession({ channels: 2 });
    const c = newSession({ channels: 2 });
    c.loadRemoteConnInfo('s', await s.listen());
    await c.connect('s');
    await s.accept('c');
    const src = c.allocMemory(2 * MiB);
    const dst = s.allocMemory(2 * MiB, { recv: true });
    const tr = s.createTransfer('c');
    const ts = c.createTransfer('s');
    tr.postRecv(dst, 0, 2 * MiB, 1);
    tr.postRecv(dst, 0, 100, 2);
    ts.postSend(src, 0, 2 * MiB, 1);
    ts.postSend(src, 0, 10, 2);
    await Promise.all([tr.wait({ timeoutMs: 10000 }), ts.wait({ timeoutMs: 10000 })]);
    const t3 = s.createTransfer('c');
    t3.postRecv(dst, 0, 10, 3);
    await rejectsWith(t3.wait({ timeoutMs: 1 }), 'ETIMEDOUT');
    t3.release();

    const m = readSessionMetrics(s);
    assert.equal(m.peers.c.bytesReceived, 2 * MiB + 10);
    assert.equal(m.errors.ECANCELED, 1);

    const text = await sessionMetricsRegistry(s, { labels: { session: 'server' } }).metrics();
    const line = (re: RegExp) => {
      const l = text.split('\n').find((x) => re.test(x));
      assert.ok(l, `no line ${re} in\n${text}`);
      return Number(l.split(' ').pop());
    };
    assert.equal(line(/^hostwire_transfer_bytes_received_total\{peer="c",session="server"\}/), 2 * MiB + 10);
    assert.equal(line(/^hostwire_transfer_operations_completed_total\{peer="c",direction="recv",session="server"\}/), 2);
    assert.equal(line(/^hostwire_transfer_operations_failed_total\{peer="c",session="server"\}/), 1);
    assert.equal(line(/^hostwire_transfer_errors_total\{code="ECANCELED",session="server"\}/), 1);
    assert.equal(line(/^hostwire_transfer_accept_failures_total\{session="server"\}/), 0);
    assert.equal(line(/^hostwire_transfer_peer_up\{peer="c",state="connected",session="server"\}/), 1);
    assert.ok(/^[a-z0-9_]+$/.test(m.peers.c.congestion), m.peers.c.congestion);
    assert.equal(line(new RegExp(`^hostwire_transfer_peer_channels\\{peer="c",congestion="${m.peers.c.congestion}",session="server"\\}`)), 2);
    assert.equal(line(/^hostwire_transfer_operation_latency_seconds_count\{session="server"\}/), 2);
    assert.equal(line(/^hostwire_transfer_operation_latency_seconds_bucket\{session="server",le="\+Inf"\}/), 2);
    assert.match(text, /# TYPE hostwire_transfer_operation_latency_seconds histogram/);
    assert.match(text, /# TYPE hostwire_transfer_bytes_sent_total counter/);
    // Cumulative buckets never decrease.
    const buckets = text.split('\n').filter((l) => l.startsWith('hostwire_transfer_operation_latency_seconds_bucket')).map((l) => Number(l.split(' ').pop()));
    assert.deepEqual([...buckets].sort((a, b) => a - b), buckets);

    // Two sessions in one registry, told apart by a label.
    const reg = new Registry();
    sessionMetricsRegistry(s, { registry: reg, prefix: 'a_', labels: { session: 's' } });
    sessionMetricsRegistry(c, { registry: reg, prefix: 'b_', labels: { session: 'c' } });
    const both = await reg.metrics();
    assert.match(both, /^a_bytes_received_total\{peer="c",session="s"\} 2097162$/m);
    assert.match(both, /^b_bytes_sent_total\{peer="s",session="c"\} 2097162$/m);

    await c.close();
    await s.close();
    const closed = await sessionMetricsRegistry(s).metrics();
    assert.match(closed, /^hostwire_transfer_peer_up\{peer="c",state="closed"\} 0$/m);
  });

  /** What a session's metrics() gives with one peer `peer` that received `received` bytes. */
  function fakeSession(peer: string, received: number, latencyCount: number): { metrics(): SessionMetrics } {
    const p = {
      state: 'connected',
      channels: 1,
      congestion: 'cubic',
      address: '127.0.0.1:1',
      announced: '',
      bytesSent: 0,
      bytesReceived: received,
      sendsCompleted: 0,
      recvsCompleted: latencyCount,
      opsFailed: 0,
      framesSent: 0,
      framesReceived: 0,
      oneSidedServed: 0,
      oneSidedRefused: 0,
      notifsReceived: 0,
      notifsDropped: 0,
    };
    const m: SessionMetrics = {
      peers: { [peer]: p },
      totals: { bytesSent: 0, bytesReceived: received, sendsCompleted: 0, recvsCompleted: latencyCount, opsFailed: 0 },
      errors: {},
      acceptFailures: 0,
      latency: { unit: 'us', count: latencyCount, sum: 10 * latencyCount, buckets: [{ le: 16, count: latencyCount }, { le: '+Inf', count: 0 }] },
    };
    return { metrics: () => m };
  }

  it('several sessions share one registry and prefix: one family each, a label set per session', async () => {
    const registry = new Registry();
    const a = fakeSession('x', 100, 1);
    const b = fakeSession('x', 200, 3);
    assert.equal(sessionMetricsRegistry(a, { registry, labels: { session: 'a' } }), registry);
    assert.equal(sessionMetricsRegistry(b, { registry, labels: { session: 'b' } }), registry);
    const text = await registry.metrics();
    assert.equal(text.match(/^# TYPE hostwire_transfer_bytes_received_total counter$/gm)?.length, 1);
    assert.match(text, /^hostwire_transfer_bytes_received_total\{peer="x",session="a"\} 100$/m);
    assert.match(text, /^hostwire_transfer_bytes_received_total\{peer="x",session="b"\} 200$/m);
    assert.match(text, /^hostwire_transfer_accept_failures_total\{session="a"\} 0$/m);
    assert.match(text, /^hostwire_transfer_accept_failures_total\{session="b"\} 0$/m);
    assert.equal(text.match(/^# TYPE hostwire_transfer_operation_latency_seconds histogram$/gm)?.length, 1);
    assert.match(text, /^hostwire_transfer_operation_latency_seconds_count\{session="a"\} 1$/m);
    assert.match(text, /^hostwire_transfer_operation_latency_seconds_count\{session="b"\} 3$/m);
    assert.match(text, /^hostwire_transfer_operation_latency_seconds_bucket\{session="b",le="0.000016"\} 3$/m);
  });

  it('sessions a registry cannot tell apart are refused with ERR_INVALID_ARG_VALUE naming options.labels', () => {
    const registry = new Registry();
    sessionMetricsRegistry(fakeSession('x', 1, 1), { registry, labels: { session: 'a' } });
    const refused = (labels: Record<string, string> | undefined, message: string) =>
      assert.throws(() => sessionMetricsRegistry(fakeSession('x', 1, 1), { registry, labels }), (e: unknown) => {
        assert.ok(e instanceof TypeError);
        assert.equal((e as TypeError & { code?: string }).code, 'ERR_INVALID_ARG_VALUE');
        assert.equal(e.message, message);
        return true;
      });
    refused({ session: 'a' }, `The property 'options.labels' must have values no other session exported with prefix 'hostwire_transfer_' has. Received {"session":"a"}`);
    refused({ host: 'a' }, `The property 'options.labels' must have the names session, as the sessions already exported with prefix 'hostwire_transfer_' have. Received {"host":"a"}`);
    refused(undefined, `The property 'options.labels' must have the names session, as the sessions already exported with prefix 'hostwire_transfer_' have. Received {}`);
    // Another prefix is another group of families.
    sessionMetricsRegistry(fakeSession('x', 1, 1), { registry, prefix: 'other_' });
    const lone = new Registry();
    const s = fakeSession('x', 1, 1);
    sessionMetricsRegistry(s, { registry: lone });
    assert.throws(() => sessionMetricsRegistry(fakeSession('y', 1, 1), { registry: lone }), {
      code: 'ERR_INVALID_ARG_VALUE',
      message: `The property 'options.labels' must tell this session apart from the one already exported with prefix 'hostwire_transfer_'. Received {}`,
    });
    assert.throws(() => sessionMetricsRegistry(s, { registry: lone }), {
      code: 'ERR_INVALID_ARG_VALUE',
      message: `The property 'options.labels' cannot export a session twice with prefix 'hostwire_transfer_'. Received {}`,
    });
  });
});

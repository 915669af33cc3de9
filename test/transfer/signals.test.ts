/**
 * Cancellation by AbortSignal, as Node's own APIs do it: every call that can wait takes a
 * `signal`, and an abort rejects with an AbortError whose `cause` is the signal's reason.
 */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { once } from 'node:events';
import { connInfoBlob } from './raw-peer';
import { newSession, quiet, rejectsAborted, rejectsWith } from './helpers';

/** A TCP listener that takes connections and never answers: a connect to it waits in its handshake. */
async function silentListener(): Promise<{ port: number; closed: () => number; server: net.Server }> {
  let closedCount = 0;
  const server = net.createServer((sock) => {
    sock.on('error', () => {});
    sock.on('close', () => closedCount++);
    sock.resume();  // reads (and drops) the HELLOs, so that the peer's close is seen
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as net.AddressInfo).port, closed: () => closedCount, server };
}

describe('transfer: cancellation by AbortSignal', function () {
  this.timeout(30000);

  it('connect: an abort during the handshake rejects with an AbortError (cause: the reason) and closes its channels', async () => {
    const l = await silentListener();
    const client = newSession({ channels: 2, peerTimeoutMs: 60000 });
    client.loadRemoteConnInfo('silent', connInfoBlob([l.port, l.port], 1n));
    const ac = new AbortController();
    const connecting = quiet(client.connect('silent', { signal: ac.signal }));
    // Both channels reach the listener, which never answers their HELLO.
    for (let i = 0; i < 400 && (await connections(l.server)) < 2; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(await connections(l.server), 2);
    const reason = new Error('user gave up');
    ac.abort(reason);
    await rejectsAborted(connecting, reason);
    for (let i = 0; i < 400 && l.closed() < 2; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(l.closed(), 2, "the attempt's two channels were closed");
    await client.close();
    l.server.close();
  });

  it('connect: of two connects to one peer, aborting one leaves the other waiting', async () => {
    const l = await silentListener();
    const client = newSession({ channels: 1, peerTimeoutMs: 60000 });
    client.loadRemoteConnInfo('silent', connInfoBlob([l.port], 1n));
    const first = new AbortController();
    const a = quiet(client.connect('silent', { signal: first.signal }));
    const b = quiet(client.connect('silent'));
    first.abort('first only');
    await rejectsAborted(a, 'first only');
    let settled = false;
    void b.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(settled, false, 'the second connect still waits');
    assert.equal(l.closed(), 0, 'its channel stays open');
    await client.close();
    await rejectsWith(b, 'ECANCELED');
    l.server.close();
  });

  it('connect and listen: a signal aborted before the call rejects at once and opens nothing', async () => {
    const l = await silentListener();
    const client = newSession({ channels: 1 });
    client.loadRemoteConnInfo('silent', connInfoBlob([l.port], 1n));
    const already = AbortSignal.abort();
    await rejectsAborted(client.connect('silent', { signal: already }), already.reason);
    await rejectsAborted(client.listen({ signal: already }), already.reason);
    // Nothing listens: accept says so.
    await rejectsWith(client.accept('x', { timeoutMs: 0 }), 'EINVAL');
    assert.equal(await connections(l.server), 0);
    // An unaborted signal changes nothing.
    const blob = await client.listen({ signal: new AbortController().signal });
    assert.equal(blob.length, 180);
    await client.close();
    l.server.close();
  });

  it('an ECANCELED not caused by the signal stays a HostwireError: close() during a connect with a signal', async () => {
    const l = await silentListener();
    const client = newSession({ channels: 1, peerTimeoutMs: 60000 });
    client.loadRemoteConnInfo('silent', connInfoBlob([l.port], 1n));
    const connecting = quiet(client.connect('silent', { signal: new AbortController().signal }));
    await client.close();
    await rejectsWith(connecting, 'ECANCELED');
    l.server.close();
  });
});

function connections(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((e, n) => (e ? reject(e) : resolve(n))));
}

/**
 * User streams through the WebSocket bridge (runtime/streams), end to end: an echo guest of
 * ours (test/guest/c/user_stream_echo.c, in the manner of SPEAR's
 * samples/wasm-c/user_stream_echo.c and tests/wasm_user_stream_echo_integration_tests.rs
 * test_wasm_user_stream_echo_roundtrip) runs on the native core with `streams`, and WebSocket
 * clients started here drive it as SPEAR's spearlet serves them (http_gateway.rs
 * user_stream_ws_loop; http_gateway_test.rs test_user_stream_ws_end_to_end): frames echoed on
 * several streams, the token, hostile frames, a client that vanishes.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import WebSocket from 'ws';
import { Guest, SsfV1WireHeaderCodec, type GuestResult, type StreamsInfo } from '../../runtime';
import { tokenMatches } from '../../runtime/streams';
import { buildGuest, lines, runCli, tmpDir } from '../guest/helpers';

/** An SSF v1 DATA frame (SPEAR's build_ssf_v1_frame with seq 1), encoded with the IDL's codec. */
function ssf(streamId: number, data: string, meta = '{}', seq = 1n): Buffer {
  const m = Buffer.from(meta);
  const d = Buffer.from(data);
  const header = SsfV1WireHeaderCodec.encode({ magic: 0x54535053, version: 1, header_len: 32, msg_type: 2, flags: 0, stream_id: streamId, seq, meta_len: m.length, data_len: d.length });
  return Buffer.concat([header, m, d]);
}

interface Echo {
  guest: Guest;
  info: StreamsInfo;
  log: string[];
  /** Resolves once the guest logged `line` (or a line matching it). */
  logged(line: string | RegExp): Promise<void>;
  result: Promise<GuestResult>;
}

async function startEcho(wasm: string): Promise<Echo> {
  const log: string[] = [];
  const waiters: { match: string | RegExp; resolve: () => void }[] = [];
  const matches = (l: string, m: string | RegExp): boolean => (typeof m === 'string' ? l === m : m.test(l));
  let listening!: (info: StreamsInfo) => void;
  const info = new Promise<StreamsInfo>((r) => (listening = r));
  const guest = await Guest.load(wasm, {
    streams: { host: '127.0.0.1', port: 0, onListening: (i) => listening(i) },
    onLog: (e) => {
      log.push(e.message);
      for (const w of [...waiters]) {
        if (matches(e.message, w.match)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    },
  });
  const result = guest.run();
  const logged = (line: string | RegExp): Promise<void> =>
    log.some((l) => matches(l, line)) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ match: line, resolve }));
  const i = await info;
  await logged('ready');
  return { guest, info: i, log, logged, result };
}

/** A connected client that collects the binary messages it receives. */
async function client(url: string, options: WebSocket.ClientOptions = {}): Promise<{ ws: WebSocket; got: Buffer[]; next(): Promise<Buffer>; closed: Promise<number> }> {
  const ws = new WebSocket(url, options);
  const got: Buffer[] = [];
  const waiting: ((b: Buffer) => void)[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    assert.equal(isBinary, true);
    const w = waiting.shift();
    if (w) w(data);
    else got.push(data);
  });
  const closed = new Promise<number>((r) => ws.on('close', (code: number) => r(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, got, next: () => (got.length > 0 ? Promise.resolve(got.shift()!) : new Promise<Buffer>((r) => waiting.push(r))), closed };
}

/** The HTTP status of a refused upgrade to `url`. */
function refusedStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res: http.IncomingMessage) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => undefined);
  });
}

describe('user streams: the WebSocket bridge (runtime/streams) with an echo guest', function () {
  this.timeout(60_000);
  let dir: string;
  let wasm: string;
  before(() => {
    dir = tmpDir('user-stream-bridge');
    wasm = buildGuest('user_stream_echo', dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('serves SPEAR\'s path for the running guest, with a 64-hex-digit token in the URL', async () => {
    const e = await startEcho(wasm);
    assert.equal(e.info.executionId, String(e.guest.instanceId));
    assert.equal(e.info.url, `ws://127.0.0.1:${e.info.port}/api/v1/executions/${e.info.executionId}/streams/ws?token=${e.info.token}`);
    assert.match(e.info.token, /^[0-9a-f]{64}$/);
    assert.deepEqual(e.guest.streams, e.info);
    const c = await client(e.info.url);
    c.ws.close();
    const r = await e.result;
    assert.equal(r.exitCode, 0);
    assert.equal(e.guest.streams, undefined);
  });

  it('echoes frames on several streams, each to its own stream, in order', async () => {
    const e = await startEcho(wasm);
    const c = await client(e.info.url);
    const sent: Buffer[] = [];
    for (const [sid, text] of [[1, 'hello'], [2, 'world'], [1, 'again'], [7, 'x'.repeat(1000)]] as const) {
      const f = ssf(sid, text);
      sent.push(f);
      c.ws.send(f);
      const back = await c.next();
      assert.deepEqual(back, f);
      assert.equal(SsfV1WireHeaderCodec.decode(back).stream_id, sid);
    }
    c.ws.close();
    const r = await e.result;
    assert.equal(r.exitCode, 0);
    assert.deepEqual(e.log, [
      'ready',
      'enospc ctl: -28',
      'connected 1',
      'enospc frame: -28 (need 39)',
      'echo 1 39',
      'connected 2',
      'echo 2 39',
      'echo 1 39',
      'connected 7',
      'echo 7 1034',
      'session closed',
      '1 write after close: -32',
      '1 read after close: -11',
      '2 write after close: -32',
      '2 read after close: -11',
      '7 write after close: -32',
      '7 read after close: -11',
    ]);
  });

  it('refuses a missing, wrong or near-miss token with 401 before any frame, and a wrong path with 404', async () => {
    const e = await startEcho(wasm);
    const base = e.info.endpoint;
    assert.equal(await refusedStatus(base), 401);
    assert.equal(await refusedStatus(`${base}?token=`), 401);
    assert.equal(await refusedStatus(`${base}?token=${'0'.repeat(64)}`), 401);
    assert.equal(await refusedStatus(`${base}?token=${e.info.token.slice(0, 63)}`), 401);
    assert.equal(await refusedStatus(`${base}?token=${e.info.token}0`), 401);
    assert.equal(await refusedStatus(base, { authorization: 'Bearer nope' }), 401);
    assert.equal(await refusedStatus(e.info.url.replace(`/executions/${e.info.executionId}/`, '/executions/999999/')), 404);
    assert.equal(await refusedStatus(e.info.url.replace('/streams/ws', '/streams/wss')), 404);
    // Nothing reached the guest: it still waits, and a client with the token is served.
    assert.deepEqual(e.log, ['ready']);
    const c = await client(base, { headers: { authorization: `Bearer ${e.info.token}` } });
    c.ws.send(ssf(3, 'ok'));
    assert.deepEqual(await c.next(), ssf(3, 'ok'));
    c.ws.close();
    assert.equal((await e.result).exitCode, 0);
  });

  it('compares tokens whole (tokenMatches)', () => {
    const t = 'ab'.repeat(32);
    assert.equal(tokenMatches(t, t), true);
    assert.equal(tokenMatches(t.slice(1), t), false);
    assert.equal(tokenMatches(`${t}a`, t), false);
    assert.equal(tokenMatches('', t), false);
    assert.equal(tokenMatches(undefined, t), false);
    assert.equal(tokenMatches(null, t), false);
  });

  for (const [what, frame] of [
    ['garbage', Buffer.from('not a frame at all')],
    ['a frame whose lengths do not add up', Buffer.concat([ssf(1, 'hello'), Buffer.from('x')])],
    ['a frame with a bad magic', Buffer.concat([Buffer.from('XPST'), ssf(1, 'hello').subarray(4)])],
    ['an oversized frame (256 KiB + 1 byte)', ssf(1, 'x'.repeat(256 * 1024 + 1 - 39 + 5))],
  ] as const) {
    it(`closes a client that sends ${what}; the session ends for every stream`, async () => {
      const e = await startEcho(wasm);
      const c = await client(e.info.url);
      c.ws.send(ssf(2, 'first'));
      assert.deepEqual(await c.next(), ssf(2, 'first'));
      c.ws.send(frame);
      const code = await c.closed;
      assert.equal(code, 1005); // a close frame without a code, as SPEAR's Message::Close(None)
      const r = await e.result;
      assert.equal(r.exitCode, 0);
      const oversized = frame.length > 256 * 1024;
      // With the oversized frame, stream 1 is connected and in Error for a moment before the
      // session closes: the guest may see its EPOLLERR first. Its open of stream 1 races the
      // close: opened before, the stream is closed with the session (write -EPIPE); opened
      // after, it starts a new session that has no client yet (write -ENOTCONN).
      const log = e.log.filter((l) => l !== 'err 1').map((l) => (l === '1 write after close: -107' ? '1 write after close: -32' : l));
      assert.deepEqual(log, [
        'ready',
        'enospc ctl: -28',
        'connected 2',
        'enospc frame: -28 (need 39)',
        'echo 2 39',
        ...(oversized ? ['connected 1'] : []),
        'session closed',
        '2 write after close: -32',
        '2 read after close: -11',
        ...(oversized ? ['1 write after close: -32', '1 read after close: -11'] : []),
      ]);
    });
  }

  it('ignores text messages and answers pings', async () => {
    const e = await startEcho(wasm);
    const c = await client(e.info.url);
    c.ws.send('text is ignored');
    const pong = new Promise<Buffer>((r) => c.ws.once('pong', (d: Buffer) => r(d)));
    c.ws.ping(Buffer.from('p1'));
    assert.deepEqual(await pong, Buffer.from('p1'));
    c.ws.send(ssf(4, 'after text'));
    assert.deepEqual(await c.next(), ssf(4, 'after text'));
    c.ws.close();
    await e.result;
    assert.deepEqual(e.log.slice(0, 5), ['ready', 'enospc ctl: -28', 'connected 4', 'enospc frame: -28 (need 44)', 'echo 4 44']);
  });

  it('queues a frame for a stream the guest has not opened for that stream only (SPEAR makes the channel on first use)', async () => {
    const e = await startEcho(wasm);
    const c = await client(e.info.url);
    c.ws.send(ssf(100, 'parked'));
    c.ws.send(ssf(5, 'five'));
    assert.deepEqual(await c.next(), ssf(5, 'five'));
    c.ws.close();
    await e.result;
    assert.deepEqual(e.log.slice(0, 5), ['ready', 'enospc ctl: -28', 'connected 5', 'enospc frame: -28 (need 38)', 'echo 5 38']);
    assert.equal(c.got.length, 0);
  });

  it('ends the session when the client vanishes mid-stream (no close frame)', async () => {
    const e = await startEcho(wasm);
    const c = await client(e.info.url);
    c.ws.send(ssf(1, 'one'));
    await c.next();
    // Nothing else in flight, so the guest's read after the close finds the queue empty
    // (a frame sent just before terminate() may or may not reach the host).
    c.ws.terminate();
    const r = await e.result;
    assert.equal(r.exitCode, 0);
    assert.equal(e.log.includes('session closed'), true);
    assert.deepEqual(e.log.slice(-2), ['1 write after close: -32', '1 read after close: -11']);
  });

  it('closes its clients when the guest ends', async () => {
    const e = await startEcho(wasm);
    const c = await client(e.info.url);
    c.ws.send(ssf(1, 'one'));
    await c.next();
    await e.guest.kill();
    assert.equal(await c.closed, 1005);
  });

  it('hostwire run --streams prints the URL with its token and serves it', async () => {
    let url: string | undefined;
    let ready!: () => void;
    const seenUrl = new Promise<void>((r) => (ready = r));
    const run = runCli(['run', '--streams', '127.0.0.1:0', wasm], {
      onStderr: (soFar) => {
        const m = /hostwire: user streams: (ws:\/\/\S+)\n/.exec(soFar);
        if (m && url === undefined && soFar.includes('[guest INFO] ready')) {
          url = m[1];
          ready();
        }
      },
    });
    await seenUrl;
    assert.match(url!, /^ws:\/\/127\.0\.0\.1:\d+\/api\/v1\/executions\/\d+\/streams\/ws\?token=[0-9a-f]{64}$/);
    assert.equal(await refusedStatus(url!.replace(/\?token=.*/, '')), 401);
    const c = await client(url!);
    c.ws.send(ssf(9, 'cli'));
    assert.deepEqual(await c.next(), ssf(9, 'cli'));
    c.ws.close();
    const r = await run;
    assert.equal(r.code, 0);
    assert.deepEqual(lines(r.stderr).filter((l) => l.startsWith('[guest')).slice(-3), ['[guest INFO] session closed', '[guest INFO] 9 write after close: -32', '[guest INFO] 9 read after close: -11']);
  });

  it('hostwire run --streams refuses a bad address', async () => {
    const r = await runCli(['run', '--streams', 'nohostport', wasm]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--streams needs HOST:PORT/);
  });
});

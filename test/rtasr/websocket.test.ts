/**
 * The realtime-ASR WebSocket transport end to end: a C guest (test/guest/c/rtasr_ws.c, after
 * SPEAR's host_api/tests.rs test_rtasr_websocket_transport_receives_events and
 * test_rtasr_websocket_flush_sends_commit) runs on the native core, the host's transport
 * (runtime/rtasr) talks to a local server started here, which speaks the OpenAI realtime
 * transcription protocol, then closes, fails, refuses or stalls.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { runGuest } from '../../runtime';
import { GuestRtasrService, realtimeWsUrl, sessionUpdate } from '../../runtime/rtasr';
import type { HostBridge } from '../../runtime/guest/bridge';
import { buildGuest, lines, runCli, tmpDir } from '../guest/helpers';

const COMMIT = '{"type":"input_audio_buffer.commit"}';
const DELTA = '{"type":"conversation.item.input_audio_transcription.delta","delta":"hello"}';
const COMPLETED = '{"type":"conversation.item.input_audio_transcription.completed","transcript":"hello"}';
const SESSION =
  '{"session":{"input_audio_format":"pcm16","input_audio_transcription":{"model":"m1"},' +
  '"turn_detection":{"prefix_padding_ms":300,"silence_duration_ms":500,"threshold":0.5,"type":"server_vad"}},"type":"session.update"}';

/** SPEAR's GET_STATUS line. */
function status(state: string, lastError: string | null, sendQueueBytes: number): string {
  const s = JSON.stringify({ dropped_events: 0, last_error: lastError, max_recv_queue_bytes: 1048576, max_send_queue_bytes: 1048576, recv_queue_bytes: 0, send_queue_bytes: sendQueueBytes, state });
  return `GET_STATUS: ${Buffer.byteLength(s)} ${s}`;
}

const PREFIX = ['SET_PARAM transport: 0', 'SET_PARAM model: 0', 'SET_PARAM ws_url (not used): 0', 'ADD: 0', 'CONNECT: 0', 'write abc: 3', 'FLUSH: 0'];

interface Seen {
  url?: string;
  authorization?: string;
  beta?: string;
  messages: string[];
}

/** A realtime server: records what it receives; `onCommit` acts once the commit arrived. */
async function realtimeServer(onCommit: (ws: WebSocket) => void): Promise<{ port: number; seen: Seen; close(): Promise<void> }> {
  const seen: Seen = { messages: [] };
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (ws, req) => {
    seen.url = req.url;
    seen.authorization = req.headers.authorization;
    seen.beta = req.headers['openai-beta'] as string | undefined;
    ws.on('message', (data) => {
      const text = String(data);
      seen.messages.push(text);
      if (text === COMMIT) onCommit(ws);
    });
  });
  return {
    port: (wss.address() as AddressInfo).port,
    seen,
    close: () => new Promise<void>((r) => wss.close(() => r())),
  };
}

describe('rtasr: the WebSocket transport (runtime/rtasr) against a local realtime server', () => {
  let dir: string;
  let guest: string;
  before(() => {
    dir = tmpDir('rtasr-ws');
    guest = buildGuest('rtasr_ws', dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function run(port: number, connectTimeoutMs = 20000): Promise<string[]> {
    const r = await runGuest(guest, { stdout: 'pipe', realtimeAsr: { baseUrl: `http://127.0.0.1:${port}`, apiKey: 'test-key', connectTimeoutMs } });
    assert.equal(r.exitCode, 0, r.stderr);
    return lines(r.stdout);
  }

  it('sends session.update, the audio as base64 and the commit; every server message is an event; a close frame is EPOLLHUP', async () => {
    const server = await realtimeServer((ws) => {
      ws.send(DELTA);
      ws.send(COMPLETED);
      ws.send(Buffer.from('{"type":"binary"}'), { binary: true });
      ws.close(1000);
    });
    try {
      const out = await run(server.port);
      assert.deepEqual(out, [
        ...PREFIX,
        `event: ${DELTA}`,
        `event: ${COMPLETED}`,
        'event: {"type":"binary"}',
        'events: 0x10',
        'read at the end: -11',
        status('Connected', null, 0),
        'write at the end: 3',
        'close: 0',
      ]);
      assert.equal(server.seen.url, '/v1/realtime?model=gpt-realtime');
      assert.equal(server.seen.authorization, 'Bearer test-key');
      assert.equal(server.seen.beta, 'realtime=v1');
      assert.deepEqual(server.seen.messages, [SESSION, '{"audio":"YWJj","type":"input_audio_buffer.append"}', COMMIT]);
    } finally {
      await server.close();
    }
  });

  it('hostwire run --rtasr-url: the backend and its key ($HOSTWIRE_RTASR_API_KEY) come from the host', async () => {
    const server = await realtimeServer((ws) => {
      ws.send(DELTA);
      ws.close(1000);
    });
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, HOSTWIRE_RTASR_API_KEY: 'cli-key' };
      delete env.HOSTWIRE_RTASR_URL;
      const r = await runCli(['run', '--rtasr-url', `http://127.0.0.1:${server.port}/v1`, guest], { env, timeoutMs: 30000 });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(lines(r.stdout), [...PREFIX, `event: ${DELTA}`, 'events: 0x10', 'read at the end: -11', status('Connected', null, 0), 'write at the end: 3', 'close: 0']);
      assert.equal(server.seen.authorization, 'Bearer cli-key');
      assert.equal(server.seen.url, '/v1/realtime?model=gpt-realtime');
    } finally {
      await server.close();
    }
  });

  it('a server error event reaches the guest; a connection dropped without a close frame is Error "websocket closed"', async () => {
    const error = '{"type":"error","error":{"message":"bad audio"}}';
    const server = await realtimeServer((ws) => {
      ws.send(error, () => setTimeout(() => ws.terminate(), 20));
    });
    try {
      const out = await run(server.port);
      assert.deepEqual(out, [...PREFIX, `event: ${error}`, 'events: 0x8', 'read at the end: -11', status('Error', 'websocket closed', 0), 'write at the end: -5', 'close: 0']);
    } finally {
      await server.close();
    }
  });

  it('a refused handshake is Error "websocket connect failed: ..."; the queued audio and commit stay queued', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(401);
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const out = await run((server.address() as AddressInfo).port);
      assert.deepEqual(out, [
        ...PREFIX,
        'events: 0x8',
        'read at the end: -11',
        status('Error', 'websocket connect failed: Unexpected server response: 401', 3 + COMMIT.length),
        'write at the end: -5',
        'close: 0',
      ]);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('a server that never answers the handshake is Error "websocket connect timed out"', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const out = await run((server.address() as AddressInfo).port, 200);
      assert.deepEqual(out, [...PREFIX, 'events: 0x8', 'read at the end: -11', status('Error', 'websocket connect timed out', 3 + COMMIT.length), 'write at the end: -5', 'close: 0']);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('rtasr: the host side of the transport', () => {
  it('the realtime URL of an API root, as SPEAR derives it', () => {
    assert.equal(realtimeWsUrl('https://api.openai.com/v1'), 'wss://api.openai.com/v1/realtime?model=gpt-realtime');
    assert.equal(realtimeWsUrl('http://127.0.0.1:8080'), 'ws://127.0.0.1:8080/v1/realtime?model=gpt-realtime');
    assert.equal(realtimeWsUrl('ws://h/x/'), 'ws://h/x/v1/realtime?model=gpt-realtime');
    assert.throws(() => realtimeWsUrl('ftp://h'), /unsupported base_url scheme: ftp/);
  });

  it('session.update: the model (default gpt-4o-mini-transcribe) and turn_detection, keys sorted', () => {
    assert.equal(
      sessionUpdate({ model: null, turn_detection: null }),
      '{"session":{"input_audio_format":"pcm16","input_audio_transcription":{"model":"gpt-4o-mini-transcribe"},"turn_detection":null},"type":"session.update"}',
    );
  });

  it('without a realtime backend, a "websocket" stream gets the stub (rtasrAttach false)', () => {
    const attached: [number, number, boolean][] = [];
    let connects = [{ fd: 1003, config: '{"model":null,"turn_detection":null}' }];
    const bridge = {
      rtasrConnects: () => {
        const c = connects;
        connects = [];
        return c;
      },
      rtasrAttach: (id: number, fd: number, external: boolean) => {
        attached.push([id, fd, external]);
        return 0;
      },
    } as unknown as HostBridge;
    const service = new GuestRtasrService(bridge, undefined, 7);
    try {
      service.tick();
      service.tick();
      assert.deepEqual(attached, [[7, 1003, false]]);
    } finally {
      service.close();
    }
  });
});

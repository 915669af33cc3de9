/**
 * One realtime-ASR stream's WebSocket connection, speaking the OpenAI realtime transcription
 * protocol as SPEAR's host_api/rtasr/websocket.rs does: after the handshake a `session.update`
 * (input_audio_format pcm16, the transcription model, turn_detection from the stream's
 * segmentation); then every send-queue item in order: audio as
 * `{"audio":"<base64>","type":"input_audio_buffer.append"}`, client events (SEND_EVENT, FLUSH's
 * commit, CLEAR's clear) as queued. Every text or binary message from the server becomes one
 * event of the stream. Failures reach the guest as SPEAR's: the state Error with last_error
 * "websocket connect failed: ...", "websocket connect timed out", "websocket read failed: ...",
 * "websocket send failed: ..." or "websocket closed" (the connection ended without a close
 * frame); a close frame from the server is EPOLLHUP.
 */
import WebSocket from 'ws';
import type { HostBridge } from '../guest/bridge';
import { DEFAULT_RTASR_CONNECT_TIMEOUT_MS, DEFAULT_RTASR_MODEL, realtimeWsUrl, type RealtimeAsrConfig } from './config';

/** What the core gives the transport at CONNECT (RtAsrStream::transport_config). */
export interface RtasrTransportConfig {
  model: string | null;
  turn_detection: unknown;
}

/** JSON text with every object's keys sorted, as serde_json writes a Value. */
export function sortedJson(v: unknown): string {
  const sort = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sort);
    if (x !== null && typeof x === 'object') {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(x).sort()) o[k] = sort((x as Record<string, unknown>)[k]);
      return o;
    }
    return x;
  };
  return JSON.stringify(sort(v));
}

/** The session.update the connection starts with. */
export function sessionUpdate(config: RtasrTransportConfig): string {
  return sortedJson({
    type: 'session.update',
    session: {
      input_audio_format: 'pcm16',
      input_audio_transcription: { model: config.model ?? DEFAULT_RTASR_MODEL },
      turn_detection: config.turn_detection ?? null,
    },
  });
}

/** Items taken from the send queue per pump. */
const TAKE_ITEMS = 64;
/** Stop taking while the socket has this much unsent (the send queue stays full: EPOLLOUT clears). */
const MAX_BUFFERED_BYTES = 1 << 20;

export class RtasrConnection {
  private ws: WebSocket | undefined;
  private open = false;
  private done = false;

  constructor(
    private readonly bridge: HostBridge,
    private readonly instanceId: number,
    readonly fd: number,
    private readonly host: RealtimeAsrConfig,
    private readonly config: RtasrTransportConfig,
  ) {}

  /** Whether it has ended (failed, closed, or the fd is gone). */
  get ended(): boolean {
    return this.done;
  }

  start(): void {
    let url: string;
    try {
      url = realtimeWsUrl(this.host.baseUrl);
    } catch (e) {
      this.fail(e instanceof Error ? e.message : String(e));
      return;
    }
    const headers: Record<string, string> = { 'OpenAI-Beta': 'realtime=v1' };
    if (this.host.apiKey) headers.authorization = `Bearer ${this.host.apiKey}`;
    const ws = new WebSocket(url, { headers, handshakeTimeout: this.host.connectTimeoutMs ?? DEFAULT_RTASR_CONNECT_TIMEOUT_MS });
    this.ws = ws;
    ws.on('open', () => {
      this.open = true;
      ws.send(sessionUpdate(this.config), (err) => {
        if (err) this.fail(`websocket send failed: ${err.message}`);
      });
      this.pump();
    });
    ws.on('message', (data: WebSocket.RawData) => {
      if (this.done) return;
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (this.bridge.rtasrPush(this.instanceId, this.fd, bytes) < 0) this.stop();
    });
    ws.on('error', (err: Error) => {
      if (this.done) return;
      const timedOut = /timed out|timeout/i.test(err.message);
      if (!this.open) this.fail(timedOut ? 'websocket connect timed out' : `websocket connect failed: ${err.message}`);
      else this.fail(`websocket read failed: ${err.message}`);
    });
    ws.on('close', (code: number) => {
      if (this.done) return;
      if (!this.open) {
        this.fail('websocket connect failed: the connection closed');
      } else if (code === 1006) {
        this.fail('websocket closed'); // ended without a close frame
      } else {
        this.done = true;
        this.bridge.rtasrHangup(this.instanceId, this.fd);
      }
    });
  }

  /** Take what the guest queued and send it (called every few milliseconds). */
  pump(): void {
    const ws = this.ws;
    if (this.done || !this.open || ws === undefined || ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount >= MAX_BUFFERED_BYTES) return;
    const items = this.bridge.rtasrTake(this.instanceId, this.fd, TAKE_ITEMS);
    if (items === null) {
      this.stop();
      return;
    }
    for (const it of items) {
      const text = it.audio ? sortedJson({ type: 'input_audio_buffer.append', audio: Buffer.from(it.data).toString('base64') }) : Buffer.from(it.data).toString('utf8');
      ws.send(text, (err) => {
        if (err) this.fail(`websocket send failed: ${err.message}`);
      });
    }
  }

  /** The guest or the host is done with it: close quietly. */
  stop(): void {
    if (this.done) return;
    this.done = true;
    this.ws?.terminate();
  }

  private fail(message: string): void {
    if (this.done) return;
    this.done = true;
    this.bridge.rtasrFail(this.instanceId, this.fd, message);
    this.ws?.terminate();
  }
}

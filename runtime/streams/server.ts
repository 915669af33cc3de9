/**
 * The user-stream bridge of one running guest: a WebSocket endpoint at SPEAR's path,
 * `/api/v1/executions/{execution_id}/streams/ws` (the execution id is the guest's instance id),
 * as SPEAR's spearlet serves it (http_gateway.rs, user_stream_ws_loop):
 *
 * - Each binary message from a client is one SSF frame for the guest (`streamPush`): it marks
 *   its stream connected and waits in the stream's inbound queue. Text messages are ignored.
 *   A frame the core refuses (not SSF v1, longer than 256 KiB, its inbound queue full, or the
 *   guest has no session yet) closes that client with a close frame, which ends the session.
 * - Frames the guest wrote are sent as they are queued (polled every STREAMS_POLL_MS while a
 *   client is connected), each as one binary message, to the oldest connected client. A
 *   client whose socket holds more than MAX_BUFFERED_BYTES unsent gets nothing more until it
 *   drains: the frames stay queued and the guest's writes meet -EAGAIN.
 * - Pings are answered with pongs.
 * - When a client closes or vanishes, the session ends (`streamClose`): every stream closes
 *   (EPOLLHUP, writes -EPIPE) and every control fd gets SESSION_CLOSED; the other clients are
 *   closed too, as SPEAR's loops close theirs once the execution's hub is gone. The guest's
 *   next open starts a new session.
 * - When the guest ends, its session ends and every client gets a close frame.
 *
 * Not open to anyone: the upgrade must carry the execution's token (`?token=...`, or
 * `Authorization: Bearer ...`), a random 256-bit value made for each run and compared in
 * constant time; without it the request is answered 401 and no WebSocket is made, so no frame
 * is ever read from it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import type { HostBridge } from '../guest/bridge';

/** How often queued outbound frames are collected while a client is connected. */
export const STREAMS_POLL_MS = 2;
/** Unsent bytes on a client's socket past which no more frames are taken for it. */
export const MAX_BUFFERED_BYTES = 1 << 20;
/** The largest WebSocket message read (SPEAR's server default); longer ones close the client. */
export const MAX_MESSAGE_BYTES = 64 << 20;
/** The subprotocol SPEAR's design names; selected when a client offers it. */
export const STREAM_SUBPROTOCOL = 'spear.stream.v1';

/** Where to serve a guest's user streams (`Guest.load` option `streams`). */
export interface StreamsOptions {
  /** The address to listen on; 127.0.0.1 by default. */
  host?: string;
  /** The port; 0 (the default) picks a free one. */
  port?: number;
  /** Called once the endpoint serves the running guest, with its URL and token. */
  onListening?: (info: StreamsInfo) => void;
}

/** The endpoint of a running guest's user streams. */
export interface StreamsInfo {
  /** The full URL, token included. */
  url: string;
  /** The URL without the token. */
  endpoint: string;
  /** The execution's token. */
  token: string;
  /** The execution id in the path (the guest's instance id). */
  executionId: string;
  host: string;
  port: number;
}

/** The path of execution `executionId`'s endpoint. */
export function streamsPath(executionId: string): string {
  return `/api/v1/executions/${encodeURIComponent(executionId)}/streams/ws`;
}

const PATH = /^\/api\/v1\/executions\/([^/]+)\/streams\/ws$/;

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Whether `given` is `token`, in time independent of where they differ (and of `given`'s length). */
export function tokenMatches(given: string | undefined | null, token: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  return timingSafeEqual(digest(given), digest(token));
}

function refuse(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  socket.on('error', () => undefined);
  setTimeout(() => socket.destroy(), 100).unref();
}

interface Client {
  ws: WebSocket;
  /** The guest had a session while this client was connected (SPEAR's had_hub). */
  hadSession: boolean;
}

export class GuestStreamServer {
  readonly token: string;
  private readonly server: http.Server;
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<Client>();
  private timer: NodeJS.Timeout | undefined;
  private bridge: HostBridge | undefined;
  private instanceId: number | undefined;
  private closed = false;
  private listening: Promise<AddressInfo>;

  constructor(private readonly options: StreamsOptions = {}) {
    this.token = randomBytes(32).toString('hex');
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_MESSAGE_BYTES,
      perMessageDeflate: false,
      handleProtocols: (protocols) => (protocols.has(STREAM_SUBPROTOCOL) ? STREAM_SUBPROTOCOL : false),
    });
    this.server = http.createServer((_req, res) => {
      res.writeHead(426, { 'Content-Type': 'text/plain', Connection: 'close' });
      res.end('Upgrade Required\n');
    });
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    this.server.on('clientError', (_err, socket) => socket.destroy());
    this.listening = new Promise<AddressInfo>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        this.server.removeListener('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
    this.listening.catch(() => undefined);
  }

  /** Resolves once the server listens (rejects when it cannot: the port is taken, ...). */
  async ready(): Promise<AddressInfo> {
    return this.listening;
  }

  /** The guest runs as instance `instanceId`: serve it; resolves with the endpoint (onListening is called). */
  async attach(bridge: HostBridge, instanceId: number): Promise<StreamsInfo> {
    this.bridge = bridge;
    this.instanceId = instanceId;
    const addr = await this.listening;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    const executionId = String(instanceId);
    const endpoint = `ws://${host}:${addr.port}${streamsPath(executionId)}`;
    const info: StreamsInfo = { url: `${endpoint}?token=${this.token}`, endpoint, token: this.token, executionId, host: addr.address, port: addr.port };
    this.options.onListening?.(info);
    return info;
  }

  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.closed) return refuse(socket, 503, 'Service Unavailable');
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return refuse(socket, 400, 'Bad Request');
    }
    const m = PATH.exec(url.pathname);
    let id: string | undefined;
    try {
      id = m ? decodeURIComponent(m[1]) : undefined;
    } catch {
      id = undefined;
    }
    if (id === undefined || this.instanceId === undefined || id !== String(this.instanceId)) return refuse(socket, 404, 'Not Found');
    const auth = req.headers.authorization;
    const bearer = typeof auth === 'string' && /^Bearer /i.test(auth) ? auth.slice(7).trim() : undefined;
    if (!tokenMatches(url.searchParams.get('token') ?? bearer, this.token)) return refuse(socket, 401, 'Unauthorized');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws));
  }

  private connected(ws: WebSocket): void {
    if (this.closed) {
      ws.close();
      return;
    }
    const client: Client = { ws, hadSession: false };
    this.clients.add(client);
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (!this.clients.has(client) || !isBinary) return;
      const frame = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      const rc = this.bridge!.streamPush(this.instanceId!, frame);
      if (rc < 0) this.drop(client, true);
      else client.hadSession = true;
    });
    ws.on('close', () => this.drop(client, false));
    ws.on('error', () => this.drop(client, false));
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.tick(), STREAMS_POLL_MS);
      this.timer.unref();
    }
    this.tick();
  }

  /** A client ends (it closed, vanished, or sent a frame the core refused): the session ends. */
  private drop(client: Client, sendClose: boolean): void {
    if (!this.clients.delete(client)) return;
    if (sendClose) {
      client.ws.close();
      setTimeout(() => client.ws.terminate(), 1000).unref();
    }
    if (this.bridge !== undefined && this.instanceId !== undefined) this.bridge.streamClose(this.instanceId);
    this.tick();
    if (this.clients.size === 0) this.stopTimer();
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Move the guest's queued frames to a client; close the clients of a session that ended. */
  tick(): void {
    if (this.bridge === undefined || this.instanceId === undefined || this.clients.size === 0) return;
    let target: Client | undefined;
    for (const c of this.clients) {
      if (c.ws.readyState === WebSocket.OPEN) {
        target = c;
        break;
      }
    }
    const budget = target === undefined ? 0 : MAX_BUFFERED_BYTES - target.ws.bufferedAmount;
    const frames = budget > 0 ? this.bridge.streamTake(this.instanceId, budget) : [];
    if (frames === null) {
      for (const c of [...this.clients]) {
        if (!c.hadSession) continue;
        this.clients.delete(c);
        c.ws.close();
        setTimeout(() => c.ws.terminate(), 1000).unref();
      }
      if (this.clients.size === 0) this.stopTimer();
      return;
    }
    for (const c of this.clients) c.hadSession = true;
    for (const f of frames) target!.ws.send(f, { binary: true });
  }

  /** The guest ended: its session ends, every client gets a close frame, the server stops. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopTimer();
    if (this.bridge !== undefined && this.instanceId !== undefined) {
      this.tick();
      this.bridge.streamClose(this.instanceId);
    }
    for (const c of this.clients) {
      c.ws.close();
      setTimeout(() => c.ws.terminate(), 1000).unref();
    }
    this.clients.clear();
    this.wss.close(() => undefined);
    this.server.close(() => undefined);
    this.server.closeAllConnections();
  }
}

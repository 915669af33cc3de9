/** A local OpenAI-compatible chat-completions server (node:http on 127.0.0.1:0) for the backend tests. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (undefined when it was not JSON). */
  body: unknown;
}

/** Answers one request; `req.body` is already parsed. */
export type Handler = (req: SeenRequest, res: http.ServerResponse) => void;

export interface FakeServer {
  /** `http://127.0.0.1:PORT/v1`. */
  baseUrl: string;
  /** Every request received, in order. */
  seen: SeenRequest[];
  /** The handler for the next requests. */
  handle(h: Handler): void;
  close(): Promise<void>;
}

export function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** A minimal well-formed chat completion with `message` as the first choice's message. */
export function completion(message: Record<string, unknown>, finishReason = 'stop', model = 'served-model'): Record<string, unknown> {
  return {
    id: 'chatcmpl-local',
    object: 'chat.completion',
    created: 1700000000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason }],
    usage: { prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 },
  };
}

export async function startFakeServer(): Promise<FakeServer> {
  let handler: Handler = (_req, res) => sendJson(res, 500, { error: { message: 'no handler' } });
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const r: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(r);
      handler(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    seen,
    handle(h: Handler) {
      handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function unusedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * The host's realtime-ASR backend: an OpenAI-compatible realtime endpoint. Configured by the
 * host only (`GuestOptions.realtimeAsr`, `hostwire run --rtasr-url`); a guest's `ws_url` and
 * `client_secret` parameters are not used.
 */
export interface RealtimeAsrConfig {
  /** The API root (`https://api.openai.com/v1`, `http://127.0.0.1:8080`, or a ws:/wss: URL). */
  baseUrl: string;
  /** Sent as `authorization: Bearer <key>` when given. */
  apiKey?: string;
  /** How long the WebSocket handshake may take (default 20000 ms, as SPEAR). */
  connectTimeoutMs?: number;
}

/** The default transcription model of the session (SPEAR's openai_realtime_ws). */
export const DEFAULT_RTASR_MODEL = 'gpt-4o-mini-transcribe';

/** The default handshake timeout. */
export const DEFAULT_RTASR_CONNECT_TIMEOUT_MS = 20000;

/**
 * The realtime WebSocket URL of an API root, as SPEAR derives it: http(s) becomes ws(s), the
 * path ends in `/v1/realtime`, the query is `model=gpt-realtime`. Throws on another scheme or
 * a URL that does not parse.
 */
export function realtimeWsUrl(baseUrl: string): string {
  const u = new URL(baseUrl);
  const schemes: Record<string, string> = { 'https:': 'wss:', 'http:': 'ws:', 'wss:': 'wss:', 'ws:': 'ws:' };
  const scheme = schemes[u.protocol];
  if (scheme === undefined) throw new Error(`unsupported base_url scheme: ${u.protocol.replace(/:$/, '')}`);
  let path = u.pathname.replace(/\/+$/, '');
  if (!path.endsWith('/v1')) path = `${path}/v1`;
  return `${scheme}//${u.host}${path}/realtime?model=gpt-realtime`;
}

/**
 * How an OpenAI-compatible backend's failures map to errno:
 *
 * | failure | errno |
 * |---|---|
 * | `timeout_ms` elapsed, connect timeout, HTTP 408 | ETIMEDOUT |
 * | the caller's signal aborted | ECANCELED |
 * | connection refused or reset, DNS failure, socket closed, any other network error | ECONNRESET |
 * | HTTP 401, 403 | EPERM |
 * | HTTP 400, 404, 422 and other 4xx | EINVAL |
 * | HTTP 429, 5xx | EIO |
 * | a redirect (not followed), another status, a body that is not JSON or not a chat completion, a body over the size cap | EPROTO |
 */
import { ChatError } from './errors';
import type { ErrnoName } from '../../generated/ts/errno';
import { isJsonObject } from './json';

/** Network-level codes (Node, undici) that mean "the connection timed out". */
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** The errno for an HTTP status that is not 2xx. */
export function errnoForStatus(status: number): ErrnoName {
  if (status === 401 || status === 403) return 'EPERM';
  if (status === 408) return 'ETIMEDOUT';
  if (status === 429 || status >= 500) return 'EIO';
  if (status >= 400) return 'EINVAL';
  return 'EPROTO';
}

/** The first `code` string along `e`'s cause chain (`ECONNREFUSED`, `UND_ERR_SOCKET`, ...). */
export function networkCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur instanceof Error && depth < 8; cur = cur.cause, depth++) {
    const code = (cur as Error & { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * The `ChatError` for a `fetch` (or body read) that threw. `combined` is the signal the
 * request ran under; its `reason` tells a timeout from a cancellation.
 */
export function transportError(
  e: unknown,
  where: string,
  combined: AbortSignal,
  timeout: AbortSignal | undefined,
  timeoutMs: number | undefined,
): ChatError {
  if (e instanceof ChatError) return e;
  if (combined.aborted) {
    const reason: unknown = combined.reason;
    const timedOut = (timeout !== undefined && reason === timeout.reason) || (reason instanceof Error && reason.name === 'TimeoutError');
    return timedOut
      ? new ChatError('ETIMEDOUT', `${where}: no answer within ${timeoutMs !== undefined ? `${timeoutMs} ms` : 'the timeout'}`)
      : new ChatError('ECANCELED', `${where}: request cancelled`);
  }
  const code = networkCode(e);
  if (code !== undefined && TIMEOUT_CODES.has(code)) return new ChatError('ETIMEDOUT', `${where}: connection timed out (${code})`);
  return new ChatError('ECONNRESET', `${where}: connection failed (${code ?? 'network error'})`);
}

/** The error text an OpenAI-style error body carries (`{"error": {"message": ...}}`), shortened. */
export function errorBodyMessage(body: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isJsonObject(json)) return undefined;
  const err = json.error;
  const msg = isJsonObject(err) ? err.message : typeof err === 'string' ? err : json.message;
  if (typeof msg !== 'string' || msg.length === 0) return undefined;
  return msg.length > 200 ? `${msg.slice(0, 200)}...` : msg;
}

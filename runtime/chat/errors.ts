/** `ChatError`: how every chat service fails, with an errno the guest will see. */
import { Errno, errnoName, HostwireError, type ErrnoName } from '../../generated/ts/errno';
import type { ChatRunMetrics } from './metrics';

/**
 * A failed chat request. `code` is the errno name (`'ETIMEDOUT'`), `errno` the negative
 * number (`-110`) that `cchat_recv` returns to the guest. Messages never contain the
 * backend's API key.
 */
export class ChatError extends HostwireError {
  declare readonly code: ErrnoName;
  /** What `runChat` had done before it failed (set only on errors thrown by `runChat`). */
  metrics?: ChatRunMetrics;

  constructor(code: ErrnoName, message: string) {
    super(-Errno[code], message);
    this.name = 'ChatError';
  }
}

/**
 * `e` as a `ChatError`: itself, or one with the same `code` when `e` carries an errno name
 * of the table (a `HostwireError`, a Node system error such as ECONNRESET), else `EIO`.
 */
export function toChatError(e: unknown, context: string): ChatError {
  if (e instanceof ChatError) return e;
  const code = e instanceof Error ? (e as Error & { code?: unknown }).code : undefined;
  const name = typeof code === 'string' && code in Errno ? (code as ErrnoName) : 'EIO';
  let message = e instanceof Error ? e.message : String(e);
  if (message.startsWith(`${name}: `)) message = message.slice(name.length + 2);
  return new ChatError(name, `${context}: ${message}`);
}

/** The errno name of a hostcall-style return code (`-22` → `'EINVAL'`), if it has one. */
export function errnoNameOf(rc: number): ErrnoName | undefined {
  return rc < 0 ? errnoName(rc) : undefined;
}

// Generated from the IDL by `hostwire generate` (codegen/emit/ts). Do not edit: change idl/*.yaml and regenerate.
/** Errno codes of the ABI and the error class that carries them. */

/** Linux errno numbers, by name. A hostcall returns `-errno` on failure. */
export const Errno = {
  /** Operation not permitted by the host's policy. */
  EPERM: 1,
  /** No such entry: an unknown peer, stream or file. */
  ENOENT: 2,
  /** The wait was interrupted before anything was ready. */
  EINTR: 4,
  /** An internal or backend failure. */
  EIO: 5,
  /** The fd was never opened in this instance, is closed, or is the wrong kind for the call. */
  EBADF: 9,
  /** Not ready, and the fd is O_NONBLOCK: try again later. */
  EAGAIN: 11,
  /** The host could not allocate what the call needs. */
  ENOMEM: 12,
  /** Refused by the host's policy (SPEAR's MCP rules: a `mcp.task_*` chat param, enabling MCP or selecting a server the policy does not allow), or a one-sided transfer named a region with the wrong key. */
  EACCES: 13,
  /** A pointer range lies outside the guest's linear memory, or a one-sided transfer's range outside the peer's region. */
  EFAULT: 14,
  /** The resource is in use by an active operation. */
  EBUSY: 16,
  /** The entry already exists (tag already in flight). */
  EEXIST: 17,
  /** An argument is invalid (unknown command, malformed JSON, bad op). */
  EINVAL: 22,
  /** Too many fds open in this instance (a host limit; close some first). */
  EMFILE: 24,
  /** The output buffer is too small: the needed length was written back. */
  ENOSPC: 28,
  /** The other end of the stream is closed. */
  EPIPE: 32,
  /** The call is declared by the ABI but not implemented by this host. */
  ENOSYS: 38,
  /** The peer broke the wire protocol. */
  EPROTO: 71,
  /** The message is larger than the buffer posted for it. */
  EMSGSIZE: 90,
  /** The peer or backend connection was lost. */
  ECONNRESET: 104,
  /** The stream or session is not connected. */
  ENOTCONN: 107,
  /** The operation did not finish within its timeout. */
  ETIMEDOUT: 110,
  /** Nothing listens at the peer's address. */
  ECONNREFUSED: 111,
  /** No route to the peer's address. */
  EHOSTUNREACH: 113,
  /** A one-sided transfer named a region the peer does not have registered (deregistered, or never registered). */
  ESTALE: 116,
  /** The operation was cancelled. */
  ECANCELED: 125,
} as const;

/** The name of an errno code (`'EBADF'`). */
export type ErrnoName = keyof typeof Errno;

/** An errno number of the table (positive). */
export type ErrnoValue = (typeof Errno)[ErrnoName];

/**
 * The name of an errno number, given positive or negative (as a hostcall returns it).
 * @param n The errno (`9` or `-9`).
 * @returns The name (`'EBADF'`), or `undefined` for a number outside the table.
 */
export function errnoName(n: number): ErrnoName | undefined {
  switch (n < 0 ? -n : n) {
    case 1:
      return 'EPERM';
    case 2:
      return 'ENOENT';
    case 4:
      return 'EINTR';
    case 5:
      return 'EIO';
    case 9:
      return 'EBADF';
    case 11:
      return 'EAGAIN';
    case 12:
      return 'ENOMEM';
    case 13:
      return 'EACCES';
    case 14:
      return 'EFAULT';
    case 16:
      return 'EBUSY';
    case 17:
      return 'EEXIST';
    case 22:
      return 'EINVAL';
    case 24:
      return 'EMFILE';
    case 28:
      return 'ENOSPC';
    case 32:
      return 'EPIPE';
    case 38:
      return 'ENOSYS';
    case 71:
      return 'EPROTO';
    case 90:
      return 'EMSGSIZE';
    case 104:
      return 'ECONNRESET';
    case 107:
      return 'ENOTCONN';
    case 110:
      return 'ETIMEDOUT';
    case 111:
      return 'ECONNREFUSED';
    case 113:
      return 'EHOSTUNREACH';
    case 116:
      return 'ESTALE';
    case 125:
      return 'ECANCELED';
    default:
      return undefined;
  }
}

/** What each errno means in this ABI, in one line. */
export const errnoDoc: { readonly [K in ErrnoName]: string } = {
  EPERM: 'Operation not permitted by the host\'s policy.',
  ENOENT: 'No such entry: an unknown peer, stream or file.',
  EINTR: 'The wait was interrupted before anything was ready.',
  EIO: 'An internal or backend failure.',
  EBADF: 'The fd was never opened in this instance, is closed, or is the wrong kind for the call.',
  EAGAIN: 'Not ready, and the fd is O_NONBLOCK: try again later.',
  ENOMEM: 'The host could not allocate what the call needs.',
  EACCES: 'Refused by the host\'s policy (SPEAR\'s MCP rules: a `mcp.task_*` chat param, enabling MCP or selecting a server the policy does not allow), or a one-sided transfer named a region with the wrong key.',
  EFAULT: 'A pointer range lies outside the guest\'s linear memory, or a one-sided transfer\'s range outside the peer\'s region.',
  EBUSY: 'The resource is in use by an active operation.',
  EEXIST: 'The entry already exists (tag already in flight).',
  EINVAL: 'An argument is invalid (unknown command, malformed JSON, bad op).',
  EMFILE: 'Too many fds open in this instance (a host limit; close some first).',
  ENOSPC: 'The output buffer is too small: the needed length was written back.',
  EPIPE: 'The other end of the stream is closed.',
  ENOSYS: 'The call is declared by the ABI but not implemented by this host.',
  EPROTO: 'The peer broke the wire protocol.',
  EMSGSIZE: 'The message is larger than the buffer posted for it.',
  ECONNRESET: 'The peer or backend connection was lost.',
  ENOTCONN: 'The stream or session is not connected.',
  ETIMEDOUT: 'The operation did not finish within its timeout.',
  ECONNREFUSED: 'Nothing listens at the peer\'s address.',
  EHOSTUNREACH: 'No route to the peer\'s address.',
  ESTALE: 'A one-sided transfer named a region the peer does not have registered (deregistered, or never registered).',
  ECANCELED: 'The operation was cancelled.',
};

/** An error carrying an errno, like Node's system errors: `code` (`'EBADF'`) and `errno` (`-9`). */
export class HostwireError extends Error {
  /** The errno's name, or `'UNKNOWN'` for a number outside the table. */
  readonly code: ErrnoName | 'UNKNOWN';
  /** The errno, negative (`-9`), as a hostcall returns it. */
  readonly errno: number;

  /**
   * An error for `errno`; the message starts with its code.
   * @param errno The errno, positive or negative (`9` and `-9` are both EBADF).
   * @param message What failed; the errno's meaning when absent.
   */
  constructor(errno: number, message?: string) {
    const magnitude = Math.abs(errno);
    const code = errnoName(magnitude) ?? 'UNKNOWN';
    super(`${code}: ${message ?? (code === 'UNKNOWN' ? `unknown errno ${magnitude}` : errnoDoc[code])}`);
    this.name = 'HostwireError';
    this.code = code;
    this.errno = magnitude === 0 ? 0 : -magnitude;
  }
}

/**
 * Whether `e` is a `HostwireError`, or any `Error` whose `code` and negative `errno` name the same
 * errno of the table (as the native addon throws them).
 * @param e Anything caught.
 */
export function isHostwireError(e: unknown): e is HostwireError {
  if (e instanceof HostwireError) return true;
  if (!(e instanceof Error)) return false;
  const { code, errno } = e as Error & { code?: unknown; errno?: unknown };
  return typeof code === 'string' && typeof errno === 'number' && errno < 0 && errnoName(errno) === code;
}

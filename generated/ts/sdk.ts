// Generated from the IDL by `hostwire generate` (codegen/emit/ts). Do not edit: change idl/*.yaml and regenerate.
/** The host-side object API and the shape of the native binding that implements it. */

import { type NativeGuestInstance } from './hostcalls';
import { type RecordErrorKind, type MemoryDescriptor } from './records';

/** How long to wait for a peer. (dictionary `accept_options`) */
export interface AcceptOptions {
  /**
   * Milliseconds; < 0 waits until a peer comes or the session closes.
   * @defaultValue -1
   */
  timeoutMs?: number;
  /** Gives up the accept when aborted (the promise rejects with an AbortError whose `cause` is the signal's reason); a peer that arrives later waits for another accept. */
  signal?: AbortSignal;
}

/** The defaults of `AcceptOptions`, as the IDL gives them. */
export const ACCEPT_OPTIONS_DEFAULTS = {
  timeoutMs: -1,
} as const satisfies Partial<AcceptOptions>;

/** Cancellation of a connect. (dictionary `connect_options`) */
export interface ConnectOptions {
  /** Gives up the connect when aborted: the promise rejects with an AbortError; the attempt's channels are closed once no other connect to the same peer waits for them. */
  signal?: AbortSignal;
}

/** Cancellation of a listen. (dictionary `listen_options`) */
export interface ListenOptions {
  /** Gives up the listen when aborted before it finished: the promise rejects with an AbortError and nothing is left listening. */
  signal?: AbortSignal;
}

/** A notification received from a peer. (dictionary `notif`) */
export interface Notif {
  /** The name of the peer that sent it. */
  peer: string;
  /** Its message. */
  msg: Uint8Array;
}

/** One operation of a batch post. (dictionary `post_op`) */
export interface PostOp {
  /** The registered memory. */
  region: MemoryRegion;
  /** Offset in the region. */
  offset: number;
  /** Bytes. */
  size: number;
  /** The tag that matches send and receive. */
  tag: number;
}

/** How registered memory may be used. (dictionary `register_options`) */
export interface RegisterOptions {
  /**
   * Receives may land in the region, and a peer holding its descriptor may WRITE into it (one-sided).
   * @defaultValue false
   */
  recv?: boolean;
  /**
   * Sends may read from the region, and a peer holding its descriptor may READ it (one-sided).
   * @defaultValue true
   */
  send?: boolean;
}

/** The defaults of `RegisterOptions`, as the IDL gives them. */
export const REGISTER_OPTIONS_DEFAULTS = {
  recv: false,
  send: true,
} as const satisfies Partial<RegisterOptions>;

/** One operation of a one-sided batch: `size` bytes between `offset` of a local region and `remote_offset` of a peer's region. (dictionary `remote_op`) */
export interface RemoteOp {
  /** The local registered memory (READ: registered for receiving). */
  region: MemoryRegion;
  /** Offset in the local region. */
  offset: number;
  /** Bytes. */
  size: number;
  /** The peer's region: the `memory_descriptor` bytes its `descriptor()` gave. */
  remote: Uint8Array | MemoryDescriptor;
  /** Offset in the peer's region. */
  remoteOffset: number;
}

/** Options of a new Session. (dictionary `session_options`) */
export interface SessionOptions {
  /**
   * Parallel TCP connections per peer. In 1..8.
   * @defaultValue 1
   */
  channels?: number;
  /**
   * Where `listen()` listens: empty (the default) for every interface, its conn_info then listing every address a peer can dial (the other interfaces' addresses, then loopback; never a wildcard); else an IPv4 or IPv6 address, or a host name resolved once by `listen()`.
   * @defaultValue ''
   */
  host?: string;
  /**
   * Size of the chunks a large message is cut into. In 4096..67108864.
   * @defaultValue 2097152
   */
  chunkBytes?: number;
  /**
   * Chunks a channel holds queued ahead of its socket: the sliding window over which chunks are striped (a channel whose socket is slow takes no more until it drains). The socket's own buffer and TCP's flow control bound what is in the kernel. In 1..1024.
   * @defaultValue 8
   */
  windowChunks?: number;
  /**
   * Messages up to this size are sent eagerly. In 0..1048576.
   * @defaultValue 65536
   */
  eagerMaxBytes?: number;
  /**
   * Interval of heartbeats on an idle channel. In 10..3600000.
   * @defaultValue 1000
   */
  heartbeatMs?: number;
  /**
   * Silence after which a peer is declared lost (ETIMEDOUT). In 10..3600000.
   * @defaultValue 5000
   */
  peerTimeoutMs?: number;
  /**
   * The name this session announces in its handshake (at most 255 UTF-8 bytes; empty: none). A listener's `accept(name)` completes for the peer that announced `name`, whatever the order peers arrive in.
   * @defaultValue ''
   */
  name?: string;
  /**
   * How long `connect()` waits for each address of the peer's conn_info to answer before it tries the next (ETIMEDOUT when none answers). In 10..3600000.
   * @defaultValue 5000
   */
  connectTimeoutMs?: number;
  /**
   * TCP congestion control of the channels. "auto": on a link within this host (a loopback address, or the peer's address is our own), an algorithm that does not pace (cubic, else reno) when the system default paces (bbr), since pacing only costs CPU where nothing can be congested; on other links the system default. "system": always the system default. Otherwise the name of an algorithm this process may set (net.ipv4.tcp_allowed_congestion_control); the constructor fails with EINVAL if it may not.
   * @defaultValue 'auto'
   */
  congestion?: string;
  /**
   * Payload bytes a peer must move, per peer_timeout_ms, while an operation with it is in progress (a message being received or sent, bytes queued to it): a peer that keeps its link alive but moves less (a trickle) fails with ETIMEDOUT. 0 turns the rule off; lower it for links slower than this per peer_timeout_ms.
   * @defaultValue 65536
   */
  minProgressBytes?: number;
}

/** The defaults of `SessionOptions`, as the IDL gives them. */
export const SESSION_OPTIONS_DEFAULTS = {
  channels: 1,
  host: '',
  chunkBytes: 2097152,
  windowChunks: 8,
  eagerMaxBytes: 65536,
  heartbeatMs: 1000,
  peerTimeoutMs: 5000,
  name: '',
  connectTimeoutMs: 5000,
  congestion: 'auto',
  minProgressBytes: 65536,
} as const satisfies Partial<SessionOptions>;

/** Which notification to wait for, and how long. (dictionary `wait_notif_options`) */
export interface WaitNotifOptions {
  /** Only a notification from this peer (absent: from any). */
  peer?: string;
  /**
   * Milliseconds; < 0 waits until one arrives or the session closes.
   * @defaultValue -1
   */
  timeoutMs?: number;
  /** Gives up the wait when aborted (the promise rejects with an AbortError whose `cause` is the signal's reason). */
  signal?: AbortSignal;
}

/** The defaults of `WaitNotifOptions`, as the IDL gives them. */
export const WAIT_NOTIF_OPTIONS_DEFAULTS = {
  timeoutMs: -1,
} as const satisfies Partial<WaitNotifOptions>;

/** How long to wait for a transfer. (dictionary `wait_options`) */
export interface WaitOptions {
  /**
   * Milliseconds; < 0 waits until done or cancelled.
   * @defaultValue -1
   */
  timeoutMs?: number;
  /** Cancels the transfer when aborted: its operations fail with ECANCELED on both sides, and this wait rejects with an AbortError whose `cause` is the signal's reason. */
  signal?: AbortSignal;
}

/** The defaults of `WaitOptions`, as the IDL gives them. */
export const WAIT_OPTIONS_DEFAULTS = {
  timeoutMs: -1,
} as const satisfies Partial<WaitOptions>;

/** Options of a one-sided WRITE batch. (dictionary `write_batch_options`) */
export interface WriteBatchOptions {
  /** A notification the peer receives once every byte of the batch has landed in its memory (not at all when an operation of the batch fails); at most NOTIF_MAX_BYTES. */
  notify?: Uint8Array;
}

/** An endpoint that listens for and connects to peers, owns registered memory and creates transfers. */
export interface Session {
  /**
   * Open the listening channels; resolves with the connection-info blob (a `conn_info` record).
   * @param options Cancellation.
   * @throws {HostwireError} The promise rejects with EIO, EINVAL.
   * @throws {TypeError} The promise rejects with a TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).
   * @throws {Error} The promise rejects with an AbortError (`name` 'AbortError', `code` 'ABORT_ERR', `cause` the signal's reason) when `options.signal` aborts.
   */
  listen(options?: ListenOptions): Promise<Uint8Array>;
  /**
   * Remember the connection info of peer `name`.
   * @param name The peer's name.
   * @param blob Its `conn_info` blob.
   * @throws {HostwireError} With code EEXIST, EINVAL, EPROTO.
   * @throws {TypeError} A TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).
   */
  loadRemoteConnInfo(name: string, blob: Uint8Array): void;
  /**
   * Open every channel to peer `name`, trying the addresses of its conn_info in order (the first that answers within `connect_timeout_ms` is used, and named in `metrics()`); resolves when every channel has completed its handshake on both sides. A refused connection is ECONNREFUSED, an unreachable one EHOSTUNREACH or ETIMEDOUT, a peer of another major protocol version EPROTO; the error's message names the addresses tried.
   * @param name The peer's name.
   * @param options Cancellation.
   * @throws {HostwireError} The promise rejects with ENOENT, EPROTO, ECONNRESET, ETIMEDOUT, ECONNREFUSED, EHOSTUNREACH.
   * @throws {TypeError} The promise rejects with a TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).
   * @throws {Error} The promise rejects with an AbortError (`name` 'AbortError', `code` 'ABORT_ERR', `cause` the signal's reason) when `options.signal` aborts.
   */
  connect(name: string, options?: ConnectOptions): Promise<void>;
  /**
   * Resolve when a peer has connected every channel and announced `name` in its handshake, whichever order peers arrive in; a peer that announced no name goes to the oldest pending accept. The peer is then known as `name`. A peer that announced `name` and broke off its handshake fails this accept with ECONNRESET (EPROTO: another major protocol version).
   * @param name The name of the peer.
   * @param options Timeout and cancellation.
   * @throws {HostwireError} The promise rejects with EEXIST, EINVAL, EPROTO, ECONNRESET, ETIMEDOUT, ECANCELED.
   * @throws {TypeError} The promise rejects with a TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).
   * @throws {RangeError} The promise rejects with a RangeError with code ERR_OUT_OF_RANGE when `options.timeoutMs` is not an integer in its range.
   * @throws {Error} The promise rejects with an AbortError (`name` 'AbortError', `code` 'ABORT_ERR', `cause` the signal's reason) when `options.signal` aborts.
   */
  accept(name: string, options?: AcceptOptions): Promise<void>;
  /**
   * Close the channels to peer `name`; its pending operations fail with ECONNRESET.
   * @param name The peer's name.
   * @throws {HostwireError} The promise rejects with ENOENT.
   * @throws {TypeError} The promise rejects with a TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).
   */
  disconnect(name: string): Promise<void>;
  /**
   * Register caller-owned memory; the session holds a reference until it is deregistered.
   * @param memory A Buffer, ArrayBuffer or typed array.
   * @param options Allowed uses.
   * @throws {HostwireError} With code ENOMEM, EINVAL.
   * @throws {TypeError} A TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).
   */
  registerMemory(memory: ArrayBuffer | ArrayBufferView, options?: RegisterOptions): MemoryRegion;
  /**
   * Allocate and register engine-owned memory (the safe default).
   * @param size Bytes.
   * @param options Allowed uses.
   * @throws {HostwireError} With code ENOMEM, EINVAL.
   * @throws {TypeError} A TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).
   * @throws {RangeError} A RangeError with code ERR_OUT_OF_RANGE when `size` is not an integer in its range.
   */
  allocMemory(size: number, options?: RegisterOptions): MemoryRegion;
  /**
   * Deregister a region; -EBUSY while an active transfer uses it.
   * @param region The region.
   * @throws {HostwireError} With code EBUSY, EINVAL.
   * @throws {TypeError} A TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).
   */
  deregisterMemory(region: MemoryRegion): void;
  /**
   * Create a transfer with peer `name`.
   * @param name The peer's name.
   * @throws {HostwireError} With code ENOENT, ENOTCONN.
   * @throws {TypeError} A TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).
   */
  createTransfer(name: string): Transfer;
  /**
   * Send notification `msg` to peer `name` (NIXL's genNotif); it is queued behind what this session already sent that peer.
   * @param name The peer's name.
   * @param msg The message, at most NOTIF_MAX_BYTES.
   * @throws {HostwireError} With code ENOENT, EINVAL, ENOTCONN.
   * @throws {TypeError} A TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).
   */
  genNotif(name: string, msg: Uint8Array): void;
  /** Take every notification received and not yet taken, oldest first (NIXL's getNotifs). */
  getNotifs(): Notif[];
  /**
   * Resolve with the oldest notification not yet taken (from `peer` when given), waiting for one when there is none; ETIMEDOUT when `timeout_ms` passes first, ECANCELED when the signal aborts or the session closes.
   * @param options Peer, timeout and cancellation.
   * @throws {HostwireError} The promise rejects with ETIMEDOUT, ECANCELED.
   * @throws {TypeError} The promise rejects with a TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).
   * @throws {RangeError} The promise rejects with a RangeError with code ERR_OUT_OF_RANGE when `options.timeoutMs` is not an integer in its range.
   * @throws {Error} The promise rejects with an AbortError (`name` 'AbortError', `code` 'ABORT_ERR', `cause` the signal's reason) when `options.signal` aborts.
   */
  waitNotif(options?: WaitNotifOptions): Promise<Notif>;
  /** Bytes and operations per peer, errors by code and a latency histogram, as an object (the shape of `SessionMetrics`); the core writes it as JSON text. */
  metrics(): object;
  /** Close every channel and fail every pending operation with ECANCELED. */
  close(): Promise<void>;
}

/** The `Session` class. */
export interface SessionConstructor {
  /**
   * Create a session; nothing is opened until `listen` or `connect`.
   * @param options Session options.
   * @throws {HostwireError} With code EINVAL.
   * @throws {TypeError} A TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).
   * @throws {RangeError} A RangeError with code ERR_OUT_OF_RANGE when one of `options.channels`, `options.chunkBytes`, `options.windowChunks`, `options.eagerMaxBytes`, `options.heartbeatMs`, `options.peerTimeoutMs`, `options.connectTimeoutMs`, `options.minProgressBytes` is not an integer in its range.
   */
  new(options?: SessionOptions): Session;
}

/** A registered region of memory. */
export interface MemoryRegion {
  /** The region id. */
  id(): number;
  /** The size in bytes. */
  size(): number;
  /**
   * The region's bytes (engine-owned memory included).
   * @throws {HostwireError} With code EINVAL.
   */
  view(): Buffer;
  /** The region's `memory_descriptor` record, to hand to a peer. */
  descriptor(): Uint8Array;
}

/** A set of tagged operations with one peer. */
export interface Transfer {
  /**
   * Send `size` bytes at `offset` of `region` to the receive the peer posts with `tag`.
   * @param region Source memory.
   * @param offset Offset in the region.
   * @param size Bytes.
   * @param tag The tag.
   * @throws {HostwireError} With code EEXIST, EINVAL, ENOTCONN, ECANCELED.
   * @throws {TypeError} A TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).
   * @throws {RangeError} A RangeError with code ERR_OUT_OF_RANGE when one of `offset`, `size`, `tag` is not an integer in its range.
   */
  postSend(region: MemoryRegion, offset: number, size: number, tag: number): void;
  /**
   * Receive the peer's send with `tag` into `offset` of `region` (at most `size` bytes).
   * @param region Destination memory (registered for receiving).
   * @param offset Offset in the region.
   * @param size Capacity in bytes.
   * @param tag The tag.
   * @throws {HostwireError} With code EEXIST, EINVAL, ENOTCONN, ECANCELED.
   * @throws {TypeError} A TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).
   * @throws {RangeError} A RangeError with code ERR_OUT_OF_RANGE when one of `offset`, `size`, `tag` is not an integer in its range.
   */
  postRecv(region: MemoryRegion, offset: number, size: number, tag: number): void;
  /**
   * Post many sends at once.
   * @param ops The operations.
   * @throws {HostwireError} With code EEXIST, EINVAL, ENOTCONN, ECANCELED.
   * @throws {TypeError} A TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).
   * @throws {RangeError} A RangeError with code ERR_OUT_OF_RANGE when one of `ops[].offset`, `ops[].size`, `ops[].tag` is not an integer in its range.
   */
  postSendBatch(ops: readonly PostOp[]): void;
  /**
   * Post many receives at once.
   * @param ops The operations.
   * @throws {HostwireError} With code EEXIST, EINVAL, ENOTCONN, ECANCELED.
   * @throws {TypeError} A TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).
   * @throws {RangeError} A RangeError with code ERR_OUT_OF_RANGE when one of `ops[].offset`, `ops[].size`, `ops[].tag` is not an integer in its range.
   */
  postRecvBatch(ops: readonly PostOp[]): void;
  /**
   * One-sided WRITE: `size` bytes at `offset` of `region` into `remote_offset` of the peer's region `remote`; the peer's application takes no part. Completes once the bytes are in the peer's memory. The peer refuses a descriptor whose key is wrong (EACCES), a region deregistered or never registered (ESTALE), a range past its end (EFAULT) or a region not registered for receiving (EPERM), and answers EBUSY while it serves ONE_SIDED_MAX_ACTIVE operations of this peer; that operation alone fails, and nothing is written there.
   * @param region Source memory.
   * @param offset Offset in the region.
   * @param size Bytes.
   * @param remote The peer's region (its `memory_descriptor`).
   * @param remoteOffset Offset in the peer's region.
   * @throws {HostwireError} With code EINVAL, ENOTCONN, ECANCELED.
   * @throws {TypeError} A TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).
   * @throws {RangeError} A RangeError with code ERR_OUT_OF_RANGE when one of `offset`, `size`, `remoteOffset` is not an integer in its range.
   * @throws {TypeError} A TypeError with code ERR_INVALID_ARG_VALUE when `remote` does not decode as its record.
   */
  postWrite(region: MemoryRegion, offset: number, size: number, remote: Uint8Array | MemoryDescriptor, remoteOffset: number): void;
  /**
   * One-sided READ: `size` bytes at `remote_offset` of the peer's region `remote` into `offset` of `region` (registered for receiving); the peer's application takes no part. Completes once the bytes are here. Refused by the peer as `post_write` is (EPERM: a region not registered for sending).
   * @param region Destination memory.
   * @param offset Offset in the region.
   * @param size Bytes.
   * @param remote The peer's region (its `memory_descriptor`).
   * @param remoteOffset Offset in the peer's region.
   * @throws {HostwireError} With code EINVAL, ENOTCONN, ECANCELED.
   * @throws {TypeError} A TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).
   * @throws {RangeError} A RangeError with code ERR_OUT_OF_RANGE when one of `offset`, `size`, `remoteOffset` is not an integer in its range.
   * @throws {TypeError} A TypeError with code ERR_INVALID_ARG_VALUE when `remote` does not decode as its record.
   */
  postRead(region: MemoryRegion, offset: number, size: number, remote: Uint8Array | MemoryDescriptor, remoteOffset: number): void;
  /**
   * One-sided WRITEs of a descriptor list, striped over the channels; `options.notify` sends a notification once all of them have landed.
   * @param ops The operations.
   * @param options The notification.
   * @throws {HostwireError} With code EINVAL, ENOTCONN, ECANCELED.
   * @throws {TypeError} A TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).
   * @throws {RangeError} A RangeError with code ERR_OUT_OF_RANGE when one of `ops[].offset`, `ops[].size`, `ops[].remoteOffset` is not an integer in its range.
   * @throws {TypeError} A TypeError with code ERR_INVALID_ARG_VALUE when `ops[].remote` does not decode as its record.
   */
  postWriteBatch(ops: readonly RemoteOp[], options?: WriteBatchOptions): void;
  /**
   * One-sided READs of a descriptor list, striped over the channels.
   * @param ops The operations.
   * @throws {HostwireError} With code EINVAL, ENOTCONN, ECANCELED.
   * @throws {TypeError} A TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).
   * @throws {RangeError} A RangeError with code ERR_OUT_OF_RANGE when one of `ops[].offset`, `ops[].size`, `ops[].remoteOffset` is not an integer in its range.
   * @throws {TypeError} A TypeError with code ERR_INVALID_ARG_VALUE when `ops[].remote` does not decode as its record.
   */
  postReadBatch(ops: readonly RemoteOp[]): void;
  /**
   * Resolves when every posted operation completed; ETIMEDOUT leaves the transfer active.
   * @param options Timeout and cancellation.
   * @throws {HostwireError} The promise rejects with EPERM, EACCES, EFAULT, EBUSY, EPROTO, EMSGSIZE, ECONNRESET, ETIMEDOUT, ESTALE, ECANCELED.
   * @throws {TypeError} The promise rejects with a TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).
   * @throws {RangeError} The promise rejects with a RangeError with code ERR_OUT_OF_RANGE when `options.timeoutMs` is not an integer in its range.
   * @throws {Error} The promise rejects with an AbortError (`name` 'AbortError', `code` 'ABORT_ERR', `cause` the signal's reason) when `options.signal` aborts.
   */
  wait(options?: WaitOptions): Promise<void>;
  /** Whether every posted operation completed. */
  isComplete(): boolean;
  /**
   * Bytes received by the receive with `tag` (a smaller send completes it with its real length).
   * @param tag The tag.
   * @throws {HostwireError} With code ENOENT.
   * @throws {TypeError} A TypeError with code ERR_INVALID_ARG_TYPE when an argument has the wrong type (the message names it).
   * @throws {RangeError} A RangeError with code ERR_OUT_OF_RANGE when `tag` is not an integer in its range.
   */
  receivedBytes(tag: number): number;
  /** Release the transfer; active operations fail with ECANCELED on both sides. */
  release(): void;
}

/** What the native core was compiled with: compare with the generated TypeScript to detect a stale build. */
export interface NativeAbiInfo {
  /** The ABI version, `major.minor.patch`. */
  version: string;
  /** Each protocol's version by protocol name. */
  protocols: Record<string, { name: string; version: string; major: number; minor: number; patch: number }>;
  /** Errno numbers by name. */
  errno: Record<string, number>;
  /** Enum values by IDL enum name, then value name. */
  enums: Record<string, Record<string, number>>;
  /** Flag masks by IDL flag-set name, then bit name. */
  flags: Record<string, Record<string, number>>;
  /** Constants by IDL name. */
  constants: Record<string, number | bigint>;
  /** Record sizes, alignments and field offsets by IDL record name. */
  records: Record<string, { size: number; align: number; fields: Record<string, number> }>;
}

/** The outcome of a native decode and re-encode: the bytes, or the kind of error the decoder found. */
export type RecordRoundTripResult = { ok: true; bytes: Uint8Array } | { ok: false; error: RecordErrorKind };

/** What the native addon exports. */
export interface NativeBinding {
  /** The `Session` class. */
  Session: SessionConstructor;
  /** A guest instance's native state (its fd table); an instance implements every hostcall, and gives its wasm imports. */
  GuestInstance: new () => NativeGuestInstance;
  /** What the native core was compiled with. */
  abi(): NativeAbiInfo;
  /**
   * Decodes `bytes` as record `name` with the native codec and encodes the result again, for the conformance tests.
   * @param name The IDL record name (`conn_info`).
   * @param bytes The bytes to decode.
   */
  recordRoundTrip(name: string, bytes: Uint8Array): RecordRoundTripResult;
}

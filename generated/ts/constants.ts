// Generated from the IDL by `hostwire generate` (codegen/emit/ts). Do not edit: change idl/*.yaml and regenerate.
/** ABI metadata, constants, enums and flag sets. */

/** The ABI these bindings were generated for. Hostcalls that WebAssembly guests import from module `spear`, the errno codes they return, their flags and enums, the packed records that cross the guest/host and process/process boundaries, and the host-side Session/Transfer object API. */
export const ABI = {
  /** The ABI name. */
  name: 'spear',
  /** The version, `major.minor.patch`. */
  version: '1.11.0',
  /** Incremented by incompatible changes. */
  major: 1,
  /** Incremented by compatible additions. */
  minor: 11,
  /** Incremented by fixes. */
  patch: 0,
  /** The wasm import module of the hostcalls. */
  module: 'spear',
} as const;

/** The wire protocols between hostwire processes, by name, each versioned on its own (not by `ABI.version`): a breaking change to a protocol raises its major version, not the ABI's. */
export const PROTOCOLS = {
  /** The transfer wire protocol between hostwire processes: the connection-info blob a session hands its peers, the frames on every channel, the memory descriptors, and the host-side Session, MemoryRegion and Transfer API that speaks it. Versioned apart from the guest ABI: a breaking change to it raises this version's major, not the ABI's. */
  transfer: {
    /** The protocol name. */
    name: 'transfer',
    /** The version, `major.minor.patch`. */
    version: '3.0.0',
    /** Incremented by incompatible changes. */
    major: 3,
    /** Incremented by compatible additions. */
    minor: 0,
    /** Incremented by fixes. */
    patch: 0,
  },
} as const;

/** The C log helpers cap one message at this many bytes. (`u32`) */
export const LOG_MAX_BYTES = 16384;

/** First capacity the `*_alloc` helpers try. (`u32`) */
export const ALLOC_INITIAL_BYTES = 65536;

/** How many times the `*_alloc` helpers call before giving up. (`u32`) */
export const ALLOC_MAX_TRIES = 3;

/** The first fd number of an instance; numbers are never reused, and a closed fd stays known (closing it again is 0, `spear_fd_ctl` GET_STATUS says `"closed":true`). (`i32`) */
export const FD_FIRST = 1000;

/** The most fds open at once in one instance: creating one more is -EMFILE (a host limit, as Linux's RLIMIT_NOFILE; SPEAR has none). (`u32`) */
export const FD_MAX_OPEN = 65536;

/** Connection-info magic: the bytes `HWCI`. (`u32`) */
export const CONN_INFO_MAGIC = 1229150024;

/** Channels a connection-info blob can describe. (`u16`) */
export const CONN_INFO_MAX_CHANNELS = 8;

/** Addresses a connection-info blob can list (a listener on every interface lists the first ones: other interfaces, then loopback). (`u16`) */
export const CONN_INFO_MAX_ADDRS = 8;

/** Longest name (UTF-8 bytes) a session may announce in its HELLO. (`u16`) */
export const PEER_NAME_MAX = 255;

/** Version of the transfer frame header. (`u8`) */
export const FRAME_VERSION = 1;

/** Frame flag: the frame concerns a one-sided operation its sender initiated (its `tag` is in the one-sided space of that initiator). (`u16`) */
export const FRAME_FLAG_INITIATOR = 1;

/** Frame flag: the frame concerns a one-sided operation its sender serves as the target (the receiver initiated it). (`u16`) */
export const FRAME_FLAG_TARGET = 2;

/** Longest notification message. (`u32`) */
export const NOTIF_MAX_BYTES = 65536;

/** Notifications a session keeps per peer until they are drained (`getNotifs`, `waitNotif`), within NOTIF_QUEUE_MAX_BYTES; a notification past either bound is dropped and counted (`notifsDropped` in `metrics()`). (`u32`) */
export const NOTIF_QUEUE_MAX = 4096;

/** Message bytes a session keeps per peer until they are drained. (`u32`) */
export const NOTIF_QUEUE_MAX_BYTES = 16777216;

/** One-sided operations a target serves at once per peer (a request past it fails with EBUSY); an initiator keeps the rest of its requests until earlier ones finish. (`u32`) */
export const ONE_SIDED_MAX_ACTIVE = 65536;

/** SSF v1 magic: the bytes `SPST`. (`u32`) */
export const SSF_V1_MAGIC = 1414746195;

/** SSF version. (`u16`) */
export const SSF_V1_VERSION = 1;

/** Length of the SSF v1 wire header. (`u16`) */
export const SSF_V1_HEADER_LEN = 32;

/** The kind of resource an fd refers to (as `GET_KIND` names it). (enum `fd_kind`, `u32`) */
export const FdKind = {
  /** A chat session from `cchat_create`. */
  ChatSession: 1,
  /** A chat response from `cchat_send`. */
  ChatResponse: 2,
  /** An epoll set from `spear_epoll_create`. */
  Epoll: 3,
  /** A realtime-ASR stream from `rtasr_create`. */
  RtAsr: 4,
  /** An audio source from `mic_create`. */
  Mic: 5,
  /** A user byte stream from `user_stream_open`. */
  UserStream: 6,
  /** The user-stream control channel. */
  UserStreamCtl: 7,
} as const;

/** A value of enum `fd_kind`. */
export type FdKind = (typeof FdKind)[keyof typeof FdKind];

/**
 * Whether `value` is a value of enum `fd_kind` (an exact number).
 * @param value Anything, e.g. an enum argument of a hostcall.
 */
export function isFdKind(value: unknown): value is FdKind {
  return value === 1 || value === 2 || value === 3 || value === 4 || value === 5 || value === 6 || value === 7;
}

/** Commands of `cchat_ctl`. (enum `cchat_ctl_cmd`, `i32`) */
export const CchatCtlCmd = {
  /** Set one parameter: `{"key": K, "value": V}`. As SPEAR: -EIO when the argument is not JSON or has no non-empty string `key`; any `value` (null when absent) is stored as it is, unchecked (a value the host cannot use counts as unset when the request runs); on a response fd it is accepted and does nothing. The MCP keys, as SPEAR (checked in this order, after the fd is found open or closed, -EBADF for a number never handed out): any `mcp.task_*` key -EACCES; `mcp.enabled` not a bool -EINVAL, true while the host's policy disables MCP (no MCP configured) -EACCES; `mcp.server_ids` not an array -EINVAL, naming a non-empty server id the policy does not allow -EACCES (non-string items are ignored); then a closed fd -EBADF, a response fd 0, another kind -EBADF; on a session `mcp.enabled`, `mcp.server_ids`, `mcp.tool_allowlist`, `mcp.tool_denylist` (an array, else -EINVAL; its string items kept) are the session's MCP selection, which a new session takes from the policy's default servers. */
  SET_PARAM: 1,
  /** A response fd's metrics, as SPEAR: with ENABLE_METRICS and a completion, `{"prompt_tokens": N, "completion_tokens": 1, "total_tokens": N + 1}` (N the messages the last model call was given); otherwise `{}`. On a session fd -EBADF. */
  GET_METRICS: 2,
} as const;

/** A value of enum `cchat_ctl_cmd`. */
export type CchatCtlCmd = (typeof CchatCtlCmd)[keyof typeof CchatCtlCmd];

/**
 * Whether `value` is a value of enum `cchat_ctl_cmd` (an exact number).
 * @param value Anything, e.g. an enum argument of a hostcall.
 */
export function isCchatCtlCmd(value: unknown): value is CchatCtlCmd {
  return value === 1 || value === 2;
}

/** The `op` of `spear_epoll_ctl`. (enum `epoll_op`, `i32`) */
export const EpollOp = {
  /** Watch `fd` for `events`; an fd already watched is re-registered with the new events (0, as SPEAR; Linux says -EEXIST). */
  ADD: 1,
  /** Change the events of `fd`; an fd not watched starts being watched (0, as SPEAR; Linux says -ENOENT). */
  MOD: 2,
  /** Stop watching `fd`; an fd not watched is 0 (as SPEAR; Linux says -ENOENT). */
  DEL: 3,
} as const;

/** A value of enum `epoll_op`. */
export type EpollOp = (typeof EpollOp)[keyof typeof EpollOp];

/**
 * Whether `value` is a value of enum `epoll_op` (an exact number).
 * @param value Anything, e.g. an enum argument of a hostcall.
 */
export function isEpollOp(value: unknown): value is EpollOp {
  return value === 1 || value === 2 || value === 3;
}

/** Commands of `spear_fd_ctl`. (enum `fd_ctl_cmd`, `i32`) */
export const FdCtlCmd = {
  /** Set or clear flags: `{"set":["O_NONBLOCK"],"clear":[]}`; `set` is applied first, then `clear`. Any valid JSON is accepted: a missing or non-array `set`/`clear` and unknown names are ignored (as SPEAR); malformed JSON is -EINVAL. */
  SET_FLAGS: 1,
  /** The flags: `{"flags":[...]}`. */
  GET_FLAGS: 2,
  /** The kind: `{"kind":"ChatSession"}`. */
  GET_KIND: 3,
  /** Exactly SPEAR's `{"closed":false,"flags":[],"kind":"ChatSession","poll_mask":["EPOLLIN"]}`: keys in that order, `poll_mask` the names of the ready events, `closed` true once the guest closed the fd. */
  GET_STATUS: 4,
  /** The kind's metrics as JSON; `{}` for an epoll set and for a closed fd. */
  GET_METRICS: 5,
} as const;

/** A value of enum `fd_ctl_cmd`. */
export type FdCtlCmd = (typeof FdCtlCmd)[keyof typeof FdCtlCmd];

/**
 * Whether `value` is a value of enum `fd_ctl_cmd` (an exact number).
 * @param value Anything, e.g. an enum argument of a hostcall.
 */
export function isFdCtlCmd(value: unknown): value is FdCtlCmd {
  return value === 1 || value === 2 || value === 3 || value === 4 || value === 5;
}

/** Commands of `mic_ctl`. (enum `mic_ctl_cmd`, `i32`) */
export const MicCtlCmd = {
  /** Configure and (re)start the source with one flat JSON object, every field optional (a missing or mistyped one takes its default, a non-object is all defaults): `sample_rate_hz` (24000), `channels` (1), `frame_ms` (20) as non-negative integers cut to u32/u8/u32; `format` ("pcm16"); `source` ("device"; anything else is the `stub`); `fallback.to_stub` (true); `max_queue_bytes` (512 KiB, kept until set again); `stub_pcm16_base64` (the stub's PCM pattern, standard padded base64 of at most 10 MiB, kept until set again; without one the stub gives silence). Each call stops what ran, empties the queue, clears `last_error` and moves `generation` on. This host has no capture device: `source: "device"` runs the stub when `fallback.to_stub` is true, else is -EIO with the source stopped, `last_error` "device mic not enabled (build without feature mic-device)", EPOLLERR, and `generation` moved on once more (SPEAR built without its mic-device feature). No payload, malformed JSON or a bad pattern: -EINVAL (a bad pattern after the reset, leaving the source stopped). -EBADF for a closed fd or one of another kind, once the payload parsed. */
  SET_PARAM: 1,
  /** The source's status, keys sorted: `{"config":{"channels","format","frame_ms","sample_rate_hz"} or null,"dropped_frames","generation","last_error" (string or null),"max_queue_bytes","queue_bytes","running"}`. -EBADF for a closed fd or one of another kind. */
  GET_STATUS: 2,
} as const;

/** A value of enum `mic_ctl_cmd`. */
export type MicCtlCmd = (typeof MicCtlCmd)[keyof typeof MicCtlCmd];

/**
 * Whether `value` is a value of enum `mic_ctl_cmd` (an exact number).
 * @param value Anything, e.g. an enum argument of a hostcall.
 */
export function isMicCtlCmd(value: unknown): value is MicCtlCmd {
  return value === 1 || value === 2;
}

/** Commands of `rtasr_ctl`. Unknown commands are -EINVAL; the input commands (SET_PARAM, SEND_EVENT, SET_AUTOFLUSH) are -EINVAL without a payload (length 0) or when it is not JSON. (enum `rtasr_ctl_cmd`, `i32`) */
export const RtasrCtlCmd = {
  /** Set one parameter: `{"key": K, "value": V}` (K a non-empty string, else -EINVAL; V any JSON, null when absent). Any key is kept; Init becomes Configured. Keys read by the host: `transport` ("stub", the default, or "websocket"), `model` (the websocket transcription model), `max_send_queue_bytes` and `max_recv_queue_bytes` (a non-negative integer replaces the cap, default 1048576 each; anything else leaves it), and the stub's `stub_event_interval_ms` (100), `stub_event_payload_bytes` (256), `stub_emit_completed_every` (20). Divergence: `ws_url` and `client_secret` are kept but not used: the realtime endpoint and its key come from the host's configuration only. */
  SET_PARAM: 1,
  /** Start the transport: the state becomes Connected and stays so (a second CONNECT returns 0 and does nothing). -EIO in Error. With `transport` "websocket" and a realtime backend configured on the host, the host's WebSocket client connects (OpenAI realtime transcription: a session.update, audio as input_audio_buffer.append with base64 audio, client events as sent); otherwise the stub transport runs: every 10 ms it takes one send-queue item, and every `stub_event_interval_ms` it produces `{"seq":N,"text":"aaa...","type":"transcription.delta"}` (a text of `stub_event_payload_bytes` - 80 bytes; every `stub_emit_completed_every`-th is "transcription.completed"), with or without audio. */
  CONNECT: 2,
  /** `{"dropped_events","last_error","max_recv_queue_bytes","max_send_queue_bytes","recv_queue_bytes","send_queue_bytes","state"}` (keys sorted; state "Init", "Configured", "Connected" or "Error"; last_error null or the transport's failure). */
  GET_STATUS: 3,
  /** Queue one client event (any JSON value, re-serialized compact with sorted keys) in the send queue; -EAGAIN when it does not fit, -EIO in Error. Accepted before CONNECT. */
  SEND_EVENT: 4,
  /** Queue the commit event `{"type":"input_audio_buffer.commit"}` (-EAGAIN when it does not fit, -EIO in Error). The stream stays open. */
  FLUSH: 5,
  /** Queue `{"type":"input_audio_buffer.clear"}` (-EAGAIN when it does not fit, -EIO in Error). No C helper; guests define their own `sp_rtasr_clear`. */
  CLEAR: 6,
  /** Configure segmentation: `{"strategy": "server_vad"|"manual"|"off"|"client_commit", "vad": {"silence_ms","threshold","prefix_padding_ms"}, "client_commit": {"flush_interval_ms","max_buffer_bytes","silence_ms","min_flush_gap_ms"}, "flush_on_close": bool}`, or the legacy `{"enabled": bool, "mode": "off"|"silence"|"bytes"|"time"|..., "flush_interval_ms", "max_buffer_bytes", "silence_ms", "min_flush_gap_ms", "flush_on_close"}`. -EINVAL for a non-object, an unknown strategy, or a `vad`/`client_commit` that is not an object. With client_commit, a write queues a commit after its audio once the audio since the last commit reaches max_buffer_bytes (or flush_interval_ms / silence_ms passed), at least min_flush_gap_ms after the last, and not while a commit is still queued. server_vad sets the websocket session's turn_detection. */
  SET_AUTOFLUSH: 7,
  /** The segmentation configuration: `{"client_commit","flush_on_close","strategy","vad"}` (keys sorted); by default server_vad with vad `{"prefix_padding_ms":300,"silence_ms":500,"threshold":0.5}`. */
  GET_AUTOFLUSH: 8,
} as const;

/** A value of enum `rtasr_ctl_cmd`. */
export type RtasrCtlCmd = (typeof RtasrCtlCmd)[keyof typeof RtasrCtlCmd];

/**
 * Whether `value` is a value of enum `rtasr_ctl_cmd` (an exact number).
 * @param value Anything, e.g. an enum argument of a hostcall.
 */
export function isRtasrCtlCmd(value: unknown): value is RtasrCtlCmd {
  return value === 1 || value === 2 || value === 3 || value === 4 || value === 5 || value === 6 || value === 7 || value === 8;
}

/** States of a realtime-ASR stream (GET_STATUS names them "Init", "Configured", ...). (enum `rtasr_state`, `u32`) */
export const RtasrState = {
  /** Created. */
  INIT: 0,
  /** A parameter was set. */
  CONFIGURED: 1,
  /** Not entered (CONNECT goes straight to CONNECTED). */
  CONNECTING: 2,
  /** The transport runs. */
  CONNECTED: 3,
  /** Not entered. */
  DRAINING: 4,
  /** Not entered (closing releases the fd). */
  CLOSED: 5,
  /** The transport failed (GET_STATUS last_error says why): EPOLLERR; writes, CONNECT, SEND_EVENT, FLUSH and CLEAR are -EIO; queued events stay readable. */
  ERROR: 6,
} as const;

/** A value of enum `rtasr_state`. */
export type RtasrState = (typeof RtasrState)[keyof typeof RtasrState];

/**
 * Whether `value` is a value of enum `rtasr_state` (an exact number).
 * @param value Anything, e.g. an enum argument of a hostcall.
 */
export function isRtasrState(value: unknown): value is RtasrState {
  return value === 0 || value === 1 || value === 2 || value === 3 || value === 4 || value === 5 || value === 6;
}

/** Address family of a channel endpoint. (enum `addr_family`, `u16`) */
export const AddrFamily = {
  /** An unused channel entry. */
  UNSPEC: 0,
  /** IPv4; the first 4 address bytes are used. */
  INET: 2,
  /** IPv6. */
  INET6: 10,
} as const;

/** A value of enum `addr_family`. */
export type AddrFamily = (typeof AddrFamily)[keyof typeof AddrFamily];

/**
 * Whether `value` is a value of enum `addr_family` (an exact number).
 * @param value Anything, e.g. an enum argument of a hostcall.
 */
export function isAddrFamily(value: unknown): value is AddrFamily {
  return value === 0 || value === 2 || value === 10;
}

/** Kind of registered memory. (enum `mem_kind`, `u32`) */
export const MemKind = {
  /** Host memory. */
  HOST: 0,
  /** Reserved for device memory. */
  CUDA: 1,
} as const;

/** A value of enum `mem_kind`. */
export type MemKind = (typeof MemKind)[keyof typeof MemKind];

/**
 * Whether `value` is a value of enum `mem_kind` (an exact number).
 * @param value Anything, e.g. an enum argument of a hostcall.
 */
export function isMemKind(value: unknown): value is MemKind {
  return value === 0 || value === 1;
}

/** Type of a transfer frame. (enum `frame_type`, `u8`) */
export const FrameType = {
  /** First frame on a channel, both ways: `tag` the listener's session nonce (the listener's answer: the connection id), `msg_id` the connection id (the answer: the nonce), `offset` the channel index, `rkey` the channel count; its payload a `hello` record and the sender's name. */
  HELLO: 1,
  /** A chunk of a message: `length` payload bytes land at `offset`. A DATA frame with `length` 0 ends the message; its `offset` is the real length. */
  DATA: 2,
  /** Ready to receive: a receive for `tag` is posted with room for `offset` bytes. */
  RTR: 3,
  /** The receive of `msg_id` completed. */
  ACK: 4,
  /** The operation `msg_id` failed; `offset` carries the errno. */
  ERROR: 5,
  /** Liveness. */
  HEARTBEAT: 6,
  /** Orderly shutdown of the channel. */
  CLOSE: 7,
  /** A whole small message sent before its receive is known. */
  EAGER: 8,
  /** The operation for `tag` was cancelled by its owner. */
  CANCEL: 9,
  /** The connector's last handshake frame on a channel, sent on every channel once every channel's HELLO was answered: the session is established on both sides, and any frame may follow. */
  READY: 10,
  /** A one-sided WRITE into the receiver's memory: `tag` the operation's one-sided tag, `msg_id` the initiator's send id, `offset` the offset in the target region, `rkey` the target region's key; its payload a `remote_access` record. The target checks it against its live regions and answers RTR (or ERROR); the bytes follow as for a send. */
  WRITE_REQ: 11,
  /** A one-sided READ of the receiver's memory: `tag` the one-sided tag, `msg_id` the initiator's receive id, `offset` the offset in the target region, `rkey` the target region's key; its payload a `remote_access` record whose `reply_rkey` is the initiator's destination key. The target checks it and sends the bytes as for a send matched with that receive (or ERROR). */
  READ_REQ: 12,
  /** A notification: `length` bytes of message, every other field 0; at most NOTIF_MAX_BYTES. */
  NOTIF: 13,
} as const;

/** A value of enum `frame_type`. */
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/**
 * Whether `value` is a value of enum `frame_type` (an exact number).
 * @param value Anything, e.g. an enum argument of a hostcall.
 */
export function isFrameType(value: unknown): value is FrameType {
  return value === 1 || value === 2 || value === 3 || value === 4 || value === 5 || value === 6 || value === 7 || value === 8 || value === 9 || value === 10 || value === 11 || value === 12 || value === 13;
}

/** Direction of a user stream. (enum `user_stream_dir`, `i32`) */
export const UserStreamDir = {
  /** Client to guest. */
  INBOUND: 1,
  /** Guest to client. */
  OUTBOUND: 2,
  /** Both ways. */
  BIDIRECTIONAL: 3,
} as const;

/** A value of enum `user_stream_dir`. */
export type UserStreamDir = (typeof UserStreamDir)[keyof typeof UserStreamDir];

/**
 * Whether `value` is a value of enum `user_stream_dir` (an exact number).
 * @param value Anything, e.g. an enum argument of a hostcall.
 */
export function isUserStreamDir(value: unknown): value is UserStreamDir {
  return value === 1 || value === 2 || value === 3;
}

/** Kinds of user-stream control events. (enum `user_stream_ctl_event_kind`, `u32`) */
export const UserStreamCtlEventKind = {
  /** A client connected a stream. */
  STREAM_CONNECTED: 1,
  /** The client session closed. */
  SESSION_CLOSED: 2,
} as const;

/** A value of enum `user_stream_ctl_event_kind`. */
export type UserStreamCtlEventKind = (typeof UserStreamCtlEventKind)[keyof typeof UserStreamCtlEventKind];

/**
 * Whether `value` is a value of enum `user_stream_ctl_event_kind` (an exact number).
 * @param value Anything, e.g. an enum argument of a hostcall.
 */
export function isUserStreamCtlEventKind(value: unknown): value is UserStreamCtlEventKind {
  return value === 1 || value === 2;
}

/** SSF (Spear Stream Frame) v1 message types. (enum `ssf_msg_type`, `u16`) */
export const SsfMsgType = {
  /** Control frames (open, keepalive). */
  CTRL: 1,
  /** Data frames (text or binary payload). */
  DATA: 2,
  /** Marks the end of a user input segment. */
  COMMIT: 3,
} as const;

/** A value of enum `ssf_msg_type`. */
export type SsfMsgType = (typeof SsfMsgType)[keyof typeof SsfMsgType];

/**
 * Whether `value` is a value of enum `ssf_msg_type` (an exact number).
 * @param value Anything, e.g. an enum argument of a hostcall.
 */
export function isSsfMsgType(value: unknown): value is SsfMsgType {
  return value === 1 || value === 2 || value === 3;
}

/** Severity of a guest log line. (enum `log_level`, `i32`) */
export const LogLevel = {
  /** Fine-grained tracing. */
  TRACE: 0,
  /** Debugging detail. */
  DEBUG: 1,
  /** Normal operation. */
  INFO: 2,
  /** Something unexpected that the guest survived. */
  WARN: 3,
  /** A failure. */
  ERROR: 4,
} as const;

/** A value of enum `log_level`. */
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/**
 * Whether `value` is a value of enum `log_level` (an exact number).
 * @param value Anything, e.g. an enum argument of a hostcall.
 */
export function isLogLevel(value: unknown): value is LogLevel {
  return value === 0 || value === 1 || value === 2 || value === 3 || value === 4;
}

/** Per-fd flags set with `spear_fd_ctl` SET_FLAGS. (flags `fd_flags`, `u32`; every bit: `0x1`) */
export const FdFlags = {
  /** Calls that would block return -EAGAIN instead. (bit 0) */
  O_NONBLOCK: 0x1,
} as const;

/** One bit of `fd_flags`; a mask of several bits is a `number`. */
export type FdFlags = (typeof FdFlags)[keyof typeof FdFlags];

/** Flags of `cchat_send`. (flags `cchat_send_flags`, `u32`; every bit: `0x3`) */
export const CchatSendFlags = {
  /** Give the response the usage JSON that GET_METRICS returns. (bit 0) */
  ENABLE_METRICS: 0x1,
  /** The host runs the model/tool loop, calling the guest's registered tools. (bit 1) */
  AUTO_TOOL_CALL: 0x2,
} as const;

/** One bit of `cchat_send_flags`; a mask of several bits is a `number`. */
export type CchatSendFlags = (typeof CchatSendFlags)[keyof typeof CchatSendFlags];

/** Readiness events. Only the requested bits are reported, ERR and HUP included (as SPEAR: an fd in error is not reported to an IN-only watcher); unknown bits in the events of `spear_epoll_ctl` are masked off. (flags `epoll_events`, `u32`; every bit: `0x1d`) */
export const EpollEvents = {
  /** Readable (a message, an event or bytes are waiting). (bit 0) */
  IN: 0x1,
  /** Writable (the send queue has room). (bit 2) */
  OUT: 0x4,
  /** An error is pending on the fd. (bit 3) */
  ERR: 0x8,
  /** The fd was closed, by the host side or by the guest (a watch of an fd the guest closed stays and reports HUP). (bit 4) */
  HUP: 0x10,
} as const;

/** One bit of `epoll_events`; a mask of several bits is a `number`. */
export type EpollEvents = (typeof EpollEvents)[keyof typeof EpollEvents];

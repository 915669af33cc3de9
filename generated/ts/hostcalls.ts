// Generated from the IDL by `hostwire generate` (codegen/emit/ts). Do not edit: change idl/*.yaml and regenerate.
/** The hostcalls guests import from module `spear`: the implementation interface and the import glue. */

import { Errno, type ErrnoValue } from './errno';

/**
 * A host implementation of every hostcall, one method per import name. The glue of
 * `createSpearImports` converts the wasm values, bounds-checks guest memory and applies the
 * output-buffer rule, so an implementation never touches guest memory.
 */
export interface SpearHostImpl {
  /**
   * Create a chat session fd.
   * @returns The new fd, or a negative errno (-ENOMEM, -EMFILE).
   */
  cchat_create(): number;
  /**
   * Append a message with `role` (usually "system", "user", "assistant" or "tool") and `content`. As SPEAR, any role and content are kept; bytes that are not UTF-8 become U+FFFD.
   * @param fd The chat session fd.
   * @param role The role. A view of guest memory: valid until the call returns or the memory grows.
   * @param content The content. A view of guest memory: valid until the call returns or the memory grows.
   * @returns 0, or a negative errno (-EBADF, -EFAULT, -EINVAL).
   */
  cchat_write_msg(fd: number, role: Uint8Array, content: Uint8Array): number;
  /**
   * Register a tool: `fn_offset` is the guest function-table index of `int32_t f(int32_t args_ptr, int32_t args_len, int32_t out_ptr, int32_t out_len_ptr)`, `fn` the OpenAI-style tool JSON. As SPEAR, any text is registered: a tool whose text is not JSON is not sent to the model; a tool call finds its tool by `function.name` (or a flat `name`), the first registered wins.
   * @param fd The chat session fd.
   * @param fnOffset Function-table index of the tool function.
   * @param fn The tool's JSON description. A view of guest memory: valid until the call returns or the memory grows.
   * @returns 0, or a negative errno (-EBADF, -EFAULT, -EINVAL).
   */
  cchat_write_fn(fd: number, fnOffset: number, fn: Uint8Array): number;
  /**
   * Set a parameter or read the metrics of a chat session.
   * @param fd The chat session fd.
   * @param cmd The command. A value of enum `cchat_ctl_cmd` as the guest passed it: not checked.
   * @param argInput In/out argument of the command. Its input: the `*arg_len_ptr` bytes at `arg_ptr`, a view of guest memory valid until the call returns or the memory grows.
   * @param argCapacity In/out argument of the command. Its capacity in bytes (`*arg_len_ptr`).
   * @returns The bytes to write (the glue returns their length), or a number returned as is: a negative errno (-EIO, -EBADF, -EACCES, -EFAULT, -EINVAL, -ENOSPC). More bytes than the capacity give -ENOSPC with the needed length written back.
   */
  cchat_ctl(fd: number, cmd: number, argInput: Uint8Array, argCapacity: number): Uint8Array | number;
  /**
   * Send the conversation to the chat backend. Returns a response fd at once (route B, a divergence: SPEAR answers before it returns); it turns EPOLLIN when the answer is ready. A failed model call (backend error, timeout, no such backend, a reply that is not a chat completion) is a readable answer, as SPEAR: `{"error":{"message":...}}`. Flags other than ENABLE_METRICS and AUTO_TOOL_CALL are ignored by the host. AUTO_TOOL_CALL runs SPEAR's loop: at most `max_iterations` model calls (default 8, at most 128), then `{"error":{"code":"tool_call_limit","message":"exceeded max_iterations"}}`; at most `max_total_tool_calls` tool calls (`max_tool_calls` when absent; default 32, at most 10000), then `{"error":{"code":"tool_call_limit","message":"exceeded max_total_tool_calls"}}`; each tool call answered by a `tool` message: the tool's output (rc 0), or `{"error":{"code":"tool_exec_failed","message":"tool rc: RC"}}`, or `{"error":{"code":"unknown_tool","message":"unknown tool: NAME"}}`. The loop appends the assistant messages, the tool messages and the final reply to the session (a send without AUTO_TOOL_CALL appends nothing). Tool arena (`tool_arena_ptr`, `tool_arena_len`): the arguments and a NUL at its start, the output at `align8(args_len + 1)` with capacity `min(arena_len - that - 8, max_tool_output_bytes)` (default 64 KiB, at most 1 MiB), the u32 `*out_len_ptr` at `out + align8(capacity)`; no arena -EFAULT, no room or an output over the cap -ENOSPC, a trap in the tool, a bad table entry or output that is not UTF-8 -EIO (each reported as `tool rc: RC`). Only a run that cannot finish (the guest ended while its tool was wanted) leaves the response EPOLLERR, its reads returning the errno. MCP, as SPEAR: with `mcp.enabled` and `mcp.server_ids` set, every model call is offered, after the registered tools, the tools of each selected server (`tools/list`) that pass the server's allow patterns and the policy's and session's allow/deny lists, named `mcp__<base64url(server_id)>__<base64url(tool)>`; a server that fails or times out offers none. A tool call that names no registered tool and starts with `mcp__` or `mcp.` (`mcp.<server_id>.<tool>`) runs `tools/call` on the server (a fresh process per call; the server's `budgets.tool_timeout_ms`, default 8000, from 100 to 120000 ms; list default 12000, at most 180000) and its `tool` message is the result JSON, cut to `max_tool_output_bytes` (default 64 KiB, at most 10 MiB), or `{"error":{"code":"mcp_tool_failed","message":M}}` (M: "mcp tool timeout", "unknown mcp server", "invalid mcp tool name", "mcp tool denied by server policy" / "task allowlist" / "task denylist" / "session allowlist" / "session denylist", "spawn failed: ...", "connect failed: ...", "call_tool failed: ..."). Divergences: the cut never splits a UTF-8 character (SPEAR's cut panics there); a call to a server the session did not select is refused with "mcp server not allowed: ID" (SPEAR runs any registered server's allowed tools); the host policy's tool allow/deny lists bind every session (SPEAR applies them only to a session started with the policy's default servers).
   * @param fd The chat session fd.
   * @param flags Send flags. A mask of flags `cchat_send_flags` as the guest passed it: not checked.
   * @returns The new fd, or a negative errno (-EBADF, -ENOMEM, -EINVAL, -EMFILE).
   */
  cchat_send(fd: number, flags: number): number;
  /**
   * Read the response (OpenAI chat-completion JSON with `_spear: {"backend", "model"}`, or an error body). Blocks until ready unless O_NONBLOCK (-EAGAIN) (route B, a divergence). -ENOSPC consumes nothing; after one full read, further reads return 0 (a divergence: SPEAR returns the bytes again).
   *
   * May block the calling guest.
   * @param responseFd The response fd.
   * @param outCapacity Room for the response. Its capacity in bytes (`*out_len_ptr`).
   * @returns The bytes to write (the glue returns their length), or a number returned as is: a negative errno (-EPERM, -EIO, -EBADF, -EAGAIN, -EFAULT, -EINVAL, -ENOSPC, -EPROTO, -ECONNRESET, -ETIMEDOUT, -ECANCELED). More bytes than the capacity give -ENOSPC with the needed length written back.
   */
  cchat_recv(responseFd: number, outCapacity: number): Uint8Array | number;
  /**
   * Close a chat session or response fd.
   * @param fd The fd.
   * @returns 0, or a negative errno (-EBADF).
   */
  cchat_close(fd: number): number;
  /**
   * Create an empty epoll set and return its fd.
   * @returns The new fd, or a negative errno (-ENOMEM, -EMFILE).
   */
  spear_epoll_create(): number;
  /**
   * Add, change or remove the watch of `fd` in the set `epfd`. Checked in SPEAR's order: `epfd == fd` is -EINVAL; an epfd or fd never opened -EBADF; an epfd that is not an epoll set, or is closed, -EBADF; an fd that is an epoll set -EINVAL; an unknown op -EINVAL. An fd the guest closed may be watched (it reports HUP).
   * @param epfd The epoll fd.
   * @param op ADD, MOD or DEL. A value of enum `epoll_op` as the guest passed it: not checked.
   * @param fd The fd to watch.
   * @param events Events of interest, the only ones reported (ERR and HUP are not implied); unknown bits are ignored. A mask of flags `epoll_events` as the guest passed it: not checked.
   * @returns 0, or a negative errno (-EBADF, -EINVAL).
   */
  spear_epoll_ctl(epfd: number, op: number, fd: number, events: number): number;
  /**
   * Wait until a watched fd is ready or `timeout_ms` passes (negative: forever, 0: poll), and write one `epoll_event` record per ready fd, in ascending fd order. Returns the number of records; 0 with `*out_len_ptr = 0` when nothing became ready. A capacity under one record is -ENOSPC (8 written back), checked before the epfd (as SPEAR). Divergence from SPEAR: when more fds are ready than fit, successive calls rotate through the ready set (SPEAR always starts at the lowest fd, starving the others); the records of one call stay ascending. Closing the set wakes its waiters, which return -EBADF (SPEAR's waiter spins until its timeout, forever with a negative one).
   *
   * May block the calling guest.
   * @param epfd The epoll fd.
   * @param outCapacity Room for the records. Its capacity in bytes (`*out_len_ptr`).
   * @param timeoutMs Milliseconds to wait: < 0 forever, 0 poll.
   * @returns The epoll_event records to write (the glue returns their count), or a negative errno (-EINTR, -EBADF, -EFAULT, -EINVAL, -ENOSPC). More bytes than the capacity give -ENOSPC with the needed length written back.
   */
  spear_epoll_wait(epfd: number, outCapacity: number, timeoutMs: number): Uint8Array | number;
  /**
   * Close the epoll set; waiters on it return -EBADF. As SPEAR, this closes an fd of any kind, and closing an fd already closed is 0.
   * @param epfd The epoll fd.
   * @returns 0, or a negative errno (-EBADF).
   */
  spear_epoll_close(epfd: number): number;
  /**
   * Control any fd, also one the guest closed (fd numbers are never reused). Checked in SPEAR's order: an unknown command is -EINVAL, then an fd never opened -EBADF, then malformed JSON -EINVAL.
   * @param fd The fd.
   * @param cmd The command. A value of enum `fd_ctl_cmd` as the guest passed it: not checked.
   * @param argInput In/out argument of the command. Its input: the `*arg_len_ptr` bytes at `arg_ptr`, a view of guest memory valid until the call returns or the memory grows.
   * @param argCapacity In/out argument of the command. Its capacity in bytes (`*arg_len_ptr`).
   * @returns The bytes to write (the glue returns their length), or a number returned as is: a negative errno (-EBADF, -EFAULT, -EINVAL, -ENOSPC). More bytes than the capacity give -ENOSPC with the needed length written back.
   */
  spear_fd_ctl(fd: number, cmd: number, argInput: Uint8Array, argCapacity: number): Uint8Array | number;
  /**
   * Create an audio source fd: not running, nothing queued, no readiness until SET_PARAM.
   * @returns The new fd, or a negative errno (-ENOMEM, -EMFILE).
   */
  mic_create(): number;
  /**
   * Configure or inspect an audio source. The fd is looked up first (-EBADF for a number never handed out), then the command (-EINVAL when unknown, whatever the fd's kind). The `stub` source queues one frame every `frame_ms` (20 when 0) of sample_rate_hz * frame_ms / 1000 samples * channels * 2 bytes: zeros, or the pattern repeated from where the previous frame stopped. The queue holds whole frames up to `max_queue_bytes`: a new frame drops the oldest ones until it fits (one larger than the cap is dropped itself), each counted in `dropped_frames`. Readiness: EPOLLIN while a frame is queued, EPOLLERR while `last_error` is set, EPOLLHUP once closed. Divergence (host memory): a queue holds at most 64 MiB and 262144 frames whatever `max_queue_bytes` says (SPEAR's grows to any size the guest asks, with frames of any size).
   * @param fd The source fd.
   * @param cmd The command. A value of enum `mic_ctl_cmd` as the guest passed it: not checked.
   * @param argInput In/out argument of the command. Its input: the `*arg_len_ptr` bytes at `arg_ptr`, a view of guest memory valid until the call returns or the memory grows.
   * @param argCapacity In/out argument of the command. Its capacity in bytes (`*arg_len_ptr`).
   * @returns The bytes to write (the glue returns their length), or a number returned as is: a negative errno (-EIO, -EBADF, -EFAULT, -EINVAL, -ENOSPC). More bytes than the capacity give -ENOSPC with the needed length written back.
   */
  mic_ctl(fd: number, cmd: number, argInput: Uint8Array, argCapacity: number): Uint8Array | number;
  /**
   * Take one frame of audio; -EAGAIN when none is queued, whatever O_NONBLOCK (it never waits). A frame larger than the room is -ENOSPC with the needed length and the frame left queued (divergence: SPEAR's drops it).
   *
   * May block the calling guest.
   * @param fd The source fd.
   * @param outCapacity Room for one frame. Its capacity in bytes (`*out_len_ptr`).
   * @returns The bytes to write (the glue returns their length), or a number returned as is: a negative errno (-EBADF, -EAGAIN, -EFAULT, -ENOSPC). More bytes than the capacity give -ENOSPC with the needed length written back.
   */
  mic_read(fd: number, outCapacity: number): Uint8Array | number;
  /**
   * Close an audio source (its timer stops): watchers see EPOLLHUP; closing again is 0.
   * @param fd The source fd.
   * @returns 0, or a negative errno (-EBADF).
   */
  mic_close(fd: number): number;
  /**
   * Create a realtime-ASR stream fd in state Init (EPOLLOUT ready).
   * @returns The new fd, or a negative errno (-ENOMEM, -EMFILE).
   */
  rtasr_create(): number;
  /**
   * Configure, connect, flush or inspect a realtime-ASR stream. Readiness: EPOLLIN while events are queued; EPOLLOUT while the send queue holds fewer than max_send_queue_bytes and the state is not Error; EPOLLERR in Error; EPOLLHUP when the server closed the WebSocket (divergence: it stays until the fd is closed, where SPEAR's can be cleared by the next readiness change, which could leave a guest waiting).
   * @param fd The stream fd.
   * @param cmd The command. A value of enum `rtasr_ctl_cmd` as the guest passed it: not checked.
   * @param argInput In/out argument of the command. Its input: the `*arg_len_ptr` bytes at `arg_ptr`, a view of guest memory valid until the call returns or the memory grows.
   * @param argCapacity In/out argument of the command. Its capacity in bytes (`*arg_len_ptr`).
   * @returns The bytes to write (the glue returns their length), or a number returned as is: a negative errno (-EIO, -EBADF, -EAGAIN, -EFAULT, -EINVAL, -ENOSPC). More bytes than the capacity give -ENOSPC with the needed length written back.
   */
  rtasr_ctl(fd: number, cmd: number, argInput: Uint8Array, argCapacity: number): Uint8Array | number;
  /**
   * Queue audio bytes in the send queue: all of them (the count) or none (-EAGAIN when they do not fit in max_send_queue_bytes); never waits, whatever O_NONBLOCK. Accepted before CONNECT. -EIO in Error.
   *
   * May block the calling guest.
   * @param fd The stream fd.
   * @param buf Audio bytes. A view of guest memory: valid until the call returns or the memory grows.
   * @returns The count, or a negative errno (-EIO, -EBADF, -EAGAIN, -EFAULT).
   */
  rtasr_write(fd: number, buf: Uint8Array): number;
  /**
   * Take one event (UTF-8 JSON) from the receive queue; -EAGAIN when none is queued, whatever O_NONBLOCK (it never waits). The receive queue holds at most max_recv_queue_bytes: the oldest events are dropped to make room (GET_STATUS dropped_events).
   *
   * May block the calling guest.
   * @param fd The stream fd.
   * @param outCapacity Room for one event. Its capacity in bytes (`*out_len_ptr`).
   * @returns The bytes to write (the glue returns their length), or a number returned as is: a negative errno (-EBADF, -EAGAIN, -EFAULT, -ENOSPC). More bytes than the capacity give -ENOSPC with the needed length written back.
   */
  rtasr_read(fd: number, outCapacity: number): Uint8Array | number;
  /**
   * Close the stream (its transport stops).
   * @param fd The stream fd.
   * @returns 0, or a negative errno (-EBADF).
   */
  rtasr_close(fd: number): number;
  /**
   * Open the stream `stream_id` in `direction`; returns its fd. Any number of fds may share a stream id; the stream's channel (its inbound and outbound queues) is made on first use by either side, so frames a client sent before the guest opened the stream are waiting for it. A negative `stream_id` or an unknown `direction` is -EINVAL. Each channel holds at most 2 MiB inbound and 2 MiB outbound, no frame longer than 256 KiB. Readiness: EPOLLIN when the fd reads (INBOUND, BIDIRECTIONAL) and a frame is queued; EPOLLOUT when it writes (OUTBOUND, BIDIRECTIONAL), the client has sent a frame on the stream (the channel is connected) and the outbound queue is below its cap; EPOLLERR when a client frame did not fit; EPOLLHUP once the client session closed. GET_METRICS: `{"conn_state":"Init"|"Connected"|"Closed"|"Error","direction":"In"|"Out"|"Bidi","execution_id","inbound_bytes","inbound_len","max_frame_bytes","max_inbound_bytes","max_outbound_bytes","outbound_bytes","outbound_len","stream_id"}` (the execution id is the instance id, in decimal).
   * @param streamId The stream id.
   * @param direction The direction. A value of enum `user_stream_dir` as the guest passed it: not checked.
   * @returns The new fd, or a negative errno (-ENOMEM, -EINVAL, -EMFILE).
   */
  user_stream_open(streamId: number, direction: number): number;
  /**
   * Take the oldest inbound frame (one whole SSF frame, header included); -EAGAIN when none is queued, whatever O_NONBLOCK (it never waits). -EINVAL on an OUTBOUND fd. After the session closed, frames still queued remain readable. Divergence from SPEAR: -ENOSPC consumes nothing (SPEAR drops the frame).
   *
   * May block the calling guest.
   * @param fd The stream fd.
   * @param outCapacity Room for one frame. Its capacity in bytes (`*out_len_ptr`).
   * @returns The bytes to write (the glue returns their length), or a number returned as is: a negative errno (-EBADF, -EAGAIN, -EFAULT, -EINVAL, -ENOSPC). More bytes than the capacity give -ENOSPC with the needed length written back.
   */
  user_stream_read(fd: number, outCapacity: number): Uint8Array | number;
  /**
   * Queue one SSF frame for the client; 0. Checked in SPEAR's order: an fd never handed out is -EBADF; a buffer that is not an SSF v1 frame (shorter than 32 bytes, magic not `SPST`, version not 1, header_len below 32 or past the end, meta_len + data_len not the bytes after the header) is -EINVAL; a closed or non-stream fd is -EBADF; an INBOUND fd, or a frame whose stream_id is not the fd's, is -EINVAL; before the client sent anything on the stream -ENOTCONN; after the session closed (or failed) -EPIPE; a frame longer than 256 KiB -EINVAL; no room in the 2 MiB outbound queue -EAGAIN (never waits).
   *
   * May block the calling guest.
   * @param fd The stream fd.
   * @param buf The frame. A view of guest memory: valid until the call returns or the memory grows.
   * @returns The count, or a negative errno (-EBADF, -EAGAIN, -EFAULT, -EINVAL, -EPIPE, -ENOTCONN).
   */
  user_stream_write(fd: number, buf: Uint8Array): number;
  /**
   * Close an fd (any kind, as SPEAR's): 0, also for an fd already closed; -EBADF for a number never handed out. Queued frames stay with the stream for other fds of it.
   * @param fd The stream fd.
   * @returns 0, or a negative errno (-EBADF).
   */
  user_stream_close(fd: number): number;
  /**
   * Open a control fd of the current client session: every frame a client sends queues `{stream_id, STREAM_CONNECTED}` on it, the end of the session `{0, SESSION_CLOSED}` (at most 1024 pending: the oldest is dropped). EPOLLIN while an event is pending. GET_METRICS: `{"execution_id","max_pending","pending_len"}`.
   * @returns The new fd, or a negative errno (-ENOMEM, -EMFILE).
   */
  user_stream_ctl_open(): number;
  /**
   * Take the oldest control event (an 8-byte `user_stream_ctl_event`); -EAGAIN when none is pending (it never waits); -EBADF for anything but an open control fd. Divergence from SPEAR: -ENOSPC consumes nothing.
   *
   * May block the calling guest.
   * @param fd The control fd.
   * @param outCapacity Room for one record. Its capacity in bytes (`*out_len_ptr`).
   * @returns The bytes to write (the glue returns their length), or a number returned as is: a negative errno (-EBADF, -EAGAIN, -EFAULT, -ENOSPC). More bytes than the capacity give -ENOSPC with the needed length written back.
   */
  user_stream_ctl_read(fd: number, outCapacity: number): Uint8Array | number;
  /**
   * Milliseconds since the Unix epoch on the host's wall clock (as SPEAR; not monotonic).
   * @returns The value.
   */
  time_now_ms(): bigint;
  /**
   * Seconds since the Unix epoch on the host's wall clock.
   * @returns The value.
   */
  wall_time_s(): bigint;
  /**
   * A 64-bit value from the host's cryptographic random source.
   * @returns The value.
   */
  random_i64(): bigint;
  /**
   * Write one log line at `level`; the host prints it with its level.
   * @param level Severity. A value of enum `log_level` as the guest passed it: not checked.
   * @param msg The message bytes (UTF-8). A view of guest memory: valid until the call returns or the memory grows.
   * @returns 0, or a negative errno (-EFAULT, -EINVAL).
   */
  log(level: number, msg: Uint8Array): number;
  /**
   * Block the calling guest for `ms` milliseconds (negative values sleep 0).
   *
   * May block the calling guest.
   * @param ms Milliseconds to sleep.
   */
  sleep_ms(ms: number): void | number;
}

/** The `spear` import object: one function per hostcall with its wasm signature. */
export type SpearImports = {
  /** Create a chat session fd. */
  readonly cchat_create: () => number;
  /** Append a message with `role` (usually "system", "user", "assistant" or "tool") and `content`. As SPEAR, any role and content are kept; bytes that are not UTF-8 become U+FFFD. */
  readonly cchat_write_msg: (fd: number, rolePtr: number, roleLen: number, contentPtr: number, contentLen: number) => number;
  /** Register a tool: `fn_offset` is the guest function-table index of `int32_t f(int32_t args_ptr, int32_t args_len, int32_t out_ptr, int32_t out_len_ptr)`, `fn` the OpenAI-style tool JSON. As SPEAR, any text is registered: a tool whose text is not JSON is not sent to the model; a tool call finds its tool by `function.name` (or a flat `name`), the first registered wins. */
  readonly cchat_write_fn: (fd: number, fnOffset: number, fnPtr: number, fnLen: number) => number;
  /** Set a parameter or read the metrics of a chat session. */
  readonly cchat_ctl: (fd: number, cmd: number, argPtr: number, argLenPtr: number) => number;
  /** Send the conversation to the chat backend. Returns a response fd at once (route B, a divergence: SPEAR answers before it returns); it turns EPOLLIN when the answer is ready. A failed model call (backend error, timeout, no such backend, a reply that is not a chat completion) is a readable answer, as SPEAR: `{"error":{"message":...}}`. Flags other than ENABLE_METRICS and AUTO_TOOL_CALL are ignored by the host. AUTO_TOOL_CALL runs SPEAR's loop: at most `max_iterations` model calls (default 8, at most 128), then `{"error":{"code":"tool_call_limit","message":"exceeded max_iterations"}}`; at most `max_total_tool_calls` tool calls (`max_tool_calls` when absent; default 32, at most 10000), then `{"error":{"code":"tool_call_limit","message":"exceeded max_total_tool_calls"}}`; each tool call answered by a `tool` message: the tool's output (rc 0), or `{"error":{"code":"tool_exec_failed","message":"tool rc: RC"}}`, or `{"error":{"code":"unknown_tool","message":"unknown tool: NAME"}}`. The loop appends the assistant messages, the tool messages and the final reply to the session (a send without AUTO_TOOL_CALL appends nothing). Tool arena (`tool_arena_ptr`, `tool_arena_len`): the arguments and a NUL at its start, the output at `align8(args_len + 1)` with capacity `min(arena_len - that - 8, max_tool_output_bytes)` (default 64 KiB, at most 1 MiB), the u32 `*out_len_ptr` at `out + align8(capacity)`; no arena -EFAULT, no room or an output over the cap -ENOSPC, a trap in the tool, a bad table entry or output that is not UTF-8 -EIO (each reported as `tool rc: RC`). Only a run that cannot finish (the guest ended while its tool was wanted) leaves the response EPOLLERR, its reads returning the errno. MCP, as SPEAR: with `mcp.enabled` and `mcp.server_ids` set, every model call is offered, after the registered tools, the tools of each selected server (`tools/list`) that pass the server's allow patterns and the policy's and session's allow/deny lists, named `mcp__<base64url(server_id)>__<base64url(tool)>`; a server that fails or times out offers none. A tool call that names no registered tool and starts with `mcp__` or `mcp.` (`mcp.<server_id>.<tool>`) runs `tools/call` on the server (a fresh process per call; the server's `budgets.tool_timeout_ms`, default 8000, from 100 to 120000 ms; list default 12000, at most 180000) and its `tool` message is the result JSON, cut to `max_tool_output_bytes` (default 64 KiB, at most 10 MiB), or `{"error":{"code":"mcp_tool_failed","message":M}}` (M: "mcp tool timeout", "unknown mcp server", "invalid mcp tool name", "mcp tool denied by server policy" / "task allowlist" / "task denylist" / "session allowlist" / "session denylist", "spawn failed: ...", "connect failed: ...", "call_tool failed: ..."). Divergences: the cut never splits a UTF-8 character (SPEAR's cut panics there); a call to a server the session did not select is refused with "mcp server not allowed: ID" (SPEAR runs any registered server's allowed tools); the host policy's tool allow/deny lists bind every session (SPEAR applies them only to a session started with the policy's default servers). */
  readonly cchat_send: (fd: number, flags: number) => number;
  /** Read the response (OpenAI chat-completion JSON with `_spear: {"backend", "model"}`, or an error body). Blocks until ready unless O_NONBLOCK (-EAGAIN) (route B, a divergence). -ENOSPC consumes nothing; after one full read, further reads return 0 (a divergence: SPEAR returns the bytes again). */
  readonly cchat_recv: (responseFd: number, outPtr: number, outLenPtr: number) => number;
  /** Close a chat session or response fd. */
  readonly cchat_close: (fd: number) => number;
  /** Create an empty epoll set and return its fd. */
  readonly spear_epoll_create: () => number;
  /** Add, change or remove the watch of `fd` in the set `epfd`. Checked in SPEAR's order: `epfd == fd` is -EINVAL; an epfd or fd never opened -EBADF; an epfd that is not an epoll set, or is closed, -EBADF; an fd that is an epoll set -EINVAL; an unknown op -EINVAL. An fd the guest closed may be watched (it reports HUP). */
  readonly spear_epoll_ctl: (epfd: number, op: number, fd: number, events: number) => number;
  /** Wait until a watched fd is ready or `timeout_ms` passes (negative: forever, 0: poll), and write one `epoll_event` record per ready fd, in ascending fd order. Returns the number of records; 0 with `*out_len_ptr = 0` when nothing became ready. A capacity under one record is -ENOSPC (8 written back), checked before the epfd (as SPEAR). Divergence from SPEAR: when more fds are ready than fit, successive calls rotate through the ready set (SPEAR always starts at the lowest fd, starving the others); the records of one call stay ascending. Closing the set wakes its waiters, which return -EBADF (SPEAR's waiter spins until its timeout, forever with a negative one). */
  readonly spear_epoll_wait: (epfd: number, outPtr: number, outLenPtr: number, timeoutMs: number) => number;
  /** Close the epoll set; waiters on it return -EBADF. As SPEAR, this closes an fd of any kind, and closing an fd already closed is 0. */
  readonly spear_epoll_close: (epfd: number) => number;
  /** Control any fd, also one the guest closed (fd numbers are never reused). Checked in SPEAR's order: an unknown command is -EINVAL, then an fd never opened -EBADF, then malformed JSON -EINVAL. */
  readonly spear_fd_ctl: (fd: number, cmd: number, argPtr: number, argLenPtr: number) => number;
  /** Create an audio source fd: not running, nothing queued, no readiness until SET_PARAM. */
  readonly mic_create: () => number;
  /** Configure or inspect an audio source. The fd is looked up first (-EBADF for a number never handed out), then the command (-EINVAL when unknown, whatever the fd's kind). The `stub` source queues one frame every `frame_ms` (20 when 0) of sample_rate_hz * frame_ms / 1000 samples * channels * 2 bytes: zeros, or the pattern repeated from where the previous frame stopped. The queue holds whole frames up to `max_queue_bytes`: a new frame drops the oldest ones until it fits (one larger than the cap is dropped itself), each counted in `dropped_frames`. Readiness: EPOLLIN while a frame is queued, EPOLLERR while `last_error` is set, EPOLLHUP once closed. Divergence (host memory): a queue holds at most 64 MiB and 262144 frames whatever `max_queue_bytes` says (SPEAR's grows to any size the guest asks, with frames of any size). */
  readonly mic_ctl: (fd: number, cmd: number, argPtr: number, argLenPtr: number) => number;
  /** Take one frame of audio; -EAGAIN when none is queued, whatever O_NONBLOCK (it never waits). A frame larger than the room is -ENOSPC with the needed length and the frame left queued (divergence: SPEAR's drops it). */
  readonly mic_read: (fd: number, outPtr: number, outLenPtr: number) => number;
  /** Close an audio source (its timer stops): watchers see EPOLLHUP; closing again is 0. */
  readonly mic_close: (fd: number) => number;
  /** Create a realtime-ASR stream fd in state Init (EPOLLOUT ready). */
  readonly rtasr_create: () => number;
  /** Configure, connect, flush or inspect a realtime-ASR stream. Readiness: EPOLLIN while events are queued; EPOLLOUT while the send queue holds fewer than max_send_queue_bytes and the state is not Error; EPOLLERR in Error; EPOLLHUP when the server closed the WebSocket (divergence: it stays until the fd is closed, where SPEAR's can be cleared by the next readiness change, which could leave a guest waiting). */
  readonly rtasr_ctl: (fd: number, cmd: number, argPtr: number, argLenPtr: number) => number;
  /** Queue audio bytes in the send queue: all of them (the count) or none (-EAGAIN when they do not fit in max_send_queue_bytes); never waits, whatever O_NONBLOCK. Accepted before CONNECT. -EIO in Error. */
  readonly rtasr_write: (fd: number, bufPtr: number, bufLen: number) => number;
  /** Take one event (UTF-8 JSON) from the receive queue; -EAGAIN when none is queued, whatever O_NONBLOCK (it never waits). The receive queue holds at most max_recv_queue_bytes: the oldest events are dropped to make room (GET_STATUS dropped_events). */
  readonly rtasr_read: (fd: number, outPtr: number, outLenPtr: number) => number;
  /** Close the stream (its transport stops). */
  readonly rtasr_close: (fd: number) => number;
  /** Open the stream `stream_id` in `direction`; returns its fd. Any number of fds may share a stream id; the stream's channel (its inbound and outbound queues) is made on first use by either side, so frames a client sent before the guest opened the stream are waiting for it. A negative `stream_id` or an unknown `direction` is -EINVAL. Each channel holds at most 2 MiB inbound and 2 MiB outbound, no frame longer than 256 KiB. Readiness: EPOLLIN when the fd reads (INBOUND, BIDIRECTIONAL) and a frame is queued; EPOLLOUT when it writes (OUTBOUND, BIDIRECTIONAL), the client has sent a frame on the stream (the channel is connected) and the outbound queue is below its cap; EPOLLERR when a client frame did not fit; EPOLLHUP once the client session closed. GET_METRICS: `{"conn_state":"Init"|"Connected"|"Closed"|"Error","direction":"In"|"Out"|"Bidi","execution_id","inbound_bytes","inbound_len","max_frame_bytes","max_inbound_bytes","max_outbound_bytes","outbound_bytes","outbound_len","stream_id"}` (the execution id is the instance id, in decimal). */
  readonly user_stream_open: (streamId: number, direction: number) => number;
  /** Take the oldest inbound frame (one whole SSF frame, header included); -EAGAIN when none is queued, whatever O_NONBLOCK (it never waits). -EINVAL on an OUTBOUND fd. After the session closed, frames still queued remain readable. Divergence from SPEAR: -ENOSPC consumes nothing (SPEAR drops the frame). */
  readonly user_stream_read: (fd: number, outPtr: number, outLenPtr: number) => number;
  /** Queue one SSF frame for the client; 0. Checked in SPEAR's order: an fd never handed out is -EBADF; a buffer that is not an SSF v1 frame (shorter than 32 bytes, magic not `SPST`, version not 1, header_len below 32 or past the end, meta_len + data_len not the bytes after the header) is -EINVAL; a closed or non-stream fd is -EBADF; an INBOUND fd, or a frame whose stream_id is not the fd's, is -EINVAL; before the client sent anything on the stream -ENOTCONN; after the session closed (or failed) -EPIPE; a frame longer than 256 KiB -EINVAL; no room in the 2 MiB outbound queue -EAGAIN (never waits). */
  readonly user_stream_write: (fd: number, bufPtr: number, bufLen: number) => number;
  /** Close an fd (any kind, as SPEAR's): 0, also for an fd already closed; -EBADF for a number never handed out. Queued frames stay with the stream for other fds of it. */
  readonly user_stream_close: (fd: number) => number;
  /** Open a control fd of the current client session: every frame a client sends queues `{stream_id, STREAM_CONNECTED}` on it, the end of the session `{0, SESSION_CLOSED}` (at most 1024 pending: the oldest is dropped). EPOLLIN while an event is pending. GET_METRICS: `{"execution_id","max_pending","pending_len"}`. */
  readonly user_stream_ctl_open: () => number;
  /** Take the oldest control event (an 8-byte `user_stream_ctl_event`); -EAGAIN when none is pending (it never waits); -EBADF for anything but an open control fd. Divergence from SPEAR: -ENOSPC consumes nothing. */
  readonly user_stream_ctl_read: (fd: number, outPtr: number, outLenPtr: number) => number;
  /** Milliseconds since the Unix epoch on the host's wall clock (as SPEAR; not monotonic). */
  readonly time_now_ms: () => bigint;
  /** Seconds since the Unix epoch on the host's wall clock. */
  readonly wall_time_s: () => bigint;
  /** A 64-bit value from the host's cryptographic random source. */
  readonly random_i64: () => bigint;
  /** Write one log line at `level`; the host prints it with its level. */
  readonly log: (level: number, msgPtr: number, msgLen: number) => number;
  /** Block the calling guest for `ms` milliseconds (negative values sleep 0). */
  readonly sleep_ms: (ms: number) => void;
};

/** What the glue needs of the guest's memory: a `WebAssembly.Memory` has it. */
export interface GuestMemory {
  /** The current bytes; replaced (and the old buffer detached) by `memory.grow`. */
  readonly buffer: ArrayBufferLike;
}

/** The u32 (little-endian) at `at`, which the caller has bounds-checked. */
function capacityAt(memory: ArrayBufferLike, at: number): number {
  return new DataView(memory).getUint32(at, true);
}

/**
 * The output-buffer rule, once the ranges are checked: `bytes` longer than `capacity` write
 * only their length to `*lenAt` and give -ENOSPC; otherwise they are copied to `start`, their
 * length is stored at `*lenAt`, and the length is returned.
 */
function storeOutput(getMemory: () => GuestMemory, start: number, lenAt: number, capacity: number, bytes: Uint8Array): number {
  const memory = getMemory().buffer; // a fresh view: the call may have grown the memory
  const length = bytes.length;
  if (length > capacity) {
    new DataView(memory).setUint32(lenAt, length, true);
    return -Errno.ENOSPC;
  }
  new Uint8Array(memory, start, length).set(bytes);
  new DataView(memory).setUint32(lenAt, length, true);
  return length;
}

/** For several outputs, when one does not fit: its needed length at `*lenAt` (those that fit are left alone). */
function storeNeeded(getMemory: () => GuestMemory, lenAt: number, capacity: number, bytes: Uint8Array): void {
  if (bytes.length > capacity) new DataView(getMemory().buffer).setUint32(lenAt, bytes.length, true);
}

/** What is left of a relative `timeout` (ms) started at `t0`; <= 0 (forever, or a poll) is kept as is. */
function remaining(timeout: number, t0: number, now: number): number {
  return timeout <= 0 ? timeout : Math.max(0, Math.ceil(t0 + timeout - now));
}

/** What `createSpearHost` needs of the host a guest runs on. */
export interface SpearHostHooks {
  /** Run the guest callbacks (tool calls) queued for this guest, on its thread. */
  runCallbacks(): void;
  /** The instance is being stopped: throw to unwind the guest. */
  aborted(): never;
  /** A monotonic clock in milliseconds (`performance.now`). */
  now(): number;
}

/** One wasm value of a hostcall's signature. */
export interface WasmParamInfo {
  /** The name in the wasm signature and the C prototype (`out_len_ptr`). */
  readonly name: string;
  /** The wasm value type. */
  readonly type: 'i32' | 'i64';
  /** What the value means. */
  readonly role: 'value' | 'ptr' | 'len' | 'len_ptr';
}

/** One IDL parameter of a hostcall. */
export interface HostcallParamInfo {
  /** The IDL name (`timeout_ms`). */
  readonly name: string;
  /** The IDL parameter kind. */
  readonly kind: 'fd' | 'int' | 'enum' | 'flags' | 'fn_index' | 'in_bytes' | 'in_string' | 'out_bytes' | 'ctl_arg';
  /** The wasm values it lowers to. */
  readonly wasm: readonly WasmParamInfo[];
}

/** What the IDL says of a hostcall: its signature, its result and the errnos it may return. */
export interface HostcallInfo {
  /** The import name in module `spear`. */
  readonly name: string;
  /** The family it belongs to (`chat`, `epoll`). */
  readonly family: string;
  /** The IDL parameters, in order. */
  readonly params: readonly HostcallParamInfo[];
  /** The wasm result type; `null` for none. */
  readonly result: 'i32' | 'i64' | null;
  /** What a non-negative result means. */
  readonly returns: 'count' | 'fd' | 'value' | 'status' | 'none';
  /** For a count of records: the record's IDL name. */
  readonly countOf: string | null;
  /** The errnos (positive) the call may return negated; -EFAULT and -ENOSPC come from the glue. */
  readonly errors: readonly ErrnoValue[];
  /** Whether the call may block the guest. */
  readonly blocking: boolean;
  /** Its relative timeout (ms), which a retry shortens: the IDL parameter's name. */
  readonly timeout: string | null;
  /** Whether the host implements it (`false`: -ENOSYS). */
  readonly implemented: boolean;
}

/**
 * The `spear` import object over `impl`. Every call takes a fresh view of the memory
 * (`memory.grow` detaches the old one), reads pointers and lengths as unsigned, and returns
 * -EFAULT, writing nothing and not calling `impl`, when a range lies outside the memory.
 * @param getMemory Returns the guest memory (its export, once instantiated).
 * @param implementation The host implementation, of every hostcall or of the ones in `K` (only the imports of those may then be called).
 */
export function createSpearImports<K extends keyof SpearHostImpl = keyof SpearHostImpl>(getMemory: () => GuestMemory, implementation: Pick<SpearHostImpl, K>): Pick<SpearNativeImports, K> {
  const impl = implementation as SpearHostImpl;
  const imports: SpearNativeImports = {
    cchat_create: (): number => impl.cchat_create(),
    cchat_write_msg: (fd: number, rolePtr: number, roleLen: number, contentPtr: number, contentLen: number): number => {
      const memory = getMemory().buffer;
      const roleStart = rolePtr >>> 0;
      const roleSize = roleLen >>> 0;
      if (roleStart + roleSize > memory.byteLength) return -Errno.EFAULT;
      const contentStart = contentPtr >>> 0;
      const contentSize = contentLen >>> 0;
      if (contentStart + contentSize > memory.byteLength) return -Errno.EFAULT;
      return impl.cchat_write_msg(fd | 0, new Uint8Array(memory, roleStart, roleSize), new Uint8Array(memory, contentStart, contentSize));
    },
    cchat_write_fn: (fd: number, fnOffset: number, fnPtr: number, fnLen: number): number => {
      const memory = getMemory().buffer;
      const fnStart = fnPtr >>> 0;
      const fnSize = fnLen >>> 0;
      if (fnStart + fnSize > memory.byteLength) return -Errno.EFAULT;
      return impl.cchat_write_fn(fd | 0, fnOffset | 0, new Uint8Array(memory, fnStart, fnSize));
    },
    cchat_ctl: (fd: number, cmd: number, argPtr: number, argLenPtr: number): number => {
      const memory = getMemory().buffer;
      const argStart = argPtr >>> 0;
      const argLenAt = argLenPtr >>> 0;
      if (argLenAt + 4 > memory.byteLength) return -Errno.EFAULT;
      const argCapacity = capacityAt(memory, argLenAt);
      if (argStart + argCapacity > memory.byteLength) return -Errno.EFAULT;
      const result = impl.cchat_ctl(fd | 0, cmd | 0, new Uint8Array(memory, argStart, argCapacity), argCapacity);
      if (typeof result === 'number') return result;
      return storeOutput(getMemory, argStart, argLenAt, argCapacity, result);
    },
    cchat_send: (fd: number, flags: number): number => impl.cchat_send(fd | 0, flags >>> 0),
    cchat_recv: (responseFd: number, outPtr: number, outLenPtr: number): number => {
      const memory = getMemory().buffer;
      const outStart = outPtr >>> 0;
      const outLenAt = outLenPtr >>> 0;
      if (outLenAt + 4 > memory.byteLength) return -Errno.EFAULT;
      const outCapacity = capacityAt(memory, outLenAt);
      if (outStart + outCapacity > memory.byteLength) return -Errno.EFAULT;
      const result = impl.cchat_recv(responseFd | 0, outCapacity);
      if (typeof result === 'number') return result;
      return storeOutput(getMemory, outStart, outLenAt, outCapacity, result);
    },
    cchat_close: (fd: number): number => impl.cchat_close(fd | 0),
    spear_epoll_create: (): number => impl.spear_epoll_create(),
    spear_epoll_ctl: (epfd: number, op: number, fd: number, events: number): number => impl.spear_epoll_ctl(epfd | 0, op | 0, fd | 0, events >>> 0),
    spear_epoll_wait: (epfd: number, outPtr: number, outLenPtr: number, timeoutMs: number): number => {
      const memory = getMemory().buffer;
      const outStart = outPtr >>> 0;
      const outLenAt = outLenPtr >>> 0;
      if (outLenAt + 4 > memory.byteLength) return -Errno.EFAULT;
      const outCapacity = capacityAt(memory, outLenAt);
      if (outStart + outCapacity > memory.byteLength) return -Errno.EFAULT;
      const result = impl.spear_epoll_wait(epfd | 0, outCapacity, timeoutMs | 0);
      if (typeof result === 'number') return result;
      if (result.length % 8 !== 0) {
        throw new TypeError(`spear_epoll_wait: the implementation returned ${result.length} bytes, not a whole number of epoll_event records (8 bytes each)`);
      }
      const written = storeOutput(getMemory, outStart, outLenAt, outCapacity, result);
      return written < 0 ? written : written / 8;
    },
    spear_epoll_close: (epfd: number): number => impl.spear_epoll_close(epfd | 0),
    spear_fd_ctl: (fd: number, cmd: number, argPtr: number, argLenPtr: number): number => {
      const memory = getMemory().buffer;
      const argStart = argPtr >>> 0;
      const argLenAt = argLenPtr >>> 0;
      if (argLenAt + 4 > memory.byteLength) return -Errno.EFAULT;
      const argCapacity = capacityAt(memory, argLenAt);
      if (argStart + argCapacity > memory.byteLength) return -Errno.EFAULT;
      const result = impl.spear_fd_ctl(fd | 0, cmd | 0, new Uint8Array(memory, argStart, argCapacity), argCapacity);
      if (typeof result === 'number') return result;
      return storeOutput(getMemory, argStart, argLenAt, argCapacity, result);
    },
    mic_create: (): number => impl.mic_create(),
    mic_ctl: (fd: number, cmd: number, argPtr: number, argLenPtr: number): number => {
      const memory = getMemory().buffer;
      const argStart = argPtr >>> 0;
      const argLenAt = argLenPtr >>> 0;
      if (argLenAt + 4 > memory.byteLength) return -Errno.EFAULT;
      const argCapacity = capacityAt(memory, argLenAt);
      if (argStart + argCapacity > memory.byteLength) return -Errno.EFAULT;
      const result = impl.mic_ctl(fd | 0, cmd | 0, new Uint8Array(memory, argStart, argCapacity), argCapacity);
      if (typeof result === 'number') return result;
      return storeOutput(getMemory, argStart, argLenAt, argCapacity, result);
    },
    mic_read: (fd: number, outPtr: number, outLenPtr: number): number => {
      const memory = getMemory().buffer;
      const outStart = outPtr >>> 0;
      const outLenAt = outLenPtr >>> 0;
      if (outLenAt + 4 > memory.byteLength) return -Errno.EFAULT;
      const outCapacity = capacityAt(memory, outLenAt);
      if (outStart + outCapacity > memory.byteLength) return -Errno.EFAULT;
      const result = impl.mic_read(fd | 0, outCapacity);
      if (typeof result === 'number') return result;
      return storeOutput(getMemory, outStart, outLenAt, outCapacity, result);
    },
    mic_close: (fd: number): number => impl.mic_close(fd | 0),
    rtasr_create: (): number => impl.rtasr_create(),
    rtasr_ctl: (fd: number, cmd: number, argPtr: number, argLenPtr: number): number => {
      const memory = getMemory().buffer;
      const argStart = argPtr >>> 0;
      const argLenAt = argLenPtr >>> 0;
      if (argLenAt + 4 > memory.byteLength) return -Errno.EFAULT;
      const argCapacity = capacityAt(memory, argLenAt);
      if (argStart + argCapacity > memory.byteLength) return -Errno.EFAULT;
      const result = impl.rtasr_ctl(fd | 0, cmd | 0, new Uint8Array(memory, argStart, argCapacity), argCapacity);
      if (typeof result === 'number') return result;
      return storeOutput(getMemory, argStart, argLenAt, argCapacity, result);
    },
    rtasr_write: (fd: number, bufPtr: number, bufLen: number): number => {
      const memory = getMemory().buffer;
      const bufStart = bufPtr >>> 0;
      const bufSize = bufLen >>> 0;
      if (bufStart + bufSize > memory.byteLength) return -Errno.EFAULT;
      return impl.rtasr_write(fd | 0, new Uint8Array(memory, bufStart, bufSize));
    },
    rtasr_read: (fd: number, outPtr: number, outLenPtr: number): number => {
      const memory = getMemory().buffer;
      const outStart = outPtr >>> 0;
      const outLenAt = outLenPtr >>> 0;
      if (outLenAt + 4 > memory.byteLength) return -Errno.EFAULT;
      const outCapacity = capacityAt(memory, outLenAt);
      if (outStart + outCapacity > memory.byteLength) return -Errno.EFAULT;
      const result = impl.rtasr_read(fd | 0, outCapacity);
      if (typeof result === 'number') return result;
      return storeOutput(getMemory, outStart, outLenAt, outCapacity, result);
    },
    rtasr_close: (fd: number): number => impl.rtasr_close(fd | 0),
    user_stream_open: (streamId: number, direction: number): number => impl.user_stream_open(streamId | 0, direction | 0),
    user_stream_read: (fd: number, outPtr: number, outLenPtr: number): number => {
      const memory = getMemory().buffer;
      const outStart = outPtr >>> 0;
      const outLenAt = outLenPtr >>> 0;
      if (outLenAt + 4 > memory.byteLength) return -Errno.EFAULT;
      const outCapacity = capacityAt(memory, outLenAt);
      if (outStart + outCapacity > memory.byteLength) return -Errno.EFAULT;
      const result = impl.user_stream_read(fd | 0, outCapacity);
      if (typeof result === 'number') return result;
      return storeOutput(getMemory, outStart, outLenAt, outCapacity, result);
    },
    user_stream_write: (fd: number, bufPtr: number, bufLen: number): number => {
      const memory = getMemory().buffer;
      const bufStart = bufPtr >>> 0;
      const bufSize = bufLen >>> 0;
      if (bufStart + bufSize > memory.byteLength) return -Errno.EFAULT;
      return impl.user_stream_write(fd | 0, new Uint8Array(memory, bufStart, bufSize));
    },
    user_stream_close: (fd: number): number => impl.user_stream_close(fd | 0),
    user_stream_ctl_open: (): number => impl.user_stream_ctl_open(),
    user_stream_ctl_read: (fd: number, outPtr: number, outLenPtr: number): number => {
      const memory = getMemory().buffer;
      const outStart = outPtr >>> 0;
      const outLenAt = outLenPtr >>> 0;
      if (outLenAt + 4 > memory.byteLength) return -Errno.EFAULT;
      const outCapacity = capacityAt(memory, outLenAt);
      if (outStart + outCapacity > memory.byteLength) return -Errno.EFAULT;
      const result = impl.user_stream_ctl_read(fd | 0, outCapacity);
      if (typeof result === 'number') return result;
      return storeOutput(getMemory, outStart, outLenAt, outCapacity, result);
    },
    time_now_ms: (): bigint => impl.time_now_ms(),
    wall_time_s: (): bigint => impl.wall_time_s(),
    random_i64: (): bigint => impl.random_i64(),
    log: (level: number, msgPtr: number, msgLen: number): number => {
      const memory = getMemory().buffer;
      const msgStart = msgPtr >>> 0;
      const msgSize = msgLen >>> 0;
      if (msgStart + msgSize > memory.byteLength) return -Errno.EFAULT;
      return impl.log(level | 0, new Uint8Array(memory, msgStart, msgSize));
    },
    sleep_ms: (ms: number): void | number => impl.sleep_ms(ms | 0),
  };
  return imports;
}

/** What a blocking call of the native instance returns while a guest callback is queued: run it, then call again (outside the errno range). */
export const CALLBACK_PENDING = -65536;

/** What a blocking call of the native instance returns once the instance is being stopped: unwind the guest (outside the errno range). */
export const ABORTED = -65537;

/**
 * The wasm imports of a native `GuestInstance` (`wasmImports()`): the signatures of `SpearImports`,
 * except that a blocking call may also return `CALLBACK_PENDING` or `ABORTED`, calls without a
 * result included. `createSpearHost` turns them into `SpearImports`.
 */
export type SpearNativeImports = {
  readonly cchat_create: () => number;
  readonly cchat_write_msg: (fd: number, rolePtr: number, roleLen: number, contentPtr: number, contentLen: number) => number;
  readonly cchat_write_fn: (fd: number, fnOffset: number, fnPtr: number, fnLen: number) => number;
  readonly cchat_ctl: (fd: number, cmd: number, argPtr: number, argLenPtr: number) => number;
  readonly cchat_send: (fd: number, flags: number) => number;
  readonly cchat_recv: (responseFd: number, outPtr: number, outLenPtr: number) => number;
  readonly cchat_close: (fd: number) => number;
  readonly spear_epoll_create: () => number;
  readonly spear_epoll_ctl: (epfd: number, op: number, fd: number, events: number) => number;
  readonly spear_epoll_wait: (epfd: number, outPtr: number, outLenPtr: number, timeoutMs: number) => number;
  readonly spear_epoll_close: (epfd: number) => number;
  readonly spear_fd_ctl: (fd: number, cmd: number, argPtr: number, argLenPtr: number) => number;
  readonly mic_create: () => number;
  readonly mic_ctl: (fd: number, cmd: number, argPtr: number, argLenPtr: number) => number;
  readonly mic_read: (fd: number, outPtr: number, outLenPtr: number) => number;
  readonly mic_close: (fd: number) => number;
  readonly rtasr_create: () => number;
  readonly rtasr_ctl: (fd: number, cmd: number, argPtr: number, argLenPtr: number) => number;
  readonly rtasr_write: (fd: number, bufPtr: number, bufLen: number) => number;
  readonly rtasr_read: (fd: number, outPtr: number, outLenPtr: number) => number;
  readonly rtasr_close: (fd: number) => number;
  readonly user_stream_open: (streamId: number, direction: number) => number;
  readonly user_stream_read: (fd: number, outPtr: number, outLenPtr: number) => number;
  readonly user_stream_write: (fd: number, bufPtr: number, bufLen: number) => number;
  readonly user_stream_close: (fd: number) => number;
  readonly user_stream_ctl_open: () => number;
  readonly user_stream_ctl_read: (fd: number, outPtr: number, outLenPtr: number) => number;
  readonly time_now_ms: () => bigint;
  readonly wall_time_s: () => bigint;
  readonly random_i64: () => bigint;
  readonly log: (level: number, msgPtr: number, msgLen: number) => number;
  readonly sleep_ms: (ms: number) => void | number;
};

/**
 * A native guest instance: an implementation of every hostcall, whose wasm imports check guest
 * memory and let the native core write outputs straight into it.
 */
export interface NativeGuestInstance extends SpearHostImpl {
  /** Hand over the guest's memory (its `WebAssembly.Memory` export) to the wasm imports: before it, a call that reads or writes guest memory throws. */
  attachMemory(memory: GuestMemory): void;
  /** The wasm imports of the instance, one function per hostcall (wrap the blocking ones with `createSpearHost`). */
  wasmImports(): SpearNativeImports;
}

/**
 * The `spear` import object of a guest over `native`: each call that never blocks
 * calls native's function (through a JS function, which V8 calls a native function from faster than
 * wasm does); a blocking call that returns `CALLBACK_PENDING` runs the queued guest
 * callbacks on this thread and calls again, waiting only what is left of its timeout; one that
 * returns `ABORTED` unwinds the guest through `hooks.aborted()`.
 * @param native The wasm imports (a native instance's, with any the host overrides).
 * @param hooks What the wrappers need of the host.
 */
export function createSpearHost(native: SpearNativeImports, hooks: SpearHostHooks): SpearImports {
  return {
    cchat_create: (): number => native.cchat_create(),
    cchat_write_msg: (fd: number, rolePtr: number, roleLen: number, contentPtr: number, contentLen: number): number => native.cchat_write_msg(fd, rolePtr, roleLen, contentPtr, contentLen),
    cchat_write_fn: (fd: number, fnOffset: number, fnPtr: number, fnLen: number): number => native.cchat_write_fn(fd, fnOffset, fnPtr, fnLen),
    cchat_ctl: (fd: number, cmd: number, argPtr: number, argLenPtr: number): number => native.cchat_ctl(fd, cmd, argPtr, argLenPtr),
    cchat_send: (fd: number, flags: number): number => native.cchat_send(fd, flags),
    cchat_recv: (responseFd: number, outPtr: number, outLenPtr: number): number => {
      for (; ;) {
        const r = native.cchat_recv(responseFd, outPtr, outLenPtr);
        if (r === CALLBACK_PENDING) {
          hooks.runCallbacks();
          continue;
        }
        if (r === ABORTED) hooks.aborted();
        return r;
      }
    },
    cchat_close: (fd: number): number => native.cchat_close(fd),
    spear_epoll_create: (): number => native.spear_epoll_create(),
    spear_epoll_ctl: (epfd: number, op: number, fd: number, events: number): number => native.spear_epoll_ctl(epfd, op, fd, events),
    spear_epoll_wait: (epfd: number, outPtr: number, outLenPtr: number, timeoutMs: number): number => {
      const t0 = timeoutMs > 0 ? hooks.now() : 0;
      let left = timeoutMs;
      for (; ;) {
        const r = native.spear_epoll_wait(epfd, outPtr, outLenPtr, left);
        if (r === CALLBACK_PENDING) {
          hooks.runCallbacks();
          left = remaining(timeoutMs, t0, hooks.now());
          continue;
        }
        if (r === ABORTED) hooks.aborted();
        return r;
      }
    },
    spear_epoll_close: (epfd: number): number => native.spear_epoll_close(epfd),
    spear_fd_ctl: (fd: number, cmd: number, argPtr: number, argLenPtr: number): number => native.spear_fd_ctl(fd, cmd, argPtr, argLenPtr),
    mic_create: (): number => native.mic_create(),
    mic_ctl: (fd: number, cmd: number, argPtr: number, argLenPtr: number): number => native.mic_ctl(fd, cmd, argPtr, argLenPtr),
    mic_read: (fd: number, outPtr: number, outLenPtr: number): number => {
      for (; ;) {
        const r = native.mic_read(fd, outPtr, outLenPtr);
        if (r === CALLBACK_PENDING) {
          hooks.runCallbacks();
          continue;
        }
        if (r === ABORTED) hooks.aborted();
        return r;
      }
    },
    mic_close: (fd: number): number => native.mic_close(fd),
    rtasr_create: (): number => native.rtasr_create(),
    rtasr_ctl: (fd: number, cmd: number, argPtr: number, argLenPtr: number): number => native.rtasr_ctl(fd, cmd, argPtr, argLenPtr),
    rtasr_write: (fd: number, bufPtr: number, bufLen: number): number => {
      for (; ;) {
        const r = native.rtasr_write(fd, bufPtr, bufLen);
        if (r === CALLBACK_PENDING) {
          hooks.runCallbacks();
          continue;
        }
        if (r === ABORTED) hooks.aborted();
        return r;
      }
    },
    rtasr_read: (fd: number, outPtr: number, outLenPtr: number): number => {
      for (; ;) {
        const r = native.rtasr_read(fd, outPtr, outLenPtr);
        if (r === CALLBACK_PENDING) {
          hooks.runCallbacks();
          continue;
        }
        if (r === ABORTED) hooks.aborted();
        return r;
      }
    },
    rtasr_close: (fd: number): number => native.rtasr_close(fd),
    user_stream_open: (streamId: number, direction: number): number => native.user_stream_open(streamId, direction),
    user_stream_read: (fd: number, outPtr: number, outLenPtr: number): number => {
      for (; ;) {
        const r = native.user_stream_read(fd, outPtr, outLenPtr);
        if (r === CALLBACK_PENDING) {
          hooks.runCallbacks();
          continue;
        }
        if (r === ABORTED) hooks.aborted();
        return r;
      }
    },
    user_stream_write: (fd: number, bufPtr: number, bufLen: number): number => {
      for (; ;) {
        const r = native.user_stream_write(fd, bufPtr, bufLen);
        if (r === CALLBACK_PENDING) {
          hooks.runCallbacks();
          continue;
        }
        if (r === ABORTED) hooks.aborted();
        return r;
      }
    },
    user_stream_close: (fd: number): number => native.user_stream_close(fd),
    user_stream_ctl_open: (): number => native.user_stream_ctl_open(),
    user_stream_ctl_read: (fd: number, outPtr: number, outLenPtr: number): number => {
      for (; ;) {
        const r = native.user_stream_ctl_read(fd, outPtr, outLenPtr);
        if (r === CALLBACK_PENDING) {
          hooks.runCallbacks();
          continue;
        }
        if (r === ABORTED) hooks.aborted();
        return r;
      }
    },
    time_now_ms: (): bigint => native.time_now_ms(),
    wall_time_s: (): bigint => native.wall_time_s(),
    random_i64: (): bigint => native.random_i64(),
    log: (level: number, msgPtr: number, msgLen: number): number => native.log(level, msgPtr, msgLen),
    sleep_ms: (ms: number): void => {
      const t0 = ms > 0 ? hooks.now() : 0;
      let left = ms;
      for (; ;) {
        const r = native.sleep_ms(left);
        if (r === CALLBACK_PENDING) {
          hooks.runCallbacks();
          left = remaining(ms, t0, hooks.now());
          continue;
        }
        if (r === ABORTED) hooks.aborted();
        return;
      }
    },
  };
}

/** The import name of a hostcall. */
export type HostcallName = keyof SpearHostImpl;

/** Every hostcall as the IDL declares it, by import name: for tests and fuzzers. */
export const HOSTCALLS: { readonly [K in HostcallName]: HostcallInfo } = {
  cchat_create: {
    name: 'cchat_create',
    family: 'chat',
    params: [],
    result: 'i32',
    returns: 'fd',
    countOf: null,
    errors: [Errno.ENOMEM, Errno.EMFILE],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  cchat_write_msg: {
    name: 'cchat_write_msg',
    family: 'chat',
    params: [
      { name: 'fd', kind: 'fd', wasm: [{ name: 'fd', type: 'i32', role: 'value' }] },
      { name: 'role', kind: 'in_string', wasm: [{ name: 'role_ptr', type: 'i32', role: 'ptr' }, { name: 'role_len', type: 'i32', role: 'len' }] },
      { name: 'content', kind: 'in_string', wasm: [{ name: 'content_ptr', type: 'i32', role: 'ptr' }, { name: 'content_len', type: 'i32', role: 'len' }] },
    ],
    result: 'i32',
    returns: 'status',
    countOf: null,
    errors: [Errno.EBADF, Errno.EFAULT, Errno.EINVAL],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  cchat_write_fn: {
    name: 'cchat_write_fn',
    family: 'chat',
    params: [
      { name: 'fd', kind: 'fd', wasm: [{ name: 'fd', type: 'i32', role: 'value' }] },
      { name: 'fn_offset', kind: 'fn_index', wasm: [{ name: 'fn_offset', type: 'i32', role: 'value' }] },
      { name: 'fn', kind: 'in_string', wasm: [{ name: 'fn_ptr', type: 'i32', role: 'ptr' }, { name: 'fn_len', type: 'i32', role: 'len' }] },
    ],
    result: 'i32',
    returns: 'status',
    countOf: null,
    errors: [Errno.EBADF, Errno.EFAULT, Errno.EINVAL],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  cchat_ctl: {
    name: 'cchat_ctl',
    family: 'chat',
    params: [
      { name: 'fd', kind: 'fd', wasm: [{ name: 'fd', type: 'i32', role: 'value' }] },
      { name: 'cmd', kind: 'enum', wasm: [{ name: 'cmd', type: 'i32', role: 'value' }] },
      { name: 'arg', kind: 'ctl_arg', wasm: [{ name: 'arg_ptr', type: 'i32', role: 'ptr' }, { name: 'arg_len_ptr', type: 'i32', role: 'len_ptr' }] },
    ],
    result: 'i32',
    returns: 'count',
    countOf: null,
    errors: [Errno.EIO, Errno.EBADF, Errno.EACCES, Errno.EFAULT, Errno.EINVAL, Errno.ENOSPC],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  cchat_send: {
    name: 'cchat_send',
    family: 'chat',
    params: [
      { name: 'fd', kind: 'fd', wasm: [{ name: 'fd', type: 'i32', role: 'value' }] },
      { name: 'flags', kind: 'flags', wasm: [{ name: 'flags', type: 'i32', role: 'value' }] },
    ],
    result: 'i32',
    returns: 'fd',
    countOf: null,
    errors: [Errno.EBADF, Errno.ENOMEM, Errno.EINVAL, Errno.EMFILE],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  cchat_recv: {
    name: 'cchat_recv',
    family: 'chat',
    params: [
      { name: 'response_fd', kind: 'fd', wasm: [{ name: 'response_fd', type: 'i32', role: 'value' }] },
      { name: 'out', kind: 'out_bytes', wasm: [{ name: 'out_ptr', type: 'i32', role: 'ptr' }, { name: 'out_len_ptr', type: 'i32', role: 'len_ptr' }] },
    ],
    result: 'i32',
    returns: 'count',
    countOf: null,
    errors: [Errno.EPERM, Errno.EIO, Errno.EBADF, Errno.EAGAIN, Errno.EFAULT, Errno.EINVAL, Errno.ENOSPC, Errno.EPROTO, Errno.ECONNRESET, Errno.ETIMEDOUT, Errno.ECANCELED],
    blocking: true,
    timeout: null,
    implemented: true,
  },
  cchat_close: {
    name: 'cchat_close',
    family: 'chat',
    params: [
      { name: 'fd', kind: 'fd', wasm: [{ name: 'fd', type: 'i32', role: 'value' }] },
    ],
    result: 'i32',
    returns: 'status',
    countOf: null,
    errors: [Errno.EBADF],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  spear_epoll_create: {
    name: 'spear_epoll_create',
    family: 'epoll',
    params: [],
    result: 'i32',
    returns: 'fd',
    countOf: null,
    errors: [Errno.ENOMEM, Errno.EMFILE],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  spear_epoll_ctl: {
    name: 'spear_epoll_ctl',
    family: 'epoll',
    params: [
      { name: 'epfd', kind: 'fd', wasm: [{ name: 'epfd', type: 'i32', role: 'value' }] },
      { name: 'op', kind: 'enum', wasm: [{ name: 'op', type: 'i32', role: 'value' }] },
      { name: 'fd', kind: 'fd', wasm: [{ name: 'fd', type: 'i32', role: 'value' }] },
      { name: 'events', kind: 'flags', wasm: [{ name: 'events', type: 'i32', role: 'value' }] },
    ],
    result: 'i32',
    returns: 'status',
    countOf: null,
    errors: [Errno.EBADF, Errno.EINVAL],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  spear_epoll_wait: {
    name: 'spear_epoll_wait',
    family: 'epoll',
    params: [
      { name: 'epfd', kind: 'fd', wasm: [{ name: 'epfd', type: 'i32', role: 'value' }] },
      { name: 'out', kind: 'out_bytes', wasm: [{ name: 'out_ptr', type: 'i32', role: 'ptr' }, { name: 'out_len_ptr', type: 'i32', role: 'len_ptr' }] },
      { name: 'timeout_ms', kind: 'int', wasm: [{ name: 'timeout_ms', type: 'i32', role: 'value' }] },
    ],
    result: 'i32',
    returns: 'count',
    countOf: 'epoll_event',
    errors: [Errno.EINTR, Errno.EBADF, Errno.EFAULT, Errno.EINVAL, Errno.ENOSPC],
    blocking: true,
    timeout: 'timeout_ms',
    implemented: true,
  },
  spear_epoll_close: {
    name: 'spear_epoll_close',
    family: 'epoll',
    params: [
      { name: 'epfd', kind: 'fd', wasm: [{ name: 'epfd', type: 'i32', role: 'value' }] },
    ],
    result: 'i32',
    returns: 'status',
    countOf: null,
    errors: [Errno.EBADF],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  spear_fd_ctl: {
    name: 'spear_fd_ctl',
    family: 'fd',
    params: [
      { name: 'fd', kind: 'fd', wasm: [{ name: 'fd', type: 'i32', role: 'value' }] },
      { name: 'cmd', kind: 'enum', wasm: [{ name: 'cmd', type: 'i32', role: 'value' }] },
      { name: 'arg', kind: 'ctl_arg', wasm: [{ name: 'arg_ptr', type: 'i32', role: 'ptr' }, { name: 'arg_len_ptr', type: 'i32', role: 'len_ptr' }] },
    ],
    result: 'i32',
    returns: 'count',
    countOf: null,
    errors: [Errno.EBADF, Errno.EFAULT, Errno.EINVAL, Errno.ENOSPC],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  mic_create: {
    name: 'mic_create',
    family: 'mic',
    params: [],
    result: 'i32',
    returns: 'fd',
    countOf: null,
    errors: [Errno.ENOMEM, Errno.EMFILE],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  mic_ctl: {
    name: 'mic_ctl',
    family: 'mic',
    params: [
      { name: 'fd', kind: 'fd', wasm: [{ name: 'fd', type: 'i32', role: 'value' }] },
      { name: 'cmd', kind: 'enum', wasm: [{ name: 'cmd', type: 'i32', role: 'value' }] },
      { name: 'arg', kind: 'ctl_arg', wasm: [{ name: 'arg_ptr', type: 'i32', role: 'ptr' }, { name: 'arg_len_ptr', type: 'i32', role: 'len_ptr' }] },
    ],
    result: 'i32',
    returns: 'count',
    countOf: null,
    errors: [Errno.EIO, Errno.EBADF, Errno.EFAULT, Errno.EINVAL, Errno.ENOSPC],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  mic_read: {
    name: 'mic_read',
    family: 'mic',
    params: [
      { name: 'fd', kind: 'fd', wasm: [{ name: 'fd', type: 'i32', role: 'value' }] },
      { name: 'out', kind: 'out_bytes', wasm: [{ name: 'out_ptr', type: 'i32', role: 'ptr' }, { name: 'out_len_ptr', type: 'i32', role: 'len_ptr' }] },
    ],
    result: 'i32',
    returns: 'count',
    countOf: null,
    errors: [Errno.EBADF, Errno.EAGAIN, Errno.EFAULT, Errno.ENOSPC],
    blocking: true,
    timeout: null,
    implemented: true,
  },
  mic_close: {
    name: 'mic_close',
    family: 'mic',
    params: [
      { name: 'fd', kind: 'fd', wasm: [{ name: 'fd', type: 'i32', role: 'value' }] },
    ],
    result: 'i32',
    returns: 'status',
    countOf: null,
    errors: [Errno.EBADF],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  rtasr_create: {
    name: 'rtasr_create',
    family: 'rtasr',
    params: [],
    result: 'i32',
    returns: 'fd',
    countOf: null,
    errors: [Errno.ENOMEM, Errno.EMFILE],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  rtasr_ctl: {
    name: 'rtasr_ctl',
    family: 'rtasr',
    params: [
      { name: 'fd', kind: 'fd', wasm: [{ name: 'fd', type: 'i32', role: 'value' }] },
      { name: 'cmd', kind: 'enum', wasm: [{ name: 'cmd', type: 'i32', role: 'value' }] },
      { name: 'arg', kind: 'ctl_arg', wasm: [{ name: 'arg_ptr', type: 'i32', role: 'ptr' }, { name: 'arg_len_ptr', type: 'i32', role: 'len_ptr' }] },
    ],
    result: 'i32',
    returns: 'count',
    countOf: null,
    errors: [Errno.EIO, Errno.EBADF, Errno.EAGAIN, Errno.EFAULT, Errno.EINVAL, Errno.ENOSPC],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  rtasr_write: {
    name: 'rtasr_write',
    family: 'rtasr',
    params: [
      { name: 'fd', kind: 'fd', wasm: [{ name: 'fd', type: 'i32', role: 'value' }] },
      { name: 'buf', kind: 'in_bytes', wasm: [{ name: 'buf_ptr', type: 'i32', role: 'ptr' }, { name: 'buf_len', type: 'i32', role: 'len' }] },
    ],
    result: 'i32',
    returns: 'count',
    countOf: null,
    errors: [Errno.EIO, Errno.EBADF, Errno.EAGAIN, Errno.EFAULT],
    blocking: true,
    timeout: null,
    implemented: true,
  },
  rtasr_read: {
    name: 'rtasr_read',
    family: 'rtasr',
    params: [
      { name: 'fd', kind: 'fd', wasm: [{ name: 'fd', type: 'i32', role: 'value' }] },
      { name: 'out', kind: 'out_bytes', wasm: [{ name: 'out_ptr', type: 'i32', role: 'ptr' }, { name: 'out_len_ptr', type: 'i32', role: 'len_ptr' }] },
    ],
    result: 'i32',
    returns: 'count',
    countOf: null,
    errors: [Errno.EBADF, Errno.EAGAIN, Errno.EFAULT, Errno.ENOSPC],
    blocking: true,
    timeout: null,
    implemented: true,
  },
  rtasr_close: {
    name: 'rtasr_close',
    family: 'rtasr',
    params: [
      { name: 'fd', kind: 'fd', wasm: [{ name: 'fd', type: 'i32', role: 'value' }] },
    ],
    result: 'i32',
    returns: 'status',
    countOf: null,
    errors: [Errno.EBADF],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  user_stream_open: {
    name: 'user_stream_open',
    family: 'user_stream',
    params: [
      { name: 'stream_id', kind: 'int', wasm: [{ name: 'stream_id', type: 'i32', role: 'value' }] },
      { name: 'direction', kind: 'enum', wasm: [{ name: 'direction', type: 'i32', role: 'value' }] },
    ],
    result: 'i32',
    returns: 'fd',
    countOf: null,
    errors: [Errno.ENOMEM, Errno.EINVAL, Errno.EMFILE],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  user_stream_read: {
    name: 'user_stream_read',
    family: 'user_stream',
    params: [
      { name: 'fd', kind: 'fd', wasm: [{ name: 'fd', type: 'i32', role: 'value' }] },
      { name: 'out', kind: 'out_bytes', wasm: [{ name: 'out_ptr', type: 'i32', role: 'ptr' }, { name: 'out_len_ptr', type: 'i32', role: 'len_ptr' }] },
    ],
    result: 'i32',
    returns: 'count',
    countOf: null,
    errors: [Errno.EBADF, Errno.EAGAIN, Errno.EFAULT, Errno.EINVAL, Errno.ENOSPC],
    blocking: true,
    timeout: null,
    implemented: true,
  },
  user_stream_write: {
    name: 'user_stream_write',
    family: 'user_stream',
    params: [
      { name: 'fd', kind: 'fd', wasm: [{ name: 'fd', type: 'i32', role: 'value' }] },
      { name: 'buf', kind: 'in_bytes', wasm: [{ name: 'buf_ptr', type: 'i32', role: 'ptr' }, { name: 'buf_len', type: 'i32', role: 'len' }] },
    ],
    result: 'i32',
    returns: 'count',
    countOf: null,
    errors: [Errno.EBADF, Errno.EAGAIN, Errno.EFAULT, Errno.EINVAL, Errno.EPIPE, Errno.ENOTCONN],
    blocking: true,
    timeout: null,
    implemented: true,
  },
  user_stream_close: {
    name: 'user_stream_close',
    family: 'user_stream',
    params: [
      { name: 'fd', kind: 'fd', wasm: [{ name: 'fd', type: 'i32', role: 'value' }] },
    ],
    result: 'i32',
    returns: 'status',
    countOf: null,
    errors: [Errno.EBADF],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  user_stream_ctl_open: {
    name: 'user_stream_ctl_open',
    family: 'user_stream',
    params: [],
    result: 'i32',
    returns: 'fd',
    countOf: null,
    errors: [Errno.ENOMEM, Errno.EMFILE],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  user_stream_ctl_read: {
    name: 'user_stream_ctl_read',
    family: 'user_stream',
    params: [
      { name: 'fd', kind: 'fd', wasm: [{ name: 'fd', type: 'i32', role: 'value' }] },
      { name: 'out', kind: 'out_bytes', wasm: [{ name: 'out_ptr', type: 'i32', role: 'ptr' }, { name: 'out_len_ptr', type: 'i32', role: 'len_ptr' }] },
    ],
    result: 'i32',
    returns: 'count',
    countOf: null,
    errors: [Errno.EBADF, Errno.EAGAIN, Errno.EFAULT, Errno.ENOSPC],
    blocking: true,
    timeout: null,
    implemented: true,
  },
  time_now_ms: {
    name: 'time_now_ms',
    family: 'util',
    params: [],
    result: 'i64',
    returns: 'value',
    countOf: null,
    errors: [],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  wall_time_s: {
    name: 'wall_time_s',
    family: 'util',
    params: [],
    result: 'i64',
    returns: 'value',
    countOf: null,
    errors: [],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  random_i64: {
    name: 'random_i64',
    family: 'util',
    params: [],
    result: 'i64',
    returns: 'value',
    countOf: null,
    errors: [],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  log: {
    name: 'log',
    family: 'util',
    params: [
      { name: 'level', kind: 'enum', wasm: [{ name: 'level', type: 'i32', role: 'value' }] },
      { name: 'msg', kind: 'in_bytes', wasm: [{ name: 'msg_ptr', type: 'i32', role: 'ptr' }, { name: 'msg_len', type: 'i32', role: 'len' }] },
    ],
    result: 'i32',
    returns: 'status',
    countOf: null,
    errors: [Errno.EFAULT, Errno.EINVAL],
    blocking: false,
    timeout: null,
    implemented: true,
  },
  sleep_ms: {
    name: 'sleep_ms',
    family: 'util',
    params: [
      { name: 'ms', kind: 'int', wasm: [{ name: 'ms', type: 'i32', role: 'value' }] },
    ],
    result: null,
    returns: 'none',
    countOf: null,
    errors: [],
    blocking: true,
    timeout: 'ms',
    implemented: true,
  },
};

/** A host that implements nothing: every call returns -ENOSYS (as a `bigint` for i64 results; nothing for calls without a result). What the runtime uses until a call is implemented. */
export function enosysHost(): SpearHostImpl {
  return {
    cchat_create: () => -Errno.ENOSYS,
    cchat_write_msg: () => -Errno.ENOSYS,
    cchat_write_fn: () => -Errno.ENOSYS,
    cchat_ctl: () => -Errno.ENOSYS,
    cchat_send: () => -Errno.ENOSYS,
    cchat_recv: () => -Errno.ENOSYS,
    cchat_close: () => -Errno.ENOSYS,
    spear_epoll_create: () => -Errno.ENOSYS,
    spear_epoll_ctl: () => -Errno.ENOSYS,
    spear_epoll_wait: () => -Errno.ENOSYS,
    spear_epoll_close: () => -Errno.ENOSYS,
    spear_fd_ctl: () => -Errno.ENOSYS,
    mic_create: () => -Errno.ENOSYS,
    mic_ctl: () => -Errno.ENOSYS,
    mic_read: () => -Errno.ENOSYS,
    mic_close: () => -Errno.ENOSYS,
    rtasr_create: () => -Errno.ENOSYS,
    rtasr_ctl: () => -Errno.ENOSYS,
    rtasr_write: () => -Errno.ENOSYS,
    rtasr_read: () => -Errno.ENOSYS,
    rtasr_close: () => -Errno.ENOSYS,
    user_stream_open: () => -Errno.ENOSYS,
    user_stream_read: () => -Errno.ENOSYS,
    user_stream_write: () => -Errno.ENOSYS,
    user_stream_close: () => -Errno.ENOSYS,
    user_stream_ctl_open: () => -Errno.ENOSYS,
    user_stream_ctl_read: () => -Errno.ENOSYS,
    time_now_ms: () => BigInt(-Errno.ENOSYS),
    wall_time_s: () => BigInt(-Errno.ENOSYS),
    random_i64: () => BigInt(-Errno.ENOSYS),
    log: () => -Errno.ENOSYS,
    sleep_ms: () => undefined,
  };
}

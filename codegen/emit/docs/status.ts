/**
 * What this host build implements, which the IDL does not say.
 *
 * A hostcall's `implemented` flag in the IDL is the ABI's intent: `true` means the call is
 * part of what this host is to provide (planned), `false` that it is declared for drop-in
 * compatibility only and answers -ENOSYS on every host. Which planned calls the native core
 * really implements today is a fact about the build, kept here so that the reference says it
 * honestly. Add a hostcall's import name when the native core implements it.
 */

/** Import names of the hostcalls the native core of this build implements. */
export const HOST_IMPLEMENTED: readonly string[] = [
  // chat (native/core/guest_instance_chat.cc; responses come from the host's chat services)
  'cchat_create',
  'cchat_write_msg',
  'cchat_write_fn',
  'cchat_ctl',
  'cchat_send',
  'cchat_recv',
  'cchat_close',
  // epoll (native/core/epoll.cc, guest_instance_epoll.cc)
  'spear_epoll_create',
  'spear_epoll_ctl',
  'spear_epoll_wait',
  'spear_epoll_close',
  // fd (native/core/guest_instance_fd.cc)
  'spear_fd_ctl',
  // realtime ASR with the deterministic stub transport (native/core/rtasr.cc, rtasr_stub.cc)
  'rtasr_create',
  'rtasr_ctl',
  'rtasr_write',
  'rtasr_read',
  'rtasr_close',
  // user streams, served to clients over the host's WebSocket bridge (native/core/user_stream.cc)
  'user_stream_open',
  'user_stream_read',
  'user_stream_write',
  'user_stream_close',
  'user_stream_ctl_open',
  'user_stream_ctl_read',
  // audio sources with the stub source; no capture device (native/core/mic.cc, guest_instance_mic.cc)
  'mic_create',
  'mic_ctl',
  'mic_read',
  'mic_close',
  // util (native/core/guest_instance_util.cc)
  'time_now_ms',
  'wall_time_s',
  'random_i64',
  'log',
  'sleep_ms',
];

/** One line on the state of the host build, for the banner of the reference. */
export const HOST_STATUS_NOTE =
  'The native core of this build implements every hostcall: chat (responses from the host chat services, MCP tool servers with `hostwire run --mcp-dir`), epoll, fd control, realtime ASR (the deterministic `stub` transport, or a realtime WebSocket backend with `hostwire run --rtasr-url`), audio sources with the `stub` source (no capture device: `source: \"device\"` behaves as SPEAR built without its mic-device feature), user streams (served to clients by the WebSocket bridge of `hostwire run --streams`) and the utilities.';

// hostwire native core: GuestInstance, one guest's native state.
//
// Its fd table (fd_table.hpp, where the LOCK ORDER of the core is written), the hostcalls of
// module `spear` (GuestInstanceApi, one member per hostcall), and what the bridge
// (runtime/guest/README.md, "The bridge"; native/napi/host_bridge.cc) needs: the process-wide
// id, the outbox of chat requests, the queue of guest callbacks, completions from host
// services on any thread, abort and release.
//
// Blocking hostcalls (spear_epoll_wait, cchat_recv, rtasr_read, rtasr_write, mic_read, sleep_ms) sleep
// on the instance's Waker (waker.hpp), never in a busy loop. Each of them, before doing
// anything else and again on every wakeup, returns kAborted once the instance was aborted
// (or released) and kCallbackPending while a guest callback is queued, whatever the fd's
// readiness or O_NONBLOCK: the worker runs the callbacks and calls again.
//
// User streams: user_stream.hpp. Audio sources: mic.hpp.
// The core's own threads are the timers of the fds that produce on their own (ticker.hpp).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/fd_table.hpp"
#include "core/mcp_policy.hpp"
#include "core/waker.hpp"
#include "napi/guest_instance_core.hpp"

namespace hostwire::core {

class RtAsrStream;
class UserStreamHub;
class MicSource;

/** A chat request waiting in an instance's outbox for the host services. */
struct ChatRequest {
  int32_t response_fd;
  /** The chat request JSON (chat_session.hpp). */
  std::string json;
};

/** A guest callback (a tool call) queued by the host for the guest's thread. */
struct GuestCallback {
  uint64_t id;
  /** The callback payload JSON, as the host gave it. */
  std::string payload;
};

class GuestInstance final : public GuestInstanceApi {
 public:
  /** A new instance with a new process-wide id (make_guest_instance also registers it). */
  GuestInstance();
  ~GuestInstance() override;

  // ---- hostcalls ------------------------------------------------------------------------
  // chat (guest_instance_chat.cc)
  int32_t cchat_create() override;
  int32_t cchat_write_msg(int32_t fd, const uint8_t *role, size_t role_len, const uint8_t *content,
                          size_t content_len) override;
  int32_t cchat_write_fn(int32_t fd, int32_t fn_offset, const uint8_t *fn, size_t fn_len) override;
  int32_t cchat_ctl(int32_t fd, int32_t cmd, const uint8_t *arg, size_t arg_len, Output &arg_out) override;
  int32_t cchat_send(int32_t fd, uint32_t flags) override;
  int32_t cchat_recv(int32_t response_fd, Output &out) override;
  int32_t cchat_close(int32_t fd) override;

  // epoll (guest_instance_epoll.cc)
  int32_t spear_epoll_create() override;
  int32_t spear_epoll_ctl(int32_t epfd, int32_t op, int32_t fd, uint32_t events) override;
  int32_t spear_epoll_wait(int32_t epfd, Output &out, int32_t timeout_ms) override;
  int32_t spear_epoll_close(int32_t epfd) override;

  // fd (guest_instance_fd.cc)
  int32_t spear_fd_ctl(int32_t fd, int32_t cmd, const uint8_t *arg, size_t arg_len, Output &arg_out) override;

  // realtime ASR (guest_instance_rtasr.cc)
  int32_t rtasr_create() override;
  int32_t rtasr_ctl(int32_t fd, int32_t cmd, const uint8_t *arg, size_t arg_len, Output &arg_out) override;
  int32_t rtasr_write(int32_t fd, const uint8_t *buf, size_t buf_len) override;
  int32_t rtasr_read(int32_t fd, Output &out) override;
  int32_t rtasr_close(int32_t fd) override;
  // audio sources (guest_instance_mic.cc)
  int32_t mic_create() override;
  int32_t mic_ctl(int32_t fd, int32_t cmd, const uint8_t *arg, size_t arg_len, Output &arg_out) override;
  int32_t mic_read(int32_t fd, Output &out) override;
  int32_t mic_close(int32_t fd) override;

  // user streams (guest_instance_user_stream.cc)
  int32_t user_stream_open(int32_t stream_id, int32_t direction) override;
  int32_t user_stream_read(int32_t fd, Output &out) override;
  int32_t user_stream_write(int32_t fd, const uint8_t *buf, size_t buf_len) override;
  int32_t user_stream_close(int32_t fd) override;
  int32_t user_stream_ctl_open() override;
  int32_t user_stream_ctl_read(int32_t fd, Output &out) override;

  // util (guest_instance_util.cc)
  int64_t time_now_ms() override;
  int64_t wall_time_s() override;
  int64_t random_i64() override;
  int32_t log(int32_t level, const uint8_t *msg, size_t msg_len) override;
  int32_t sleep_ms(int32_t ms) override;

  // ---- the bridge (any thread unless noted) ---------------------------------------------

  /** The process-wide id (InstanceRegistry), never 0. */
  uint64_t id() const { return id_; }

  /** Drain the outbox: the chat requests of cchat_send, oldest first (the worker's thread). */
  std::vector<ChatRequest> take_requests();

  /** Drain the queued guest callbacks, oldest first (the worker's thread). */
  std::vector<GuestCallback> take_callbacks();

  /**
   * The host answered the chat request of `response_fd`: `bytes`, `metrics_json` ("" for
   * none), and `append_json` ("" for none): a JSON array of messages appended to the
   * response's session (when it is still open) before the response turns readable. 0;
   * -EBADF when released, `response_fd` is not an open ChatResponse; -EINVAL when
   * `metrics_json` is not JSON, `append_json` is not an array of objects, or the response
   * was already completed or failed.
   */
  int32_t complete_chat(int32_t response_fd, std::vector<uint8_t> bytes, const std::string &metrics_json,
                        const std::string &append_json = std::string());

  /**
   * The chat request of `response_fd` failed with errno `err` (either sign; stored
   * negative). 0, -EBADF as complete_chat, -EINVAL for 0 or |err| > 4095 or when settled.
   */
  int32_t fail_chat(int32_t response_fd, int32_t err);

  /** Queue a guest callback and wake the instance's blocked call: 0, or -EBADF when released. */
  int32_t post_callback(uint64_t callback_id, std::string payload);

  /** Every blocked and future blocking call returns kAborted. 0. */
  int32_t abort();

  /**
   * Free the fd table (every fd closed, every epoll waiter woken), drop the outbox and the
   * callbacks, abort, and unregister the id. 0, or -EBADF when already released.
   */
  int32_t release();
  bool released() const { return released_.load(); }

  /**
   * The host side closes `fd` (a peer or service ended it): it reports EPOLLHUP until the
   * guest closes it or DELs it from its epoll sets. 0, or -EBADF.
   */
  int32_t host_close(int32_t fd);

  /**
   * The realtime-ASR streams CONNECTed with transport "websocket" since the last call: the
   * host attaches its transport to each (RtAsrStream::attach_external) or starts the stub.
   */
  std::vector<int32_t> take_rtasr_connects();

  /** The realtime-ASR stream `fd` (for the runtime's transport), or null. */
  std::shared_ptr<RtAsrStream> rtasr_stream(int32_t fd);
  /** The open mic fd `fd`, or nullptr. */
  std::shared_ptr<MicSource> mic_source(int32_t fd);

  /**
   * The host's MCP policy for this instance (mcp_policy.hpp), set before the guest runs:
   * `json` as McpHostPolicy::from_json takes it. 0, or -EINVAL when it is not such JSON.
   */
  int32_t set_mcp_policy(const std::string &json);

  // ---- the user-stream bridge (any thread; guest_instance_user_stream.cc) ----
  /**
   * A client frame (one WebSocket message), as SPEAR's ws_push_frame: 0; -EINVAL when it is
   * not an SSF v1 frame or is longer than the frame limit, -ENOTCONN when the guest has no
   * session (it opened no user stream or control fd since the last session closed),
   * -ENOSPC when the stream's inbound queue is full. A negative result ends the client.
   */
  int32_t stream_push(const uint8_t *frame, size_t n);
  /**
   * Outbound frames for the client, oldest first per stream, about `max_bytes` at most (at
   * least one when any is queued); nullopt when the guest has no session.
   */
  std::optional<std::vector<std::string>> stream_take(size_t max_bytes);
  /** The client session ended: every channel closes, control fds get SESSION_CLOSED; the hub goes. */
  void stream_session_closed();

  /** Open fds (for tests). */
  size_t open_fds() const { return table_.size(); }

  /** The kind's own status of the open fd `fd` (FdEntry::status), or null (for tests). */
  Json status_of(int32_t fd) const {
    std::shared_ptr<FdEntry> e = table_.find(fd);
    return e ? e->status() : Json(nullptr);
  }

 private:
  /** kAborted or kCallbackPending when a blocking call must return at once, else 0. */
  int32_t interruption() const {
    if (waker_->aborted()) return kAborted;
    if (waker_->callbacks_pending()) return kCallbackPending;
    return 0;
  }

  /**
   * The blocking loop: until `attempt()` gives a result, `deadline` passes (then
   * `on_timeout()`) or the call is interrupted (kAborted, kCallbackPending). `attempt` runs
   * with no lock held and takes what it needs; every wakeup rescans. With a poll deadline it
   * is one attempt: no clock read, no wait.
   */
  template <class Attempt, class OnTimeout>
  int32_t block(const Deadline &deadline, Attempt &&attempt, OnTimeout &&on_timeout) {
    for (;;) {
      const uint64_t seen = waker_->epoch();
      if (const int32_t i = interruption()) return i;
      if (std::optional<int32_t> r = attempt()) return *r;
      if (deadline.expired()) return on_timeout();
      waker_->wait(seen, deadline);
    }
  }

  const uint64_t id_;
  const std::shared_ptr<Waker> waker_;
  FdTable table_;
  std::atomic<bool> released_{false};

  mutable std::mutex policy_mu_;  // leaf: mcp_policy_
  McpHostPolicy mcp_policy_;
  McpHostPolicy mcp_policy() const {
    std::lock_guard<std::mutex> lock(policy_mu_);
    return mcp_policy_;
  }

  std::mutex mail_mu_;  // leaf: the outbox and the callbacks
  std::vector<ChatRequest> outbox_;
  std::vector<GuestCallback> callbacks_;
  std::vector<int32_t> rtasr_connects_;

  /** The hub of the current user-stream session, or null (leaf lock hub_mu_). */
  std::shared_ptr<UserStreamHub> current_hub(bool create);
  std::mutex hub_mu_;
  std::shared_ptr<UserStreamHub> hub_;
};

}  // namespace hostwire::core

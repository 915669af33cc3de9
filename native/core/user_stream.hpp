// hostwire native core: user streams (user_stream_*), SSF v1 frames between an outside client
// and the guest, as SPEAR's host_api/user_stream.rs and host_api/ssf.rs.
//
// A UserStreamHub is one client session of an instance: its channels (one per stream id, made
// on first use by either side) and the pending events of its control fds. The instance makes
// a hub at the first user_stream_open or user_stream_ctl_open and drops it when the session
// closes (the client went away, or the guest ended): every channel turns Closed and every
// control fd gets a SESSION_CLOSED event. The fds opened in that session keep their hub (they
// report EPOLLHUP); the next open makes a new hub, as SPEAR's execution hub is removed and
// made again.
//
// A channel holds an inbound queue (client to guest, at most kMaxInboundBytes) and an outbound
// queue (guest to client, at most kMaxOutboundBytes); no frame is longer than kMaxFrameBytes.
// Its state: Init until the client sends a frame on it, then Connected; Error when a client
// frame did not fit (too long, or the inbound queue full: the bridge then closes the client
// and the session); Closed once the session closed. Every client frame marks its channel
// Connected and queues a STREAM_CONNECTED event on every control fd of the session (at most
// kMaxCtlPending per fd: the oldest is dropped), as SPEAR does for each frame.
//
// Readiness of a stream fd: EPOLLIN when it reads (INBOUND or BIDIRECTIONAL) and the inbound
// queue is not empty; EPOLLOUT when it writes, the channel is Connected and the outbound queue
// holds less than its cap; EPOLLERR in Error; EPOLLHUP once Closed (or the fd closed). A
// control fd: EPOLLIN while an event is pending. Nothing ever waits.
//
// Locking: the hub's `mu_` is a leaf lock: an fd entry takes it under its own lock (to compute
// readiness), the bridge takes it alone; nothing is taken under it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/fd_entry.hpp"

namespace hostwire::core {

/** The header fields SPEAR's parse_ssf_v1_header returns. */
struct SsfFrameInfo {
  uint32_t stream_id;
  uint16_t msg_type;
};

/**
 * SPEAR's parse_ssf_v1_header: at least the 32-byte header (the IDL's ssf_v1_wire_header,
 * decoded by its generated codec: magic `SPST`, version 1, header_len >= 32), header_len
 * within the frame, and meta_len + data_len equal to the bytes after the header. nullopt
 * (-EINVAL) otherwise. msg_type is carried, not interpreted.
 */
std::optional<SsfFrameInfo> parse_ssf_v1(const uint8_t *p, size_t n);

class UserStreamHub {
 public:
  static constexpr size_t kMaxInboundBytes = 2 * 1024 * 1024;
  static constexpr size_t kMaxOutboundBytes = 2 * 1024 * 1024;
  static constexpr size_t kMaxFrameBytes = 256 * 1024;
  static constexpr size_t kMaxCtlPending = 1024;

  enum class State { kInit, kConnected, kClosed, kError };

  UserStreamHub(std::string execution_id, std::shared_ptr<Waker> waker)
      : execution_id_(std::move(execution_id)), waker_(std::move(waker)) {}

  const std::string &execution_id() const { return execution_id_; }

  /** Make the channel of `stream_id` if it is new. */
  void touch(uint32_t stream_id);

  // ---- the guest's side (under the fd entry's lock or none) ----
  /** Readiness of a stream fd of `stream_id` that reads / writes as given. */
  uint32_t stream_mask(uint32_t stream_id, bool reads, bool writes) const;
  /** The oldest inbound frame into `out`: 0, -EAGAIN (none), -ENOSPC (nothing consumed). */
  int32_t read(uint32_t stream_id, Output &out);
  /** Queue an outbound frame: 0, -ENOTCONN (Init), -EPIPE (Closed, Error), -EINVAL (too long), -EAGAIN (full). */
  int32_t write(uint32_t stream_id, const uint8_t *frame, size_t n);
  /** GET_METRICS of a stream fd (SPEAR's keys, sorted). */
  Json stream_metrics(uint32_t stream_id, const char *direction) const;

  void register_ctl(int32_t fd);
  void unregister_ctl(int32_t fd);
  bool ctl_pending(int32_t fd) const;
  /** The oldest event of control fd `fd` into `out`: 0, -EAGAIN, -ENOSPC (nothing consumed). */
  int32_t ctl_read(int32_t fd, Output &out);
  Json ctl_metrics(int32_t fd) const;

  // ---- the client's side (the bridge) ----
  /** A client frame for `stream_id` (already parsed): 0, -EINVAL (too long), -ENOSPC (inbound full). */
  int32_t push(uint32_t stream_id, const uint8_t *frame, size_t n);
  /** Take queued outbound frames, oldest first per stream, until about `max_bytes` are taken (at least one). */
  std::vector<std::string> take(size_t max_bytes);
  /** The session closed: every channel Closed, SESSION_CLOSED to every control fd. */
  void close_all();

 private:
  struct Channel {
    State state = State::kInit;
    std::deque<std::string> inbound;
    size_t inbound_bytes = 0;
    std::deque<std::string> outbound;
    size_t outbound_bytes = 0;
    std::optional<std::string> last_error;
  };
  struct CtlQueue {
    std::deque<std::array<uint8_t, 8>> pending;
  };

  Channel &channel_locked(uint32_t stream_id);
  void ctl_event_locked(uint32_t stream_id, uint32_t kind);
  void notify() const {
    if (waker_) waker_->notify();
  }

  const std::string execution_id_;
  const std::shared_ptr<Waker> waker_;
  mutable std::mutex mu_;
  std::map<uint32_t, Channel> channels_;
  std::map<int32_t, CtlQueue> ctls_;
};

/** A user stream fd (user_stream_open). */
class UserStreamFd final : public FdEntry {
 public:
  UserStreamFd(std::shared_ptr<Waker> waker, std::shared_ptr<UserStreamHub> hub, uint32_t stream_id, int32_t direction)
      : FdEntry(abi::FdKind::kUserStream, std::move(waker)), hub_(std::move(hub)), stream_id_(stream_id), direction_(direction) {}

  const std::shared_ptr<UserStreamHub> &hub() const { return hub_; }
  uint32_t stream_id() const { return stream_id_; }
  bool reads() const { return direction_ != abi::UserStreamDir::kOUTBOUND; }
  bool writes() const { return direction_ != abi::UserStreamDir::kINBOUND; }

  Json metrics() const override;

 protected:
  uint32_t poll_mask_locked() const override { return hub_->stream_mask(stream_id_, reads(), writes()); }
  void status_locked(Json &out) const override;

 private:
  const std::shared_ptr<UserStreamHub> hub_;
  const uint32_t stream_id_;
  const int32_t direction_;
};

/** A user-stream control fd (user_stream_ctl_open). */
class UserStreamCtlFd final : public FdEntry {
 public:
  UserStreamCtlFd(std::shared_ptr<Waker> waker, std::shared_ptr<UserStreamHub> hub)
      : FdEntry(abi::FdKind::kUserStreamCtl, std::move(waker)), hub_(std::move(hub)) {}

  const std::shared_ptr<UserStreamHub> &hub() const { return hub_; }

  Json metrics() const override { return hub_->ctl_metrics(fd()); }

 protected:
  uint32_t poll_mask_locked() const override { return hub_->ctl_pending(fd()) ? abi::EpollEvents::kIN : 0u; }
  void on_guest_close() override { hub_->unregister_ctl(fd()); }

 private:
  const std::shared_ptr<UserStreamHub> hub_;
};

}  // namespace hostwire::core

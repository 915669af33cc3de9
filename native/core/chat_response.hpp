// hostwire native core: ChatResponse, the response fd cchat_send returns at once (route B).
//
// pending --complete--> ready --one full read--> consumed (further reads return 0: end of
//    |                                                      stream)
//    +-----fail------> failed (every read returns the stored -errno)
//
// Readiness: pending 0; ready and consumed EPOLLIN (a read does not block); failed EPOLLERR;
// EPOLLHUP once the host side closed it (a pending response closed by the host fails with
// -ECONNRESET). A read whose capacity is too small consumes nothing (-ENOSPC by the glue).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/chat_stats.hpp"
#include "core/fd_entry.hpp"

namespace hostwire::core {

class ChatResponse final : public FdEntry {
 public:
  ChatResponse(std::shared_ptr<Waker> waker, int32_t session_fd, uint32_t send_flags, std::shared_ptr<ChatStats> stats);

  /**
   * The host's answer: the response bytes and the metrics JSON (null for none). 0, or
   * -EINVAL when the response was already completed or failed. Wakes waiters.
   */
  int32_t complete(std::vector<uint8_t> bytes, Json metrics);

  /** The request failed with `err` (negative errno): 0, or -EINVAL when already settled. */
  int32_t fail(int32_t err);

  /**
   * One read attempt with room for `capacity` bytes: nullopt when not ready yet (the caller
   * blocks or returns -EAGAIN); else the result: the stored -errno of a failed request, or 0
   * with `out` set to the whole response (marked consumed only when it fits `capacity`; when
   * it does not, the glue returns -ENOSPC with its length), or to nothing after the end.
   */
  std::optional<int32_t> try_recv(size_t capacity, Output &out);

  int32_t session_fd() const { return session_fd_; }

  /** Whether the response was completed or failed. */
  bool settled() const;

  /**
   * cchat_ctl GET_METRICS, as SPEAR: the metrics JSON the host completed the response with
   * (ENABLE_METRICS), or `{}` when there is none (no ENABLE_METRICS, not ready yet, failed).
   */
  Json guest_metrics() const;

  /** The host's metrics JSON (its fields as they are) plus `"_fd"`: this fd's counters. */
  Json metrics() const override;

 protected:
  uint32_t poll_mask_locked() const override;
  void status_locked(Json &out) const override;
  void on_host_close_locked() override;

 private:
  enum class State { kPending, kReady, kFailed };
  static const char *state_name(State s, bool consumed);
  void fd_counters_locked(Json &out) const;

  const int32_t session_fd_;
  const uint32_t send_flags_;
  const std::shared_ptr<ChatStats> stats_;
  const int64_t created_ms_;

  State state_ = State::kPending;  // under mu_
  bool consumed_ = false;
  std::vector<uint8_t> bytes_;  // freed once consumed
  size_t length_ = 0;
  Json metrics_;  // null: none
  int32_t error_ = 0;
  int64_t settled_ms_ = -1;
  uint64_t reads_ = 0;
  uint64_t too_small_ = 0;
};

}  // namespace hostwire::core

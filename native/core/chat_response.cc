#include "core/chat_response.hpp"

#include "core/util/clock.hpp"

namespace hostwire::core {

ChatResponse::ChatResponse(std::shared_ptr<Waker> waker, int32_t session_fd, uint32_t send_flags,
                           std::shared_ptr<ChatStats> stats)
    : FdEntry(abi::FdKind::kChatResponse, std::move(waker)),
      session_fd_(session_fd),
      send_flags_(send_flags),
      stats_(std::move(stats)),
      created_ms_(mono_now_ms()) {}

int32_t ChatResponse::complete(std::vector<uint8_t> bytes, Json metrics) {
  size_t size = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (state_ != State::kPending) return -abi::kEINVAL;
    state_ = State::kReady;
    bytes_ = std::move(bytes);
    size = bytes_.size();
    length_ = size;
    metrics_ = metrics;
    settled_ms_ = mono_now_ms();
  }
  stats_->completed(metrics, size);
  notify();
  return 0;
}

int32_t ChatResponse::fail(int32_t err) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (state_ != State::kPending) return -abi::kEINVAL;
    state_ = State::kFailed;
    error_ = err;
    settled_ms_ = mono_now_ms();
  }
  stats_->failed(err);
  notify();
  return 0;
}

void ChatResponse::on_host_close_locked() {
  if (state_ != State::kPending) return;
  state_ = State::kFailed;
  error_ = -abi::kECONNRESET;
  settled_ms_ = mono_now_ms();
  // stats_ is a leaf lock: taking it under the entry lock keeps the order.
  stats_->failed(error_);
}

std::optional<int32_t> ChatResponse::try_recv(size_t capacity, Output &out) {
  std::lock_guard<std::mutex> lock(mu_);
  switch (state_) {
    case State::kPending:
      return std::nullopt;
    case State::kFailed:
      return error_;
    case State::kReady:
      break;
  }
  ++reads_;
  if (consumed_) {
    out.commit(0);  // end of stream: 0 bytes, *out_len_ptr = 0
    return 0;
  }
  if (bytes_.size() > capacity) {
    ++too_small_;  // -ENOSPC with the length; nothing is consumed
    return out.need(bytes_.size());
  }
  out.write(bytes_);
  consumed_ = true;
  std::vector<uint8_t>().swap(bytes_);  // read once: the memory goes now
  return 0;
}

uint32_t ChatResponse::poll_mask_locked() const {
  switch (state_) {
    case State::kPending: return 0;
    case State::kReady: return abi::EpollEvents::kIN;
    // A read of it does not block (it returns the error): readable, so that a watcher that
    // asked for IN only (epoll reports only the requested bits, as SPEAR) is woken too.
    case State::kFailed: return abi::EpollEvents::kIN | abi::EpollEvents::kERR;
  }
  return 0;
}

const char *ChatResponse::state_name(State s, bool consumed) {
  switch (s) {
    case State::kPending: return "pending";
    case State::kReady: return consumed ? "consumed" : "ready";
    case State::kFailed: return "failed";
  }
  return "unknown";
}

void ChatResponse::fd_counters_locked(Json &out) const {
  out["session_fd"] = session_fd_;
  out["send_flags"] = send_flags_;
  out["state"] = state_name(state_, consumed_);
  out["bytes"] = state_ == State::kReady ? Json(length_) : Json(nullptr);
  out["error"] = error_ == 0 ? Json(nullptr) : Json(errno_string(error_));
  out["reads"] = reads_;
  out["reads_too_small"] = too_small_;
  out["wait_ms"] = settled_ms_ < 0 ? Json(nullptr) : Json(settled_ms_ - created_ms_);
}

void ChatResponse::status_locked(Json &out) const { fd_counters_locked(out); }

bool ChatResponse::settled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_ != State::kPending;
}

Json ChatResponse::guest_metrics() const {
  std::lock_guard<std::mutex> lock(mu_);
  return metrics_.is_null() ? Json::object() : metrics_;
}

Json ChatResponse::metrics() const {
  std::lock_guard<std::mutex> lock(mu_);
  Json out = metrics_.is_object() ? metrics_ : Json::object();
  if (!metrics_.is_null() && !metrics_.is_object()) out["host"] = metrics_;
  Json fd = Json::object();
  fd["fd"] = this->fd();
  fd_counters_locked(fd);
  out["_fd"] = std::move(fd);
  return out;
}

}  // namespace hostwire::core

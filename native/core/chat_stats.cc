#include "core/chat_stats.hpp"

namespace hostwire::core {

void ChatStats::completed(const Json &metrics, size_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  ++completed_;
  response_bytes_ += bytes;
  if (!metrics.is_null()) last_metrics_ = metrics;
}

void ChatStats::failed(int32_t err) {
  std::lock_guard<std::mutex> lock(mu_);
  ++failed_;
  last_error_ = err;
}

void ChatStats::add_to(Json &out) const {
  std::lock_guard<std::mutex> lock(mu_);
  out["completed"] = completed_;
  out["failed"] = failed_;
  out["response_bytes"] = response_bytes_;
  out["last_error"] = last_error_ == 0 ? Json(nullptr) : Json(errno_string(last_error_));
  out["last_metrics"] = last_metrics_;
}

}  // namespace hostwire::core

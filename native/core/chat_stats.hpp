// hostwire native core: ChatStats, what a chat session learns from its responses.
//
// Shared by a session and the responses it sent, so that the session's GET_METRICS can show
// the metrics the host completed the latest response with, without a response ever taking
// its session's entry lock (two entry locks are never held at once). Its mutex is a leaf.
#pragma once

#include <cstdint>
#include <mutex>

#include "core/json.hpp"

namespace hostwire::core {

class ChatStats {
 public:
  /** A response of the session was completed with `metrics` (null when the host gave none). */
  void completed(const Json &metrics, size_t bytes);
  /** A response of the session failed with `err` (negative). */
  void failed(int32_t err);

  /** `{"completed","failed","response_bytes","last_error","last_metrics"}`. */
  void add_to(Json &out) const;

 private:
  mutable std::mutex mu_;  // leaf
  uint64_t completed_ = 0;
  uint64_t failed_ = 0;
  uint64_t response_bytes_ = 0;
  int32_t last_error_ = 0;
  Json last_metrics_;  // null until a response completes with metrics
};

}  // namespace hostwire::core

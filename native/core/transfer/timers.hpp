// hostwire transfer engine: one-shot timers of the event loop (monotonic milliseconds).
// Not thread-safe: the engine's lock guards it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

namespace hostwire::core::transfer {

class Timers {
 public:
  /** Run `fn` once at `at_ms` (mono_now_ms() clock); returns an id for cancel (never 0). */
  uint64_t add(int64_t at_ms, std::function<void()> fn) {
    const uint64_t id = ++last_;
    by_time_.emplace(std::make_pair(at_ms, id), std::move(fn));
    when_.emplace(id, at_ms);
    return id;
  }

  /** Forget timer `id` (no effect once it ran, or for 0). */
  void cancel(uint64_t id) {
    auto it = when_.find(id);
    if (it == when_.end()) return;
    by_time_.erase(std::make_pair(it->second, id));
    when_.erase(it);
  }

  /** Milliseconds until the next timer from `now_ms` (0 when due), or -1 with none. */
  int next_timeout(int64_t now_ms) const {
    if (by_time_.empty()) return -1;
    const int64_t d = by_time_.begin()->first.first - now_ms;
    if (d <= 0) return 0;
    return d > 3600000 ? 3600000 : static_cast<int>(d);
  }

  /** Take the timers due at `now_ms` (the caller runs them). */
  std::vector<std::function<void()>> take_due(int64_t now_ms) {
    std::vector<std::function<void()>> due;
    while (!by_time_.empty() && by_time_.begin()->first.first <= now_ms) {
      auto it = by_time_.begin();
      when_.erase(it->first.second);
      due.push_back(std::move(it->second));
      by_time_.erase(it);
    }
    return due;
  }

  size_t size() const { return when_.size(); }

 private:
  uint64_t last_ = 0;
  std::map<std::pair<int64_t, uint64_t>, std::function<void()>> by_time_;
  std::unordered_map<uint64_t, int64_t> when_;
};

}  // namespace hostwire::core::transfer

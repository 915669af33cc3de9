#include "core/ticker.hpp"

namespace hostwire::core {

bool Ticker::start(std::chrono::milliseconds period, std::function<bool()> tick) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shut_down_ || thread_.joinable()) return false;
  const uint64_t id = ++run_;
  thread_ = std::thread([this, id, period, tick = std::move(tick)] { run(id, period, tick); });
  return true;
}

void Ticker::run(uint64_t id, std::chrono::milliseconds period, const std::function<bool()> &tick) {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (cv_.wait_for(lock, period, [this, id] { return run_ != id; })) return;
    }
    if (!tick()) return;
  }
}

void Ticker::halt(bool for_good) {
  std::thread t;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++run_;
    if (for_good) shut_down_ = true;
    t = std::move(thread_);
  }
  cv_.notify_all();
  if (t.joinable()) t.join();
}

}  // namespace hostwire::core

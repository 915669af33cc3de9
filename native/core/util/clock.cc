#include "core/util/clock.hpp"

namespace hostwire::core {

int64_t mono_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(MonoClock::now().time_since_epoch()).count();
}

int64_t wall_now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int64_t wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Deadline Deadline::from_timeout_ms(int64_t timeout_ms) {
  if (timeout_ms < 0) return forever();
  if (timeout_ms == 0) return poll();
  return Deadline(Kind::kAt, MonoClock::now() + std::chrono::milliseconds(timeout_ms));
}

int64_t Deadline::remaining_ms() const {
  if (kind_ == Kind::kForever) return -1;
  if (kind_ == Kind::kPoll) return 0;
  const auto left = when_ - MonoClock::now();
  if (left <= MonoClock::duration::zero()) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left);
  return ms.count();
}

}  // namespace hostwire::core

// hostwire native core: clocks and deadlines.
//
// Timeouts run on the monotonic clock (std::chrono::steady_clock), so a wall-clock step
// never shortens or stretches a wait.
#pragma once

#include <chrono>
#include <cstdint>

namespace hostwire::core {

using MonoClock = std::chrono::steady_clock;

/** Milliseconds on the monotonic clock (its epoch is unspecified, typically boot). */
int64_t mono_now_ms();

/** Seconds since the Unix epoch on the wall clock. */
int64_t wall_now_s();

/** Milliseconds since the Unix epoch on the wall clock. */
int64_t wall_now_ms();

/**
 * When a wait ends, from a `timeout_ms` as the ABI gives it: negative waits forever, 0 polls
 * (already expired), positive waits at most that long from now.
 */
class Deadline {
 public:
  static Deadline forever() { return Deadline(); }
  static Deadline poll() { return Deadline(MonoClock::now()); }
  static Deadline from_timeout_ms(int64_t timeout_ms);

  bool is_forever() const { return forever_; }
  /** The instant it expires; meaningless when forever. */
  MonoClock::time_point when() const { return when_; }
  /** Whether it has passed (never, when forever). */
  bool expired() const { return !forever_ && MonoClock::now() >= when_; }
  /** Milliseconds left, rounded up; -1 when forever, 0 once expired. */
  int64_t remaining_ms() const;

 private:
  Deadline() = default;
  explicit Deadline(MonoClock::time_point when) : forever_(false), when_(when) {}

  bool forever_ = true;
  MonoClock::time_point when_{};
};

}  // namespace hostwire::core

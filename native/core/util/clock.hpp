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
 * (already expired), positive waits at most that long from now. Only a bounded deadline
 * reads the clock: forever and poll never do.
 */
class Deadline {
 public:
  static Deadline forever() { return Deadline(Kind::kForever, MonoClock::time_point{}); }
  static Deadline poll() { return Deadline(Kind::kPoll, MonoClock::time_point{}); }
  static Deadline from_timeout_ms(int64_t timeout_ms);

  bool is_forever() const { return kind_ == Kind::kForever; }
  /** Whether it is a poll: expired from the start. */
  bool is_poll() const { return kind_ == Kind::kPoll; }
  /** The instant it expires; meaningless when forever, the clock's epoch for a poll. */
  MonoClock::time_point when() const { return when_; }
  /** Whether it has passed (never, when forever; always, for a poll). */
  bool expired() const {
    switch (kind_) {
      case Kind::kForever: return false;
      case Kind::kPoll: return true;
      case Kind::kAt: break;
    }
    return MonoClock::now() >= when_;
  }
  /** Milliseconds left, rounded up; -1 when forever, 0 once expired. */
  int64_t remaining_ms() const;

 private:
  enum class Kind { kForever, kPoll, kAt };
  Deadline(Kind kind, MonoClock::time_point when) : kind_(kind), when_(when) {}

  Kind kind_;
  MonoClock::time_point when_;
};

}  // namespace hostwire::core

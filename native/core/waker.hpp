// hostwire native core: Waker, where an instance's blocking hostcalls sleep.
//
// One per guest instance. Every change that may let a blocked call go on (an fd's readiness,
// a close, a queued callback, an abort) calls notify() after making the change; a blocking
// call reads epoch(), checks its condition under the locks it needs, and then sleeps in
// wait(seen, deadline), which returns at once if the epoch moved in between, so no wakeup
// is lost. A wakeup only means "rescan": spurious ones are harmless.
//
// The Waker's mutex is a LEAF lock: it may be taken while holding any other core lock, and
// no lock is ever taken while holding it (see the lock order in fd_table.hpp).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "core/util/clock.hpp"
#include "napi/core_types.hpp"  // kCallbackPending, kAborted: what a blocking hostcall gives the worker instead of an errno

namespace hostwire::core {

class Waker {
 public:
  /** The current epoch: read it before checking a condition, pass it to wait(). */
  uint64_t epoch() const {
    std::lock_guard<std::mutex> lock(mu_);
    return epoch_;
  }

  /** Something changed: wake every sleeper so that it rescans. */
  void notify() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++epoch_;
    }
    cv_.notify_all();
  }

  /**
   * Sleep until notify() moves the epoch past `seen`, `deadline` passes, or a spurious
   * wakeup: the caller rescans in every case.
   */
  void wait(uint64_t seen, const Deadline &deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    if (epoch_ != seen) return;
    if (deadline.is_forever()) {
      cv_.wait(lock);
    } else {
      cv_.wait_until(lock, deadline.when());
    }
  }

  /** The instance is being stopped: blocking calls return kAborted from now on. */
  void abort() {
    aborted_.store(true);
    notify();
  }
  bool aborted() const { return aborted_.load(); }

  /** Whether a guest callback is queued (blocking calls return kCallbackPending). */
  void set_callbacks_pending(bool pending) { callbacks_pending_.store(pending); }
  bool callbacks_pending() const { return callbacks_pending_.load(); }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t epoch_ = 0;
  std::atomic<bool> aborted_{false};
  std::atomic<bool> callbacks_pending_{false};
};

}  // namespace hostwire::core

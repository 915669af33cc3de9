// hostwire native core: Waker, where an instance's blocking hostcalls sleep.
//
// One per guest instance. Every change that may let a blocked call go on (an fd's readiness,
// a close, a queued callback, an abort) calls notify() after making the change; a blocking
// call reads epoch(), checks its condition under the locks it needs, and then sleeps in
// wait(seen, deadline), which returns at once if the epoch moved in between, so no wakeup
// is lost. A wakeup only means "rescan": spurious ones are harmless.
//
// The Waker takes no lock: the epoch is an atomic counter, and a sleeper sleeps on a futex
// (Linux), so notify() may be called under any core lock. notify() with nobody asleep is
// one atomic increment and one load, no system call; with a sleeper it adds one FUTEX_WAKE.
// epoch() is one atomic load, so a call that never sleeps (a poll) pays nothing for it.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/util/clock.hpp"
#include "napi/core_types.hpp"  // kCallbackPending, kAborted: what a blocking hostcall gives the worker instead of an errno

namespace hostwire::core {

class Waker {
 public:
  /**
   * The current epoch: read it before checking a condition, pass it to wait(). It only
   * grows (64 bits: it never wraps), so an unchanged epoch means that nothing notified.
   */
  uint64_t epoch() const { return epoch_.load(std::memory_order_acquire); }

  /** Something changed: wake every sleeper so that it rescans. */
  void notify();

  /**
   * Sleep until notify() moves the epoch past `seen`, `deadline` passes, or a spurious
   * wakeup: the caller rescans in every case.
   */
  void wait(uint64_t seen, const Deadline &deadline);

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
  std::atomic<uint64_t> epoch_{0};
  /** Threads inside wait(): notify() makes a system call only when there are some. */
  std::atomic<uint32_t> sleepers_{0};
  /** The futex word sleepers sleep on: notify() bumps it (when there are sleepers) before waking them. */
  std::atomic<uint32_t> futex_{0};
  std::atomic<bool> aborted_{false};
  std::atomic<bool> callbacks_pending_{false};
};

}  // namespace hostwire::core

#include "core/transfer/engine_lock.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace hostwire::core::transfer {

namespace {

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t) && std::atomic<uint32_t>::is_always_lock_free,
              "the futex word is a plain 32-bit integer");

uint32_t *word(std::atomic<uint32_t> &a) { return reinterpret_cast<uint32_t *>(&a); }

/** Sleep while *w == expected (returns at once if it differs; spurious returns are fine). */
void futex_wait(std::atomic<uint32_t> &w, uint32_t expected) {
  ::syscall(SYS_futex, word(w), FUTEX_WAIT_PRIVATE, expected, nullptr, nullptr, 0);
}

void futex_wake(std::atomic<uint32_t> &w) {
  ::syscall(SYS_futex, word(w), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
}

/** Ticket counters wrap: a is ahead of b. */
bool ahead(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) > 0; }

}  // namespace

void EngineLock::lock_api() {
  arrived_.fetch_add(1);
  mu_.lock();
}

void EngineLock::unlock_api() {
  mu_.unlock();
  // Pairs with lock_loop(): either the loop thread sees this departure before it sleeps, or
  // this sees it parked and wakes it (seq_cst on both sides).
  departed_.fetch_add(1);
  if (loop_parked_.load()) futex_wake(departed_);
}

void EngineLock::lock_loop() {
  // The calls that arrived before this step: later ones do not extend the wait, so callers
  // that never pause cannot starve the loop thread.
  const uint32_t due = arrived_.load();
  for (uint32_t d = departed_.load(); ahead(due, d); d = departed_.load()) {
    loop_parked_.store(1);
    d = departed_.load();
    if (ahead(due, d)) futex_wait(departed_, d);
    loop_parked_.store(0);
  }
  mu_.lock();
}

}  // namespace hostwire::core::transfer

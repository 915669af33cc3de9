#include "core/transfer/engine_lock.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace hostwire::core::transfer {

namespace {

static_assert(sizeof(std::atomic<int>) == sizeof(int) && std::atomic<int>::is_always_lock_free,
              "the futex word is a plain int");

int *word(std::atomic<int> &a) { return reinterpret_cast<int *>(&a); }

/** Sleep while *w == expected (returns at once if it differs; spurious returns are fine). */
void futex_wait(std::atomic<int> &w, int expected) {
  ::syscall(SYS_futex, word(w), FUTEX_WAIT_PRIVATE, expected, nullptr, nullptr, 0);
}

void futex_wake(std::atomic<int> &w) { ::syscall(SYS_futex, word(w), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0); }

}  // namespace

void EngineLock::lock_api() {
  api_calls_.fetch_add(1);
  mu_.lock();
}

void EngineLock::unlock_api() {
  mu_.unlock();
  // Pairs with lock_loop(): either the loop thread sees the count drop before it sleeps, or
  // this sees it parked and wakes it (seq_cst on both sides).
  if (api_calls_.fetch_sub(1) == 1 && loop_parked_.load()) futex_wake(api_calls_);
}

void EngineLock::lock_loop() {
  for (int n = api_calls_.load(); n != 0; n = api_calls_.load()) {
    loop_parked_.store(1);
    n = api_calls_.load();
    if (n != 0) futex_wait(api_calls_, n);
    loop_parked_.store(0);
  }
  mu_.lock();
}

}  // namespace hostwire::core::transfer

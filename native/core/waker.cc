#include "core/waker.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <ctime>

namespace hostwire::core {

namespace {

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t) && std::atomic<uint32_t>::is_always_lock_free,
              "the futex word is a plain 32-bit integer");

uint32_t *word(std::atomic<uint32_t> &a) { return reinterpret_cast<uint32_t *>(&a); }

/**
 * Sleep while the word is `expected`, until `deadline` (an absolute CLOCK_MONOTONIC instant,
 * which is what std::chrono::steady_clock reads on Linux) or forever. Returns at once when
 * the word differs; EINTR, a timeout and spurious returns all just return.
 */
void futex_wait(std::atomic<uint32_t> &w, uint32_t expected, const Deadline &deadline) {
  if (deadline.is_forever()) {
    ::syscall(SYS_futex, word(w), FUTEX_WAIT_PRIVATE, expected, nullptr, nullptr, 0);
    return;
  }
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.when().time_since_epoch()).count();
  if (ns <= 0) return;
  timespec at{};
  at.tv_sec = static_cast<time_t>(ns / 1000000000);
  at.tv_nsec = static_cast<long>(ns % 1000000000);
  // FUTEX_WAIT_BITSET takes an absolute timeout on CLOCK_MONOTONIC (no FUTEX_CLOCK_REALTIME).
  ::syscall(SYS_futex, word(w), FUTEX_WAIT_BITSET_PRIVATE, expected, &at, nullptr, FUTEX_BITSET_MATCH_ANY);
}

void futex_wake_all(std::atomic<uint32_t> &w) {
  ::syscall(SYS_futex, word(w), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
}

}  // namespace

// Pairs with wait() (seq_cst on both sides, a Dekker pattern): either notify() sees the
// sleeper counted and wakes it, or the sleeper, counted after this load, sees the new epoch
// and does not sleep. A sleeper that read the futex word before the bump below finds it
// changed when it enters the kernel, or is already queued there when the wake comes.
void Waker::notify() {
  epoch_.fetch_add(1, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) == 0) return;
  futex_.fetch_add(1, std::memory_order_seq_cst);
  futex_wake_all(futex_);
}

void Waker::wait(uint64_t seen, const Deadline &deadline) {
  const uint32_t word_seen = futex_.load(std::memory_order_seq_cst);
  sleepers_.fetch_add(1, std::memory_order_seq_cst);
  if (epoch_.load(std::memory_order_seq_cst) == seen) futex_wait(futex_, word_seen, deadline);
  sleepers_.fetch_sub(1, std::memory_order_seq_cst);
}

}  // namespace hostwire::core

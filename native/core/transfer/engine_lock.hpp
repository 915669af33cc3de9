// hostwire transfer engine: the lock that guards one session's state, with API calls ahead
// of the loop thread.
//
// A plain std::mutex is not fair, and the loop thread holds it for whole steps (a step moves
// up to 2 MiB per channel through the kernel's copy) with only a few microseconds between
// two of them. An API call that blocks on it is woken when a step ends, but the loop thread
// has taken the lock for its next step before the woken thread runs: measured on a 1 GiB
// send, the JS thread woke and went back to sleep once per 2 MiB chunk, and a post could wait
// for tens of milliseconds. Here API calls take a ticket before they wait and count out
// when they release; before each step the loop thread sleeps (futex) until the calls that
// had arrived by then are done. An API call waits for at most the step in progress, and
// calls that keep coming cannot hold the loop thread back for more than the ones before it.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>

namespace hostwire::core::transfer {

class EngineLock {
 public:
  /** An API call (any thread): ahead of the loop thread's next step. */
  void lock_api();
  void unlock_api();
  /** The loop thread: once the API calls that had arrived are done. */
  void lock_loop();
  void unlock_loop() { mu_.unlock(); }

 private:
  std::mutex mu_;
  /** API calls that began waiting for the lock, and that released it (a futex word). */
  std::atomic<uint32_t> arrived_{0};
  std::atomic<uint32_t> departed_{0};
  /** The loop thread sleeps on departed_. */
  std::atomic<int> loop_parked_{0};
};

/** RAII for the loop thread's steps. */
class LoopStep {
 public:
  explicit LoopStep(EngineLock &l) : l_(l) { l_.lock_loop(); }
  ~LoopStep() { l_.unlock_loop(); }
  LoopStep(const LoopStep &) = delete;
  LoopStep &operator=(const LoopStep &) = delete;

 private:
  EngineLock &l_;
};

}  // namespace hostwire::core::transfer

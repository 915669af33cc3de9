// hostwire transfer engine: the lock that guards one session's state, with API calls ahead
// of the loop thread.
//
// A plain std::mutex is not fair, and the loop thread holds it for whole steps (a step moves
// up to 2 MiB per channel through the kernel's copy) with only a few microseconds between
// two of them. An API call that blocks on it is woken when a step ends, but the loop thread
// has taken the lock for its next step before the woken thread runs: measured on a 1 GiB
// send, the JS thread woke and went back to sleep once per 2 MiB chunk, and a post could wait
// for tens of milliseconds. Here an API call counts itself from before it waits until it
// releases, and the loop thread, before each step, sleeps (futex) while any is counted: an
// API call waits for at most the step in progress.
#pragma once

#include <atomic>
#include <mutex>

namespace hostwire::core::transfer {

class EngineLock {
 public:
  /** An API call (any thread): ahead of the loop thread's next step. */
  void lock_api();
  void unlock_api();
  /** The loop thread: once no API call waits for the lock or holds it. */
  void lock_loop();
  void unlock_loop() { mu_.unlock(); }

 private:
  std::mutex mu_;
  /** API calls waiting for the lock or holding it (a futex word). */
  std::atomic<int> api_calls_{0};
  /** The loop thread sleeps on api_calls_. */
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

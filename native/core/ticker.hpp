// hostwire native core: Ticker, a thread that runs a function every `period` until stopped.
//
// The timer behind the fds that produce on their own: the rtasr stub transport (rtasr.hpp)
// and the mic stub source (mic.hpp). Each period is a wait on a condition variable, so stop()
// ends the wait at once; the function runs with no lock of the ticker held, and takes the
// locks it needs itself (an fd entry's, level 3 of the core's lock order).
//
// Locking: the ticker's own mutex is a leaf (nothing is taken under it), so start() may be
// called with an entry lock held. stop() joins the thread: never call it holding a lock the
// function takes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace hostwire::core {

class Ticker {
 public:
  Ticker() = default;
  ~Ticker() { shutdown(); }
  Ticker(const Ticker &) = delete;
  Ticker &operator=(const Ticker &) = delete;

  /**
   * Run `tick` every `period` (first after one period) until stop(), or until `tick` returns
   * false. false (nothing started) when it is already running or was shut down.
   */
  bool start(std::chrono::milliseconds period, std::function<bool()> tick);

  /** Stop it and wait for the thread to end; it may start again. */
  void stop() { halt(false); }

  /** Stop it for good: later start() calls start nothing. */
  void shutdown() { halt(true); }

 private:
  void run(uint64_t id, std::chrono::milliseconds period, const std::function<bool()> &tick);
  void halt(bool for_good);

  std::mutex mu_;  // leaf
  std::condition_variable cv_;
  /** Which start() the running thread belongs to; stop() moves it on, which ends that thread. */
  uint64_t run_ = 0;
  bool shut_down_ = false;
  std::thread thread_;
};

}  // namespace hostwire::core

// hostwire transfer engine: the guard every API call and handshake step holds (engine.cc and
// engine_handshake.cc; nothing outside the engine includes it).
#pragma once

#include <functional>
#include <thread>
#include <vector>

#include "core/transfer/engine.hpp"

namespace hostwire::core::transfer {

/** The engine's lock; completions queued under it run once it is released. */
class Engine::Guard {
 public:
  explicit Guard(Engine &e) : e_(e) { e_.mu_.lock_api(); }
  Guard(const Guard &) = delete;
  Guard &operator=(const Guard &) = delete;
  ~Guard() {
    // On the loop thread (a completion calling back in), the loop's budget; elsewhere (the
    // JS thread) small frames go out now and bulk is left to the loop thread.
    const bool loop = std::this_thread::get_id() == e_.loop_thread_id_;
    Channel::flush_all(e_.dirty_, loop ? Channel::kLoopWriteBudget : Channel::kInlineWriteBudget);
    std::vector<std::function<void()>> calls;
    e_.forget_gone_peers();
    calls.swap(e_.deferred_);
    e_.freed_.clear();
    e_.mu_.unlock_api();
    for (auto &c : calls) c();
  }

 private:
  Engine &e_;
};

}  // namespace hostwire::core::transfer

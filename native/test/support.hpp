// Helpers shared by the core tests: a fresh instance, bytes and JSON in and out, epoll
// records, and a thread that is always joined.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "check.hpp"
#include "core/guest_instance.hpp"
#include "core/json.hpp"
#include "cpp/hostwire_abi.hpp"

namespace hostwire::test {

/** A new registered instance, as the glue makes it. */
inline std::shared_ptr<core::GuestInstance> new_instance() {
  std::shared_ptr<core::GuestInstanceApi> api;
  if (core::make_guest_instance(api) != 0) return nullptr;
  return std::static_pointer_cast<core::GuestInstance>(api);
}

inline const uint8_t *bytes_of(const std::string &s) { return reinterpret_cast<const uint8_t *>(s.data()); }

inline std::vector<uint8_t> to_vec(const std::string &s) { return std::vector<uint8_t>(s.begin(), s.end()); }

/** The Output as text ("<none>" when unset). */
inline std::string text(const core::Output &out) {
  return out ? std::string(out->begin(), out->end()) : std::string("<none>");
}

/** The Output parsed as JSON (null when unset or not JSON). */
inline core::Json json_of(const core::Output &out) {
  if (!out) return nullptr;
  auto j = core::parse_json(out->data(), out->size());
  return j ? *j : core::Json(nullptr);
}

/** A ctl call with a JSON (or any text) argument. */
template <class Ctl> int32_t ctl_in(Ctl ctl, int32_t fd, int32_t cmd, const std::string &arg) {
  core::Output out;
  return ctl(fd, cmd, bytes_of(arg), arg.size(), arg.size(), out);
}

inline int32_t fd_ctl(core::GuestInstance &g, int32_t fd, int32_t cmd, const std::string &arg = std::string()) {
  core::Output out;
  return g.spear_fd_ctl(fd, cmd, bytes_of(arg), arg.size(), arg.size(), out);
}

/** A ctl command's JSON output (null on an error). */
inline core::Json fd_ctl_json(core::GuestInstance &g, int32_t fd, int32_t cmd) {
  core::Output out;
  const uint8_t junk[4] = {'x', 'x', 'x', 'x'};  // output commands ignore their input
  if (g.spear_fd_ctl(fd, cmd, junk, sizeof junk, 4096, out) != 0) return nullptr;
  return json_of(out);
}

inline int32_t set_nonblock(core::GuestInstance &g, int32_t fd) {
  return fd_ctl(g, fd, abi::FdCtlCmd::kSET_FLAGS, R"({"set":["O_NONBLOCK"],"clear":[]})");
}

/** The records of an epoll_wait Output. */
inline std::vector<std::pair<int32_t, uint32_t>> records(const core::Output &out) {
  std::vector<std::pair<int32_t, uint32_t>> r;
  if (!out) return r;
  for (size_t i = 0; i + abi::EpollEvent::kSize <= out->size(); i += abi::EpollEvent::kSize) {
    abi::EpollEvent e{};
    if (abi::decode(out->data() + i, abi::EpollEvent::kSize, e) == abi::DecodeStatus::kOk) {
      const int32_t fd = e.fd;
      const uint32_t events = e.events;
      r.emplace_back(fd, events);
    }
  }
  return r;
}

using Records = std::vector<std::pair<int32_t, uint32_t>>;

/** epoll_wait: its result, with the records in `recs` (cleared first). */
inline int32_t wait(core::GuestInstance &g, int32_t epfd, size_t capacity, int32_t timeout_ms, Records &recs) {
  core::Output out;
  const int32_t r = g.spear_epoll_wait(epfd, capacity, out, timeout_ms);
  recs = records(out);
  return r;
}

/** Milliseconds since `t0` on the monotonic clock. */
inline int64_t ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
}

inline void sleep_for_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

/** A thread joined when it goes out of scope (a failed CHECK never leaks it). */
class Joined {
 public:
  template <class F> explicit Joined(F &&f) : t_(std::forward<F>(f)) {}
  ~Joined() { join(); }
  void join() {
    if (t_.joinable()) t_.join();
  }
  Joined(const Joined &) = delete;
  Joined &operator=(const Joined &) = delete;

 private:
  std::thread t_;
};

/** A chat response fd of a new session of `g` (with one user message). */
inline int32_t new_response(core::GuestInstance &g, int32_t *session_out = nullptr) {
  const int32_t s = g.cchat_create();
  const std::string role = "user", content = "hi";
  g.cchat_write_msg(s, bytes_of(role), role.size(), bytes_of(content), content.size());
  if (session_out) *session_out = s;
  return g.cchat_send(s, 0);
}

}  // namespace hostwire::test

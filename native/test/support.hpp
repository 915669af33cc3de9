// Helpers shared by the core tests: a fresh instance, bytes and JSON in and out, outputs (as
// the JS glue and as the wasm glue make them), epoll records, and a thread that is always
// joined.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstring>
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

// Negative errnos as hostcalls return them, and the epoll bits, under the tests' short names.
constexpr int32_t kEINVAL = -abi::kEINVAL;
constexpr int32_t kEAGAIN = -abi::kEAGAIN;
constexpr int32_t kEBADF = -abi::kEBADF;
constexpr int32_t kEIO = -abi::kEIO;
constexpr int32_t kENOSPC = -abi::kENOSPC;
constexpr int32_t kENOTCONN = -abi::kENOTCONN;
constexpr int32_t kEPIPE = -abi::kEPIPE;
constexpr uint32_t IN = abi::EpollEvents::kIN;
constexpr uint32_t OUT = abi::EpollEvents::kOUT;
constexpr uint32_t ERR = abi::EpollEvents::kERR;
constexpr uint32_t HUP = abi::EpollEvents::kHUP;

/** A new registered instance, as the glue makes it. */
inline std::shared_ptr<core::GuestInstance> new_instance() {
  std::shared_ptr<core::GuestInstanceApi> api;
  if (core::make_guest_instance(api) != 0) return nullptr;
  return std::static_pointer_cast<core::GuestInstance>(api);
}

inline const uint8_t *bytes_of(const std::string &s) { return reinterpret_cast<const uint8_t *>(s.data()); }

inline std::vector<uint8_t> to_vec(const std::string &s) { return std::vector<uint8_t>(s.begin(), s.end()); }

// ---- outputs ------------------------------------------------------------------------------
// An Output takes one call: every call gets a fresh one. After the call it is in one of
// three states, which is what the glue gives the guest:
//   written     a result (maybe empty): the guest gets its length (0 with `*out_len_ptr = 0`);
//   -ENOSPC     `needed()` set, nothing written: the guest gets the needed length back;
//   untouched   nothing written, no length asked for: the guest gets the result as is.

/** The bytes written, as text ("<none>" when nothing was written). */
inline std::string text(const core::Output &out) {
  if (!out.written()) return "<none>";
  if (out.length() == 0) return std::string();
  return std::string(reinterpret_cast<const char *>(out.bytes()), out.length());
}

/** The bytes written, parsed as JSON (null when nothing was written or not JSON). */
inline core::Json json_of(const core::Output &out) {
  if (!out.written()) return nullptr;
  auto j = core::parse_json(out.bytes(), out.length());
  return j ? *j : core::Json(nullptr);
}

/** Nothing written and no length asked for: the call's result goes to the guest as is. */
inline bool untouched(const core::Output &out) { return !out.written() && out.needed() == 0; }

/** 0 with an empty result written: the guest gets 0 with `*out_len_ptr = 0`. */
inline bool empty_result(int32_t r, const core::Output &out) {
  return r == 0 && out.written() && out.length() == 0;
}

/** -ENOSPC asking for exactly `n` bytes, with nothing written. */
inline bool needs(int32_t r, const core::Output &out, size_t n) {
  return r == -abi::kENOSPC && out.needed() == n && !out.written();
}

/**
 * Guest memory of exactly `capacity` bytes with an Output over it, as the wasm glue makes it
 * (the core writes the result there). The allocation is exact, so that ASan flags any write
 * past the capacity; the bytes start as a known fill, so that a result never written leaves
 * them as they were (`intact()`).
 */
class GuestOut {
 public:
  static constexpr uint8_t kFill = 0xee;
  explicit GuestOut(size_t capacity) : mem_(new uint8_t[capacity]), out(mem_.get(), capacity) {
    if (capacity > 0) std::memset(mem_.get(), kFill, capacity);
  }
  /** The guest bytes, the input of a ctl argument (the same bytes as its output). */
  uint8_t *data() { return mem_.get(); }
  /** Whether every byte still has the fill (nothing written into guest memory). */
  bool intact() const {
    for (size_t i = 0; i < out.capacity(); ++i) {
      if (mem_[i] != kFill) return false;
    }
    return true;
  }

 private:
  std::unique_ptr<uint8_t[]> mem_;

 public:
  core::Output out;
};

// ---- ctl ----------------------------------------------------------------------------------

/**
 * A ctl call with a JSON (or any text) argument: the input, with an Output of the input's
 * length (the guest's buffer). `ctl` takes (fd, cmd, arg, arg_len, Output &). For the
 * commands that only take input; an Output they write is reported as a failure.
 */
template <class Ctl> int32_t ctl_in(Ctl ctl, int32_t fd, int32_t cmd, const std::string &arg) {
  core::Output out(arg.size());
  const int32_t r = ctl(fd, cmd, bytes_of(arg), arg.size(), out);
  CHECK_MSG(untouched(out), "ctl " + std::to_string(cmd) + " with input " + arg + " touched its output");
  return r;
}

inline int32_t fd_ctl(core::GuestInstance &g, int32_t fd, int32_t cmd, const std::string &arg = std::string()) {
  return ctl_in([&](auto &&...a) { return g.spear_fd_ctl(a...); }, fd, cmd, arg);
}

/**
 * A ctl command's JSON output (null on an error), read as a guest reads it: 4096 bytes of
 * guest memory holding junk input (output commands ignore their input), the same bytes as
 * the output.
 */
inline core::Json fd_ctl_json(core::GuestInstance &g, int32_t fd, int32_t cmd) {
  GuestOut buf(4096);
  std::memcpy(buf.data(), "xxxx", 4);
  const int32_t r = g.spear_fd_ctl(fd, cmd, buf.data(), 4, buf.out);
  if (r != 0) {
    CHECK_MSG(untouched(buf.out), "fd_ctl " + std::to_string(cmd) + ": " + std::to_string(r) + " with an output");
    return nullptr;
  }
  CHECK_MSG(buf.out.written(), "fd_ctl " + std::to_string(cmd) + ": 0 with no output");
  return json_of(buf.out);
}

inline int32_t set_nonblock(core::GuestInstance &g, int32_t fd) {
  return fd_ctl(g, fd, abi::FdCtlCmd::kSET_FLAGS, R"({"set":["O_NONBLOCK"],"clear":[]})");
}

// ---- epoll --------------------------------------------------------------------------------

using Records = std::vector<std::pair<int32_t, uint32_t>>;

/** The records of an epoll_wait Output (none when nothing was written). */
inline Records records(const core::Output &out) {
  Records r;
  if (!out.written()) return r;
  CHECK_MSG(out.length() % abi::EpollEvent::kSize == 0, "epoll_wait wrote part of a record");
  for (size_t i = 0; i + abi::EpollEvent::kSize <= out.length(); i += abi::EpollEvent::kSize) {
    abi::EpollEvent e{};
    if (abi::decode(out.bytes() + i, abi::EpollEvent::kSize, e) == abi::DecodeStatus::kOk) {
      const int32_t fd = e.fd;
      const uint32_t events = e.events;
      r.emplace_back(fd, events);
    }
  }
  return r;
}

/**
 * epoll_wait into `capacity` bytes of guest memory, as the wasm glue calls it: its result,
 * with the records in `recs` (cleared first). 0 always comes with the records written (none:
 * an empty result) within the capacity; anything else with nothing written, and -ENOSPC
 * asks for one record.
 */
inline int32_t wait(core::GuestInstance &g, int32_t epfd, size_t capacity, int32_t timeout_ms, Records &recs) {
  GuestOut mem(capacity);
  const int32_t r = g.spear_epoll_wait(epfd, mem.out, timeout_ms);
  recs = records(mem.out);
  if (r == 0) {
    CHECK_MSG(mem.out.written() && mem.out.length() <= capacity, "epoll_wait: 0 without a result");
  } else if (r == -abi::kENOSPC) {
    CHECK_MSG(needs(r, mem.out, abi::EpollEvent::kSize) && mem.intact(), "epoll_wait: -ENOSPC not asking for 8");
  } else {
    CHECK_MSG(untouched(mem.out) && mem.intact(), "epoll_wait: " + std::to_string(r) + " with an output");
  }
  return r;
}

/** Wait (a new epoll set, no timeout) until `fd` reports one of `events`; what it reported, or 0. */
inline uint32_t wait_for(core::GuestInstance &g, int32_t fd, uint32_t events) {
  const int32_t ep = g.spear_epoll_create();
  CHECK(g.spear_epoll_ctl(ep, abi::EpollOp::kADD, fd, events) == 0);
  Records recs;
  CHECK(wait(g, ep, 64, -1, recs) == 0);
  g.spear_epoll_close(ep);
  return recs.size() == 1 && recs[0].first == fd ? recs[0].second : 0;
}

// ---- threads and time ---------------------------------------------------------------------

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

// The utility hostcalls: clocks, randomness, log, sleep.
#include <unistd.h>

#include <cerrno>
#include <string>

#include "core/guard.hpp"
#include "core/guest_instance.hpp"
#include "core/util/clock.hpp"
#include "core/util/random.hpp"

namespace hostwire::core {

// As SPEAR (host_api/core.rs time_now_ms): Unix-epoch milliseconds on the wall clock.
int64_t GuestInstance::time_now_ms() { return wall_now_ms(); }

int64_t GuestInstance::wall_time_s() { return wall_now_s(); }

int64_t GuestInstance::random_i64() { return static_cast<int64_t>(random_u64()); }

// `[guest LEVEL] msg` on stderr, in one write. The TypeScript guest host handles log itself
// (runtime/guest/hostcalls.ts); this is the plain fallback of the bare native instance.
int32_t GuestInstance::log(int32_t level, const uint8_t *msg, size_t msg_len) {
  return guarded([&]() -> int32_t {
    const char *name = abi::LogLevel::name(level);
    if (name == nullptr) return -abi::kEINVAL;
    std::string line = std::string("[guest ") + name + "] ";
    line.append(reinterpret_cast<const char *>(msg), msg_len);
    line += '\n';
    size_t at = 0;
    while (at < line.size()) {
      const ssize_t n = ::write(STDERR_FILENO, line.data() + at, line.size() - at);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // stderr is gone: the line is lost, the guest is not failed for it
      at += static_cast<size_t>(n);
    }
    return 0;
  });
}

// Negative values sleep 0. Interrupted by a queued callback (kCallbackPending: the worker
// runs it and sleeps what is left) or an abort (kAborted).
int32_t GuestInstance::sleep_ms(int32_t ms) {
  return guarded([&]() -> int32_t {
    return block(
        Deadline::from_timeout_ms(ms < 0 ? 0 : ms), []() -> std::optional<int32_t> { return std::nullopt; },
        [] { return 0; });
  });
}

}  // namespace hostwire::core

// The realtime-ASR hostcalls (rtasr_*): the stream's rules are in rtasr.hpp.
#include <algorithm>
#include <climits>

#include "core/guard.hpp"
#include "core/guest_instance.hpp"
#include "core/rtasr.hpp"

namespace hostwire::core {

int32_t GuestInstance::rtasr_create() {
  return guarded([&]() -> int32_t { return table_.insert(std::make_shared<RtAsrStream>(waker_)); });
}

int32_t GuestInstance::rtasr_ctl(int32_t fd, int32_t cmd, const uint8_t *arg, size_t arg_len, Output &arg_out) {
  return guarded([&]() -> int32_t {
    auto stream = table_.find_as<RtAsrStream>(fd, abi::FdKind::kRtAsr);
    if (!stream) return -abi::kEBADF;
    return stream->ctl(cmd, arg, arg_len, arg_out);
  });
}

// A blocking write queues everything, waiting for room as the transport consumes; when it
// is interrupted (callback, abort) or the stream stops accepting audio after part of the
// bytes went in, it returns that partial count (the worker must not write them twice). A
// nonblocking write queues what fits: a partial count, or -EAGAIN when nothing fits.
int32_t GuestInstance::rtasr_write(int32_t fd, const uint8_t *buf, size_t buf_len) {
  return guarded([&]() -> int32_t {
    auto stream = table_.find_as<RtAsrStream>(fd, abi::FdKind::kRtAsr);
    if (!stream) return -abi::kEBADF;
    const size_t len = std::min(buf_len, static_cast<size_t>(INT32_MAX));
    size_t total = 0;
    const auto done = [&](int32_t r) { return total > 0 ? static_cast<int32_t>(total) : r; };
    for (;;) {
      const uint64_t seen = waker_->epoch();
      if (const int32_t i = interruption()) return done(i);
      if (stream->guest_closed()) return done(-abi::kEBADF);
      if (len == 0) return stream->write_check();
      const int32_t n = stream->write_some(buf + total, len - total);
      if (n < 0) return done(n);
      total += static_cast<size_t>(n);
      if (total == len) return static_cast<int32_t>(total);
      if (n > 0) continue;  // the queue filled up: the next try waits
      if (stream->nonblocking()) return done(-abi::kEAGAIN);
      waker_->wait(seen, Deadline::forever());
    }
  });
}

int32_t GuestInstance::rtasr_read(int32_t fd, Output &out) {
  return guarded([&]() -> int32_t {
    auto stream = table_.find_as<RtAsrStream>(fd, abi::FdKind::kRtAsr);
    if (!stream) return -abi::kEBADF;
    const Deadline deadline = stream->nonblocking() ? Deadline::poll() : Deadline::forever();
    return block(
        deadline,
        [&]() -> std::optional<int32_t> {
          if (stream->guest_closed()) return -abi::kEBADF;
          return stream->try_read(out.capacity(), out);
        },
        [] { return -abi::kEAGAIN; });
  });
}

int32_t GuestInstance::rtasr_close(int32_t fd) {
  return guarded([&]() -> int32_t { return table_.close(fd); });
}

}  // namespace hostwire::core

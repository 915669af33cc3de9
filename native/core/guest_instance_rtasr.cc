// The realtime-ASR hostcalls (rtasr_*): the stream's rules are in rtasr.hpp.
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
    bool connect_request = false;
    const int32_t r = stream->ctl(cmd, arg, arg_len, arg_out, connect_request);
    if (connect_request) {
      std::lock_guard<std::mutex> lock(mail_mu_);
      rtasr_connects_.push_back(fd);
    }
    return r;
  });
}

std::vector<int32_t> GuestInstance::take_rtasr_connects() {
  std::lock_guard<std::mutex> lock(mail_mu_);
  std::vector<int32_t> out;
  out.swap(rtasr_connects_);
  return out;
}

// Reads and writes never wait (SPEAR's return -EAGAIN whatever the fd's flags). They only
// give way to an abort or a queued tool callback first, as every blocking-capable call does.
int32_t GuestInstance::rtasr_write(int32_t fd, const uint8_t *buf, size_t buf_len) {
  return guarded([&]() -> int32_t {
    auto stream = table_.find_as<RtAsrStream>(fd, abi::FdKind::kRtAsr);
    if (!stream) return -abi::kEBADF;
    if (const int32_t i = interruption()) return i;
    return stream->write(buf, buf_len);
  });
}

int32_t GuestInstance::rtasr_read(int32_t fd, Output &out) {
  return guarded([&]() -> int32_t {
    auto stream = table_.find_as<RtAsrStream>(fd, abi::FdKind::kRtAsr);
    if (!stream) return -abi::kEBADF;
    if (const int32_t i = interruption()) return i;
    return stream->read(out.capacity(), out);
  });
}

std::shared_ptr<RtAsrStream> GuestInstance::rtasr_stream(int32_t fd) {
  return table_.find_as<RtAsrStream>(fd, abi::FdKind::kRtAsr);
}

int32_t GuestInstance::rtasr_close(int32_t fd) {
  return guarded([&]() -> int32_t { return table_.close(fd); });
}

}  // namespace hostwire::core

#include "core/guest_instance.hpp"

#include <memory>

#include "cpp/hostwire_abi.hpp"

namespace hostwire::core {

namespace {
constexpr int32_t kNotYet = -abi::kENOSYS;
}  // namespace

int32_t make_guest_instance(std::shared_ptr<GuestInstanceApi> &out) {
  out = std::make_shared<GuestInstance>();
  return 0;
}

int32_t GuestInstance::cchat_create() { return kNotYet; }
int32_t GuestInstance::cchat_write_msg(int32_t, const uint8_t *, size_t, const uint8_t *, size_t) { return kNotYet; }
int32_t GuestInstance::cchat_write_fn(int32_t, int32_t, const uint8_t *, size_t) { return kNotYet; }
int32_t GuestInstance::cchat_ctl(int32_t, int32_t, const uint8_t *, size_t, size_t, Output &) { return kNotYet; }
int32_t GuestInstance::cchat_send(int32_t, uint32_t) { return kNotYet; }
int32_t GuestInstance::cchat_recv(int32_t, size_t, Output &) { return kNotYet; }
int32_t GuestInstance::cchat_close(int32_t) { return kNotYet; }

int32_t GuestInstance::spear_epoll_create() { return kNotYet; }
int32_t GuestInstance::spear_epoll_ctl(int32_t, int32_t, int32_t, uint32_t) { return kNotYet; }
int32_t GuestInstance::spear_epoll_wait(int32_t, size_t, Output &, int32_t) { return kNotYet; }
int32_t GuestInstance::spear_epoll_close(int32_t) { return kNotYet; }

int32_t GuestInstance::spear_fd_ctl(int32_t, int32_t, const uint8_t *, size_t, size_t, Output &) { return kNotYet; }

int32_t GuestInstance::rtasr_create() { return kNotYet; }
int32_t GuestInstance::rtasr_ctl(int32_t, int32_t, const uint8_t *, size_t, size_t, Output &) { return kNotYet; }
int32_t GuestInstance::rtasr_write(int32_t, const uint8_t *, size_t) { return kNotYet; }
int32_t GuestInstance::rtasr_read(int32_t, size_t, Output &) { return kNotYet; }
int32_t GuestInstance::rtasr_close(int32_t) { return kNotYet; }

// The i64 results carry -errno in band, as the ABI's other results do.
int64_t GuestInstance::time_now_ms() { return kNotYet; }
int64_t GuestInstance::wall_time_s() { return kNotYet; }
int64_t GuestInstance::random_i64() { return kNotYet; }
int32_t GuestInstance::log(int32_t, const uint8_t *, size_t) { return kNotYet; }
// sleep_ms has no result in the ABI: the glue throws this errno instead of returning it.
int32_t GuestInstance::sleep_ms(int32_t) { return kNotYet; }

}  // namespace hostwire::core

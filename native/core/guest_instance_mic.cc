// The audio source hostcalls (mic_*): the source's rules are in mic.hpp.
//
// As SPEAR's host_api/mic/mod.rs, mic_ctl looks the fd up first (-EBADF for a number never
// handed out), then the command (-EINVAL when unknown), then SET_PARAM's payload (-EINVAL when
// absent or not JSON), and only then whether the fd is an open mic fd (-EBADF): a closed fd or
// one of another kind answers -EINVAL to a malformed payload or an unknown command.
#include "core/guard.hpp"
#include "core/guest_instance.hpp"
#include "core/mic.hpp"

namespace hostwire::core {

namespace {

std::shared_ptr<MicSource> as_open_mic(const std::shared_ptr<FdEntry> &e) {
  if (!e || e->guest_closed() || e->kind() != abi::FdKind::kMic) return nullptr;
  return std::static_pointer_cast<MicSource>(e);
}

}  // namespace

int32_t GuestInstance::mic_create() {
  return guarded([&]() -> int32_t { return table_.insert(std::make_shared<MicSource>(waker_)); });
}

int32_t GuestInstance::mic_ctl(int32_t fd, int32_t cmd, const uint8_t *arg, size_t arg_len, Output &arg_out) {
  return guarded([&]() -> int32_t {
    std::shared_ptr<FdEntry> e = table_.find_known(fd);
    if (!e) return -abi::kEBADF;
    switch (cmd) {
      case abi::MicCtlCmd::kSET_PARAM: {
        if (arg_len == 0) return -abi::kEINVAL;
        std::optional<Json> v = parse_json(arg, arg_len);
        if (!v) return -abi::kEINVAL;
        std::shared_ptr<MicSource> mic = as_open_mic(e);
        if (!mic) return -abi::kEBADF;
        return mic->set_param(*v);
      }
      case abi::MicCtlCmd::kGET_STATUS: {
        std::shared_ptr<MicSource> mic = as_open_mic(e);
        if (!mic) return -abi::kEBADF;
        return mic->get_status(arg_out);
      }
      default: return -abi::kEINVAL;
    }
  });
}

// Reads never wait (SPEAR's return -EAGAIN whatever the fd's flags); they only give way to an
// abort or a queued tool callback first, as every blocking-capable call does.
int32_t GuestInstance::mic_read(int32_t fd, Output &out) {
  return guarded([&]() -> int32_t {
    std::shared_ptr<MicSource> mic = as_open_mic(table_.find(fd));
    if (!mic) return -abi::kEBADF;
    if (const int32_t i = interruption()) return i;
    return mic->read(out.capacity(), out);
  });
}

std::shared_ptr<MicSource> GuestInstance::mic_source(int32_t fd) { return table_.find_as<MicSource>(fd, abi::FdKind::kMic); }

int32_t GuestInstance::mic_close(int32_t fd) {
  return guarded([&]() -> int32_t { return table_.close(fd); });
}

}  // namespace hostwire::core

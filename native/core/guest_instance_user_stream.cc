// The user-stream hostcalls (user_stream_*), as SPEAR's host_api/user_stream.rs; the streams'
// rules are in user_stream.hpp. Reads and writes never wait, whatever the fd's O_NONBLOCK;
// they only give way to an abort or a queued tool callback first.
#include "core/guard.hpp"
#include "core/guest_instance.hpp"
#include "core/user_stream.hpp"

namespace hostwire::core {

std::shared_ptr<UserStreamHub> GuestInstance::current_hub(bool create) {
  std::lock_guard<std::mutex> lock(hub_mu_);
  if (!hub_ && create) hub_ = std::make_shared<UserStreamHub>(std::to_string(id_), waker_);
  return hub_;
}

int32_t GuestInstance::user_stream_open(int32_t stream_id, int32_t direction) {
  return guarded([&]() -> int32_t {
    if (stream_id < 0) return -abi::kEINVAL;
    if (!abi::UserStreamDir::valid(direction)) return -abi::kEINVAL;
    std::shared_ptr<UserStreamHub> hub = current_hub(true);
    const uint32_t sid = static_cast<uint32_t>(stream_id);
    hub->touch(sid);
    return table_.insert(std::make_shared<UserStreamFd>(waker_, hub, sid, direction));
  });
}

int32_t GuestInstance::user_stream_read(int32_t fd, Output &out) {
  return guarded([&]() -> int32_t {
    auto s = table_.find_as<UserStreamFd>(fd, abi::FdKind::kUserStream);
    if (!s) return -abi::kEBADF;
    if (!s->reads()) return -abi::kEINVAL;
    if (const int32_t i = interruption()) return i;
    return s->hub()->read(s->stream_id(), out);
  });
}

// SPEAR's order of checks: the fd is known, the frame parses, the fd is open and a stream,
// it writes, the frame's stream is the fd's, the channel is connected, the frame fits.
int32_t GuestInstance::user_stream_write(int32_t fd, const uint8_t *buf, size_t buf_len) {
  return guarded([&]() -> int32_t {
    if (!table_.find_known(fd)) return -abi::kEBADF;
    std::optional<SsfFrameInfo> info = parse_ssf_v1(buf, buf_len);
    if (!info) return -abi::kEINVAL;
    auto s = table_.find_as<UserStreamFd>(fd, abi::FdKind::kUserStream);
    if (!s) return -abi::kEBADF;
    if (!s->writes()) return -abi::kEINVAL;
    if (info->stream_id != s->stream_id()) return -abi::kEINVAL;
    if (const int32_t i = interruption()) return i;
    return s->hub()->write(s->stream_id(), buf, buf_len);
  });
}

int32_t GuestInstance::user_stream_close(int32_t fd) {
  return guarded([&]() -> int32_t { return table_.close(fd); });
}

int32_t GuestInstance::user_stream_ctl_open() {
  return guarded([&]() -> int32_t {
    std::shared_ptr<UserStreamHub> hub = current_hub(true);
    auto ctl = std::make_shared<UserStreamCtlFd>(waker_, hub);
    const int32_t fd = table_.insert(ctl);
    if (fd >= 0) hub->register_ctl(fd);
    return fd;
  });
}

int32_t GuestInstance::user_stream_ctl_read(int32_t fd, Output &out) {
  return guarded([&]() -> int32_t {
    auto c = table_.find_as<UserStreamCtlFd>(fd, abi::FdKind::kUserStreamCtl);
    if (!c) return -abi::kEBADF;
    if (const int32_t i = interruption()) return i;
    return c->hub()->ctl_read(fd, out);
  });
}

int32_t GuestInstance::stream_push(const uint8_t *frame, size_t n) {
  return guarded([&]() -> int32_t {
    std::optional<SsfFrameInfo> info = parse_ssf_v1(frame, n);
    if (!info) return -abi::kEINVAL;
    std::shared_ptr<UserStreamHub> hub = released() ? nullptr : current_hub(false);
    if (!hub) return -abi::kENOTCONN;
    return hub->push(info->stream_id, frame, n);
  });
}

std::optional<std::vector<std::string>> GuestInstance::stream_take(size_t max_bytes) {
  std::shared_ptr<UserStreamHub> hub = released() ? nullptr : current_hub(false);
  if (!hub) return std::nullopt;
  return hub->take(max_bytes);
}

void GuestInstance::stream_session_closed() {
  std::shared_ptr<UserStreamHub> hub;
  {
    std::lock_guard<std::mutex> lock(hub_mu_);
    hub.swap(hub_);
  }
  if (hub) hub->close_all();
}

}  // namespace hostwire::core

#include "core/transfer/loop.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>

namespace hostwire::core::transfer {

Loop::~Loop() { close(); }

void Loop::close() {
  if (wake_fd_ >= 0) ::close(wake_fd_);
  if (ep_ >= 0) ::close(ep_);
  wake_fd_ = ep_ = -1;
}

int32_t Loop::open() {
  if (ep_ >= 0) return 0;
  ep_ = epoll_create1(EPOLL_CLOEXEC);
  if (ep_ < 0) return -errno;
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = nullptr;  // the wake-up event
  if (wake_fd_ < 0 || epoll_ctl(ep_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0) {
    // Half open (EMFILE...): nothing stays open, and the next open() starts over.
    const int32_t err = -errno;
    close();
    return err;
  }
  return 0;
}

int32_t Loop::add(int fd, uint32_t events, Handler *h) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = h;
  if (epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev) == 0) return 0;
  if (errno == EEXIST && epoll_ctl(ep_, EPOLL_CTL_MOD, fd, &ev) == 0) return 0;
  return -errno;
}

int32_t Loop::modify(int fd, uint32_t events, Handler *h) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = h;
  return epoll_ctl(ep_, EPOLL_CTL_MOD, fd, &ev) == 0 ? 0 : -errno;
}

void Loop::remove(int fd) {
  if (ep_ >= 0) epoll_ctl(ep_, EPOLL_CTL_DEL, fd, nullptr);
}

void Loop::wake() {
  if (wake_fd_ < 0) return;
  const uint64_t one = 1;
  ssize_t r = ::write(wake_fd_, &one, sizeof one);
  (void)r;  // EAGAIN: the counter is already non-zero, a wake-up is pending anyway
}

int Loop::wait(epoll_event *out, int max, int timeout_ms) {
  const int n = epoll_wait(ep_, out, max, timeout_ms);
  if (n <= 0) return 0;
  int kept = 0;
  for (int i = 0; i < n; ++i) {
    if (out[i].data.ptr == nullptr) {
      uint64_t v;
      ssize_t r = ::read(wake_fd_, &v, sizeof v);
      (void)r;
      continue;
    }
    out[kept++] = out[i];
  }
  return kept;
}

}  // namespace hostwire::core::transfer

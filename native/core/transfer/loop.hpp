// hostwire transfer engine: the epoll event loop of one session.
//
// Level-triggered epoll over the session's sockets plus an eventfd to wake it. The loop
// itself holds no lock and runs no protocol: the engine's thread calls wait() without its
// lock and dispatches the returned events under it (engine.cc).
#pragma once

#include <sys/epoll.h>

#include <cstdint>

namespace hostwire::core::transfer {

/** Something registered with the loop: a socket's readiness goes to on_event. */
class Handler {
 public:
  virtual ~Handler() = default;
  /** `events` is the epoll mask (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP). */
  virtual void on_event(uint32_t events) = 0;
};

class Loop {
 public:
  Loop() = default;
  Loop(const Loop &) = delete;
  Loop &operator=(const Loop &) = delete;
  ~Loop();

  /** Create the epoll and eventfd descriptors; 0 or -errno (then neither is open). */
  int32_t open();
  bool is_open() const { return ep_ >= 0; }
  /**
   * Close both descriptors (idempotent). Only once no thread waits in wait() any more: the
   * engine calls it after joining its loop thread. Later calls fail (EBADF) or do nothing.
   */
  void close();

  /** Watch `fd` for `events` on behalf of `h` (add, or modify when already watched). */
  int32_t add(int fd, uint32_t events, Handler *h);
  int32_t modify(int fd, uint32_t events, Handler *h);
  void remove(int fd);

  /** Wake a wait() in progress (any thread). */
  void wake();

  /**
   * Wait up to `timeout_ms` (-1: forever) for events; returns how many were stored in
   * `out`. The wake-up event is consumed here and not returned.
   */
  int wait(epoll_event *out, int max, int timeout_ms);

 private:
  int ep_ = -1;
  int wake_fd_ = -1;
};

}  // namespace hostwire::core::transfer

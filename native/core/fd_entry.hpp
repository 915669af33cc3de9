// hostwire native core: FdEntry, what one fd of a guest instance refers to.
//
// The base of every kind (fd_kind): its number, its flags (O_NONBLOCK), its readiness
// (poll_mask, EpollEvents bits) and the host-side close that makes it report EPOLLHUP. Each
// kind derives from it (chat_session.hpp, chat_response.hpp, epoll.hpp, rtasr.hpp).
//
// Locking: `mu_` is the entry lock, third in the lock order (fd_table.hpp). An EpollSet's
// own `mu_` is its watch-set lock, second in the order; epoll sets cannot be watched, so no
// epoll lock is ever taken as a watched entry's lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "core/json.hpp"
#include "core/waker.hpp"
#include "cpp/hostwire_abi.hpp"

namespace hostwire::core {

class FdEntry {
 public:
  FdEntry(uint32_t kind, std::shared_ptr<Waker> waker) : waker_(std::move(waker)), kind_(kind) {}
  virtual ~FdEntry() = default;
  FdEntry(const FdEntry &) = delete;
  FdEntry &operator=(const FdEntry &) = delete;

  /** The fd_kind value (`abi::FdKind::kChatSession`, ...). */
  uint32_t kind() const { return kind_; }
  /** Its fd number; set once by FdTable::insert before the entry is published. */
  int32_t fd() const { return fd_; }
  void assign_fd(int32_t fd) { fd_ = fd; }

  /** fd_flags bits. Changing them changes no readiness. */
  uint32_t flags() const { return flags_.load(); }
  void set_flags(uint32_t flags) { flags_.store(flags); }
  bool nonblocking() const { return (flags() & abi::FdFlags::kO_NONBLOCK) != 0; }

  /**
   * The events ready now: EPOLLHUP once the host side or the guest closed it (SPEAR's
   * effective_poll_mask). Takes the entry lock.
   */
  uint32_t poll_mask() const;

  /** The host side ends it: EPOLLHUP until the guest closes or DELs it; wakes waiters. */
  void host_close();
  bool host_closed() const;

  /**
   * The guest closed it (FdTable::close or release_all, with the table lock held): a call
   * still holding the entry sees guest_closed() and returns -EBADF; waiters are woken.
   */
  void mark_guest_closed();
  bool guest_closed() const { return guest_closed_.load(); }

  /** The kind's own status (`{"fd","kind","flags","poll_mask","closed", ...kind-specific}`). */
  Json status() const;

  /**
   * spear_fd_ctl GET_STATUS, SPEAR's JSON (keys in serde_json's sorted order):
   * `{"closed":false,"flags":["O_NONBLOCK"],"kind":"ChatSession","poll_mask":["EPOLLIN"]}`,
   * `closed` true once the guest closed it.
   */
  Json fd_status() const;

  /** GET_METRICS: kind-specific counters. */
  virtual Json metrics() const = 0;

 protected:
  /** poll_mask without HUP, with `mu_` held. */
  virtual uint32_t poll_mask_locked() const = 0;
  /** The kind-specific fields of GET_STATUS, with `mu_` held. */
  virtual void status_locked(Json & /*out*/) const {}
  /** What the kind does when the host side closes it, with `mu_` held. */
  virtual void on_host_close_locked() {}
  /**
   * What the kind does when the guest closes it, with the table lock held (the entry lock,
   * or an epoll set's watch lock, may be taken).
   */
  virtual void on_guest_close() {}

  void notify() const {
    if (waker_) waker_->notify();
  }
  /** A record of an fd the guest already closed (ClosedFd) is born closed. */
  void set_guest_closed() { guest_closed_.store(true); }

  /** The entry lock. */
  mutable std::mutex mu_;
  const std::shared_ptr<Waker> waker_;
  /** Under mu_. */
  bool host_closed_ = false;

 private:
  const uint32_t kind_;
  int32_t fd_ = -1;
  std::atomic<uint32_t> flags_{0};
  std::atomic<bool> guest_closed_{false};
};

/** `{"flags": [...]}`'s array: the names of the set bits of fd_flags `flags`. */
Json flag_names(uint32_t flags);

/** GET_STATUS's `poll_mask` array: the names of epoll_events `mask`, in bit order (`"EPOLLIN"`, ...). */
Json event_names(uint32_t mask);

}  // namespace hostwire::core

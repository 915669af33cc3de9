// hostwire native core: FdTable, the fds of one guest instance.
//
// Numbers start at abi::kFD_FIRST (1000) and are never reused within the instance, so a
// stale fd is always -EBADF, never another resource. Closing an fd removes it from the
// table and, silently, from every epoll set of the instance. release_all() frees everything
// when the instance ends; the table accepts no new fd after it.
//
// LOCK ORDER of the native core (take them in this order, never the other way round):
//
//   1. the fd table          FdTable::mu_        (lookup, insert, close, epoll_ctl)
//   2. an epoll watch set    EpollSet's mu_      (its watches, rotation cursor, closed flag)
//   3. an fd entry           FdEntry::mu_        (the entry's own state and readiness)
//   leaf: the instance's mailbox lock, ChatStats::mu_ and the instance registry's lock:
//         each is taken last, and nothing is taken under it.
//
// The Waker takes no lock (atomics and a futex), so waking and reading its epoch fit
// anywhere in this order.
//
// A level may be skipped (table -> entry is fine), two locks of the same level are never
// held at once, and no lock is held while a blocking call sleeps.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "core/fd_entry.hpp"

namespace hostwire::core {

/** A set of fd kinds, for the calls that take several: bit (1 << kind). */
constexpr uint32_t kind_bit(uint32_t kind) { return UINT32_C(1) << kind; }

class FdTable {
 public:
  /** Add `entry` under the next fd number: the fd, -EBADF once released, -ENOMEM when exhausted. */
  int32_t insert(const std::shared_ptr<FdEntry> &entry);

  /** The entry of `fd`, or nullptr. */
  std::shared_ptr<FdEntry> find(int32_t fd) const;

  /** The entry of `fd` when its kind is in `kinds` (kind_bit), else nullptr. */
  std::shared_ptr<FdEntry> find(int32_t fd, uint32_t kinds) const;

  /** find(fd, kind_bit(T's kind)) cast to T. */
  template <class T> std::shared_ptr<T> find_as(int32_t fd, uint32_t kind) const {
    return std::static_pointer_cast<T>(find(fd, kind_bit(kind)));
  }

  /**
   * The guest closes `fd` if its kind is in `kinds`: 0, or -EBADF (not open, wrong kind).
   * It leaves every epoll set; an epoll set wakes its waiters, which return -EBADF.
   */
  int32_t close(int32_t fd, uint32_t kinds);

  /** Run `f(lookup)` with the table lock held; `lookup(fd)` is find() without locking. */
  template <class F> auto locked(F &&f) const {
    std::lock_guard<std::mutex> lock(mu_);
    return f([this](int32_t fd) { return find_locked(fd); });
  }

  /** Take every entry out (each told it was closed) and accept no new one; returns them. */
  std::vector<std::shared_ptr<FdEntry>> release_all();

  /** Open fds. */
  size_t size() const;

 private:
  std::shared_ptr<FdEntry> find_locked(int32_t fd) const;

  mutable std::mutex mu_;
  std::map<int32_t, std::shared_ptr<FdEntry>> entries_;
  int32_t next_ = abi::kFD_FIRST;
  bool released_ = false;
};

}  // namespace hostwire::core

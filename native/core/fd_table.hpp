// hostwire native core: FdTable, the fds of one guest instance.
//
// Numbers start at abi::kFD_FIRST (1000) and are never reused within the instance. As in
// SPEAR (hostcall/fd_table.rs), a closed fd stays known: closing it again is 0, fd_ctl still
// answers for it (GET_STATUS says `"closed":true`, its poll_mask gains EPOLLHUP), and an
// epoll set that watches it keeps reporting EPOLLHUP where HUP was requested. The entry
// itself is released at close (unless a watch still holds it); what the table keeps of a
// closed fd is one byte (its kind, flags and readiness at close), so a guest that opens and
// closes fds in a loop costs the host one byte per fd. Calls that use an fd (find, find_as)
// see only open fds: a closed fd is -EBADF to them.
//
// At most kMaxOpen fds are open at once in an instance; one more is -EMFILE, as Linux answers
// a process at its RLIMIT_NOFILE (SPEAR has no limit). Opening, looking up and closing take
// constant time (a hash lookup), whatever the number of fds.
//
// LOCK ORDER of the native core (take them in this order, never the other way round):
//
//   1. the fd table          FdTable::mu_        (lookup, insert, close, epoll_ctl)
//   2. an epoll watch set    EpollSet's mu_      (its watches, rotation cursor, closed flag)
//   3. an fd entry           FdEntry::mu_        (the entry's own state and readiness)
//   leaf: the instance's mailbox lock, its user-stream hub pointer lock, a UserStreamHub's
//         mu_, ChatStats::mu_ and the instance registry's lock:
//         each is taken last, and nothing is taken under it.
//
// The Waker takes no lock (atomics and a futex), so waking and reading its epoch fit
// anywhere in this order.
//
// A level may be skipped (table -> entry is fine), two locks of the same level are never
// held at once, and no lock is held while a blocking call sleeps.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/fd_entry.hpp"

namespace hostwire::core {

/** A set of fd kinds, for the calls that take several: bit (1 << kind). */
constexpr uint32_t kind_bit(uint32_t kind) { return UINT32_C(1) << kind; }

class FdTable {
 public:
  /** The most fds open at once in one instance. */
  static constexpr size_t kMaxOpen = abi::kFD_MAX_OPEN;

  /**
   * Add `entry` under the next fd number: the fd; -EMFILE with kMaxOpen fds open; -ENOMEM
   * when the fd numbers are exhausted; -EBADF once released.
   */
  int32_t insert(const std::shared_ptr<FdEntry> &entry);

  /** The entry of the open fd `fd`, or nullptr (never opened, or closed). */
  std::shared_ptr<FdEntry> find(int32_t fd) const;

  /** The entry of the open fd `fd` when its kind is in `kinds` (kind_bit), else nullptr. */
  std::shared_ptr<FdEntry> find(int32_t fd, uint32_t kinds) const;

  /** find(fd, kind_bit(T's kind)) cast to T. */
  template <class T> std::shared_ptr<T> find_as(int32_t fd, uint32_t kind) const {
    return std::static_pointer_cast<T>(find(fd, kind_bit(kind)));
  }

  /**
   * The entry of `fd`, open or closed (nullptr only for a number never handed out). A
   * closed fd is answered by a ClosedFd record made from what the table kept of it.
   */
  std::shared_ptr<FdEntry> find_known(int32_t fd) const;

  /**
   * find() and find_known() for the hostcalls, which come from one thread at a time (the
   * guest's) and mostly look up the fd they looked up last: the last open entry found this way
   * is kept with the table's version, and while no fd was opened or closed since, it is the
   * answer, without the table lock. Never from two threads at once; other threads use find().
   */
  std::shared_ptr<FdEntry> guest_find(int32_t fd, uint32_t kinds);
  std::shared_ptr<FdEntry> guest_find_known(int32_t fd);
  template <class T> std::shared_ptr<T> guest_find_as(int32_t fd, uint32_t kind) {
    return std::static_pointer_cast<T>(guest_find(fd, kind_bit(kind)));
  }

  /** Set the flags of `fd`, open or closed (SPEAR's SET_FLAGS works on a closed fd too). */
  void set_flags(int32_t fd, uint32_t flags);

  /**
   * The guest closes `fd`, whatever its kind (as every close hostcall of SPEAR does): 0, also
   * for an fd already closed; -EBADF for a number never handed out. Epoll sets watching it
   * keep the watch, which now reports EPOLLHUP; a closed epoll set wakes its waiters.
   */
  int32_t close(int32_t fd);

  /** Run `f(lookup)` with the table lock held; `lookup(fd)` is find_known() without locking. */
  template <class F> auto locked(F &&f) const {
    std::lock_guard<std::mutex> lock(mu_);
    return f([this](int32_t fd) { return find_known_locked(fd); });
  }

  /** Take every entry out (each told it was closed) and accept no new one; returns them. */
  std::vector<std::shared_ptr<FdEntry>> release_all();

  /** Open fds. */
  size_t size() const;

 private:
  std::shared_ptr<FdEntry> find_known_locked(int32_t fd) const;
  /** The open entry of `fd` through the guest's one-entry cache, or nullptr. */
  std::shared_ptr<FdEntry> guest_lookup(int32_t fd);
  /** Index of `fd` in closed_, or -1 when `fd` was never handed out. */
  int64_t index_of(int32_t fd) const;

  mutable std::mutex mu_;
  std::unordered_map<int32_t, std::shared_ptr<FdEntry>> open_;
  /** One byte per fd handed out (index fd - kFD_FIRST): ClosedFd::pack of a closed fd, else 0. */
  std::vector<uint8_t> closed_;
  int32_t next_ = abi::kFD_FIRST;
  bool released_ = false;
  /** Moves on (under mu_) whenever open_ changes: a cached lookup of an older version is stale. */
  std::atomic<uint64_t> version_{0};
  /** The guest's last lookup (guest_lookup; only the guest's thread reads or writes it). */
  struct GuestCache {
    int32_t fd = 0;
    uint64_t version = 0;
    std::shared_ptr<FdEntry> entry;
  } guest_cache_;
};

}  // namespace hostwire::core

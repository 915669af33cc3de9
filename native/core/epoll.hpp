// hostwire native core: EpollSet, an epoll fd (SPEAR-ABI.md, "epoll").
//
// As SPEAR's EpollState and ep_wait_ready (hostcall/types.rs, fd_table.rs): level-triggered,
// a scan reports each watched fd whose readiness meets its interest, and only the requested
// bits of it (an fd in error is not reported to an IN-only watcher); nothing is consumed by
// reporting; one record per fd, records in ascending fd order. A watch of an fd the guest
// closed stays, and reports EPOLLHUP where HUP was requested. When more fds are ready than
// fit, the next scan starts after the last fd reported, so successive calls rotate through
// the ready set and none starves (SPEAR always starts at the lowest fd); the records of one
// scan are still in ascending order. The waiting itself (timeouts, wakeups, callbacks, abort)
// is the instance's (guest_instance_epoll.cc); an epoll fd cannot be watched by another.
//
// Locks: the set's `mu_` is the watch-set lock (second in the order of fd_table.hpp); a scan
// takes each watched entry's lock under it.
//
// A scan that found nothing ready remembers the instance's Waker epoch it started from.
// Every change that can make a watched fd ready (its readiness, a watch added or widened)
// notifies the Waker after it is made, so while the epoch has not moved since, nothing can
// be ready and collect() answers 0 from atomic loads and a counter, without a lock: a guest
// polling with timeout 0 while nothing happens takes no lock of the set or of its fds.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "core/fd_entry.hpp"

namespace hostwire::core {

class EpollSet final : public FdEntry {
 public:
  explicit EpollSet(std::shared_ptr<Waker> waker) : FdEntry(abi::FdKind::kEpoll, std::move(waker)) {}

  /**
   * ADD, MOD or DEL the watch of `target` (validated by the caller, with the table lock
   * held): 0, or -EBADF once the set is closed. As SPEAR: ADD and MOD both (re-)register the
   * watch with `events`, whether or not `target` was watched; DEL of an unwatched fd is 0.
   */
  int32_t ctl(int32_t op, const std::shared_ptr<FdEntry> &target, uint32_t events);

  /**
   * One scan for a wait: writes at most `out.capacity() / kSize` records of ready fds into
   * `out` (abi::EpollEvent encoded in place), starting after the last fd the previous scan
   * reported, in ascending fd order. Returns the number written (`out` holds
   * them), 0 with `out` untouched when none is ready, or -EBADF once closed. `seen` is the
   * Waker epoch the caller read before calling (see the top of this file).
   */
  int32_t collect(uint64_t seen, Output &out);

  /** Whether the guest closed the set (its waiters return -EBADF). */
  bool closed() const;

  /** Watched fds. */
  size_t watch_count() const;

  Json metrics() const override;

 protected:
  uint32_t poll_mask_locked() const override { return 0; }
  void status_locked(Json &out) const override;
  void on_guest_close() override;

 private:
  struct Watch {
    std::shared_ptr<FdEntry> entry;
    uint32_t events;
  };

  static constexpr uint64_t kNoEpoch = UINT64_MAX;  // the Waker's epoch never gets there

  std::map<int32_t, Watch> watches_;  // under mu_, ordered by fd
  int32_t cursor_ = 0;                // the next scan starts at the first fd >= cursor_
  bool closed_ = false;
  /** The epoch a scan that found nothing ready started from (kNoEpoch: none yet). */
  std::atomic<uint64_t> idle_epoch_{kNoEpoch};
};

}  // namespace hostwire::core

// The epoll hostcalls: the set's rules are in epoll.hpp, the waiting is here.
#include <vector>

#include "core/epoll.hpp"
#include "core/guard.hpp"
#include "core/guest_instance.hpp"

namespace hostwire::core {

int32_t GuestInstance::spear_epoll_create() {
  return guarded([&]() -> int32_t { return table_.insert(std::make_shared<EpollSet>(waker_)); });
}

// SPEAR's checks, in its order (hostcall/fd_table.rs ep_ctl): epfd == fd (-EINVAL); epfd or
// fd never handed out (-EBADF); epfd not an epoll fd, or closed (-EBADF); fd an epoll fd
// (-EINVAL); op unknown (-EINVAL). Unknown event bits are masked off (from_bits_truncate);
// an fd the guest closed may be watched (it reports EPOLLHUP). The table lock is held
// throughout, so nothing is closed between the check and the watch.
int32_t GuestInstance::spear_epoll_ctl(int32_t epfd, int32_t op, int32_t fd, uint32_t events) {
  return guarded([&]() -> int32_t {
    if (epfd == fd) return -abi::kEINVAL;
    return table_.locked([&](auto lookup) -> int32_t {
      std::shared_ptr<FdEntry> set = lookup(epfd);
      if (!set) return -abi::kEBADF;
      std::shared_ptr<FdEntry> target = lookup(fd);
      if (!target) return -abi::kEBADF;
      if (set->kind() != abi::FdKind::kEpoll || set->guest_closed()) return -abi::kEBADF;
      if (target->kind() == abi::FdKind::kEpoll) return -abi::kEINVAL;
      if (!abi::EpollOp::valid(op)) return -abi::kEINVAL;
      return static_cast<EpollSet &>(*set).ctl(op, target, events & abi::EpollEvents::all());  // table -> watch set
    });
  });
}

// Capacity under one record: -ENOSPC, needing one record, checked before the epfd as SPEAR
// does. Then an epfd that is not an open epoll set: -EBADF. Nothing ready in time: 0 with an
// empty result (`*out_len_ptr = 0`). The records are encoded straight into the output.
// Timeout 0 is a poll: no clock read and no wait (Deadline::poll), and while nothing changed
// since a scan found nothing ready, no lock but the table's lookup (epoll.hpp).
int32_t GuestInstance::spear_epoll_wait(int32_t epfd, Output &out, int32_t timeout_ms) {
  return guarded([&]() -> int32_t {
    if (out.capacity() < abi::EpollEvent::kSize) return out.need(abi::EpollEvent::kSize);
    auto set = table_.guest_find_as<EpollSet>(epfd, abi::FdKind::kEpoll);
    if (!set) return -abi::kEBADF;
    return block(
        Deadline::from_timeout_ms(timeout_ms),
        [&]() -> std::optional<int32_t> {
          const int32_t n = set->collect(waker_->epoch(), out);
          if (n < 0) return n;  // the set was closed
          if (n == 0) return std::nullopt;
          return 0;
        },
        [&] {
          out.commit(0);
          return 0;
        });
  });
}

// As SPEAR, this closes any fd, and an fd already closed is 0 (FdTable::close).
int32_t GuestInstance::spear_epoll_close(int32_t epfd) {
  return guarded([&]() -> int32_t { return table_.close(epfd); });
}

}  // namespace hostwire::core

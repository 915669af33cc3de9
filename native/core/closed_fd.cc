#include "core/closed_fd.hpp"

namespace hostwire::core {

namespace {
// bits 0-2 the kind (fd_kind values 1..7), bit 3 O_NONBLOCK, bits 4-6 EPOLLIN, EPOLLOUT,
// EPOLLERR; EPOLLHUP is implied.
constexpr uint8_t kKindMask = 0x07;
constexpr uint8_t kNonblock = 0x08;
constexpr uint8_t kIn = 0x10;
constexpr uint8_t kOut = 0x20;
constexpr uint8_t kErr = 0x40;
static_assert(abi::FdKind::kUserStreamCtl <= kKindMask, "fd kinds fit in three bits");
}  // namespace

uint8_t ClosedFd::pack(uint32_t kind, uint32_t flags, uint32_t mask) {
  uint8_t b = static_cast<uint8_t>(kind & kKindMask);
  if (flags & abi::FdFlags::kO_NONBLOCK) b |= kNonblock;
  if (mask & abi::EpollEvents::kIN) b |= kIn;
  if (mask & abi::EpollEvents::kOUT) b |= kOut;
  if (mask & abi::EpollEvents::kERR) b |= kErr;
  return b;
}

uint8_t ClosedFd::with_flags(uint8_t packed, uint32_t flags) {
  return static_cast<uint8_t>((packed & ~kNonblock) | ((flags & abi::FdFlags::kO_NONBLOCK) ? kNonblock : 0));
}

std::shared_ptr<ClosedFd> ClosedFd::unpack(int32_t fd, uint8_t packed) {
  uint32_t mask = abi::EpollEvents::kHUP;
  if (packed & kIn) mask |= abi::EpollEvents::kIN;
  if (packed & kOut) mask |= abi::EpollEvents::kOUT;
  if (packed & kErr) mask |= abi::EpollEvents::kERR;
  auto e = std::make_shared<ClosedFd>(packed & kKindMask, mask);
  e->assign_fd(fd);
  e->set_flags((packed & kNonblock) ? abi::FdFlags::kO_NONBLOCK : 0);
  return e;
}

ClosedFd::ClosedFd(uint32_t kind, uint32_t mask) : FdEntry(kind, nullptr), mask_(mask) { set_guest_closed(); }

}  // namespace hostwire::core

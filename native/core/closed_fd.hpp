// hostwire native core: ClosedFd, what remains of an fd the guest closed.
//
// The fd table keeps one byte per closed fd (pack); a call that asks about a closed fd
// (spear_fd_ctl, spear_epoll_ctl, as SPEAR answers them) gets a ClosedFd made from it: the
// kind, the flags, and the readiness at close plus EPOLLHUP.
#pragma once

#include <cstdint>
#include <memory>

#include "core/fd_entry.hpp"

namespace hostwire::core {

class ClosedFd final : public FdEntry {
 public:
  /** The byte the table keeps for a closed fd of `kind` with `flags` and readiness `mask`. */
  static uint8_t pack(uint32_t kind, uint32_t flags, uint32_t mask);

  /** The record of closed fd `fd` from its byte (never 0). */
  static std::shared_ptr<ClosedFd> unpack(int32_t fd, uint8_t packed);

  /** `packed` with its flags replaced by `flags`. */
  static uint8_t with_flags(uint8_t packed, uint32_t flags);

  ClosedFd(uint32_t kind, uint32_t mask);

  /** SPEAR's GET_METRICS of a closed fd of a kind without metrics: `{}`. */
  Json metrics() const override { return Json::object(); }

 protected:
  uint32_t poll_mask_locked() const override { return mask_; }

 private:
  const uint32_t mask_;
};

}  // namespace hostwire::core

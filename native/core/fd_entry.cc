#include "core/fd_entry.hpp"

namespace hostwire::core {

uint32_t FdEntry::poll_mask() const {
  std::lock_guard<std::mutex> lock(mu_);
  return poll_mask_locked() | (host_closed_ || guest_closed() ? abi::EpollEvents::kHUP : 0u);
}

void FdEntry::host_close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (host_closed_) return;
    host_closed_ = true;
    on_host_close_locked();
  }
  notify();
}

void FdEntry::mark_guest_closed() {
  guest_closed_.store(true);
  on_guest_close();
  notify();
}

bool FdEntry::host_closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return host_closed_;
}

Json FdEntry::status() const {
  Json out = Json::object();
  out["fd"] = fd();
  out["kind"] = abi::FdKind::name(kind());
  out["flags"] = flag_names(flags());
  std::lock_guard<std::mutex> lock(mu_);
  out["poll_mask"] = poll_mask_locked() | (host_closed_ ? abi::EpollEvents::kHUP : 0u);
  out["closed"] = host_closed_;
  status_locked(out);
  return out;
}

Json FdEntry::fd_status() const {
  Json out = Json::object();
  out["closed"] = guest_closed();
  out["flags"] = flag_names(flags());
  out["kind"] = abi::FdKind::name(kind());
  out["poll_mask"] = event_names(poll_mask());
  return out;
}

Json event_names(uint32_t mask) {
  Json names = Json::array();
  if (mask & abi::EpollEvents::kIN) names.push_back("EPOLLIN");
  if (mask & abi::EpollEvents::kOUT) names.push_back("EPOLLOUT");
  if (mask & abi::EpollEvents::kERR) names.push_back("EPOLLERR");
  if (mask & abi::EpollEvents::kHUP) names.push_back("EPOLLHUP");
  return names;
}

Json flag_names(uint32_t flags) {
  Json names = Json::array();
  if (flags & abi::FdFlags::kO_NONBLOCK) names.push_back("O_NONBLOCK");
  return names;
}

}  // namespace hostwire::core

#include "core/epoll.hpp"

#include <algorithm>
#include <cstddef>

namespace hostwire::core {

int32_t EpollSet::ctl(int32_t op, const std::shared_ptr<FdEntry> &target, uint32_t events) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return -abi::kEBADF;
    switch (op) {
      case abi::EpollOp::kADD:
      case abi::EpollOp::kMOD:
        watches_[target->fd()] = Watch{target, events};
        break;
      case abi::EpollOp::kDEL:
        watches_.erase(target->fd());
        break;
      default:
        return -abi::kEINVAL;
    }
  }
  notify();  // a new or widened interest may be ready already: waiters rescan
  return 0;
}

int32_t EpollSet::collect(size_t max, std::vector<abi::EpollEvent> &out) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return -abi::kEBADF;
  if (watches_.empty() || max == 0) return 0;
  auto it = watches_.lower_bound(cursor_);
  int32_t last = 0;
  size_t added = 0;
  for (size_t i = 0; i < watches_.size() && added < max; ++i, ++it) {
    if (it == watches_.end()) it = watches_.begin();
    const uint32_t ready = it->second.entry->poll_mask() & it->second.events;  // watch -> entry
    if (ready == 0) continue;
    out.push_back(abi::EpollEvent{it->first, ready});
    last = it->first;
    ++added;
  }
  if (added > 0) cursor_ = last + 1;  // fds stay below INT32_MAX (FdTable)
  // A scan that wrapped past the highest fd appended lower fds last: put them first.
  const auto first = out.end() - static_cast<std::ptrdiff_t>(added);
  std::sort(first, out.end(), [](const abi::EpollEvent &a, const abi::EpollEvent &b) { return a.fd < b.fd; });
  return static_cast<int32_t>(added);
}

bool EpollSet::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closed_;
}

size_t EpollSet::watch_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return watches_.size();
}

void EpollSet::on_guest_close() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;  // its waiters, woken by mark_guest_closed, return -EBADF
  watches_.clear();  // unobservable from now on (ctl and wait are -EBADF): frees the watched entries
}

void EpollSet::status_locked(Json &out) const {
  out["watches"] = watches_.size();
  Json fds = Json::array();
  for (const auto &w : watches_) fds.push_back(Json{{"fd", w.first}, {"events", w.second.events}});
  out["watching"] = std::move(fds);
}

// SPEAR's GET_METRICS of an epoll fd: `{}`.
Json EpollSet::metrics() const { return Json::object(); }

}  // namespace hostwire::core

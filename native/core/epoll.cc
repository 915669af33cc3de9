#include "core/epoll.hpp"

#include <algorithm>

namespace hostwire::core {

namespace {
constexpr uint32_t kAlwaysReported = abi::EpollEvents::kERR | abi::EpollEvents::kHUP;
}  // namespace

int32_t EpollSet::ctl(int32_t op, const std::shared_ptr<FdEntry> &target, uint32_t events) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return -abi::kEBADF;
    auto it = watches_.find(target->fd());
    switch (op) {
      case abi::EpollOp::kADD:
        if (it != watches_.end()) return -abi::kEEXIST;
        watches_.emplace(target->fd(), Watch{target, events});
        break;
      case abi::EpollOp::kMOD:
        if (it == watches_.end()) return -abi::kENOENT;
        it->second.events = events;
        break;
      case abi::EpollOp::kDEL:
        if (it == watches_.end()) return -abi::kENOENT;
        watches_.erase(it);
        break;
      default:
        return -abi::kEINVAL;
    }
  }
  notify();  // a new or widened interest may be ready already: waiters rescan
  return 0;
}

int32_t EpollSet::collect(uint64_t seen, Output &out) {
  scans_.fetch_add(1, std::memory_order_relaxed);
  if (idle_epoch_.load(std::memory_order_acquire) == seen) return 0;  // nothing changed since
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return -abi::kEBADF;
  const size_t max = std::min(out.capacity() / abi::EpollEvent::kSize, watches_.size());
  if (max == 0) return 0;
  uint8_t *room = nullptr;  // taken on the first ready fd: at most `max` records
  auto it = watches_.lower_bound(cursor_);
  int32_t last = 0;
  size_t added = 0;
  for (size_t i = 0; i < watches_.size() && added < max; ++i, ++it) {
    if (it == watches_.end()) it = watches_.begin();
    const uint32_t ready = it->second.entry->poll_mask() & (it->second.events | kAlwaysReported);  // watch -> entry
    if (ready == 0) continue;
    if (room == nullptr) room = out.room(max * abi::EpollEvent::kSize);
    abi::encode(abi::EpollEvent{it->first, ready}, room + added * abi::EpollEvent::kSize);
    last = it->first;
    ++added;
  }
  if (added == 0) {
    idle_epoch_.store(seen, std::memory_order_release);
    return 0;
  }
  out.commit(added * abi::EpollEvent::kSize);
  cursor_ = last + 1;  // fds stay below INT32_MAX (FdTable)
  ++waits_returned_;
  records_ += added;
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

void EpollSet::forget_watch(int32_t fd) {
  std::lock_guard<std::mutex> lock(mu_);
  watches_.erase(fd);
}

void EpollSet::on_guest_close() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;  // its waiters, woken by mark_guest_closed, return -EBADF
  watches_.clear();
}

void EpollSet::status_locked(Json &out) const {
  out["watches"] = watches_.size();
  Json fds = Json::array();
  for (const auto &w : watches_) fds.push_back(Json{{"fd", w.first}, {"events", w.second.events}});
  out["watching"] = std::move(fds);
}

Json EpollSet::metrics() const {
  std::lock_guard<std::mutex> lock(mu_);
  return Json{{"watches", watches_.size()}, {"scans", scans_.load(std::memory_order_relaxed)}, {"waits_returned", waits_returned_}, {"records", records_}};
}

}  // namespace hostwire::core

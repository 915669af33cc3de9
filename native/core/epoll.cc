#include "core/epoll.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>

namespace hostwire::core {

namespace {

/** The fd of an encoded epoll_event record (little-endian i32 first). */
int32_t record_fd(const uint8_t *rec) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | rec[i];
  return static_cast<int32_t>(v);
}

}  // namespace

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

int32_t EpollSet::collect(uint64_t seen, Output &out) {
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
    const uint32_t ready = it->second.entry->poll_mask() & it->second.events;  // watch -> entry
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
  cursor_ = last + 1;  // fds stay below INT32_MAX (FdTable)
  // A scan that wrapped past the highest fd wrote the lower fds last: rotate them first, so
  // the records of one call come in ascending fd order (as SPEAR's).
  size_t split = 0;
  for (size_t i = 1; i < added && split == 0; ++i) {
    if (record_fd(room + i * abi::EpollEvent::kSize) < record_fd(room + (i - 1) * abi::EpollEvent::kSize)) split = i;
  }
  if (split > 0) {
    const size_t head = split * abi::EpollEvent::kSize;
    const size_t total = added * abi::EpollEvent::kSize;
    std::vector<uint8_t> first(room, room + head);
    std::memmove(room, room + head, total - head);
    std::memcpy(room + (total - head), first.data(), head);
  }
  out.commit(added * abi::EpollEvent::kSize);
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

#include "core/fd_table.hpp"

#include <limits>

#include "core/closed_fd.hpp"

namespace hostwire::core {

int32_t FdTable::insert(const std::shared_ptr<FdEntry> &entry) {
  std::lock_guard<std::mutex> lock(mu_);
  if (released_) return -abi::kEBADF;
  if (open_.size() >= kMaxOpen) return -abi::kEMFILE;
  if (next_ == std::numeric_limits<int32_t>::max()) return -abi::kENOMEM;  // never reuse a number
  closed_.push_back(0);
  const int32_t fd = next_++;
  entry->assign_fd(fd);
  open_.emplace(fd, entry);
  version_.fetch_add(1, std::memory_order_release);
  return fd;
}

int64_t FdTable::index_of(int32_t fd) const {
  if (fd < abi::kFD_FIRST) return -1;
  const int64_t i = static_cast<int64_t>(fd) - abi::kFD_FIRST;
  return i < static_cast<int64_t>(closed_.size()) ? i : -1;
}

std::shared_ptr<FdEntry> FdTable::find(int32_t fd) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = open_.find(fd);
  return it == open_.end() ? nullptr : it->second;
}

std::shared_ptr<FdEntry> FdTable::find(int32_t fd, uint32_t kinds) const {
  std::shared_ptr<FdEntry> e = find(fd);
  return e && (kinds & kind_bit(e->kind())) ? e : nullptr;
}

std::shared_ptr<FdEntry> FdTable::find_known_locked(int32_t fd) const {
  auto it = open_.find(fd);
  if (it != open_.end()) return it->second;
  const int64_t i = index_of(fd);
  if (i < 0 || closed_[i] == 0) return nullptr;
  return ClosedFd::unpack(fd, closed_[i]);
}

std::shared_ptr<FdEntry> FdTable::find_known(int32_t fd) const {
  std::lock_guard<std::mutex> lock(mu_);
  return find_known_locked(fd);
}

void FdTable::set_flags(int32_t fd, uint32_t flags) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = open_.find(fd);
  if (it != open_.end()) {
    it->second->set_flags(flags);
    return;
  }
  const int64_t i = index_of(fd);
  if (i >= 0 && closed_[i] != 0) closed_[i] = ClosedFd::with_flags(closed_[i], flags);
}

std::shared_ptr<FdEntry> FdTable::guest_lookup(int32_t fd) {
  if (guest_cache_.entry && guest_cache_.fd == fd && guest_cache_.version == version_.load(std::memory_order_acquire)) {
    return guest_cache_.entry;
  }
  std::shared_ptr<FdEntry> replaced;  // freed after the lock, as close() frees an entry
  std::lock_guard<std::mutex> lock(mu_);
  auto it = open_.find(fd);
  if (it == open_.end()) return nullptr;
  replaced = std::move(guest_cache_.entry);
  guest_cache_ = {fd, version_.load(std::memory_order_relaxed), it->second};
  return it->second;
}

std::shared_ptr<FdEntry> FdTable::guest_find(int32_t fd, uint32_t kinds) {
  std::shared_ptr<FdEntry> e = guest_lookup(fd);
  return e && (kinds & kind_bit(e->kind())) ? e : nullptr;
}

std::shared_ptr<FdEntry> FdTable::guest_find_known(int32_t fd) {
  if (std::shared_ptr<FdEntry> e = guest_lookup(fd)) return e;
  return find_known(fd);  // closed, or never handed out
}

int32_t FdTable::close(int32_t fd) {
  std::shared_ptr<FdEntry> closed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = open_.find(fd);
    if (it == open_.end()) {
      const int64_t i = index_of(fd);
      return i >= 0 && closed_[i] != 0 ? 0 : -abi::kEBADF;  // closed before: 0, as SPEAR
    }
    closed = std::move(it->second);
    open_.erase(it);
    version_.fetch_add(1, std::memory_order_release);
    closed->mark_guest_closed();  // table -> entry (or watch set); wakes the waiters
    closed_[index_of(fd)] = ClosedFd::pack(closed->kind(), closed->flags(), closed->poll_mask());
  }
  return 0;  // `closed` is freed here, outside the table lock, unless a watch or a caller still holds it
}

std::vector<std::shared_ptr<FdEntry>> FdTable::release_all() {
  std::vector<std::shared_ptr<FdEntry>> all;
  std::lock_guard<std::mutex> lock(mu_);
  released_ = true;
  all.reserve(open_.size());
  for (auto &e : open_) all.push_back(std::move(e.second));
  open_.clear();
  version_.fetch_add(1, std::memory_order_release);
  std::vector<uint8_t>().swap(closed_);
  for (auto &e : all) e->mark_guest_closed();
  return all;
}

size_t FdTable::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_.size();
}

}  // namespace hostwire::core

#include "core/fd_table.hpp"

#include <limits>

namespace hostwire::core {

int32_t FdTable::insert(const std::shared_ptr<FdEntry> &entry) {
  std::lock_guard<std::mutex> lock(mu_);
  if (released_) return -abi::kEBADF;
  if (next_ == std::numeric_limits<int32_t>::max()) return -abi::kENOMEM;  // never reuse a number
  const int32_t fd = next_++;
  entry->assign_fd(fd);
  entries_.emplace(fd, entry);
  return fd;
}

std::shared_ptr<FdEntry> FdTable::find_locked(int32_t fd) const {
  auto it = entries_.find(fd);
  return it == entries_.end() ? nullptr : it->second;
}

std::shared_ptr<FdEntry> FdTable::find(int32_t fd) const {
  std::lock_guard<std::mutex> lock(mu_);
  return find_locked(fd);
}

std::shared_ptr<FdEntry> FdTable::find(int32_t fd, uint32_t kinds) const {
  std::shared_ptr<FdEntry> e = find(fd);
  return e && (kinds & kind_bit(e->kind())) ? e : nullptr;
}

int32_t FdTable::close(int32_t fd, uint32_t kinds) {
  std::shared_ptr<FdEntry> closed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(fd);
    if (it == entries_.end() || !(kinds & kind_bit(it->second->kind()))) return -abi::kEBADF;
    closed = std::move(it->second);
    entries_.erase(it);
    for (auto &other : entries_) other.second->forget_watch(fd);  // table -> watch set
    closed->mark_guest_closed();                                   // table -> entry (or watch set)
  }
  return 0;  // `closed` is freed here, outside the table lock, unless a caller still holds it
}

std::vector<std::shared_ptr<FdEntry>> FdTable::release_all() {
  std::vector<std::shared_ptr<FdEntry>> all;
  std::lock_guard<std::mutex> lock(mu_);
  released_ = true;
  all.reserve(entries_.size());
  for (auto &e : entries_) all.push_back(std::move(e.second));
  entries_.clear();
  for (auto &e : all) e->mark_guest_closed();
  return all;
}

size_t FdTable::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace hostwire::core

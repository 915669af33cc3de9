#include "core/transfer/tags.hpp"

#include "core/transfer/wire.hpp"

namespace hostwire::core::transfer {

static_assert(TagTable::kBudget == kEagerCreditBytes, "the receiver buffers what a sender may send unacknowledged");

bool TagTable::add(const std::shared_ptr<Op> &op) {
  auto &by_tag = op->is_recv ? recvs_ : sends_;
  if (!by_tag.emplace(op->tag, op).second) return false;
  if (op->is_recv) recvs_by_id_[op->id] = op;
  return true;
}

void TagTable::remove(const Op &op) {
  auto &by_tag = op.is_recv ? recvs_ : sends_;
  auto it = by_tag.find(op.tag);
  if (it != by_tag.end() && it->second.get() == &op) by_tag.erase(it);
  if (op.is_recv) {
    auto jt = recvs_by_id_.find(op.id);
    if (jt != recvs_by_id_.end() && jt->second.get() == &op) recvs_by_id_.erase(jt);
  }
}

std::shared_ptr<Op> TagTable::send(uint64_t tag) const {
  auto it = sends_.find(tag);
  return it == sends_.end() ? nullptr : it->second;
}

std::shared_ptr<Op> TagTable::recv(uint64_t tag) const {
  auto it = recvs_.find(tag);
  return it == recvs_.end() ? nullptr : it->second;
}

std::shared_ptr<Op> TagTable::recv_by_id(uint64_t id) const {
  auto it = recvs_by_id_.find(id);
  return it == recvs_by_id_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<Op>> TagTable::take_all() {
  std::vector<std::shared_ptr<Op>> all;
  all.reserve(sends_.size() + recvs_.size());
  for (auto &kv : sends_) all.push_back(kv.second);
  for (auto &kv : recvs_) all.push_back(kv.second);
  sends_.clear();
  recvs_.clear();
  recvs_by_id_.clear();
  return all;
}

std::vector<std::shared_ptr<Op>> TagTable::on_region(const RegionState *region) const {
  std::vector<std::shared_ptr<Op>> out;
  for (const auto *table : {&sends_, &recvs_}) {
    for (const auto &kv : *table) {
      if (kv.second->region.get() == region) out.push_back(kv.second);
    }
  }
  return out;
}

bool TagTable::store_rtr(uint64_t tag, const StoredRtr &r) { return rtr_fits() && rtrs_.emplace(tag, r).second; }

bool TagTable::take_rtr(uint64_t tag, StoredRtr &out) {
  auto it = rtrs_.find(tag);
  if (it == rtrs_.end()) return false;
  out = it->second;
  rtrs_.erase(it);
  return true;
}

bool TagTable::drop_rtr(uint64_t tag, uint64_t recv_id) {
  auto it = rtrs_.find(tag);
  if (it == rtrs_.end() || it->second.recv_id != recv_id) return false;
  rtrs_.erase(it);
  return true;
}

bool TagTable::store_eager(uint64_t tag, UnexpectedEager &&m) {
  if (eager_.count(tag) != 0 || !eager_fits(m.data.size())) return false;
  buffered_ += m.data.size() + kEagerEntryBytes;
  eager_.emplace(tag, std::move(m));
  return true;
}

bool TagTable::take_eager(uint64_t tag, UnexpectedEager &out) {
  auto it = eager_.find(tag);
  if (it == eager_.end()) return false;
  out = std::move(it->second);
  buffered_ -= out.data.size() + kEagerEntryBytes;
  eager_.erase(it);
  return true;
}

bool TagTable::drop_eager(uint64_t tag, uint64_t send_id) {
  auto it = eager_.find(tag);
  if (it == eager_.end() || it->second.send_id != send_id) return false;
  buffered_ -= it->second.data.size() + kEagerEntryBytes;
  eager_.erase(it);
  return true;
}

void TagTable::clear_unexpected() {
  rtrs_.clear();
  eager_.clear();
  buffered_ = 0;
}

}  // namespace hostwire::core::transfer

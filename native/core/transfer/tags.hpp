// hostwire transfer engine: tag matching state of one peer.
//
// A receive posted with tag T matches the peer's send with tag T, in either posting order:
//   - our active operations by tag, per direction (a second active one is -EEXIST), and our
//     receives by id (DATA frames address a receive by the id its RTR announced);
//   - the peer's receives announced (RTR) before we posted the matching send;
//   - the peer's small sends (EAGER) that arrived before we posted the matching receive,
//     buffered up to kEagerCreditBytes in all.
// Pure bookkeeping, no I/O: the peer (peer.cc) decides what to send.
//
// The peer's frames grow the last two tables only, and both are bounded (wire.hpp), so that a
// peer cannot grow our memory without limit (a zero-length EAGER frame costs it 40 bytes and
// us a map entry): at most kMaxStoredRtrs (65536) stored RTRs, and buffered eager messages at
// their payload plus kEagerEntryBytes (256) each within kBudget (16 MiB), so at most 65536
// of them. A well-behaved peer stays within both (a sender's eager credit counts the same
// overhead; a receiver holds back RTRs past the bound); a frame past either is EPROTO for
// that peer. Our own operations (sends_, recvs_) are bounded by what the application posts.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/transfer/op.hpp"
#include "core/transfer/wire.hpp"

namespace hostwire::core::transfer {

/** A receive the peer announced (RTR) before we posted the send. */
struct StoredRtr {
  uint64_t recv_id = 0;
  uint64_t capacity = 0;
  uint64_t rkey = 0;
};

/** A small send of the peer that arrived before we posted the receive. */
struct UnexpectedEager {
  uint64_t send_id = 0;
  std::vector<uint8_t> data;
};

class TagTable {
 public:
  /** Add an active operation; false when one is active with its tag and direction. */
  bool add(const std::shared_ptr<Op> &op);
  /** Remove an active operation (no effect when it is not the one recorded). */
  void remove(const Op &op);
  /** The active send / receive with `tag`, or null. */
  std::shared_ptr<Op> send(uint64_t tag) const;
  std::shared_ptr<Op> recv(uint64_t tag) const;
  /** The active receive with id `id` (DATA frames address receives by id), or null. */
  std::shared_ptr<Op> recv_by_id(uint64_t id) const;
  bool has(bool is_recv, uint64_t tag) const { return (is_recv ? recvs_ : sends_).count(tag) != 0; }
  /** Every active operation, removed from the table. */
  std::vector<std::shared_ptr<Op>> take_all();
  size_t active() const { return sends_.size() + recvs_.size(); }
  /** The active operations on `region`. */
  std::vector<std::shared_ptr<Op>> on_region(const RegionState *region) const;

  /** Remember the peer's RTR; false when one is already stored for the tag (the caller checks rtr_fits first). */
  bool store_rtr(uint64_t tag, const StoredRtr &r);
  /** Whether one more RTR may be stored (kMaxStoredRtrs). */
  bool rtr_fits() const { return rtrs_.size() < kMaxStoredRtrs; }
  size_t stored_rtrs() const { return rtrs_.size(); }
  /** Take the stored RTR for `tag`; false when there is none. */
  bool take_rtr(uint64_t tag, StoredRtr &out);
  /** Forget the stored RTR for `tag` when it is receive `recv_id`'s. */
  bool drop_rtr(uint64_t tag, uint64_t recv_id);

  /** Buffer an unexpected eager message; false when one is buffered for the tag or the budget is spent. */
  bool store_eager(uint64_t tag, UnexpectedEager &&m);
  /** Whether one more message of `bytes` would fit the buffering budget (with its kEagerEntryBytes). */
  bool eager_fits(uint64_t bytes) const { return buffered_ + bytes + kEagerEntryBytes <= kBudget; }
  bool has_eager(uint64_t tag) const { return eager_.count(tag) != 0; }
  bool take_eager(uint64_t tag, UnexpectedEager &out);
  /** Drop the buffered message for `tag` when it is send `send_id`'s. */
  bool drop_eager(uint64_t tag, uint64_t send_id);
  /** Buffered eager payload bytes plus kEagerEntryBytes per message. */
  uint64_t buffered_bytes() const { return buffered_; }
  size_t buffered_messages() const { return eager_.size(); }

  /** Forget everything (the peer is gone). */
  void clear_unexpected();

  static constexpr uint64_t kBudget = UINT64_C(16) << 20;  // == kEagerCreditBytes

 private:
  std::unordered_map<uint64_t, std::shared_ptr<Op>> sends_;
  std::unordered_map<uint64_t, std::shared_ptr<Op>> recvs_;
  std::unordered_map<uint64_t, std::shared_ptr<Op>> recvs_by_id_;
  std::unordered_map<uint64_t, StoredRtr> rtrs_;
  std::unordered_map<uint64_t, UnexpectedEager> eager_;
  uint64_t buffered_ = 0;
};

}  // namespace hostwire::core::transfer

// hostwire transfer engine: operations, transfers and waiters (plain state; the engine's
// lock guards every field).
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <vector>

#include "core/transfer/region.hpp"
#include "core/transfer/wire.hpp"
#include "napi/core_types.hpp"

namespace hostwire::core::transfer {

struct XferState;

/** Where a send is in its protocol. */
enum class SendPhase : uint8_t {
  kWaitRtr,    // posted, its receive not announced yet
  kEagerSent,  // sent whole in an EAGER frame; waiting for the ACK
  kStreaming,  // matched with an RTR; chunks being queued
  kAwaitAck,   // every chunk queued; waiting for the ACK
};

/** Where a receive is in its protocol. */
enum class RecvPhase : uint8_t {
  kWaitData,  // RTR sent; nothing matched yet
  kEager,     // an EAGER payload is being placed
  kData,      // DATA chunks arriving
};

/** The notification of a one-sided WRITE batch: sent once every operation of it succeeded. */
struct BatchNotify {
  size_t remaining = 0;
  bool failed = false;
  std::vector<uint8_t> msg;
};

/**
 * One posted send or receive. A one-sided WRITE is a send (and its target's part a receive),
 * a READ a receive (its target's part a send), each in its own tag space (wire.hpp).
 */
struct Op {
  uint64_t id = 0;  // bit 63 set for receives (wire.hpp)
  bool is_recv = false;
  uint64_t tag = 0;
  std::shared_ptr<RegionState> region;
  uint64_t offset = 0;  // in the region
  uint64_t size = 0;    // send: bytes; receive: capacity
  XferState *xfer = nullptr;
  uint64_t peer_id = 0;
  int64_t posted_us = 0;

  bool finished = false;
  int32_t err = 0;

  // Send.
  SendPhase send_phase = SendPhase::kWaitRtr;
  uint64_t matched_recv = 0;  // the peer's receive id, from its RTR
  uint64_t rkey = 0;          // the peer's region key, from its RTR
  uint64_t next_offset = 0;   // next chunk to queue
  bool eager_credit = false;  // holds eager credit until ACKed
  int64_t ack_wait_ms = 0;    // when it began waiting for an ACK its receive owes (mono ms)

  // Receive.
  RecvPhase recv_phase = RecvPhase::kWaitData;
  uint64_t bound_send = 0;  // the peer's send id (eager only)
  bool rtr_out = false;     // its RTR is sent and counts against the peer's kMaxStoredRtrs
  uint64_t received = 0;
  uint64_t total = UINT64_MAX;  // the message's real length, once the end marker came

  // One-sided.
  Space space = Space::kTwoSided;
  /** Initiator: the WRITE_REQ/READ_REQ payload (a remote_access record), kept until written. */
  uint8_t request[abi::RemoteAccess::kSize] = {};
  uint32_t remote_region = 0;
  uint64_t remote_offset = 0;
  uint64_t remote_rkey = 0;
  bool request_out = false;  // initiator: its request is sent (counts in the peer's one-sided limit)
  std::shared_ptr<BatchNotify> notify;

  uint8_t *base() const { return region->data + offset; }
};

/** A pending Transfer.wait. */
struct Waiter {
  DoneVoid done;
  uint64_t timer = 0;
  std::shared_ptr<AbortToken> token;
  uint64_t abort_id = 0;
};

/** The state of one Transfer. */
struct XferState {
  uint64_t peer_id = 0;
  std::vector<std::shared_ptr<Op>> ops;
  size_t active = 0;
  /** The first failure of an operation (sticky), or 0. */
  int32_t err = 0;
  bool released = false;
  bool cancelled = false;
  /** Its handle is gone with operations still active: the engine holds it until they settle. */
  bool orphaned = false;
  std::list<Waiter> waiters;
};

}  // namespace hostwire::core::transfer

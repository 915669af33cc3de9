// hostwire transfer engine: the wire protocol on top of the IDL's frame_header and conn_info.
//
// Every frame is a `frame_header` (40 bytes, generated strict codec) followed by `length`
// payload bytes. The IDL fixes the fields; this file fixes how the engine uses them:
//
//   HELLO      tag = the listener's session nonce, msg_id = the connector's connection id,
//              offset = channel index, rkey = channel count; payload: a `hello` record (the
//              sender's protocol version, its name's length) and the name. The listener
//              answers each with tag = connection id, msg_id = its nonce, same offset and
//              rkey, and its own `hello`, once every channel's HELLO is there.
//   READY      the connector has every channel's answer: sent on every channel, the last
//              handshake frame there. Any frame may follow it.
//   EAGER      a whole small send: tag, msg_id = the send's id S, offset 0, payload.
//   RTR        a posted receive: tag, msg_id = the receive's id R, offset = capacity,
//              rkey = the destination region's rkey.
//   DATA       a chunk: tag, msg_id = R (from the RTR), offset in the message, rkey echoed,
//              `length` payload bytes. A DATA frame with length 0 ends the message: its
//              offset is the message's real length (chunks may still be in flight on other
//              channels; the receive completes when that many bytes are in place).
//   ACK        the receive completed: tag, msg_id = S (eager) or R (rendezvous),
//              offset = bytes received.
//   ERROR      an operation failed: tag, msg_id = the failing side's own op id, offset =
//              errno (positive).
//   CANCEL     an operation was cancelled: tag, msg_id = the canceller's own op id.
//   HEARTBEAT  liveness, every field 0 but the type. CLOSE: orderly shutdown.
//   WRITE_REQ  a one-sided WRITE (flags INITIATOR): tag = the one-sided tag, msg_id = the
//              initiator's send S, offset/rkey = where in which target region; payload: a
//              `remote_access` record (region id, size, whether one EAGER frame follows). The
//              target's receive for it has id S | bit 63; it answers RTR (none when EAGER
//              follows) or ERROR, and ACKs as for a send.
//   READ_REQ   a one-sided READ (flags INITIATOR): tag, msg_id = the initiator's receive R,
//              offset/rkey as above; payload: a `remote_access` record whose reply_rkey is
//              R's region key. The target's send (id R without bit 63) streams as if matched
//              by an RTR; the receive completes with its bytes, and is not ACKed.
//   NOTIF      a notification: `length` message bytes, every other field 0.
//
// One-sided operations keep their own tags: each side has three tag spaces (two-sided, the
// one-sided operations it initiated, the ones it serves). RTR, EAGER, DATA, ACK, ERROR and
// CANCEL of a one-sided operation carry FRAME_FLAG_INITIATOR when its initiator sends them,
// FRAME_FLAG_TARGET when its target does.
//
// Op ids carry their direction: a receive's id has bit 63 set, a send's id has it clear, so
// ERROR and CANCEL say which of the peer's two operations with that tag they concern.
// Control frames and EAGER payloads travel on channel 0 (so their order holds); DATA chunks
// are striped over every channel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cpp/hostwire_abi.hpp"

namespace hostwire::core::transfer {

namespace abi = ::hostwire::abi;

/** The transfer protocol version this engine speaks (the IDL's `protocols/transfer`). */
constexpr uint16_t kVersionMajor = static_cast<uint16_t>(abi::kTransferVersionMajor);
constexpr uint16_t kVersionMinor = static_cast<uint16_t>(abi::kTransferVersionMinor);

/** Bit 63 of an op id: set for receives. */
constexpr uint64_t kRecvIdBit = UINT64_C(1) << 63;
/** Largest EAGER payload a peer may send (the IDL's top of eager_max_bytes). */
constexpr uint32_t kMaxEagerBytes = 1048576;
/** Unexpected eager bytes a receiver buffers per peer; a sender never has more unacknowledged. */
constexpr uint64_t kEagerCreditBytes = UINT64_C(16) << 20;
/**
 * What each eager message counts against kEagerCreditBytes beyond its payload, on both sides:
 * the receiver's buffered entry costs memory even when empty (a map node, a vector, the
 * allocator's share). 256 bytes: at most 65536 buffered messages per peer.
 */
constexpr uint64_t kEagerEntryBytes = 256;
/**
 * RTRs of one peer a sender stores (receives announced before the matching send), at most. A
 * receiver never has more announced and unfinished: it holds back the RTRs of later receives
 * until earlier ones finish.
 */
constexpr size_t kMaxStoredRtrs = 65536;
/** Largest DATA chunk (the IDL's top of chunk_bytes). */
constexpr uint32_t kMaxChunkBytes = 67108864;

/** The tag space of an operation: two-sided, or one-sided as its initiator or its target. */
enum class Space : uint8_t { kTwoSided = 0, kInitiator = 1, kTarget = 2 };
constexpr size_t kSpaces = 3;
constexpr uint16_t kFlagInitiator = static_cast<uint16_t>(abi::kFRAME_FLAG_INITIATOR);
constexpr uint16_t kFlagTarget = static_cast<uint16_t>(abi::kFRAME_FLAG_TARGET);
/** The flags of a frame about an operation of ours in `s`. */
constexpr uint16_t space_flags(Space s) {
  return s == Space::kInitiator ? kFlagInitiator : s == Space::kTarget ? kFlagTarget : 0;
}
/** Our space of the operation a received frame with `flags` concerns (the sender's other side). */
constexpr Space frame_space(uint16_t flags) {
  return flags == kFlagInitiator ? Space::kTarget : flags == kFlagTarget ? Space::kInitiator : Space::kTwoSided;
}
/** One-sided operations a target serves at once per peer; an initiator keeps that many out. */
constexpr size_t kMaxOneSidedActive = abi::kONE_SIDED_MAX_ACTIVE;
/** remote_access.flags bit 0: the WRITE's bytes follow in one EAGER frame. */
constexpr uint32_t kAccessEager = 1;

/** A decoded frame header, as plain (unpacked) fields. */
struct Frame {
  uint8_t type = 0;
  uint16_t flags = 0;
  uint32_t length = 0;
  uint64_t tag = 0;
  uint64_t msg_id = 0;
  uint64_t offset = 0;
  uint64_t rkey = 0;
};

/** A frame header with these fields (flags 0). */
inline Frame make_frame(uint8_t type, uint64_t tag = 0, uint64_t msg_id = 0, uint64_t offset = 0, uint64_t rkey = 0,
                        uint32_t length = 0) {
  Frame f;
  f.type = type;
  f.tag = tag;
  f.msg_id = msg_id;
  f.offset = offset;
  f.rkey = rkey;
  f.length = length;
  return f;
}

/** Encode `f` (version 1) into the 40 bytes at `out`. */
void encode_frame(const Frame &f, uint8_t *out);

/**
 * Decode and check the 40 bytes at `p` (untrusted): the generated strict codec, then the
 * rules of this protocol that need no state (flags zero, per-type length and id rules).
 * Returns 0, or -EPROTO with `*why` set to a static description.
 */
int32_t parse_frame(const uint8_t *p, Frame &out, const char **why);

/**
 * Decode a connection-info blob (untrusted). Returns 0, -EINVAL (not a conn_info blob:
 * wrong length, bad magic) or -EPROTO (a version this engine does not speak, an absurd
 * channel count, a bad endpoint), with `why` set.
 */
int32_t parse_conn_info(const uint8_t *p, size_t n, abi::ConnInfo &out, std::string &why);

/** A HELLO payload: the sender's protocol version and the name it announces ("" for none). */
struct Hello {
  uint16_t major = 0;
  uint16_t minor = 0;
  std::string name;
};

/** The HELLO payload announcing `name` (at most abi::kPEER_NAME_MAX bytes) at this version. */
std::vector<uint8_t> encode_hello(const std::string &name, uint16_t major = kVersionMajor,
                                  uint16_t minor = kVersionMinor);

/**
 * Decode a HELLO payload (untrusted): 0, or -EPROTO with `why` set (a malformed record, a name
 * of another length than the record says, or a peer of another major version: `why` then
 * names both versions). Peers of another minor version are accepted. On -EPROTO, `out` still
 * holds the version (from 4 bytes on) and the name (where the record is whole) it read.
 */
int32_t parse_hello(const uint8_t *p, size_t n, Hello &out, std::string &why);

/** "2.0": a protocol version as shown in messages. */
std::string version_text(uint16_t major, uint16_t minor);

/** The name of a frame type ("DATA"), or "?". */
const char *frame_type_name(uint8_t type);

}  // namespace hostwire::core::transfer

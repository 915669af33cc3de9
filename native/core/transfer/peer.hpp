// hostwire transfer engine: a connected peer (N channels) and the message protocol.
//
// Small sends (<= eager_max_bytes, within kEagerCreditBytes unacknowledged) go whole in an
// EAGER frame; the receiver places them straight into a posted receive, or buffers them
// until one is posted. Larger sends wait for the receiver's RTR (sent when the receive is
// posted), then stream: the message is cut into chunk_bytes chunks spread round-robin over
// the channels, each channel holding at most window_chunks chunks queued and not yet
// written to its socket (TCP's own flow control paces the rest); every chunk says where it
// lands, and a zero-length DATA frame gives the real length. The receiver ACKs a completed
// receive; the send completes on that ACK. See wire.hpp for the frames.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "core/transfer/channel.hpp"
#include "core/transfer/metrics.hpp"
#include "core/transfer/tags.hpp"

namespace hostwire::core::transfer {

class Engine;

class Peer final : public ChannelOwner {
 public:
  Peer(Engine &engine, uint64_t id, std::vector<std::unique_ptr<Channel>> channels);
  ~Peer() override;

  uint64_t id() const { return id_; }
  const std::string &name() const { return name_; }
  void set_name(const std::string &name, std::shared_ptr<PeerStats> stats);
  PeerStats &stats() { return *stats_; }
  bool alive() const { return alive_; }
  size_t channel_count() const { return channels_.size(); }

  /** Whether an active two-sided operation of this direction has `tag`. */
  bool has_active(bool is_recv, uint64_t tag) const { return tags(Space::kTwoSided).has(is_recv, tag); }
  /** Start a validated operation (its tag is free): two-sided, or one-sided as its initiator. */
  void post(const std::shared_ptr<Op> &op);
  /** Send notification `msg` (a NOTIF frame, behind what channel 0 already holds). */
  void send_notif(std::shared_ptr<const std::vector<uint8_t>> msg);
  /** `region` is being deregistered: fail the one-sided operations we serve on it with `err`, both sides. */
  void drop_served(const RegionState *region, int32_t err);
  /** Cancel an active operation: it fails with `err` here and the peer is told (CANCEL). */
  void cancel(const std::shared_ptr<Op> &op, int32_t err);
  /** The link is lost or the peer misbehaved: close every channel, fail every operation with `err`. */
  void fail(int32_t err, const char *why);
  /** Orderly close (CLOSE frame), then fail the operations with `err`. */
  void disconnect(int32_t err);
  /** Heartbeats on idle channels; the peer timeout and the progress rules. */
  void tick(int64_t now_ms);

  void on_frame(Channel &ch, const Frame &f) override;
  void on_payload(Channel &ch, const Frame &f, bool buffered) override;
  void on_chunk_written(Channel &ch, const std::shared_ptr<Op> &op, uint32_t length) override;
  void on_connected(Channel &ch, int32_t err) override;
  void on_channel_error(Channel &ch, int32_t err, const char *why) override;

 private:
  void control(const Frame &f, const uint8_t *payload = nullptr, std::shared_ptr<Op> keep = nullptr);
  TagTable &tags(Space s) { return tags_[static_cast<size_t>(s)]; }
  const TagTable &tags(Space s) const { return tags_[static_cast<size_t>(s)]; }
  /** Send a small send whole in an EAGER frame (it holds eager credit until ACKed). */
  void send_eager(const std::shared_ptr<Op> &op);
  /** Whether a send of `size` bytes goes eagerly now. */
  bool eager_fits(uint64_t size) const;
  /** Send a one-sided operation's request (WRITE_REQ / READ_REQ), then a WRITE's bytes when eager. */
  void start_one_sided(const std::shared_ptr<Op> &op);
  /** Start held one-sided operations while fewer than kMaxOneSidedActive are out. */
  void start_held_one_sided();
  /** A request of the peer's: check it against our regions, then serve it or refuse it (ERROR). */
  void serve(const Frame &f, const std::vector<uint8_t> &payload);
  void finish(const std::shared_ptr<Op> &op, int32_t err);
  void match_send(const std::shared_ptr<Op> &op, const StoredRtr &r);
  /** Send a receive's RTR (it counts in rtrs_out_ until the receive finishes). */
  void announce(const std::shared_ptr<Op> &op);
  /** Announce held receives while fewer than kMaxStoredRtrs are out. */
  void announce_held();
  void deliver_buffered(const std::shared_ptr<Op> &op, UnexpectedEager &m);
  void complete_recv(const std::shared_ptr<Op> &op, uint64_t ack_id);
  /** Fail one operation with `err` here and tell the peer (ERROR); the peer stays connected. */
  void fail_op(const std::shared_ptr<Op> &op, int32_t err);
  void check_recv_done(const std::shared_ptr<Op> &op);
  void pump();
  void on_eager(Channel &ch, const Frame &f);
  void on_rtr(const Frame &f);
  void on_data(Channel &ch, const Frame &f);
  void on_ack(const Frame &f);
  void on_failure(const Frame &f, int32_t err, bool cancel);
  /** A send now waits only for the ACK of a posted receive (the ACK rule of check_progress). */
  void await_ack(const std::shared_ptr<Op> &op);
  /** The progress rules (README "Progress"); may fail the peer or time out sends. */
  void check_progress(int64_t now_ms);

  Engine &engine_;
  const uint64_t id_;
  std::string name_;
  std::shared_ptr<PeerStats> stats_;
  std::vector<std::unique_ptr<Channel>> channels_;
  bool alive_ = true;
  TagTable tags_[kSpaces];  // by Space: two-sided, one-sided initiated, one-sided served
  std::deque<std::shared_ptr<Op>> streams_;  // sends matched and not fully queued
  size_t next_channel_ = 0;
  bool pumping_ = false;
  uint64_t eager_out_ = 0;  // eager bytes (+ kEagerEntryBytes each) sent and not acknowledged
  // Receives whose RTR is out and that have not finished: the most the peer can have stored.
  // Past kMaxStoredRtrs, later receives wait here for their RTR (they still match EAGERs).
  size_t rtrs_out_ = 0;
  std::deque<std::shared_ptr<Op>> held_rtrs_;
  // One-sided operations we initiated whose request is out (the peer serves at most
  // kMaxOneSidedActive at once); later ones wait here for their request.
  size_t one_sided_out_ = 0;
  std::deque<std::shared_ptr<Op>> held_one_sided_;

  // Progress (check_progress, at each tick).
  struct Drain {
    uint64_t delivered = 0;  // bytes written and acknowledged by the peer's TCP, at since_ms
    int64_t since_ms = 0;    // when the channel last delivered a byte, or was last idle
    bool pending = false;    // it had bytes queued or unacknowledged at the last tick
  };
  std::vector<Drain> drain_;  // per channel
  size_t recvs_streaming_ = 0;  // receives that DATA has begun and that have not finished
  bool busy_ = false;           // an operation was in progress at the last tick
  int64_t window_ms_ = 0;       // the floor's window began then, with window_base_ bytes moved
  uint64_t window_base_ = 0;
  uint64_t heartbeat_bytes_ = 0;  // bytes of our heartbeats: not counted as moved
  int64_t drained_since_ms_ = 0;  // every channel drained since then (0: not drained)
  std::deque<std::shared_ptr<Op>> acks_due_;  // sends that wait only for their receive's ACK
};

}  // namespace hostwire::core::transfer

// hostwire transfer engine: counters of a session, as JSON for Session.metrics().
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>

namespace hostwire::core::transfer {

/** Counters of one named peer (they outlive its connections). */
struct PeerStats {
  uint64_t bytes_sent = 0;      // payload bytes written (EAGER and DATA)
  uint64_t bytes_received = 0;  // payload bytes placed or buffered
  uint64_t sends_completed = 0;
  uint64_t recvs_completed = 0;
  uint64_t ops_failed = 0;
  uint64_t frames_sent = 0;
  uint64_t frames_received = 0;
  uint64_t one_sided_served = 0;   // the peer's READ/WRITE requests we accepted
  uint64_t one_sided_refused = 0;  // ... and refused (wrong key, stale region, bad range, not allowed)
  uint64_t notifs_received = 0;
  uint64_t notifs_dropped = 0;  // past the queue's bound (NOTIF_QUEUE_MAX, NOTIF_QUEUE_MAX_BYTES)
  uint32_t channels = 0;
  std::string state = "connecting";
  std::string congestion;  // the channels' TCP congestion control
  std::string address;     // the peer's address as dialled or seen ("10.0.0.2:4242")
  std::string announced;   // the name the peer announced in its handshake ("" for none)
  /** Its peer is gone (peer_gone), as the `gone_seq`-th; kept among the last few. */
  bool gone = false;
  uint64_t gone_seq = 0;
};

/** Operation latency (post to completion), in log2 buckets of microseconds. */
class LatencyHistogram {
 public:
  static constexpr int kBuckets = 28;  // upper bounds 1us, 2us, ... 2^26us (~67 s), +Inf
  void add(uint64_t us);
  std::string json() const;

 private:
  uint64_t counts_[kBuckets] = {};
  uint64_t count_ = 0;
  uint64_t sum_us_ = 0;
};

class Metrics {
 public:
  /**
   * Peers gone whose counters stay listed (with their final state); older ones are forgotten
   * and their counters go on in the totals only, so that a listener serving many short-lived
   * clients does not grow.
   */
  static constexpr size_t kGonePeersKept = 64;

  /** The counters of peer `name` (made on first use, or taken back from the gone). */
  std::shared_ptr<PeerStats> peer(const std::string &name);
  /** Peer `name` is gone: kept among the last kGonePeersKept, then forgotten. */
  void peer_gone(const std::string &name);
  /** Whether `name` is a peer gone and not forgotten yet. */
  bool recently_gone(const std::string &name) const;
  void error(int32_t err);  // err < 0
  void latency_us(uint64_t us) { latency_.add(us); }
  /** A listener's accept() failed for want of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM). */
  void accept_failure() { ++accept_failures_; }
  std::string json() const;

 private:
  std::map<std::string, std::shared_ptr<PeerStats>> peers_;
  std::deque<std::pair<std::string, uint64_t>> gone_;  // (name, gone_seq), oldest first
  uint64_t gone_seq_ = 0;
  PeerStats forgotten_;  // the counters of forgotten peers, for the totals
  std::map<int32_t, uint64_t> errors_;
  LatencyHistogram latency_;
  uint64_t accept_failures_ = 0;
};

}  // namespace hostwire::core::transfer

// hostwire transfer engine: one TCP connection of a peer (a channel).
//
// Receiving is a state machine: read exactly one 40-byte header (decoded by the generated
// strict codec, wire.cc), let the owner decide where its payload goes (straight into a
// posted destination, into a bounded buffer for an unexpected small message, or nowhere),
// then read the payload there. A payload read uses readv with the next header as a second
// buffer, so one system call usually both finishes a chunk and starts the next frame; bulk
// bytes go from the socket to their destination with no copy in between.
//
// Sending is a queue of frames (a header and an optional payload pointer into registered
// memory, kept alive by the operation it belongs to), written with sendmsg/iovec batches.
// Chunks count against the channel's window until written whole.
//
// Not thread-safe: the engine's lock guards every call.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "core/transfer/loop.hpp"
#include "core/transfer/op.hpp"
#include "core/transfer/wire.hpp"

namespace hostwire::core::transfer {

class Channel;

/** Who a channel reports to: the engine during the handshake, then its peer. */
class ChannelOwner {
 public:
  virtual ~ChannelOwner() = default;
  /**
   * A checked header arrived. For a frame with a payload, call one of the channel's
   * expect_* before returning, or the payload is read and dropped.
   */
  virtual void on_frame(Channel &ch, const Frame &f) = 0;
  /** The payload planned by expect_direct / expect_buffer is complete. */
  virtual void on_payload(Channel &ch, const Frame &f, bool buffered) = 0;
  /** A chunk frame was written whole. */
  virtual void on_chunk_written(Channel &ch, const std::shared_ptr<Op> &op, uint32_t length) = 0;
  /** A connecting channel connected (err 0) or failed. */
  virtual void on_connected(Channel &ch, int32_t err) = 0;
  /** The channel failed: the peer closed it, a socket error, or a hostile frame (-EPROTO). */
  virtual void on_channel_error(Channel &ch, int32_t err, const char *why) = 0;
};

class Channel final : public Handler {
 public:
  /**
   * Take `fd` (connected, or connecting when `connecting`). Frames queued by send() are
   * written when the owner of `dirty` flushes it (flush_all), at the end of each locked
   * section of the engine, so that frames queued together go out in one sendmsg.
   * `lowat_max` bounds the receive low-water mark (see park()).
   */
  Channel(Loop &loop, int fd, uint32_t index, ChannelOwner *owner, bool connecting, std::vector<Channel *> *dirty,
          int lowat_max);
  ~Channel() override;
  Channel(const Channel &) = delete;
  Channel &operator=(const Channel &) = delete;

  /** Register with the loop; 0 or -errno. */
  int32_t start();
  void set_owner(ChannelOwner *owner) { owner_ = owner; }
  void on_event(uint32_t events) override;

  /**
   * Queue a frame (its payload, if any, is `length` bytes at `payload`, kept alive by
   * `keep`) and write what the socket takes now. `chunk` frames count against the window.
   */
  void send(const Frame &f, const uint8_t *payload = nullptr, std::shared_ptr<Op> keep = nullptr, bool chunk = false);
  /** Queue a frame whose payload is `payload`'s bytes, held until written. */
  void send_owned(const Frame &f, std::shared_ptr<const std::vector<uint8_t>> payload);

  /** Within on_frame: read the payload into `dest` (of operation `op`). */
  void expect_direct(uint8_t *dest, std::shared_ptr<Op> op);
  /** Within on_frame: read the payload into a buffer of its own (take_buffer). */
  void expect_buffer();
  std::vector<uint8_t> take_buffer() { return std::move(rx_buf_); }

  /** Bytes the loop thread writes per channel and locked step. */
  static constexpr size_t kLoopWriteBudget = size_t{2} << 20;
  /** Bytes an API call writes inline at its end (control frames, small messages); the loop thread writes the rest. */
  static constexpr size_t kInlineWriteBudget = size_t{256} << 10;

  /** Write what the socket takes now (a CLOSE before the channel is closed). */
  void flush_now() { flush(kLoopWriteBudget); }
  /**
   * Write up to `budget` bytes of every channel in `dirty` (and empty it); a channel with
   * more waits for EPOLLOUT, so the loop thread writes the rest.
   */
  static void flush_all(std::vector<Channel *> &dirty, size_t budget);

  /**
   * Read what has arrived even below the low-water mark (the heartbeat tick: a slow sender's
   * bytes count as a sign of life).
   */
  void read_parked() {
    if (lowat_ > 1) read_some();
  }

  /**
   * Stop reading (the handshake: a channel whose part of it is done holds what follows until
   * every channel's is, and its new owner takes over). Frames already read stay staged;
   * sending goes on. A hang-up or error while paused fails the channel.
   */
  void pause();
  /** Read again, starting with the frames staged before pause(). */
  void resume();
  bool paused() const { return paused_; }

  /** Stop: unregister and close the socket; the queue is dropped. Idempotent. */
  void close();
  bool closed() const { return fd_ < 0; }
  bool connecting() const { return connecting_; }
  bool idle_out() const { return out_.empty(); }

  uint32_t index() const { return index_; }
  void set_index(uint32_t i) { index_ = i; }
  /** Chunks queued and not yet written whole. */
  uint32_t queued_chunks() const { return queued_chunks_; }
  int64_t last_send_ms() const { return last_send_ms_; }
  int64_t last_recv_ms() const { return last_recv_ms_; }
  uint64_t frames_sent() const { return frames_sent_; }

  // Progress (the peer's tick, README "Progress").
  /** Bytes written to the socket so far (headers and payloads). */
  uint64_t bytes_written() const { return bytes_written_; }
  /** Of those, the bytes the peer's TCP has not acknowledged yet (SIOCOUTQ; 0 once closed). */
  uint64_t unacked_bytes() const;
  /** Payload bytes read so far (placed, buffered or dropped). */
  uint64_t payload_read() const { return payload_read_; }
  /** Whether a frame is partly read: a header, or a payload. */
  bool mid_frame() const { return rx_ == Rx::kPayload || stage_len_ > stage_pos_; }

  int fd() const { return fd_; }

  /** Free for the owner (the engine keeps a connect attempt or a connection id here). */
  uint64_t user = 0;
  /** Free for the owner (the engine marks the handshake frames a channel has seen). */
  uint32_t stage = 0;
  /** Accepted by a listener (else it connected). */
  bool accepted = false;
  int64_t created_ms = 0;
  /** The socket's congestion control, once connected (metrics). */
  std::string congestion;

 private:
  struct OutFrame {
    uint8_t hdr[abi::FrameHeader::kSize];
    const uint8_t *payload = nullptr;
    uint32_t length = 0;
    size_t done = 0;  // bytes of header + payload written
    std::shared_ptr<Op> keep;
    std::shared_ptr<const std::vector<uint8_t>> owned;  // a payload the frame owns (NOTIF)
    bool chunk = false;
  };
  enum class Rx : uint8_t { kHeader, kPayload };
  enum class Plan : uint8_t { kDiscard, kDirect, kBuffer };

  /** What read_some does after a read returned `n`. */
  enum class ReadStep : uint8_t { kGot, kRetry, kStop };
  /**
   * Bytes arrived (kGot); EINTR (kRetry); or the read ended (kStop): nothing more now
   * (parked), the peer closed, or an error (the channel failed).
   */
  ReadStep after_read(ssize_t n);

  void flush(size_t budget);
  void read_some();
  void park();
  void got_header();
  void payload_done();
  void fail(int32_t err, const char *why);
  void want_out(bool on);
  /** The epoll events this channel wants now. */
  uint32_t events() const;

  Loop &loop_;
  int fd_;
  uint32_t index_;
  ChannelOwner *owner_;
  bool connecting_;
  bool out_armed_ = false;
  bool flushing_ = false;
  bool paused_ = false;

  std::deque<OutFrame> out_;
  uint32_t queued_chunks_ = 0;

  std::vector<Channel *> *dirty_;
  bool in_dirty_ = false;

  // Received bytes not yet consumed: headers and small payloads. Bulk payloads bypass it
  // (readv straight into their destination, with only the next header behind them).
  Rx rx_ = Rx::kHeader;
  std::unique_ptr<uint8_t[]> stage_;
  size_t stage_pos_ = 0;
  size_t stage_len_ = 0;
  bool bulk_ = false;  // the last frame was a large DATA chunk: read headers exactly
  Frame rx_frame_;
  Plan plan_ = Plan::kDiscard;
  uint8_t *rx_dest_ = nullptr;
  std::shared_ptr<Op> rx_op_;
  std::vector<uint8_t> rx_buf_;
  size_t rx_done_ = 0;
  size_t rx_left_ = 0;
  // The socket's receive low-water mark and its bound: while a bulk chunk is arriving it is
  // the chunk's remaining bytes (capped), which the peer has committed to sending, so
  // waiting for them cannot stall; otherwise 1.
  int lowat_ = 1;
  int lowat_max_;

  int64_t last_send_ms_ = 0;
  int64_t last_recv_ms_ = 0;
  uint64_t frames_sent_ = 0;
  uint64_t bytes_written_ = 0;
  uint64_t payload_read_ = 0;
};

}  // namespace hostwire::core::transfer

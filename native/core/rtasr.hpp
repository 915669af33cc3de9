// hostwire native core: RtAsrStream, a realtime-ASR stream fd (rtasr_create).
//
// Full duplex: rtasr_write queues audio bytes in a bounded send queue; the transport turns
// them into event frames (UTF-8 JSON) in a bounded receive queue; rtasr_read takes one per
// call. The only transport of this build is the deterministic `stub` (rtasr_stub.hpp).
//
// States (abi::RtasrState) and what moves them:
//
//   INIT --SET_PARAM / SET_AUTOFLUSH--> CONFIGURED
//   INIT | CONFIGURED --CONNECT--> CONNECTING --(the stub connects at once)--> CONNECTED
//   CONNECTED --FLUSH--> DRAINING: no more audio (writes -EPIPE); the transport consumes
//       what is queued (the trailing partial frame included) and produces the final
//       transcription.completed; the remaining events are delivered
//   DRAINING --the final event has been read (receive queue empty)--> CLOSED
//   CONNECTED | DRAINING --host-side close--> CLOSED (queued events stay readable)
//   any but CLOSED --transport error (stub: SET_PARAM "stub_error")--> ERROR
//
// The stub works synchronously: whenever the guest writes, reads or runs a ctl command it
// consumes every full frame in the send queue (unless paused with SET_PARAM "stub_paused":
// true, which lets a test fill the queue), so it starts no thread.
//
// Readiness: IN when the receive queue is not empty; OUT when CONNECTED and the send queue
// has room; ERR in ERROR; HUP in CLOSED (and once the host side closed it).
// Reads: an event (-ENOSPC, consuming nothing, when it does not fit); 0 at the end of the
// stream (CLOSED, queue empty); -EIO in ERROR once the queue is empty; -ENOTCONN before
// CONNECT; else block, or -EAGAIN when O_NONBLOCK. Writes: -ENOTCONN before CONNECTED,
// -EPIPE from DRAINING on; they queue what fits (a partial count), -EAGAIN or a wait when
// nothing does. The receive queue drops its oldest event when full and counts it
// ("dropped_events" in GET_STATUS).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "core/fd_entry.hpp"
#include "core/rtasr_stub.hpp"

namespace hostwire::core {

class RtAsrStream final : public FdEntry {
 public:
  static constexpr size_t kDefaultSendQueueBytes = 65536;
  static constexpr size_t kMaxSendQueueBytes = 16 * 1024 * 1024;
  static constexpr size_t kDefaultRecvQueueEvents = 256;
  static constexpr size_t kMaxRecvQueueEvents = 65536;
  static constexpr uint32_t kDefaultSampleRate = 16000;

  explicit RtAsrStream(std::shared_ptr<Waker> waker) : FdEntry(abi::FdKind::kRtAsr, std::move(waker)) {}

  /** rtasr_ctl: 0 (with `out` set by GET_STATUS and GET_AUTOFLUSH) or -errno. */
  int32_t ctl(int32_t cmd, const uint8_t *arg, size_t arg_len, Output &out);

  /**
   * Queue as much of `len` > 0 bytes as fits: the count queued (> 0), 0 when the queue is
   * full (the caller waits or returns -EAGAIN), or -ENOTCONN / -EPIPE.
   */
  int32_t write_some(const uint8_t *buf, size_t len);

  /** A write of 0 bytes: 0, or the errno a write would give in this state. */
  int32_t write_check() const;

  /**
   * One read attempt with room for `capacity`: nullopt when nothing is ready yet (the caller
   * blocks or returns -EAGAIN); else the result (see the header comment).
   */
  std::optional<int32_t> try_read(size_t capacity, Output &out);

  /** The state (abi::RtasrState). */
  uint32_t state() const;

  Json metrics() const override;

 protected:
  uint32_t poll_mask_locked() const override;
  void status_locked(Json &out) const override;
  void on_host_close_locked() override;

 private:
  int32_t set_param_locked(const uint8_t *arg, size_t arg_len);
  int32_t set_autoflush_locked(const uint8_t *arg, size_t arg_len);
  Json autoflush_locked() const;
  bool connected_or_after_locked() const;
  /** Let the transport work: returns whether anything changed (events, queue room, state). */
  bool pump_locked();
  void push_event_locked(std::string event);
  void enter_error_locked(const std::string &message);
  /** DRAINING ends (CLOSED) once the final event was produced and read. */
  bool maybe_closed_locked();

  // All under mu_.
  uint32_t state_ = abi::RtasrState::kINIT;
  Json params_ = Json::object();
  std::string transport_ = "stub";
  uint32_t sample_rate_ = kDefaultSampleRate;
  size_t send_capacity_ = kDefaultSendQueueBytes;
  size_t recv_capacity_ = kDefaultRecvQueueEvents;
  bool paused_ = false;
  std::string error_;
  // autoflush: strategy "none", or "interval" (a commit every autoflush_ms_ of audio)
  int64_t autoflush_ms_ = 0;

  std::deque<uint8_t> send_;
  std::deque<std::string> recv_;
  StubTranscriber stub_;
  bool final_committed_ = false;
  size_t segment_bytes_ = 0;

  uint64_t bytes_written_ = 0;
  uint64_t bytes_consumed_ = 0;
  uint64_t frames_ = 0;
  uint64_t events_produced_ = 0;
  uint64_t events_read_ = 0;
  uint64_t dropped_events_ = 0;
  uint64_t commits_ = 0;
  uint64_t cleared_bytes_ = 0;
  uint64_t client_events_ = 0;
};

}  // namespace hostwire::core

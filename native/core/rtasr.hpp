// hostwire native core: RtAsrStream, a realtime-ASR stream fd (rtasr_create), as SPEAR's
// host_api/rtasr.rs.
//
// Full duplex with two byte-capped queues. rtasr_write queues audio bytes, SEND_EVENT /
// FLUSH / CLEAR queue client events (compact JSON text) in the send queue (at most
// max_send_queue_bytes, default 1 MiB); the transport takes items from it and puts server
// events (UTF-8 JSON) in the receive queue (at most max_recv_queue_bytes, default 1 MiB: the
// oldest events are dropped to make room, counted in "dropped_events"); rtasr_read takes one.
// Nothing ever waits: a write that does not fit entirely is -EAGAIN (all or nothing), a read
// with nothing queued is -EAGAIN, whatever the fd's O_NONBLOCK flag.
//
// States: Init --SET_PARAM--> Configured; Init | Configured --CONNECT--> Connected (the
// transport starts; a second CONNECT does nothing); Connected --transport failure--> Error.
// Writes and client events are accepted before CONNECT (they wait in the send queue). In
// Error, writes, CONNECT, SEND_EVENT, FLUSH and CLEAR are -EIO; queued events stay readable.
//
// Readiness: IN when the receive queue is not empty; OUT while the send queue holds fewer
// than max_send_queue_bytes and the state is not Error; ERR in Error; HUP once the host
// side closed it.
//
// Transports. "stub" (the default): a ticker thread that every 10 ms takes one send-queue
// item and, every stub_event_interval_ms (default 100), produces
// {"seq":N,"text":"a"*(stub_event_payload_bytes(256)-80),"type":"transcription.delta"} (every
// stub_emit_completed_every-th (20) is "transcription.completed"), with or without audio.
// "websocket" (SET_PARAM transport): CONNECT asks the host for its transport (the
// `connect_request` of ctl); the runtime then either attaches its WebSocket client
// (attach_external: it drains the send queue with take_outgoing(), delivers events with
// push_event() and failures with transport_error()) or, with no realtime backend configured,
// starts the stub (use_stub).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "core/fd_entry.hpp"
#include "core/ticker.hpp"

namespace hostwire::core {

/** RTASR_CTL_SET_AUTOFLUSH's configuration (SPEAR's RtAsrSegmentationConfig). */
struct RtAsrSegmentation {
  enum Strategy { kManual, kServerVad, kClientCommit };
  struct Vad {
    uint64_t silence_ms = 500;
    std::optional<double> threshold = 0.5;
    std::optional<uint64_t> prefix_padding_ms = uint64_t{300};
  };
  struct ClientCommit {
    std::optional<uint64_t> flush_interval_ms;
    std::optional<uint64_t> max_buffer_bytes;
    std::optional<uint64_t> silence_ms;
    uint64_t min_flush_gap_ms = 500;
  };
  Strategy strategy = kServerVad;
  std::optional<Vad> vad = Vad{};
  std::optional<ClientCommit> client_commit;
  bool flush_on_close = false;

  /** Parse a SET_AUTOFLUSH payload (the strategy shape or the legacy enabled/mode shape); nullopt = -EINVAL. */
  static std::optional<RtAsrSegmentation> parse(const Json &v);
  /** GET_AUTOFLUSH's JSON (keys sorted, as SPEAR's serde_json writes them). */
  Json to_json() const;
  /** The session.update "turn_detection" value: the server_vad object, or null. */
  Json turn_detection() const;
};

/** One send-queue item for an external transport: audio bytes or a client event's JSON text. */
struct RtAsrOutgoing {
  bool audio = false;
  std::string bytes;
};

class RtAsrStream final : public FdEntry {
 public:
  static constexpr size_t kDefaultQueueBytes = 1024 * 1024;
  static constexpr int kStubTickMs = 10;

  explicit RtAsrStream(std::shared_ptr<Waker> waker) : FdEntry(abi::FdKind::kRtAsr, std::move(waker)) {}
  ~RtAsrStream() override;

  /**
   * rtasr_ctl: 0 (GET_STATUS and GET_AUTOFLUSH write `out`) or -errno. `connect_request` is
   * set when this call was the CONNECT of a "websocket" stream: the host must attach its
   * transport or start the stub.
   */
  int32_t ctl(int32_t cmd, const uint8_t *arg, size_t arg_len, Output &out, bool &connect_request);

  /** rtasr_write: all `len` bytes queued (the count), or -EAGAIN / -EIO. */
  int32_t write(const uint8_t *buf, size_t len);

  /** rtasr_read with room for `capacity`: 0 with the event written, -EAGAIN, or -ENOSPC (nothing consumed). */
  int32_t read(size_t capacity, Output &out);

  // ---- the external (websocket) transport's side ----
  /** The host's WebSocket client takes the stream over (after a connect request). */
  void attach_external();
  /** The host has no realtime backend: the stub transport runs instead (after a connect request). */
  void use_stub();
  /** Whether the host's transport has it. */
  bool external() const;
  /**
   * What the host's transport needs: `{"model": the "model" parameter or null,
   * "turn_detection": the session's turn_detection}`.
   */
  Json transport_config() const;
  /** Take up to `max_items` send-queue items (the room they free makes it writable again). */
  std::deque<RtAsrOutgoing> take_outgoing(size_t max_items);
  /** A server event arrives. */
  void push_event(const std::string &event);
  /** The transport failed: state Error, last_error `message`. */
  void transport_error(const std::string &message);

  Json metrics() const override;

 protected:
  uint32_t poll_mask_locked() const override;
  void status_locked(Json &out) const override;
  void on_guest_close() override;

 private:
  enum State { kInit, kConfigured, kConnecting, kConnected, kDraining, kClosed, kError };
  static const char *state_name(State s);

  int32_t enqueue_locked(bool audio, std::string bytes);
  void push_event_locked(std::string event);
  void maybe_autoflush_locked(std::chrono::steady_clock::time_point now);
  uint64_t param_u64_locked(const char *key, uint64_t dflt) const;
  Json get_status_locked() const;
  /** One tick of the stub transport; false once the guest closed the stream. */
  bool stub_tick();
  void start_stub_locked();
  void stop_stub();

  // All under mu_.
  State state_ = kInit;
  Json params_ = Json::object();
  std::deque<RtAsrOutgoing> send_;
  size_t send_bytes_ = 0;
  size_t max_send_bytes_ = kDefaultQueueBytes;
  std::deque<std::string> recv_;
  size_t recv_bytes_ = 0;
  size_t max_recv_bytes_ = kDefaultQueueBytes;
  uint64_t dropped_events_ = 0;
  std::optional<std::string> last_error_;
  bool connected_once_ = false;
  bool external_ = false;
  bool connect_pending_ = false;
  uint64_t stub_seq_ = 0;
  RtAsrSegmentation seg_;
  bool pending_flush_ = false;
  size_t buffered_since_flush_ = 0;
  std::chrono::steady_clock::time_point last_flush_at_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_audio_at_ = last_flush_at_;

  uint64_t bytes_written_ = 0;
  uint64_t items_sent_ = 0;
  uint64_t events_produced_ = 0;
  uint64_t events_read_ = 0;
  uint64_t commits_ = 0;

  // The stub transport's timer (one tick every kStubTickMs).
  Ticker stub_ticker_;
  std::chrono::steady_clock::time_point stub_last_emit_;  // under mu_
};

}  // namespace hostwire::core

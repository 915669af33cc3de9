// hostwire native core: MicSource, an audio source fd (mic_create), as SPEAR's host_api/mic/.
//
// SET_PARAM takes one flat JSON object and (re)starts the source: every field is optional,
// a missing or mistyped one takes its default (a non-object is all defaults):
//   sample_rate_hz (24000), channels (1), frame_ms (20): non-negative integers, cut to
//     SPEAR's widths (u32, u8, u32) as its `as` casts do;
//   format ("pcm16"): kept and reported, the stub writes 16-bit samples whatever it says;
//   source ("device"): "device" asks for a capture device, anything else is the stub;
//   fallback.to_stub (true): what "device" does without a device;
//   max_queue_bytes: the queue's byte cap (default 512 KiB), kept until set again;
//   stub_pcm16_base64: the stub's pattern (standard base64, padded, at most 10 MiB decoded),
//     kept until set again; without one the stub gives silence.
// Each SET_PARAM stops what ran, empties the queue, clears last_error and moves `generation`
// on. This host has no capture device, so "device" behaves as SPEAR built without its
// mic-device feature: with fallback.to_stub the stub runs; without, the call is -EIO, the
// source stops with last_error "device mic not enabled (build without feature mic-device)"
// and `generation` moves on once more. A pattern that is not valid base64 (or too long) is
// -EINVAL after the reset (SPEAR's order): the source is left stopped with the new config.
//
// The stub: every frame_ms (20 when 0) a frame of sample_rate_hz * frame_ms / 1000 samples *
// channels * 2 bytes: zeros, or the pattern repeated from where the previous frame stopped.
// The queue holds whole frames up to max_queue_bytes: a new frame drops the oldest ones
// until it fits (a frame larger than the cap is dropped itself), each counted in
// `dropped_frames`.
//
// Readiness (SPEAR's recompute points: SET_PARAM, a failed device start, each frame, each
// read): EPOLLIN while a frame is queued, EPOLLERR while last_error is set, EPOLLHUP once
// closed. mic_read takes one frame, never waits (-EAGAIN with none queued, whatever
// O_NONBLOCK) and, when the frame does not fit, is -ENOSPC with the frame left queued.
//
// Host limits SPEAR does not have: a queue holds at most kHostMaxQueueBytes whatever
// max_queue_bytes says (no larger frame is ever built) and at most kMaxQueuedFrames frames.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "core/fd_entry.hpp"
#include "core/ticker.hpp"

namespace hostwire::core {

/** A mic SET_PARAM's output format (SPEAR's MicConfig). */
struct MicConfig {
  uint32_t sample_rate_hz = 24000;
  uint8_t channels = 1;
  uint32_t frame_ms = 20;
  std::string format = "pcm16";

  /** The bytes of one frame (saturating, as SPEAR computes it). */
  uint64_t frame_bytes() const;
};

class MicSource final : public FdEntry {
 public:
  static constexpr size_t kDefaultMaxQueueBytes = 512 * 1024;
  static constexpr size_t kHostMaxQueueBytes = size_t{64} << 20;
  static constexpr size_t kMaxQueuedFrames = size_t{1} << 18;
  static constexpr size_t kMaxPatternBytes = size_t{10} << 20;
  static constexpr uint32_t kDefaultPeriodMs = 20;
  static constexpr const char *kNoDevice = "device mic not enabled (build without feature mic-device)";

  explicit MicSource(std::shared_ptr<Waker> waker) : FdEntry(abi::FdKind::kMic, std::move(waker)) {}
  ~MicSource() override;

  /** MIC_CTL_SET_PARAM with its parsed payload: 0, -EINVAL, -EIO (no device, no fallback) or -EBADF (closed). */
  int32_t set_param(const Json &v);

  /** MIC_CTL_GET_STATUS: 0 with SPEAR's JSON written (keys sorted), -ENOSPC, or -EBADF (closed). */
  int32_t get_status(Output &out) const;

  /** mic_read with room for `capacity`: 0 with one frame written, -EAGAIN, or -ENOSPC (nothing consumed). */
  int32_t read(size_t capacity, Output &out);

  /**
   * Queue one stub frame now, as the timer does every frame_ms (for tests, which then need no
   * clock): false, nothing queued, when the source is not running.
   */
  bool produce_frame();

  Json metrics() const override;

 protected:
  uint32_t poll_mask_locked() const override { return mask_; }
  void status_locked(Json &out) const override;
  void on_guest_close() override;

 private:
  /** One frame period of the stub of generation `gen`; false once it should stop. */
  bool stub_tick(uint64_t gen);
  void start_stub(uint64_t gen, uint32_t frame_ms);
  /** Queue one frame (dropping the oldest ones to make room); whether the readiness changed. */
  bool produce_locked();
  /** SPEAR's recompute_mic_readiness_locked (HUP aside, which FdEntry adds): whether it changed. */
  bool recompute_locked();
  Json status_json_locked() const;

  // All under mu_.
  std::optional<MicConfig> config_;
  std::deque<std::string> queue_;
  size_t queue_bytes_ = 0;
  uint64_t max_queue_bytes_ = kDefaultMaxQueueBytes;
  uint64_t dropped_frames_ = 0;
  std::optional<std::string> last_error_;
  bool running_ = false;
  uint64_t generation_ = 0;
  std::optional<std::string> pattern_;
  size_t pattern_offset_ = 0;
  /** The readiness as last recomputed (SPEAR stores it; between recomputes it may be stale). */
  uint32_t mask_ = 0;

  Ticker ticker_;
};

}  // namespace hostwire::core

// hostwire native core: the deterministic `stub` realtime-ASR transport (the default).
//
// It stands in for a speech service so that guests run offline and tests get exact events.
// Audio is taken as 16 kHz s16le mono, cut into frames of kFrameBytes = 3200 bytes (100 ms):
//
//   - each full frame consumed from the send queue is one word, and produces
//       {"type":"transcription.delta","delta":"<word>"}
//   - the word of a frame is kWords[fnv1a32(frame bytes) >> 28], the top 4 bits of its
//     FNV-1a hash (32 bits: offset basis 2166136261, prime 16777619), from the fixed list
//     "alpha" .. "papa" below; so a frame of silence (3200 zero bytes) is always "charlie";
//   - a commit (FLUSH, or an automatic one) first turns a trailing partial frame, if any,
//     into one more word (FLUSH only), then produces
//       {"type":"transcription.completed","transcript":"<the words since the last commit,
//        joined by single spaces>"}
//     and starts a new segment;
//   - an error produces {"type":"error","error":{"message":"<message>"}}.
//
// This class only turns bytes into events; the queues, states and pacing are RtAsrStream's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hostwire::core {

class StubTranscriber {
 public:
  /** Bytes of one frame: 100 ms of 16 kHz s16le mono. */
  static constexpr size_t kFrameBytes = 3200;
  /** The stub's vocabulary. */
  static constexpr const char *kWords[16] = {"alpha", "bravo",  "charlie", "delta", "echo",     "foxtrot",
                                             "golf",  "hotel",  "india",   "juliett", "kilo",   "lima",
                                             "mike",  "november", "oscar", "papa"};

  /** FNV-1a (32 bits) of `n` bytes at `p`. */
  static uint32_t fnv1a32(const uint8_t *p, size_t n);

  /** The word that `n` bytes of audio at `p` stand for. */
  static const char *word_for(const uint8_t *p, size_t n);

  /** One frame (or the final partial frame): its word joins the segment; the delta event. */
  std::string frame(const uint8_t *p, size_t n);

  /** The completed event of the segment (the words since the last commit); a new segment starts. */
  std::string commit();

  /** Forget the words of the segment (CLEAR). */
  void clear_segment() { segment_.clear(); }

  /** Words in the current segment. */
  size_t segment_words() const { return segment_.size(); }

  /** The error event for `message`. */
  static std::string error_event(const std::string &message);

 private:
  std::vector<std::string> segment_;
};

}  // namespace hostwire::core

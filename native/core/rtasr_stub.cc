#include "core/rtasr_stub.hpp"

#include "core/json.hpp"

namespace hostwire::core {

uint32_t StubTranscriber::fnv1a32(const uint8_t *p, size_t n) {
  uint32_t h = UINT32_C(2166136261);
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= UINT32_C(16777619);
  }
  return h;
}

const char *StubTranscriber::word_for(const uint8_t *p, size_t n) { return kWords[fnv1a32(p, n) >> 28]; }

std::string StubTranscriber::frame(const uint8_t *p, size_t n) {
  const char *word = word_for(p, n);
  segment_.emplace_back(word);
  return json_text(Json{{"type", "transcription.delta"}, {"delta", word}});
}

std::string StubTranscriber::commit() {
  std::string transcript;
  for (const std::string &w : segment_) {
    if (!transcript.empty()) transcript += ' ';
    transcript += w;
  }
  segment_.clear();
  return json_text(Json{{"type", "transcription.completed"}, {"transcript", transcript}});
}

std::string StubTranscriber::error_event(const std::string &message) {
  return json_text(Json{{"type", "error"}, {"error", Json{{"message", message}}}});
}

}  // namespace hostwire::core

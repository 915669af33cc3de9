#include "core/mic.hpp"

#include <algorithm>
#include <chrono>

#include "core/util/base64.hpp"

namespace hostwire::core {

uint64_t MicConfig::frame_bytes() const {
  const uint64_t samples = static_cast<uint64_t>(sample_rate_hz) * frame_ms / 1000;  // < 2^64
  const auto sat_mul = [](uint64_t a, uint64_t b) { return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b; };
  return sat_mul(sat_mul(samples, channels), 2);
}

MicSource::~MicSource() { ticker_.shutdown(); }

bool MicSource::recompute_locked() {
  const uint32_t old = mask_;
  mask_ = 0;
  if (!queue_.empty()) mask_ |= abi::EpollEvents::kIN;
  if (last_error_) mask_ |= abi::EpollEvents::kERR;
  return mask_ != old;
}

int32_t MicSource::set_param(const Json &v) {
  MicConfig cfg;
  cfg.sample_rate_hz = static_cast<uint32_t>(as_u64(member(v, "sample_rate_hz")).value_or(24000));
  cfg.channels = static_cast<uint8_t>(as_u64(member(v, "channels")).value_or(1));
  cfg.frame_ms = static_cast<uint32_t>(as_u64(member(v, "frame_ms")).value_or(20));
  cfg.format = as_str(member(v, "format")).value_or("pcm16");
  const std::string source = as_str(member(v, "source")).value_or("device");
  const std::optional<uint64_t> max_queue_bytes = as_u64(member(v, "max_queue_bytes"));
  const Json *fallback = member(v, "fallback");
  const bool fallback_to_stub = as_bool_or(fallback ? member(*fallback, "to_stub") : nullptr, true);
  const std::optional<std::string> pattern_b64 = as_str(member(v, "stub_pcm16_base64"));

  ticker_.stop();  // what ran before (SPEAR's tasks end on the generation change)
  uint64_t gen = 0;
  bool changed = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (guest_closed()) return -abi::kEBADF;
    running_ = false;
    queue_.clear();
    queue_bytes_ = 0;
    last_error_.reset();
    gen = ++generation_;
    config_ = cfg;
    if (max_queue_bytes) max_queue_bytes_ = *max_queue_bytes;
    if (pattern_b64) {
      std::optional<std::string> bytes = base64_decode_trimmed(*pattern_b64);
      if (!bytes || bytes->size() > kMaxPatternBytes) return -abi::kEINVAL;  // readiness left as it was
      pattern_ = std::move(*bytes);
      pattern_offset_ = 0;
    }
    running_ = true;
    changed = recompute_locked();
  }
  if (changed) notify();

  if (source == "device" && !fallback_to_stub) {
    // No capture device on this host: SPEAR's answer without its mic-device feature.
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (guest_closed()) return -abi::kEBADF;
      running_ = false;
      ++generation_;
      last_error_ = kNoDevice;
      changed = recompute_locked();
    }
    if (changed) notify();
    return -abi::kEIO;
  }
  start_stub(gen, cfg.frame_ms);
  return 0;
}

void MicSource::start_stub(uint64_t gen, uint32_t frame_ms) {
  const uint32_t period = frame_ms == 0 ? kDefaultPeriodMs : frame_ms;
  ticker_.start(std::chrono::milliseconds(period), [this, gen] { return stub_tick(gen); });
}

bool MicSource::stub_tick(uint64_t gen) {
  bool changed = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (guest_closed() || !running_ || generation_ != gen) return false;
    changed = produce_locked();
  }
  if (changed) notify();
  return true;
}

bool MicSource::produce_frame() {
  bool changed = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (guest_closed() || !running_) return false;
    changed = produce_locked();
  }
  if (changed) notify();
  return true;
}

bool MicSource::produce_locked() {
  if (!config_) return false;
  const uint64_t len = config_->frame_bytes();
  const uint64_t cap = std::min<uint64_t>(max_queue_bytes_, kHostMaxQueueBytes);
  if (len > cap) {
    // It would not stay queued: everything queued goes, then the frame itself, never built.
    if (pattern_ && !pattern_->empty()) pattern_offset_ = (pattern_offset_ + len % pattern_->size()) % pattern_->size();
    dropped_frames_ += queue_.size() + 1;
    queue_.clear();
    queue_bytes_ = 0;
  } else {
    std::string frame;
    if (pattern_ && !pattern_->empty()) {
      const std::string &p = *pattern_;
      frame.reserve(static_cast<size_t>(len));
      while (frame.size() < len) {
        const size_t start = pattern_offset_ % p.size();
        const size_t chunk = std::min<size_t>(static_cast<size_t>(len) - frame.size(), p.size() - start);
        frame.append(p, start, chunk);
        pattern_offset_ = (start + chunk) % p.size();
      }
    } else {
      frame.assign(static_cast<size_t>(len), '\0');
    }
    queue_bytes_ += frame.size();
    queue_.push_back(std::move(frame));
    while (!queue_.empty() && (queue_bytes_ > cap || queue_.size() > kMaxQueuedFrames)) {  // drop the oldest
      queue_bytes_ -= queue_.front().size();
      queue_.pop_front();
      ++dropped_frames_;
    }
  }
  return recompute_locked();
}

int32_t MicSource::read(size_t capacity, Output &out) {
  int32_t r = 0;
  bool changed = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (guest_closed()) return -abi::kEBADF;
    if (queue_.empty()) {
      r = -abi::kEAGAIN;
    } else if (queue_.front().size() > capacity) {
      r = out.need(queue_.front().size());  // nothing consumed
    } else {
      out.write(queue_.front());
      queue_bytes_ -= queue_.front().size();
      queue_.pop_front();
    }
    changed = recompute_locked();
  }
  if (changed) notify();
  return r;
}

Json MicSource::status_json_locked() const {
  Json config = nullptr;
  if (config_) {
    config = Json{{"channels", config_->channels},
                  {"format", config_->format},
                  {"frame_ms", config_->frame_ms},
                  {"sample_rate_hz", config_->sample_rate_hz}};
  }
  return Json{{"config", config},
              {"dropped_frames", dropped_frames_},
              {"generation", generation_},
              {"last_error", last_error_ ? Json(*last_error_) : Json(nullptr)},
              {"max_queue_bytes", max_queue_bytes_},
              {"queue_bytes", queue_bytes_},
              {"running", running_}};
}

int32_t MicSource::get_status(Output &out) const {
  Json status;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (guest_closed()) return -abi::kEBADF;
    status = status_json_locked();
  }
  return json_output(status, out);
}

void MicSource::status_locked(Json &out) const {
  const Json s = status_json_locked();
  for (auto it = s.begin(); it != s.end(); ++it) out[it.key()] = it.value();
}

Json MicSource::metrics() const { return Json::object(); }

void MicSource::on_guest_close() { ticker_.shutdown(); }

}  // namespace hostwire::core

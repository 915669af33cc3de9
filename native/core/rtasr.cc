#include "core/rtasr.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace hostwire::core {

namespace {

using State = abi::RtasrState;

/** An integral JSON number (128 or 128.0) in `out`; false when `v` is not one. */
bool as_int(const Json &v, int64_t &out) {
  out = 0;
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) return false;
    out = static_cast<int64_t>(u);
    return true;
  }
  if (v.is_number_integer()) {
    out = v.get<int64_t>();
    return true;
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) >= 9.0e15) return false;
    out = static_cast<int64_t>(d);
    return true;
  }
  return false;
}

/** `v` as an integer in lo..hi, in `out`; false when it is not one. */
bool int_in(const Json &v, int64_t lo, int64_t hi, int64_t &out) { return as_int(v, out) && out >= lo && out <= hi; }

bool non_empty_string(const Json &v) { return v.is_string() && !v.get_ref<const std::string &>().empty(); }

bool is_connection_key(const std::string &k) {
  return k == "transport" || k == "sample_rate" || k == "model" || k == "language" || k == "send_queue_bytes" ||
         k == "recv_queue_events";
}

}  // namespace

uint32_t RtAsrStream::state() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

bool RtAsrStream::connected_or_after_locked() const {
  return state_ != State::kINIT && state_ != State::kCONFIGURED && state_ != State::kCONNECTING;
}

// ---- ctl ----------------------------------------------------------------------------------

int32_t RtAsrStream::ctl(int32_t cmd, const uint8_t *arg, size_t arg_len, Output &out) {
  if (cmd == abi::RtasrCtlCmd::kGET_STATUS) return json_output(status(), out);
  int32_t r = 0;
  bool changed = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    switch (cmd) {
      case abi::RtasrCtlCmd::kSET_PARAM:
        r = set_param_locked(arg, arg_len);
        changed = r == 0;
        break;
      case abi::RtasrCtlCmd::kCONNECT:
        if (state_ != State::kINIT && state_ != State::kCONFIGURED) {
          r = -abi::kEINVAL;
          break;
        }
        state_ = State::kCONNECTING;
        state_ = State::kCONNECTED;  // the stub transport connects at once
        changed = true;
        break;
      case abi::RtasrCtlCmd::kSEND_EVENT: {
        std::optional<Json> ev = parse_json(arg, arg_len);
        if (!ev || !ev->is_object() || !ev->contains("type") || !non_empty_string((*ev)["type"])) {
          r = -abi::kEINVAL;
        } else if (state_ != State::kCONNECTED && state_ != State::kDRAINING) {
          r = -abi::kENOTCONN;
        } else {
          ++client_events_;  // the stub takes any client event and ignores it
        }
        break;
      }
      case abi::RtasrCtlCmd::kFLUSH:
        if (!connected_or_after_locked()) {
          r = -abi::kENOTCONN;
        } else if (state_ != State::kCONNECTED) {
          r = -abi::kEINVAL;
        } else {
          state_ = State::kDRAINING;
          pump_locked();
          changed = true;
        }
        break;
      case abi::RtasrCtlCmd::kCLEAR:
        if (!connected_or_after_locked()) {
          r = -abi::kENOTCONN;
        } else if (state_ != State::kCONNECTED) {
          r = -abi::kEINVAL;
        } else {
          cleared_bytes_ += send_.size();
          send_.clear();
          stub_.clear_segment();
          segment_bytes_ = 0;
          changed = true;
        }
        break;
      case abi::RtasrCtlCmd::kSET_AUTOFLUSH:
        r = set_autoflush_locked(arg, arg_len);
        changed = r == 0;
        break;
      case abi::RtasrCtlCmd::kGET_AUTOFLUSH:
        r = json_output(autoflush_locked(), out);
        break;
      default:
        r = -abi::kEINVAL;
    }
    if (r == 0 && pump_locked()) changed = true;
  }
  if (changed) notify();
  return r;
}

int32_t RtAsrStream::set_param_locked(const uint8_t *arg, size_t arg_len) {
  std::optional<Json> j = parse_json(arg, arg_len);
  if (!j || !j->is_object()) return -abi::kEINVAL;
  auto key_it = j->find("key");
  auto value_it = j->find("value");
  if (key_it == j->end() || !non_empty_string(*key_it) || value_it == j->end()) return -abi::kEINVAL;
  const std::string key = key_it->get<std::string>();
  const Json &v = *value_it;
  const bool before_connect = !connected_or_after_locked();
  if (is_connection_key(key) && !before_connect) return -abi::kEINVAL;  // the transport is configured

  if (v.is_null()) {  // unset: the default comes back
    if (key == "transport") transport_ = "stub";
    if (key == "sample_rate") sample_rate_ = kDefaultSampleRate;
    if (key == "send_queue_bytes") send_capacity_ = kDefaultSendQueueBytes;
    if (key == "recv_queue_events") recv_capacity_ = kDefaultRecvQueueEvents;
    if (key == "stub_paused") paused_ = false;
    if (key == "stub_error") return -abi::kEINVAL;
    params_.erase(key);
  } else if (key == "transport") {
    if (!v.is_string() || v.get_ref<const std::string &>() != "stub") return -abi::kEINVAL;  // the only one yet
    transport_ = "stub";
  } else if (key == "sample_rate") {
    int64_t rate = 0;
    if (!int_in(v, 8000, 192000, rate)) return -abi::kEINVAL;
    sample_rate_ = static_cast<uint32_t>(rate);
  } else if (key == "model" || key == "language") {
    if (!non_empty_string(v)) return -abi::kEINVAL;
  } else if (key == "send_queue_bytes") {
    int64_t bytes = 0;
    if (!int_in(v, 1, static_cast<int64_t>(kMaxSendQueueBytes), bytes)) return -abi::kEINVAL;
    send_capacity_ = static_cast<size_t>(bytes);
  } else if (key == "recv_queue_events") {
    int64_t events = 0;
    if (!int_in(v, 1, static_cast<int64_t>(kMaxRecvQueueEvents), events)) return -abi::kEINVAL;
    recv_capacity_ = static_cast<size_t>(events);
  } else if (key == "stub_paused") {
    if (!v.is_boolean()) return -abi::kEINVAL;
    paused_ = v.get<bool>();
  } else if (key == "stub_error") {
    if (!non_empty_string(v) || state_ == State::kCLOSED || state_ == State::kERROR) return -abi::kEINVAL;
    enter_error_locked(v.get<std::string>());
  }
  if (!v.is_null()) params_[key] = v;
  if (state_ == State::kINIT) state_ = State::kCONFIGURED;
  return 0;
}

int32_t RtAsrStream::set_autoflush_locked(const uint8_t *arg, size_t arg_len) {
  if (state_ != State::kINIT && state_ != State::kCONFIGURED && state_ != State::kCONNECTED) return -abi::kEINVAL;
  std::optional<Json> j = parse_json(arg, arg_len);
  if (!j || !j->is_object() || !j->contains("strategy") || !(*j)["strategy"].is_string()) return -abi::kEINVAL;
  const std::string strategy = (*j)["strategy"].get<std::string>();
  if (strategy == "none") {
    autoflush_ms_ = 0;
  } else if (strategy == "interval") {
    int64_t ms = 0;
    if (!j->contains("interval_ms") || !int_in((*j)["interval_ms"], 100, 600000, ms)) return -abi::kEINVAL;
    autoflush_ms_ = ms;
  } else {
    return -abi::kEINVAL;
  }
  if (state_ == State::kINIT) state_ = State::kCONFIGURED;
  return 0;
}

Json RtAsrStream::autoflush_locked() const {
  if (autoflush_ms_ == 0) return Json{{"strategy", "none"}};
  return Json{{"strategy", "interval"}, {"interval_ms", autoflush_ms_}};
}

// ---- the stub transport -------------------------------------------------------------------

void RtAsrStream::push_event_locked(std::string event) {
  if (recv_.size() >= recv_capacity_) {
    recv_.pop_front();  // drop the oldest
    ++dropped_events_;
  }
  recv_.push_back(std::move(event));
  ++events_produced_;
}

void RtAsrStream::enter_error_locked(const std::string &message) {
  error_ = message;
  state_ = State::kERROR;
  push_event_locked(StubTranscriber::error_event(message));
}

bool RtAsrStream::pump_locked() {
  if (paused_ || (state_ != State::kCONNECTED && state_ != State::kDRAINING)) return false;
  bool changed = false;
  std::vector<uint8_t> frame;
  const size_t interval_bytes = static_cast<size_t>(autoflush_ms_) * sample_rate_ * 2 / 1000;
  while (send_.size() >= StubTranscriber::kFrameBytes) {
    frame.assign(send_.begin(), send_.begin() + StubTranscriber::kFrameBytes);
    send_.erase(send_.begin(), send_.begin() + StubTranscriber::kFrameBytes);
    push_event_locked(stub_.frame(frame.data(), frame.size()));
    bytes_consumed_ += frame.size();
    segment_bytes_ += frame.size();
    ++frames_;
    if (interval_bytes > 0 && segment_bytes_ >= interval_bytes) {  // an automatic commit
      push_event_locked(stub_.commit());
      ++commits_;
      segment_bytes_ = 0;
    }
    changed = true;
  }
  if (state_ == State::kDRAINING && !final_committed_) {
    if (!send_.empty()) {  // the trailing partial frame is one more word
      frame.assign(send_.begin(), send_.end());
      send_.clear();
      push_event_locked(stub_.frame(frame.data(), frame.size()));
      bytes_consumed_ += frame.size();
      ++frames_;
    }
    push_event_locked(stub_.commit());
    ++commits_;
    segment_bytes_ = 0;
    final_committed_ = true;
    changed = true;
  }
  if (maybe_closed_locked()) changed = true;
  return changed;
}

bool RtAsrStream::maybe_closed_locked() {
  if (state_ == State::kDRAINING && final_committed_ && recv_.empty()) {
    state_ = State::kCLOSED;
    return true;
  }
  return false;
}

void RtAsrStream::on_host_close_locked() {
  if (state_ == State::kCLOSED || state_ == State::kERROR) return;
  state_ = State::kCLOSED;  // queued events stay readable; the rest of the audio is dropped
  send_.clear();
}

// ---- data ---------------------------------------------------------------------------------

int32_t RtAsrStream::write_check() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!connected_or_after_locked()) return -abi::kENOTCONN;
  if (state_ != State::kCONNECTED) return -abi::kEPIPE;
  return 0;
}

int32_t RtAsrStream::write_some(const uint8_t *buf, size_t len) {
  size_t n = 0;
  bool changed = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!connected_or_after_locked()) return -abi::kENOTCONN;
    if (state_ != State::kCONNECTED) return -abi::kEPIPE;
    changed = pump_locked();
    const size_t room = send_capacity_ > send_.size() ? send_capacity_ - send_.size() : 0;
    n = std::min({room, len, static_cast<size_t>(INT32_MAX)});
    if (n > 0) {
      send_.insert(send_.end(), buf, buf + n);
      bytes_written_ += n;
      pump_locked();
      changed = true;
    }
  }
  if (changed) notify();  // even with nothing queued, the pump may have produced events
  return static_cast<int32_t>(n);
}

std::optional<int32_t> RtAsrStream::try_read(size_t capacity, Output &out) {
  std::optional<int32_t> r;
  bool changed = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!connected_or_after_locked()) return -abi::kENOTCONN;
    changed = pump_locked();
    if (!recv_.empty()) {
      const std::string &front = recv_.front();
      if (front.size() > capacity) {
        r = out.need(front.size());  // nothing consumed
      } else {
        out.write(front);
        recv_.pop_front();
        ++events_read_;
        maybe_closed_locked();
        changed = true;
        r = 0;
      }
    } else if (state_ == State::kCLOSED) {
      out.commit(0);  // end of stream
      r = 0;
    } else if (state_ == State::kERROR) {
      r = -abi::kEIO;
    }
  }
  if (changed) notify();
  return r;
}

// ---- readiness and reports ----------------------------------------------------------------

uint32_t RtAsrStream::poll_mask_locked() const {
  uint32_t m = 0;
  if (!recv_.empty()) m |= abi::EpollEvents::kIN;
  if (state_ == State::kCONNECTED && send_.size() < send_capacity_) m |= abi::EpollEvents::kOUT;
  if (state_ == State::kERROR) m |= abi::EpollEvents::kERR;
  if (state_ == State::kCLOSED) m |= abi::EpollEvents::kHUP;
  return m;
}

void RtAsrStream::status_locked(Json &out) const {
  out["state"] = abi::RtasrState::name(state_);
  out["transport"] = transport_;
  out["sample_rate"] = sample_rate_;
  out["send_queue_bytes"] = send_.size();
  out["send_queue_capacity"] = send_capacity_;
  out["recv_queue_events"] = recv_.size();
  out["recv_queue_capacity"] = recv_capacity_;
  out["dropped_events"] = dropped_events_;
  out["stub_paused"] = paused_;
  out["autoflush"] = autoflush_locked();
  out["error"] = error_.empty() ? Json(nullptr) : Json(error_);
  out["params"] = params_;
}

Json RtAsrStream::metrics() const {
  std::lock_guard<std::mutex> lock(mu_);
  return Json{{"bytes_written", bytes_written_},     {"bytes_consumed", bytes_consumed_}, {"frames", frames_},
              {"events_produced", events_produced_}, {"events_read", events_read_},       {"dropped_events", dropped_events_},
              {"commits", commits_},                 {"cleared_bytes", cleared_bytes_},   {"client_events", client_events_}};
}

}  // namespace hostwire::core

#include "core/rtasr.hpp"

#include <algorithm>
#include <climits>

namespace hostwire::core {

namespace {

using Clock = std::chrono::steady_clock;

Json opt_json(const std::optional<uint64_t> &v) { return v ? Json(*v) : Json(nullptr); }

/** `j` with every object's keys sorted, as serde_json (without preserve_order) writes a Value. */
Json sorted(const Json &j) {
  if (j.is_array()) {
    Json a = Json::array();
    for (const Json &e : j) a.push_back(sorted(e));
    return a;
  }
  if (!j.is_object()) return j;
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  std::sort(keys.begin(), keys.end());
  Json o = Json::object();
  for (const std::string &k : keys) o[k] = sorted(j.at(k));
  return o;
}

const char kCommitEvent[] = R"({"type":"input_audio_buffer.commit"})";
const char kClearEvent[] = R"({"type":"input_audio_buffer.clear"})";

}  // namespace

// ---- autoflush configuration --------------------------------------------------------------

std::optional<RtAsrSegmentation> RtAsrSegmentation::parse(const Json &v) {
  if (!v.is_object()) return std::nullopt;
  RtAsrSegmentation cfg;
  cfg.flush_on_close = as_bool_or(member(v, "flush_on_close"), false);

  if (std::optional<std::string> s = as_str(member(v, "strategy"))) {
    if (*s == "manual" || *s == "off") {
      cfg.strategy = kManual;
    } else if (*s == "server_vad") {
      cfg.strategy = kServerVad;
    } else if (*s == "client_commit") {
      cfg.strategy = kClientCommit;
    } else {
      return std::nullopt;
    }
    cfg.vad.reset();
    if (const Json *vad = member(v, "vad")) {
      if (!vad->is_object()) return std::nullopt;
      Vad out;
      out.silence_ms = as_u64(member(*vad, "silence_ms")).value_or(500);
      out.threshold = as_f64(member(*vad, "threshold"));
      out.prefix_padding_ms = as_u64(member(*vad, "prefix_padding_ms"));
      cfg.vad = out;
    }
    if (const Json *cc = member(v, "client_commit")) {
      if (!cc->is_object()) return std::nullopt;
      ClientCommit out;
      out.flush_interval_ms = as_u64(member(*cc, "flush_interval_ms"));
      out.max_buffer_bytes = as_u64(member(*cc, "max_buffer_bytes"));
      out.silence_ms = as_u64(member(*cc, "silence_ms"));
      out.min_flush_gap_ms = as_u64(member(*cc, "min_flush_gap_ms")).value_or(500);
      cfg.client_commit = out;
    }
    return cfg;
  }

  // The legacy shape: {"enabled", "mode": off|silence|bytes|time|..., ...}.
  const bool enabled = as_bool_or(member(v, "enabled"), false);
  const std::string mode = as_str(member(v, "mode")).value_or("off");
  const std::optional<uint64_t> flush_interval_ms = as_u64(member(v, "flush_interval_ms"));
  const std::optional<uint64_t> max_buffer_bytes = as_u64(member(v, "max_buffer_bytes"));
  const std::optional<uint64_t> silence_ms = as_u64(member(v, "silence_ms"));
  const uint64_t min_flush_gap_ms = as_u64(member(v, "min_flush_gap_ms")).value_or(500);
  if (!enabled || mode == "off") {
    cfg.strategy = kManual;
    cfg.vad.reset();
    return cfg;
  }
  if (mode == "silence") {
    cfg.strategy = kServerVad;
    Vad vad;
    vad.silence_ms = silence_ms ? *silence_ms : flush_interval_ms.value_or(500);
    cfg.vad = vad;
    return cfg;
  }
  cfg.strategy = kClientCommit;
  cfg.vad.reset();
  ClientCommit cc;
  if (mode != "bytes") cc.flush_interval_ms = flush_interval_ms;
  if (mode != "time") cc.max_buffer_bytes = max_buffer_bytes;
  if (mode != "bytes" && mode != "time") cc.silence_ms = silence_ms;
  cc.min_flush_gap_ms = min_flush_gap_ms;
  cfg.client_commit = cc;
  return cfg;
}

Json RtAsrSegmentation::to_json() const {
  Json out = Json::object();
  if (client_commit) {
    out["client_commit"] = Json{{"flush_interval_ms", opt_json(client_commit->flush_interval_ms)},
                                {"max_buffer_bytes", opt_json(client_commit->max_buffer_bytes)},
                                {"min_flush_gap_ms", client_commit->min_flush_gap_ms},
                                {"silence_ms", opt_json(client_commit->silence_ms)}};
  } else {
    out["client_commit"] = nullptr;
  }
  out["flush_on_close"] = flush_on_close;
  out["strategy"] = strategy == kManual ? "manual" : strategy == kServerVad ? "server_vad" : "client_commit";
  if (vad) {
    Json o = Json::object();
    if (vad->prefix_padding_ms) o["prefix_padding_ms"] = *vad->prefix_padding_ms;
    o["silence_ms"] = vad->silence_ms;
    if (vad->threshold) o["threshold"] = *vad->threshold;
    out["vad"] = o;
  } else {
    out["vad"] = nullptr;
  }
  return out;
}

Json RtAsrSegmentation::turn_detection() const {
  if (strategy != kServerVad) return nullptr;
  const Vad v = vad.value_or(Vad{});
  return Json{{"type", "server_vad"},
              {"threshold", v.threshold.value_or(0.5)},
              {"prefix_padding_ms", v.prefix_padding_ms.value_or(300)},
              {"silence_duration_ms", v.silence_ms}};
}

// ---- the stream ---------------------------------------------------------------------------

RtAsrStream::~RtAsrStream() { stop_stub(); }

const char *RtAsrStream::state_name(State s) {
  switch (s) {
    case kInit: return "Init";
    case kConfigured: return "Configured";
    case kConnecting: return "Connecting";
    case kConnected: return "Connected";
    case kDraining: return "Draining";
    case kClosed: return "Closed";
    case kError: return "Error";
  }
  return "Error";
}

uint64_t RtAsrStream::param_u64_locked(const char *key, uint64_t dflt) const {
  return as_u64(member(params_, key)).value_or(dflt);
}

int32_t RtAsrStream::enqueue_locked(bool audio, std::string bytes) {
  if (send_bytes_ + bytes.size() > max_send_bytes_ || send_bytes_ + bytes.size() < send_bytes_) return -abi::kEAGAIN;
  send_bytes_ += bytes.size();
  send_.push_back(RtAsrOutgoing{audio, std::move(bytes)});
  return 0;
}

void RtAsrStream::push_event_locked(std::string event) {
  recv_bytes_ += event.size();
  recv_.push_back(std::move(event));
  ++events_produced_;
  while (recv_bytes_ > max_recv_bytes_ && !recv_.empty()) {  // drop the oldest
    recv_bytes_ -= recv_.front().size();
    recv_.pop_front();
    ++dropped_events_;
  }
}

Json RtAsrStream::get_status_locked() const {
  return Json{{"dropped_events", dropped_events_},
              {"last_error", last_error_ ? Json(*last_error_) : Json(nullptr)},
              {"max_recv_queue_bytes", max_recv_bytes_},
              {"max_send_queue_bytes", max_send_bytes_},
              {"recv_queue_bytes", recv_bytes_},
              {"send_queue_bytes", send_bytes_},
              {"state", state_name(state_)}};
}

int32_t RtAsrStream::ctl(int32_t cmd, const uint8_t *arg, size_t arg_len, Output &out, bool &connect_request) {
  connect_request = false;
  // Input commands parse their payload (absent when its length is 0) before anything else.
  std::optional<Json> in;
  const bool has_input = cmd == abi::RtasrCtlCmd::kSET_PARAM || cmd == abi::RtasrCtlCmd::kSEND_EVENT ||
                         cmd == abi::RtasrCtlCmd::kSET_AUTOFLUSH;
  if (has_input) {
    if (arg_len == 0) return -abi::kEINVAL;
    in = parse_json(arg, arg_len);
    if (!in) return -abi::kEINVAL;
  }
  Json output;
  bool has_output = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const uint32_t before = poll_mask_locked();
    switch (cmd) {
      case abi::RtasrCtlCmd::kSET_PARAM: {
        std::string key;
        if (in->is_object()) key = as_str(member(*in, "key")).value_or("");
        if (key.empty()) return -abi::kEINVAL;
        const Json *value = member(*in, "value");
        params_[key] = value ? *value : Json(nullptr);
        if (state_ == kInit) state_ = kConfigured;
        if (key == "max_send_queue_bytes") {
          if (std::optional<uint64_t> n = as_u64(value)) max_send_bytes_ = static_cast<size_t>(std::min<uint64_t>(*n, SIZE_MAX));
        }
        if (key == "max_recv_queue_bytes") {
          if (std::optional<uint64_t> n = as_u64(value)) max_recv_bytes_ = static_cast<size_t>(std::min<uint64_t>(*n, SIZE_MAX));
        }
        break;
      }
      case abi::RtasrCtlCmd::kCONNECT:
        if (state_ == kClosed) return -abi::kEBADF;
        if (state_ == kError) return -abi::kEIO;
        if (!connected_once_) {
          connected_once_ = true;
          state_ = kConnected;
          if (as_str(member(params_, "transport")).value_or("stub") == "websocket") {
            connect_pending_ = true;
            connect_request = true;
          } else {
            start_stub_locked();
          }
        }
        break;
      case abi::RtasrCtlCmd::kGET_STATUS:
        output = get_status_locked();
        has_output = true;
        break;
      case abi::RtasrCtlCmd::kSEND_EVENT: {
        if (state_ == kClosed) return -abi::kEBADF;
        if (state_ == kError) return -abi::kEIO;
        if (const int32_t r = enqueue_locked(false, json_text(sorted(*in)))) return r;
        break;
      }
      case abi::RtasrCtlCmd::kFLUSH:
      case abi::RtasrCtlCmd::kCLEAR: {
        if (state_ == kClosed) return -abi::kEBADF;
        if (state_ == kError) return -abi::kEIO;
        const bool flush = cmd == abi::RtasrCtlCmd::kFLUSH;
        if (const int32_t r = enqueue_locked(false, flush ? kCommitEvent : kClearEvent)) return r;
        if (flush) ++commits_;
        pending_flush_ = flush;
        buffered_since_flush_ = 0;
        last_flush_at_ = Clock::now();
        break;
      }
      case abi::RtasrCtlCmd::kSET_AUTOFLUSH: {
        std::optional<RtAsrSegmentation> cfg = RtAsrSegmentation::parse(*in);
        if (!cfg) return -abi::kEINVAL;
        seg_ = *cfg;
        pending_flush_ = false;
        buffered_since_flush_ = 0;
        last_flush_at_ = last_audio_at_ = Clock::now();
        break;
      }
      case abi::RtasrCtlCmd::kGET_AUTOFLUSH:
        output = seg_.to_json();
        has_output = true;
        break;
      default:
        return -abi::kEINVAL;
    }
    if (poll_mask_locked() == before) {
      if (has_output) return json_output(output, out);
      return 0;
    }
  }
  notify();  // readiness changed
  if (has_output) return json_output(output, out);
  return 0;
}

void RtAsrStream::maybe_autoflush_locked(Clock::time_point now) {
  if (seg_.strategy != RtAsrSegmentation::kClientCommit || !seg_.client_commit) return;
  const RtAsrSegmentation::ClientCommit &cc = *seg_.client_commit;
  if (pending_flush_ || buffered_since_flush_ == 0) return;
  const auto ms = [](Clock::duration d) { return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()); };
  const uint64_t since_flush = ms(now - last_flush_at_);
  if (since_flush < cc.min_flush_gap_ms) return;
  bool triggered = false;
  if (cc.max_buffer_bytes) triggered |= buffered_since_flush_ >= *cc.max_buffer_bytes;
  if (cc.flush_interval_ms) triggered |= since_flush >= *cc.flush_interval_ms;
  if (cc.silence_ms) triggered |= ms(now - last_audio_at_) >= *cc.silence_ms;
  if (!triggered) return;
  if (enqueue_locked(false, kCommitEvent) != 0) return;
  ++commits_;
  pending_flush_ = true;
  buffered_since_flush_ = 0;
  last_flush_at_ = now;
}

int32_t RtAsrStream::write(const uint8_t *buf, size_t len) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (state_ == kError) return -abi::kEIO;
    if (len > static_cast<size_t>(INT32_MAX)) return -abi::kEAGAIN;
    if (const int32_t r = enqueue_locked(true, std::string(reinterpret_cast<const char *>(buf), len))) return r;
    bytes_written_ += len;
    buffered_since_flush_ += len;
    const Clock::time_point now = Clock::now();
    last_audio_at_ = now;
    maybe_autoflush_locked(now);
  }
  notify();
  return static_cast<int32_t>(len);
}

int32_t RtAsrStream::read(size_t capacity, Output &out) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (recv_.empty()) return -abi::kEAGAIN;
    const std::string &front = recv_.front();
    if (front.size() > capacity) return out.need(front.size());  // nothing consumed
    out.write(front);
    recv_bytes_ -= front.size();
    recv_.pop_front();
    ++events_read_;
  }
  notify();
  return 0;
}

// ---- transports ---------------------------------------------------------------------------

bool RtAsrStream::stub_tick() {
  bool changed = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (guest_closed()) return false;
    const uint32_t before = poll_mask_locked();
    if (!send_.empty()) {
      send_bytes_ -= send_.front().bytes.size();
      send_.pop_front();
      ++items_sent_;
    }
    const uint64_t interval_ms = param_u64_locked("stub_event_interval_ms", 100);
    const uint64_t payload_bytes = param_u64_locked("stub_event_payload_bytes", 256);
    const uint64_t completed_every = param_u64_locked("stub_emit_completed_every", 20);
    const Clock::time_point now = Clock::now();
    if (now - stub_last_emit_ >= std::chrono::milliseconds(std::min<uint64_t>(interval_ms, INT32_MAX))) {
      stub_last_emit_ = now;
      const uint64_t seq = ++stub_seq_;
      const bool completed = completed_every != 0 && seq % completed_every == 0;
      const size_t text_len = static_cast<size_t>(std::min<uint64_t>(payload_bytes > 80 ? payload_bytes - 80 : 0, 16u << 20));
      push_event_locked(json_text(Json{{"seq", seq},
                                       {"text", std::string(text_len, 'a')},
                                       {"type", completed ? "transcription.completed" : "transcription.delta"}}));
      changed = true;
    }
    changed = changed || poll_mask_locked() != before;
  }
  if (changed) notify();
  return true;
}

void RtAsrStream::stop_stub() { stub_ticker_.shutdown(); }

void RtAsrStream::start_stub_locked() {
  stub_last_emit_ = Clock::now();
  stub_ticker_.start(std::chrono::milliseconds(kStubTickMs), [this] { return stub_tick(); });
}

void RtAsrStream::on_guest_close() { stop_stub(); }

void RtAsrStream::attach_external() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!connect_pending_) return;
  connect_pending_ = false;
  external_ = true;
}

void RtAsrStream::use_stub() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!connect_pending_) return;
  connect_pending_ = false;
  if (!guest_closed()) start_stub_locked();
}

bool RtAsrStream::external() const {
  std::lock_guard<std::mutex> lock(mu_);
  return external_;
}

Json RtAsrStream::transport_config() const {
  std::lock_guard<std::mutex> lock(mu_);
  const Json *model = member(params_, "model");
  return Json{{"model", model && model->is_string() ? *model : Json(nullptr)}, {"turn_detection", seg_.turn_detection()}};
}

std::deque<RtAsrOutgoing> RtAsrStream::take_outgoing(size_t max_items) {
  std::deque<RtAsrOutgoing> items;
  bool changed = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const uint32_t before = poll_mask_locked();
    if (send_.empty()) maybe_autoflush_locked(Clock::now());  // a time-based commit, as SPEAR's idle writer
    while (!send_.empty() && items.size() < max_items) {
      send_bytes_ -= send_.front().bytes.size();
      if (!send_.front().audio) pending_flush_ = false;  // a client event went out
      items.push_back(std::move(send_.front()));
      send_.pop_front();
      ++items_sent_;
    }
    changed = poll_mask_locked() != before;
  }
  if (changed) notify();
  return items;
}

void RtAsrStream::push_event(const std::string &event) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    push_event_locked(event);
  }
  notify();
}

void RtAsrStream::transport_error(const std::string &message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (state_ == kError) return;
    state_ = kError;
    last_error_ = message;
  }
  notify();
}

// ---- readiness and reports ----------------------------------------------------------------

uint32_t RtAsrStream::poll_mask_locked() const {
  uint32_t m = 0;
  if (!recv_.empty()) m |= abi::EpollEvents::kIN;
  if (send_bytes_ < max_send_bytes_ && state_ != kDraining && state_ != kClosed && state_ != kError) m |= abi::EpollEvents::kOUT;
  if (state_ == kError) m |= abi::EpollEvents::kERR;
  if (state_ == kClosed) m |= abi::EpollEvents::kHUP;
  return m;
}

void RtAsrStream::status_locked(Json &out) const {
  const Json s = get_status_locked();
  for (auto it = s.begin(); it != s.end(); ++it) out[it.key()] = it.value();
  out["transport"] = external_ ? Json("websocket") : connected_once_ && !connect_pending_ ? Json("stub") : Json(nullptr);
}

Json RtAsrStream::metrics() const {
  std::lock_guard<std::mutex> lock(mu_);
  return Json{{"bytes_written", bytes_written_}, {"items_sent", items_sent_},   {"events_produced", events_produced_},
              {"events_read", events_read_},     {"dropped_events", dropped_events_}, {"commits", commits_}};
}

}  // namespace hostwire::core

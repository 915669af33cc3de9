#include "core/user_stream.hpp"

#include <cstring>

namespace hostwire::core {

std::optional<SsfFrameInfo> parse_ssf_v1(const uint8_t *p, size_t n) {
  if (n < abi::SsfV1WireHeader::kSize) return std::nullopt;
  // SPEAR carries msg_type without checking it, where the IDL's decoder checks it against the
  // known ssf_msg_type values: decode a copy of the header with a known type in its place
  // (every other field is checked by the generated decoder) and keep the frame's own.
  uint8_t header[abi::SsfV1WireHeader::kSize];
  std::memcpy(header, p, sizeof header);
  const uint16_t msg_type = static_cast<uint16_t>(p[8] | (p[9] << 8));
  header[8] = static_cast<uint8_t>(abi::SsfMsgType::kDATA);
  header[9] = 0;
  abi::SsfV1WireHeader h{};
  if (abi::decode(header, sizeof header, h) != abi::DecodeStatus::kOk) return std::nullopt;
  if (n < h.header_len) return std::nullopt;
  const uint64_t body = static_cast<uint64_t>(h.meta_len) + h.data_len;
  if (body != n - h.header_len) return std::nullopt;
  return SsfFrameInfo{h.stream_id, msg_type};
}

namespace {

const char *state_name(UserStreamHub::State s) {
  switch (s) {
    case UserStreamHub::State::kInit: return "Init";
    case UserStreamHub::State::kConnected: return "Connected";
    case UserStreamHub::State::kClosed: return "Closed";
    default: return "Error";
  }
}

std::array<uint8_t, 8> ctl_event(uint32_t stream_id, uint32_t kind) {
  abi::UserStreamCtlEvent ev{};
  ev.stream_id = stream_id;
  ev.kind = kind;
  std::array<uint8_t, 8> out{};
  abi::encode(ev, out.data());
  return out;
}

}  // namespace

UserStreamHub::Channel &UserStreamHub::channel_locked(uint32_t stream_id) { return channels_[stream_id]; }

void UserStreamHub::touch(uint32_t stream_id) {
  std::lock_guard<std::mutex> lock(mu_);
  channel_locked(stream_id);
}

uint32_t UserStreamHub::stream_mask(uint32_t stream_id, bool reads, bool writes) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = channels_.find(stream_id);
  if (it == channels_.end()) return 0;
  const Channel &c = it->second;
  uint32_t mask = 0;
  if (reads && !c.inbound.empty()) mask |= abi::EpollEvents::kIN;
  if (writes && c.state == State::kConnected && c.outbound_bytes < kMaxOutboundBytes) mask |= abi::EpollEvents::kOUT;
  if (c.state == State::kError) mask |= abi::EpollEvents::kERR;
  if (c.state == State::kClosed) mask |= abi::EpollEvents::kHUP;
  return mask;
}

int32_t UserStreamHub::read(uint32_t stream_id, Output &out) {
  int32_t r;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Channel &c = channel_locked(stream_id);
    if (c.inbound.empty()) return -abi::kEAGAIN;
    const std::string &f = c.inbound.front();
    r = out.write(f);
    if (r < 0) return r;  // -ENOSPC: the frame stays queued
    c.inbound_bytes -= f.size();
    c.inbound.pop_front();
  }
  notify();
  return r;
}

int32_t UserStreamHub::write(uint32_t stream_id, const uint8_t *frame, size_t n) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    Channel &c = channel_locked(stream_id);
    switch (c.state) {
      case State::kInit: return -abi::kENOTCONN;
      case State::kClosed:
      case State::kError: return -abi::kEPIPE;
      default: break;
    }
    if (n > kMaxFrameBytes) return -abi::kEINVAL;
    if (c.outbound_bytes + n > kMaxOutboundBytes) return -abi::kEAGAIN;
    c.outbound.emplace_back(reinterpret_cast<const char *>(frame), n);
    c.outbound_bytes += n;
  }
  notify();
  return 0;
}

Json UserStreamHub::stream_metrics(uint32_t stream_id, const char *direction) const {
  std::lock_guard<std::mutex> lock(mu_);
  static const Channel kNone{};
  auto it = channels_.find(stream_id);
  const Channel &c = it == channels_.end() ? kNone : it->second;
  Json v = Json::object();
  v["conn_state"] = state_name(c.state);
  v["direction"] = direction;
  v["execution_id"] = execution_id_;
  v["inbound_bytes"] = c.inbound_bytes;
  v["inbound_len"] = c.inbound.size();
  v["max_frame_bytes"] = kMaxFrameBytes;
  v["max_inbound_bytes"] = kMaxInboundBytes;
  v["max_outbound_bytes"] = kMaxOutboundBytes;
  v["outbound_bytes"] = c.outbound_bytes;
  v["outbound_len"] = c.outbound.size();
  v["stream_id"] = stream_id;
  return v;
}

void UserStreamHub::register_ctl(int32_t fd) {
  std::lock_guard<std::mutex> lock(mu_);
  ctls_[fd];
}

void UserStreamHub::unregister_ctl(int32_t fd) {
  std::lock_guard<std::mutex> lock(mu_);
  ctls_.erase(fd);
}

bool UserStreamHub::ctl_pending(int32_t fd) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = ctls_.find(fd);
  return it != ctls_.end() && !it->second.pending.empty();
}

int32_t UserStreamHub::ctl_read(int32_t fd, Output &out) {
  int32_t r;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = ctls_.find(fd);
    if (it == ctls_.end() || it->second.pending.empty()) return -abi::kEAGAIN;
    r = out.write(it->second.pending.front().data(), 8);
    if (r < 0) return r;  // -ENOSPC: the event stays pending
    it->second.pending.pop_front();
  }
  notify();
  return r;
}

Json UserStreamHub::ctl_metrics(int32_t fd) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = ctls_.find(fd);
  Json v = Json::object();
  v["execution_id"] = execution_id_;
  v["max_pending"] = kMaxCtlPending;
  v["pending_len"] = it == ctls_.end() ? 0 : it->second.pending.size();
  return v;
}

void UserStreamHub::ctl_event_locked(uint32_t stream_id, uint32_t kind) {
  for (auto &[fd, q] : ctls_) {
    (void)fd;
    if (q.pending.size() >= kMaxCtlPending) q.pending.pop_front();
    q.pending.push_back(ctl_event(stream_id, kind));
  }
}

int32_t UserStreamHub::push(uint32_t stream_id, const uint8_t *frame, size_t n) {
  int32_t r = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Channel &c = channel_locked(stream_id);
    if (c.state != State::kConnected) c.state = State::kConnected;
    ctl_event_locked(stream_id, abi::UserStreamCtlEventKind::kSTREAM_CONNECTED);
    if (n > kMaxFrameBytes) {
      c.last_error = "frame_too_large";
      c.state = State::kError;
      r = -abi::kEINVAL;
    } else if (c.inbound_bytes + n > kMaxInboundBytes) {
      c.last_error = "inbound_queue_full";
      c.state = State::kError;
      r = -abi::kENOSPC;
    } else {
      c.inbound.emplace_back(reinterpret_cast<const char *>(frame), n);
      c.inbound_bytes += n;
    }
  }
  notify();
  return r;
}

std::vector<std::string> UserStreamHub::take(size_t max_bytes) {
  std::vector<std::string> out;
  size_t taken = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &[id, c] : channels_) {
      (void)id;
      while (!c.outbound.empty() && (out.empty() || taken + c.outbound.front().size() <= max_bytes)) {
        taken += c.outbound.front().size();
        c.outbound_bytes -= c.outbound.front().size();
        out.push_back(std::move(c.outbound.front()));
        c.outbound.pop_front();
      }
    }
  }
  if (!out.empty()) notify();
  return out;
}

void UserStreamHub::close_all() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &[id, c] : channels_) {
      (void)id;
      c.state = State::kClosed;
    }
    ctl_event_locked(0, abi::UserStreamCtlEventKind::kSESSION_CLOSED);
  }
  notify();
}

Json UserStreamFd::metrics() const {
  const char *dir = direction_ == abi::UserStreamDir::kINBOUND    ? "In"
                    : direction_ == abi::UserStreamDir::kOUTBOUND ? "Out"
                                                                  : "Bidi";
  return hub_->stream_metrics(stream_id_, dir);
}

void UserStreamFd::status_locked(Json &out) const { out["stream_id"] = stream_id_; }

}  // namespace hostwire::core

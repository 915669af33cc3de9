#include "core/transfer/metrics.hpp"

#include "cpp/hostwire_abi.hpp"

namespace hostwire::core::transfer {

namespace {

std::string quote(const std::string &s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      static const char hex[] = "0123456789abcdef";
      out += "\\u00";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

void LatencyHistogram::add(uint64_t us) {
  int b = 0;
  while (b < kBuckets - 1 && us > (UINT64_C(1) << b)) ++b;
  ++counts_[b];
  ++count_;
  sum_us_ += us;
}

std::string LatencyHistogram::json() const {
  std::string s = "{\"unit\":\"us\",\"count\":" + std::to_string(count_) + ",\"sum\":" + std::to_string(sum_us_) +
                  ",\"buckets\":[";
  for (int b = 0; b < kBuckets; ++b) {
    if (b) s += ',';
    const std::string le = b == kBuckets - 1 ? "\"+Inf\"" : std::to_string(UINT64_C(1) << b);
    s += "{\"le\":" + le + ",\"count\":" + std::to_string(counts_[b]) + "}";
  }
  return s + "]}";
}

std::shared_ptr<PeerStats> Metrics::peer(const std::string &name) {
  auto &p = peers_[name];
  if (!p) p = std::make_shared<PeerStats>();
  p->gone = false;  // its entry in gone_ no longer matches
  return p;
}

void Metrics::peer_gone(const std::string &name) {
  auto it = peers_.find(name);
  if (it == peers_.end()) return;
  it->second->gone = true;
  it->second->gone_seq = ++gone_seq_;
  gone_.emplace_back(name, gone_seq_);
  while (gone_.size() > kGonePeersKept) {
    const auto oldest = std::move(gone_.front());
    gone_.pop_front();
    auto jt = peers_.find(oldest.first);
    if (jt == peers_.end() || !jt->second->gone || jt->second->gone_seq != oldest.second) continue;  // came back
    const PeerStats &p = *jt->second;
    forgotten_.bytes_sent += p.bytes_sent;
    forgotten_.bytes_received += p.bytes_received;
    forgotten_.sends_completed += p.sends_completed;
    forgotten_.recvs_completed += p.recvs_completed;
    forgotten_.ops_failed += p.ops_failed;
    peers_.erase(jt);
  }
}

bool Metrics::recently_gone(const std::string &name) const {
  auto it = peers_.find(name);
  return it != peers_.end() && it->second->gone;
}

void Metrics::error(int32_t err) { ++errors_[err]; }

std::string Metrics::json() const {
  std::string s = "{\"peers\":{";
  bool first = true;
  uint64_t sent = forgotten_.bytes_sent, received = forgotten_.bytes_received, sends = forgotten_.sends_completed,
           recvs = forgotten_.recvs_completed, failed = forgotten_.ops_failed;
  for (const auto &kv : peers_) {
    const PeerStats &p = *kv.second;
    if (!first) s += ',';
    first = false;
    s += quote(kv.first) + ":{\"state\":" + quote(p.state) + ",\"channels\":" + std::to_string(p.channels) +
         ",\"congestion\":" + quote(p.congestion) + ",\"address\":" + quote(p.address) +
         ",\"announced\":" + quote(p.announced) +
         ",\"bytesSent\":" + std::to_string(p.bytes_sent) + ",\"bytesReceived\":" + std::to_string(p.bytes_received) +
         ",\"sendsCompleted\":" + std::to_string(p.sends_completed) +
         ",\"recvsCompleted\":" + std::to_string(p.recvs_completed) + ",\"opsFailed\":" + std::to_string(p.ops_failed) +
         ",\"framesSent\":" + std::to_string(p.frames_sent) + ",\"framesReceived\":" + std::to_string(p.frames_received) +
         ",\"oneSidedServed\":" + std::to_string(p.one_sided_served) +
         ",\"oneSidedRefused\":" + std::to_string(p.one_sided_refused) +
         ",\"notifsReceived\":" + std::to_string(p.notifs_received) +
         ",\"notifsDropped\":" + std::to_string(p.notifs_dropped) + "}";
    sent += p.bytes_sent;
    received += p.bytes_received;
    sends += p.sends_completed;
    recvs += p.recvs_completed;
    failed += p.ops_failed;
  }
  s += "},\"totals\":{\"bytesSent\":" + std::to_string(sent) + ",\"bytesReceived\":" + std::to_string(received) +
       ",\"sendsCompleted\":" + std::to_string(sends) + ",\"recvsCompleted\":" + std::to_string(recvs) +
       ",\"opsFailed\":" + std::to_string(failed) + "},\"errors\":{";
  first = true;
  for (const auto &kv : errors_) {
    if (!first) s += ',';
    first = false;
    const char *name = abi::errno_name(kv.first);
    s += quote(name ? name : std::to_string(kv.first)) + ":" + std::to_string(kv.second);
  }
  return s + "},\"acceptFailures\":" + std::to_string(accept_failures_) + ",\"latency\":" + latency_.json() + "}";
}

}  // namespace hostwire::core::transfer

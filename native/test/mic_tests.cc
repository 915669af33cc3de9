// mic_*: SPEAR's SET_PARAM fields and errnos, GET_STATUS JSON, the stub source's frames (silence
// or a looped pattern), the queue dropping the oldest frame, readiness, reads that never wait,
// and "device" without a capture device. Derived from SPEAR's src/spearlet/execution/host_api/
// mic/ (mod.rs, source_stub.rs, readiness.rs) and host_api/tests.rs (test_mic_*). Frames are
// made with produce_frame() (what the timer does each frame_ms) on sources whose frame_ms is
// far longer than a test, so no test depends on a clock; the timer itself is checked by
// waiting for EPOLLIN.
#include <string>
#include <vector>

#include "core/mic.hpp"
#include "core/ticker.hpp"
#include "core/util/base64.hpp"
#include "support.hpp"

using namespace hostwire;
using namespace hostwire::test;
using core::Json;

namespace {
constexpr int32_t SET = abi::MicCtlCmd::kSET_PARAM;
constexpr int32_t STATUS = abi::MicCtlCmd::kGET_STATUS;

int32_t set(core::GuestInstance &g, int32_t fd, const std::string &json) {
  return ctl_in([&](auto &&...a) { return g.mic_ctl(a...); }, fd, SET, json);
}

std::string status_text(core::GuestInstance &g, int32_t fd, size_t capacity = 4096) {
  GuestOut mem(capacity);
  const int32_t r = g.mic_ctl(fd, STATUS, mem.data(), 0, mem.out);
  if (r != 0) return "<" + std::to_string(r) + ">";
  return text(mem.out);
}

Json status(core::GuestInstance &g, int32_t fd) { return Json::parse(status_text(g, fd)); }

uint32_t mask(core::GuestInstance &g, int32_t fd) { return g.status_of(fd)["poll_mask"].get<uint32_t>(); }

/** Read one frame: its bytes, or "<rc>". */
std::string read(core::GuestInstance &g, int32_t fd, size_t capacity = 65536) {
  GuestOut mem(capacity);
  const int32_t r = g.mic_read(fd, mem.out);
  if (r != 0) return "<" + std::to_string(r) + ">";
  return text(mem.out);
}

std::string err(int32_t e) { return "<" + std::to_string(e) + ">"; }

core::MicSource &mic(core::GuestInstance &g, int32_t fd) { return *g.mic_source(fd); }

// Stub sources whose timer never fires during a test: frames come from produce_frame().
const std::string kManual = R"({"source":"stub","frame_ms":100000000,"sample_rate_hz":1})";  // 100000 samples

}  // namespace

TEST("mic GET_STATUS of a new source: SPEAR's JSON, keys sorted; no readiness; read -EAGAIN") {
  auto g = new_instance();
  const int32_t fd = g->mic_create();
  CHECK(fd >= abi::kFD_FIRST);
  CHECK(status_text(*g, fd) ==
        R"({"config":null,"dropped_frames":0,"generation":0,"last_error":null,"max_queue_bytes":524288,"queue_bytes":0,"running":false})");
  CHECK(mask(*g, fd) == 0);
  CHECK(read(*g, fd) == err(kEAGAIN));
  CHECK(status_text(*g, fd, 10) == err(-abi::kENOSPC));
}

TEST("mic SET_PARAM: defaults for missing or mistyped fields, SPEAR's integer casts, any JSON value accepted") {
  auto g = new_instance();
  const int32_t fd = g->mic_create();
  CHECK(set(*g, fd, R"({"source":"stub","frame_ms":100000000})") == 0);
  CHECK(status_text(*g, fd) ==
        R"({"config":{"channels":1,"format":"pcm16","frame_ms":100000000,"sample_rate_hz":24000},"dropped_frames":0,"generation":1,"last_error":null,"max_queue_bytes":524288,"queue_bytes":0,"running":true})");
  // floats, negatives and strings are not u64: defaults; 257 channels is 1 as u8, 2^32+5 Hz is 5 as u32
  CHECK(set(*g, fd, R"({"source":"stub","frame_ms":100000000,"sample_rate_hz":4294967301,"channels":257,"format":"f32","max_queue_bytes":7})") == 0);
  Json s = status(*g, fd);
  CHECK(s["config"] == Json::parse(R"({"channels":1,"format":"f32","frame_ms":100000000,"sample_rate_hz":5})"));
  CHECK(s["max_queue_bytes"] == 7 && s["generation"] == 2);
  CHECK(set(*g, fd, R"({"source":"stub","frame_ms":20.0,"sample_rate_hz":-1,"channels":"2","format":3})") == 0);
  s = status(*g, fd);
  CHECK(s["config"] == Json::parse(R"({"channels":1,"format":"pcm16","frame_ms":20,"sample_rate_hz":24000})"));
  CHECK(s["max_queue_bytes"] == 7);  // kept until set again
  CHECK(set(*g, fd, "[1,2]") == 0);   // not an object: all defaults, source "device" falling back to the stub
  s = status(*g, fd);
  CHECK(s["running"] == true && s["last_error"] == nullptr && s["generation"] == 4);
}

TEST("mic ctl errnos in SPEAR's order: fd, then command, then payload, then kind and closed") {
  auto g = new_instance();
  const int32_t fd = g->mic_create();
  CHECK(set(*g, 999, "{}") == kEBADF);
  CHECK(set(*g, fd, "") == kEINVAL);       // no payload
  CHECK(set(*g, fd, "{bad") == kEINVAL);   // malformed
  core::Output o(16);
  CHECK(g->mic_ctl(fd, 3, nullptr, 0, o) == kEINVAL && untouched(o));
  const int32_t other = g->rtasr_create();
  CHECK(set(*g, other, "{bad") == kEINVAL);
  CHECK(set(*g, other, "{}") == kEBADF);
  CHECK(status_text(*g, other) == err(kEBADF));
  core::Output o2(16);
  CHECK(g->mic_ctl(other, 9, nullptr, 0, o2) == kEINVAL);
  CHECK(read(*g, other) == err(kEBADF));
  CHECK(g->mic_close(fd) == 0);
  CHECK(g->mic_close(fd) == 0);  // a closed fd stays known
  CHECK(set(*g, fd, "{bad") == kEINVAL);
  CHECK(set(*g, fd, "{}") == kEBADF);
  CHECK(status_text(*g, fd) == err(kEBADF));
  CHECK(read(*g, fd) == err(kEBADF));
  CHECK(g->mic_close(12345) == kEBADF);
}

TEST("mic stub silence: frames of sample_rate_hz * frame_ms / 1000 * channels * 2 zero bytes") {
  auto g = new_instance();
  const int32_t fd = g->mic_create();
  CHECK(set(*g, fd, R"({"source":"stub","frame_ms":100000000,"sample_rate_hz":1,"channels":2})") == 0);
  CHECK(mask(*g, fd) == 0);
  CHECK(mic(*g, fd).produce_frame());
  CHECK(mask(*g, fd) == IN);
  CHECK(status(*g, fd)["queue_bytes"] == 400000);
  CHECK(read(*g, fd, 399999) == err(-abi::kENOSPC));  // nothing consumed
  CHECK(status(*g, fd)["queue_bytes"] == 400000);
  CHECK(read(*g, fd, 400000) == std::string(400000, '\0'));
  CHECK(mask(*g, fd) == 0);
  CHECK(read(*g, fd) == err(kEAGAIN));
  CHECK(set_nonblock(*g, fd) == 0);
  CHECK(read(*g, fd) == err(kEAGAIN));
}

TEST("mic stub pattern: looped from where the previous frame stopped (test_mic_stub_pcm16_base64_loops)") {
  auto g = new_instance();
  const int32_t fd = g->mic_create();
  // pattern 01 00 02 00 03 00 04 00; frames of 1000 Hz * 10 ms = 10 samples = 20 bytes
  CHECK(set(*g, fd, R"({"sample_rate_hz":1000,"channels":1,"format":"pcm16","frame_ms":10,"source":"stub","stub_pcm16_base64":"AQACAAMABAA="})") == 0);
  CHECK((wait_for(*g, fd, IN) & IN) == IN);  // the timer
  const std::string p = std::string("\1\0\2\0\3\0\4\0", 8);
  CHECK(read(*g, fd) == p + p + p.substr(0, 4));
  CHECK((wait_for(*g, fd, IN) & IN) == IN);
  CHECK(read(*g, fd) == p.substr(4) + p + p);
  CHECK(g->mic_close(fd) == 0);
}

TEST("mic stub pattern: kept by later SET_PARAMs (restarting at its start); -EINVAL for bad base64 after the reset") {
  auto g = new_instance();
  const int32_t fd = g->mic_create();
  CHECK(set(*g, fd, R"({"source":"stub","frame_ms":100000000,"sample_rate_hz":0,"stub_pcm16_base64":" AQID\n"})") == 0);
  CHECK(set(*g, fd, R"({"source":"stub","frame_ms":1000,"sample_rate_hz":1,"max_queue_bytes":100})") == 0);  // 2-byte frames
  // (the timer may add frames: only the first two are looked at)
  CHECK(mic(*g, fd).produce_frame());
  CHECK(mic(*g, fd).produce_frame());
  CHECK(read(*g, fd) == std::string("\1\2", 2));
  CHECK(read(*g, fd) == std::string("\3\1", 2));
  CHECK(set(*g, fd, R"({"source":"stub","frame_ms":100000000,"sample_rate_hz":1,"stub_pcm16_base64":"AQI"})") == kEINVAL);
  Json s = status(*g, fd);
  CHECK(s["running"] == false && s["generation"] == 3 && s["queue_bytes"] == 0);
  CHECK(s["config"]["frame_ms"] == 100000000);
  CHECK(!mic(*g, fd).produce_frame());  // stopped
  for (const char *bad : {"AQI=x", "AQ=I", "AQ I=", "AR==", "AQJ=", "A", "@@@@"}) {
    CHECK(set(*g, fd, std::string(R"({"source":"stub","stub_pcm16_base64":")") + bad + "\"}") == kEINVAL);
  }
  CHECK(set(*g, fd, R"({"source":"stub","frame_ms":100000000,"sample_rate_hz":1,"max_queue_bytes":524288,"stub_pcm16_base64":""})") == 0);  // empty: silence
  CHECK(mic(*g, fd).produce_frame());
  CHECK(read(*g, fd, 200000) == std::string(200000, '\0'));
}

TEST("mic bad pattern leaves SPEAR's stale readiness: EPOLLIN until the next read recomputes it") {
  auto g = new_instance();
  const int32_t fd = g->mic_create();
  CHECK(set(*g, fd, kManual) == 0);
  CHECK(mic(*g, fd).produce_frame());
  CHECK(mask(*g, fd) == IN);
  CHECK(set(*g, fd, R"({"source":"stub","stub_pcm16_base64":"!"})") == kEINVAL);
  CHECK(status(*g, fd)["queue_bytes"] == 0);
  CHECK(mask(*g, fd) == IN);
  CHECK(read(*g, fd) == err(kEAGAIN));
  CHECK(mask(*g, fd) == 0);
}

TEST("mic queue: bounded by max_queue_bytes, the oldest frames dropped and counted") {
  auto g = new_instance();
  const int32_t fd = g->mic_create();
  // 1 Hz * 100000 s = 100000 samples = 200000 bytes a frame; pattern 00..09 so frames differ
  CHECK(set(*g, fd, R"({"source":"stub","frame_ms":100000000,"sample_rate_hz":1,"max_queue_bytes":450000,"stub_pcm16_base64":"AAECAwQFBgcICQ=="})") == 0);
  for (int i = 0; i < 5; ++i) CHECK(mic(*g, fd).produce_frame());
  Json s = status(*g, fd);
  CHECK(s["dropped_frames"] == 3 && s["queue_bytes"] == 400000);
  // frames start at offsets 0, 0, ... (200000 % 10 == 0): check the two kept are whole frames
  const std::string a = read(*g, fd, 200000);
  CHECK(a.size() == 200000 && a[0] == 0 && a[199999] == 9);
  CHECK(read(*g, fd, 200000).size() == 200000);
  CHECK(read(*g, fd) == err(kEAGAIN));
  // a frame larger than the cap never stays: everything queued and the frame are dropped
  CHECK(set(*g, fd, R"({"source":"stub","frame_ms":100000000,"sample_rate_hz":1,"max_queue_bytes":199999})") == 0);
  CHECK(mic(*g, fd).produce_frame());
  s = status(*g, fd);
  CHECK(s["dropped_frames"] == 4 && s["queue_bytes"] == 0);
  CHECK(mask(*g, fd) == 0);
}

TEST("mic queue: the oldest frame is the one dropped; the pattern goes on across drops; empty frames") {
  auto g = new_instance();
  const int32_t fd = g->mic_create();
  // 0 Hz: frames of 0 samples, queued all the same (EPOLLIN) and read as 0 bytes
  CHECK(set(*g, fd, R"({"source":"stub","frame_ms":100000000,"sample_rate_hz":0,"stub_pcm16_base64":"AQID"})") == 0);
  CHECK(mic(*g, fd).produce_frame());
  CHECK(mask(*g, fd) == IN);
  GuestOut mem(16);
  CHECK(empty_result(g->mic_read(fd, mem.out), mem.out));
  // 1 Hz * 10 s: 20-byte frames of the 3-byte pattern 01 02 03, two fit in 40 bytes. Frame k
  // starts at pattern offset 20k % 3: 0, 2, 1. (The timer's first frame is 10 s away; one
  // from it would only shift which frame comes first, not the order.)
  CHECK(set(*g, fd, R"({"source":"stub","frame_ms":10000,"sample_rate_hz":1,"max_queue_bytes":40})") == 0);
  CHECK(mic(*g, fd).produce_frame());
  CHECK(mic(*g, fd).produce_frame());
  CHECK(mic(*g, fd).produce_frame());  // drops the first
  CHECK(status(*g, fd)["dropped_frames"] == 1);
  const std::string f1 = read(*g, fd), f2 = read(*g, fd);
  CHECK(f1.size() == 20 && f1.substr(0, 4) == "\3\1\2\3");
  CHECK(f2.size() == 20 && f2.substr(0, 4) == "\2\3\1\2");
}

TEST("mic source \"device\" on a host without a capture device: stub fallback by default, else -EIO and EPOLLERR") {
  auto g = new_instance();
  const int32_t fd = g->mic_create();
  CHECK(set(*g, fd, R"({"source":"device","frame_ms":100000000,"sample_rate_hz":1})") == 0);  // fallback.to_stub defaults to true
  CHECK(mic(*g, fd).produce_frame());
  CHECK(read(*g, fd, 200000) == std::string(200000, '\0'));
  CHECK(set(*g, fd, R"({"source":"device","fallback":{"to_stub":"no"},"frame_ms":100000000})") == 0);  // not a bool: true
  const int32_t ep = g->spear_epoll_create();
  CHECK(g->spear_epoll_ctl(ep, abi::EpollOp::kADD, fd, IN | ERR | HUP) == 0);
  CHECK(set(*g, fd,
            R"({"sample_rate_hz":24000,"channels":1,"format":"pcm16","frame_ms":20,"source":"device","fallback":{"to_stub":false}})") ==
        kEIO);
  CHECK(status_text(*g, fd) ==
        R"J({"config":{"channels":1,"format":"pcm16","frame_ms":20,"sample_rate_hz":24000},"dropped_frames":0,"generation":4,"last_error":"device mic not enabled (build without feature mic-device)","max_queue_bytes":524288,"queue_bytes":0,"running":false})J");
  CHECK(mask(*g, fd) == ERR);
  Records recs;
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.size() == 1 && recs[0].second == ERR);
  CHECK(!mic(*g, fd).produce_frame());
  // a later SET_PARAM clears the error
  CHECK(set(*g, fd, kManual) == 0);
  CHECK(mask(*g, fd) == 0 && status(*g, fd)["last_error"] == nullptr);
}

TEST("mic close: watchers see EPOLLHUP (test_mic_read_epollin_and_close_hup); the timer stops; GET_STATUS of fd_ctl says closed") {
  auto g = new_instance();
  const int32_t ep = g->spear_epoll_create();
  const int32_t fd = g->mic_create();
  CHECK(g->spear_epoll_ctl(ep, abi::EpollOp::kADD, fd, IN | HUP | ERR) == 0);
  CHECK(set(*g, fd, R"({"sample_rate_hz":24000,"channels":1,"format":"pcm16","frame_ms":20,"source":"stub"})") == 0);
  Records recs;
  CHECK(wait(*g, ep, 64, -1, recs) == 0 && recs.size() == 1 && (recs[0].second & IN) == IN);
  CHECK(read(*g, fd).size() == 960);
  CHECK(g->mic_close(fd) == 0);
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.size() == 1 && (recs[0].second & HUP) == HUP);
  const Json st = fd_ctl_json(*g, fd, abi::FdCtlCmd::kGET_STATUS);
  CHECK(st["closed"] == true && st["kind"] == "Mic");
  CHECK(g->open_fds() == 1);
}

TEST("mic: GET_METRICS of fd_ctl is {} (SPEAR has none for a mic); a released instance stops its sources' timers") {
  auto g = new_instance();
  const int32_t fd = g->mic_create();
  CHECK(fd_ctl_json(*g, fd, abi::FdCtlCmd::kGET_METRICS) == Json::object());
  CHECK(set(*g, fd, R"({"source":"stub","frame_ms":1})") == 0);
  CHECK(g->release() == 0);
}

TEST("base64 as SPEAR's STANDARD engine after trim: padding required and canonical, no stray bytes") {
  CHECK(core::base64_decode_trimmed("") == std::string());
  CHECK(core::base64_decode_trimmed("Zm9v") == std::string("foo"));
  CHECK(core::base64_decode_trimmed("Zm8=") == std::string("fo"));
  CHECK(core::base64_decode_trimmed("Zg==") == std::string("f"));
  CHECK(core::base64_decode_trimmed(" \t\r\nZg==\n") == std::string("f"));
  CHECK(core::base64_decode_trimmed("\xc2\xa0Zg==\xe3\x80\x80") == std::string("f"));  // U+00A0, U+3000
  CHECK(core::base64_decode_trimmed("\xc2\x85") == std::string());                    // U+0085 alone: trimmed to nothing
  CHECK(core::base64_decode_trimmed("+/+/") == std::string("\xfb\xff\xbf"));
  for (const char *bad : {"Zg", "Zg=", "Zh==", "Zm9=", "Zm 9v", "Zg==Zg==", "====", "Z===", "Zm9v-_", "\xc2\x80"}) {
    CHECK_MSG(!core::base64_decode_trimmed(bad), bad);
  }
}

TEST("Ticker: runs until stopped, starts again after stop, never after shutdown") {
  core::Ticker t;
  std::mutex mu;
  std::condition_variable cv;
  int n = 0;
  const auto tick = [&] {
    std::lock_guard<std::mutex> lock(mu);
    ++n;
    cv.notify_all();
    return n < 3;  // false: it ends by itself
  };
  CHECK(t.start(std::chrono::milliseconds(1), tick));
  CHECK(!t.start(std::chrono::milliseconds(1), tick));  // already running
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return n == 3; });
  }
  t.stop();
  CHECK(t.start(std::chrono::milliseconds(1), tick));
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return n == 4; });
  }
  t.shutdown();
  CHECK(!t.start(std::chrono::milliseconds(1), tick));
}

// rtasr_*: the state machine, the stub transport's events, backpressure, drop-oldest.
#include <atomic>
#include <string>
#include <vector>

#include "core/rtasr_stub.hpp"
#include "support.hpp"

using namespace hostwire;
using namespace hostwire::test;
using core::Json;

namespace {
constexpr int32_t kEINVAL = -abi::kEINVAL;
constexpr int32_t kENOTCONN = -abi::kENOTCONN;
constexpr int32_t kEPIPE = -abi::kEPIPE;
constexpr uint32_t IN = abi::EpollEvents::kIN;
constexpr uint32_t OUT = abi::EpollEvents::kOUT;
constexpr uint32_t ERR = abi::EpollEvents::kERR;
constexpr uint32_t HUP = abi::EpollEvents::kHUP;

int32_t ctl(core::GuestInstance &g, int32_t fd, int32_t cmd, const std::string &arg = std::string()) {
  return ctl_in([&](auto &&...a) { return g.rtasr_ctl(a...); }, fd, cmd, arg);
}

int32_t set(core::GuestInstance &g, int32_t fd, const std::string &json) {
  return ctl(g, fd, abi::RtasrCtlCmd::kSET_PARAM, json);
}

Json status(core::GuestInstance &g, int32_t fd) {
  core::Output out(4096);
  if (g.rtasr_ctl(fd, abi::RtasrCtlCmd::kGET_STATUS, nullptr, 0, out) != 0) return nullptr;
  return json_of(out);
}

std::string state(core::GuestInstance &g, int32_t fd) {
  Json s = status(g, fd);
  return s.is_object() ? s["state"].get<std::string>() : "<error>";
}

uint32_t mask(core::GuestInstance &g, int32_t fd) {
  return g.status_of(fd)["poll_mask"].get<uint32_t>();
}

int32_t write(core::GuestInstance &g, int32_t fd, const std::vector<uint8_t> &bytes) {
  return g.rtasr_write(fd, bytes.data(), bytes.size());
}

/**
 * Read one event into `capacity` bytes of guest memory: its text, "" at the end of the stream
 * (an empty result), or "<rc>" for any other result ("<rc written>" if that wrote an output).
 */
std::string read(core::GuestInstance &g, int32_t fd, size_t capacity = 4096) {
  GuestOut mem(capacity);
  const int32_t r = g.rtasr_read(fd, mem.out);
  if (r != 0) return "<" + std::to_string(r) + (mem.out.written() ? " written>" : ">");
  return text(mem.out);
}

std::vector<uint8_t> frame(uint8_t fill, size_t n = 3200) { return std::vector<uint8_t>(n, fill); }

std::string delta(const char *word) { return std::string(R"({"type":"transcription.delta","delta":")") + word + "\"}"; }
std::string completed(const char *transcript) {
  return std::string(R"({"type":"transcription.completed","transcript":")") + transcript + "\"}";
}

/** A stream of `g`, CONNECTED. */
int32_t connected(core::GuestInstance &g, const std::vector<std::string> &params = {}) {
  const int32_t fd = g.rtasr_create();
  for (const std::string &p : params) CHECK_MSG(set(g, fd, p) == 0, "SET_PARAM " + p);
  CHECK(ctl(g, fd, abi::RtasrCtlCmd::kCONNECT) == 0);
  return fd;
}
}  // namespace

TEST("rtasr stub: the word of a frame is the top 4 bits of its FNV-1a hash") {
  using core::StubTranscriber;
  const auto z = frame(0), one = frame(1), two = frame(2), three = frame(3), four = frame(4), z100 = frame(0, 100);
  CHECK(StubTranscriber::fnv1a32(z.data(), z.size()) == 0x2873a7c5u);
  CHECK(std::string(StubTranscriber::word_for(z.data(), z.size())) == "charlie");
  CHECK(std::string(StubTranscriber::word_for(one.data(), one.size())) == "hotel");
  CHECK(std::string(StubTranscriber::word_for(two.data(), two.size())) == "juliett");
  CHECK(std::string(StubTranscriber::word_for(three.data(), three.size())) == "bravo");
  CHECK(std::string(StubTranscriber::word_for(four.data(), four.size())) == "golf");
  CHECK(std::string(StubTranscriber::word_for(z100.data(), z100.size())) == "oscar");
  CHECK(StubTranscriber::fnv1a32(nullptr, 0) == 2166136261u);
}

TEST("rtasr: INIT -> CONFIGURED -> CONNECTED -> DRAINING -> CLOSED, with the stub's events in order") {
  auto g = new_instance();
  const int32_t fd = g->rtasr_create();
  CHECK(state(*g, fd) == "INIT");
  CHECK(write(*g, fd, frame(0)) == kENOTCONN);
  CHECK(read(*g, fd) == "<" + std::to_string(kENOTCONN) + ">");
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kFLUSH) == kENOTCONN);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kCLEAR) == kENOTCONN);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kSEND_EVENT, R"({"type":"session.update"})") == kENOTCONN);
  CHECK(mask(*g, fd) == 0);
  CHECK(set(*g, fd, R"({"key":"transport","value":"stub"})") == 0);
  CHECK(set(*g, fd, R"({"key":"sample_rate","value":16000})") == 0);
  CHECK(state(*g, fd) == "CONFIGURED");
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kCONNECT) == 0);
  CHECK(state(*g, fd) == "CONNECTED");
  CHECK(mask(*g, fd) == OUT);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kCONNECT) == kEINVAL);
  CHECK(write(*g, fd, frame(0)) == 3200);
  CHECK(write(*g, fd, frame(1, 1000)) == 1000);
  CHECK(write(*g, fd, frame(1, 2200)) == 2200);  // completes the second frame
  CHECK(write(*g, fd, frame(0, 100)) == 100);    // a partial frame waits
  CHECK(mask(*g, fd) == (IN | OUT));
  Json st = status(*g, fd);
  CHECK(st["send_queue_bytes"] == 100 && st["recv_queue_events"] == 2);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kFLUSH) == 0);
  CHECK(state(*g, fd) == "DRAINING");
  CHECK(mask(*g, fd) == IN);  // no more audio: not writable
  CHECK(write(*g, fd, frame(0)) == kEPIPE);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kFLUSH) == kEINVAL);
  CHECK(read(*g, fd) == delta("charlie"));
  CHECK(read(*g, fd) == delta("hotel"));
  CHECK(read(*g, fd) == delta("oscar"));  // the trailing 100 bytes
  CHECK(state(*g, fd) == "DRAINING");
  CHECK(read(*g, fd) == completed("charlie hotel oscar"));
  CHECK(state(*g, fd) == "CLOSED");
  CHECK(mask(*g, fd) == HUP);
  CHECK(read(*g, fd).empty());  // end of stream
  CHECK(read(*g, fd).empty());
  CHECK(write(*g, fd, frame(0)) == kEPIPE);
  CHECK(fd_ctl_json(*g, fd, abi::FdCtlCmd::kGET_METRICS) ==
        Json::parse(R"({"bytes_written":6500,"bytes_consumed":6500,"frames":3,"events_produced":4,"events_read":4,
                        "dropped_events":0,"commits":1,"cleared_bytes":0,"client_events":0})"));
  CHECK(g->rtasr_close(fd) == 0);
}

TEST("rtasr GET_STATUS of a new stream") {
  auto g = new_instance();
  const int32_t fd = g->rtasr_create();
  CHECK(status(*g, fd) ==
        Json::parse(R"({"fd":1000,"kind":"RtAsr","flags":[],"poll_mask":0,"closed":false,"state":"INIT","transport":"stub",
                        "sample_rate":16000,"send_queue_bytes":0,"send_queue_capacity":65536,"recv_queue_events":0,
                        "recv_queue_capacity":256,"dropped_events":0,"stub_paused":false,"autoflush":{"strategy":"none"},
                        "error":null,"params":{}})"));
  // spear_fd_ctl GET_STATUS is the generic form of every fd (SPEAR's hostcall/fd_table.rs).
  CHECK(fd_ctl_json(*g, fd, abi::FdCtlCmd::kGET_STATUS) == Json::parse(R"({"closed":false,"flags":[],"kind":"RtAsr","poll_mask":[]})"));
}

TEST("rtasr SET_PARAM: connection keys before CONNECT only, checked by type; unknown keys kept") {
  auto g = new_instance();
  const int32_t fd = g->rtasr_create();
  for (const char *bad : {R"({"key":"transport","value":"websocket"})", R"({"key":"sample_rate","value":7999})",
                          R"({"key":"sample_rate","value":"16000"})", R"({"key":"send_queue_bytes","value":0})",
                          R"({"key":"recv_queue_events","value":65537})", R"({"key":"stub_paused","value":1})",
                          R"({"key":"model","value":""})", R"({"key":"stub_error","value":null})", R"({"key":"x"})", "{"}) {
    CHECK_MSG(set(*g, fd, bad) == kEINVAL, std::string("SET_PARAM ") + bad);
  }
  CHECK(state(*g, fd) == "INIT");  // nothing was set
  CHECK(set(*g, fd, R"({"key":"language","value":"en"})") == 0);
  CHECK(set(*g, fd, R"({"key":"vad","value":{"threshold":0.5}})") == 0);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kCONNECT) == 0);
  CHECK(set(*g, fd, R"({"key":"sample_rate","value":16000})") == kEINVAL);
  CHECK(set(*g, fd, R"({"key":"language","value":"de"})") == kEINVAL);
  CHECK(set(*g, fd, R"({"key":"stub_paused","value":true})") == 0);  // runtime keys go on
  CHECK(set(*g, fd, R"({"key":"other","value":1})") == 0);
  CHECK(status(*g, fd)["params"] ==
        Json::parse(R"({"language":"en","vad":{"threshold":0.5},"stub_paused":true,"other":1})"));
  CHECK(ctl(*g, fd, 0) == kEINVAL);
  CHECK(ctl(*g, fd, 9) == kEINVAL);
  CHECK(ctl(*g, 4242, abi::RtasrCtlCmd::kCONNECT) == -abi::kEBADF);
  CHECK(ctl(*g, g->cchat_create(), abi::RtasrCtlCmd::kCONNECT) == -abi::kEBADF);
}

TEST("rtasr backpressure: a full send queue is -EAGAIN (O_NONBLOCK), partial writes, OUT comes back") {
  auto g = new_instance();
  const int32_t fd = connected(*g, {R"({"key":"send_queue_bytes","value":6400})"});
  CHECK(set_nonblock(*g, fd) == 0);
  CHECK(set(*g, fd, R"({"key":"stub_paused","value":true})") == 0);
  CHECK(write(*g, fd, frame(2, 4000)) == 4000);
  CHECK(write(*g, fd, frame(2, 4000)) == 2400);  // what fits
  CHECK(write(*g, fd, frame(2, 1)) == -abi::kEAGAIN);
  CHECK(mask(*g, fd) == 0);  // neither readable nor writable
  Json st = status(*g, fd);
  CHECK(st["send_queue_bytes"] == 6400 && st["send_queue_capacity"] == 6400 && st["stub_paused"] == true);
  CHECK(read(*g, fd) == "<" + std::to_string(-abi::kEAGAIN) + ">");
  CHECK(set(*g, fd, R"({"key":"stub_paused","value":false})") == 0);  // the stub consumes both frames
  CHECK(mask(*g, fd) == (IN | OUT));
  CHECK(status(*g, fd)["send_queue_bytes"] == 0);
  CHECK(read(*g, fd) == delta("juliett"));
  CHECK(read(*g, fd) == delta("juliett"));
  CHECK(write(*g, fd, {}) == 0);
}

TEST("rtasr backpressure (threads): a blocking write waits for room and returns the whole count") {
  auto g = new_instance();
  const int32_t fd = connected(*g, {R"({"key":"send_queue_bytes","value":3200})", R"({"key":"stub_paused","value":true})"});
  CHECK(write(*g, fd, frame(0)) == 3200);  // the queue is full
  int32_t rc = 0;
  std::atomic<bool> started{false};
  Joined writer([&] {
    started = true;
    rc = write(*g, fd, frame(1, 6400));  // two more frames: needs two rounds of room
  });
  while (!started) sleep_for_ms(1);
  sleep_for_ms(20);
  CHECK(rc == 0);  // still blocked
  CHECK(set(*g, fd, R"({"key":"stub_paused","value":false})") == 0);
  writer.join();
  CHECK(rc == 6400);
  CHECK(read(*g, fd) == delta("charlie"));
  CHECK(read(*g, fd) == delta("hotel"));
  CHECK(read(*g, fd) == delta("hotel"));
}

TEST("rtasr (threads): a blocked write interrupted after part of the bytes returns that count") {
  auto g = new_instance();
  const int32_t fd = connected(*g, {R"({"key":"send_queue_bytes","value":4000})", R"({"key":"stub_paused","value":true})"});
  int32_t rc = 0;
  Joined writer([&] { rc = write(*g, fd, frame(0, 5000)); });
  sleep_for_ms(20);
  CHECK(g->post_callback(3, "{}") == 0);
  writer.join();
  CHECK(rc == 4000);  // not CALLBACK_PENDING: the worker must not write these bytes again
  CHECK(write(*g, fd, frame(0, 1)) == core::kCallbackPending);  // nothing written yet: pending
  CHECK(g->take_callbacks().size() == 1);
  int32_t rc2 = 0;
  Joined writer2([&] { rc2 = write(*g, fd, frame(0, 1)); });
  sleep_for_ms(20);
  CHECK(g->abort() == 0);
  writer2.join();
  CHECK(rc2 == core::kAborted);
}

TEST("rtasr: the receive queue drops its oldest event when full and counts it") {
  auto g = new_instance();
  const int32_t fd = connected(*g, {R"({"key":"recv_queue_events","value":2})"});
  std::vector<uint8_t> audio;
  for (uint8_t fill : {0, 1, 2, 3}) {
    const auto f = frame(fill);
    audio.insert(audio.end(), f.begin(), f.end());
  }
  CHECK(write(*g, fd, audio) == 12800);
  Json st = status(*g, fd);
  CHECK(st["recv_queue_events"] == 2 && st["recv_queue_capacity"] == 2 && st["dropped_events"] == 2);
  CHECK(read(*g, fd) == delta("juliett"));
  CHECK(read(*g, fd) == delta("bravo"));
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kFLUSH) == 0);
  CHECK(read(*g, fd) == completed("charlie hotel juliett bravo"));  // the transcript keeps every word
  CHECK(read(*g, fd).empty());
  CHECK(fd_ctl_json(*g, fd, abi::FdCtlCmd::kGET_METRICS)["dropped_events"] == 2);
}

TEST("rtasr read: -ENOSPC with the event's length consumes nothing; O_NONBLOCK with nothing queued is -EAGAIN") {
  auto g = new_instance();
  const int32_t fd = connected(*g);
  CHECK(set_nonblock(*g, fd) == 0);
  core::Output none(4096);
  CHECK(g->rtasr_read(fd, none) == -abi::kEAGAIN && untouched(none));
  CHECK(write(*g, fd, frame(4)) == 3200);
  core::Output out(5);
  CHECK(needs(g->rtasr_read(fd, out), out, delta("golf").size()));  // longer than 5
  GuestOut short_by_one(delta("golf").size() - 1);
  CHECK(needs(g->rtasr_read(fd, short_by_one.out), short_by_one.out, delta("golf").size()));
  CHECK(short_by_one.intact());  // nothing written into the guest's buffer
  CHECK(status(*g, fd)["recv_queue_events"] == 1);
  CHECK(read(*g, fd, delta("golf").size()) == delta("golf"));
  CHECK(status(*g, fd)["recv_queue_events"] == 0);
}

TEST("rtasr autoflush: an interval commits every N ms of audio; GET_AUTOFLUSH reports it") {
  auto g = new_instance();
  const int32_t fd = g->rtasr_create();
  core::Output out(64);
  CHECK(g->rtasr_ctl(fd, abi::RtasrCtlCmd::kGET_AUTOFLUSH, nullptr, 0, out) == 0);
  CHECK(text(out) == R"({"strategy":"none"})");
  core::Output small(18);
  CHECK(needs(g->rtasr_ctl(fd, abi::RtasrCtlCmd::kGET_AUTOFLUSH, nullptr, 0, small), small, 19));
  for (const char *bad : {R"({"strategy":"vad"})", R"({"strategy":"interval"})", R"({"strategy":"interval","interval_ms":99})",
                          R"({"interval_ms":200})", R"({"strategy":1})", "[]"}) {
    CHECK_MSG(ctl(*g, fd, abi::RtasrCtlCmd::kSET_AUTOFLUSH, bad) == kEINVAL, std::string("SET_AUTOFLUSH ") + bad);
  }
  CHECK(state(*g, fd) == "INIT");
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kSET_AUTOFLUSH, R"({"strategy":"interval","interval_ms":200})") == 0);
  CHECK(state(*g, fd) == "CONFIGURED");
  core::Output af(64);
  CHECK(g->rtasr_ctl(fd, abi::RtasrCtlCmd::kGET_AUTOFLUSH, nullptr, 0, af) == 0);
  CHECK(text(af) == R"({"strategy":"interval","interval_ms":200})");
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kCONNECT) == 0);
  std::vector<uint8_t> audio = frame(0);
  for (uint8_t fill : {1, 2}) {
    const auto f = frame(fill);
    audio.insert(audio.end(), f.begin(), f.end());
  }
  CHECK(write(*g, fd, audio) == 9600);  // 300 ms: one automatic commit after 200 ms
  CHECK(read(*g, fd) == delta("charlie"));
  CHECK(read(*g, fd) == delta("hotel"));
  CHECK(read(*g, fd) == completed("charlie hotel"));
  CHECK(read(*g, fd) == delta("juliett"));
  CHECK(state(*g, fd) == "CONNECTED");  // an automatic commit does not end the stream
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kFLUSH) == 0);
  CHECK(read(*g, fd) == completed("juliett"));
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kSET_AUTOFLUSH, R"({"strategy":"none"})") == kEINVAL);  // after FLUSH
}

TEST("rtasr CLEAR drops the queued audio and the words not yet committed; SEND_EVENT takes client events") {
  auto g = new_instance();
  const int32_t fd = connected(*g);
  CHECK(write(*g, fd, frame(0)) == 3200);
  CHECK(set(*g, fd, R"({"key":"stub_paused","value":true})") == 0);
  CHECK(write(*g, fd, frame(1, 5000)) == 5000);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kCLEAR) == 0);
  CHECK(status(*g, fd)["send_queue_bytes"] == 0);
  CHECK(set(*g, fd, R"({"key":"stub_paused","value":false})") == 0);
  CHECK(write(*g, fd, frame(2)) == 3200);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kSEND_EVENT, R"({"type":"input_audio_buffer.commit"})") == 0);
  for (const char *bad : {"", "{}", R"({"type":""})", R"({"type":5})", "[1]"}) {
    CHECK_MSG(ctl(*g, fd, abi::RtasrCtlCmd::kSEND_EVENT, bad) == kEINVAL, std::string("SEND_EVENT ") + bad);
  }
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kFLUSH) == 0);
  CHECK(read(*g, fd) == delta("charlie"));  // delivered before the CLEAR: events are not taken back
  CHECK(read(*g, fd) == delta("juliett"));
  CHECK(read(*g, fd) == completed("juliett"));
  Json m = fd_ctl_json(*g, fd, abi::FdCtlCmd::kGET_METRICS);
  CHECK(m["cleared_bytes"] == 5000 && m["client_events"] == 1 && m["bytes_written"] == 11400);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kCLEAR) == kEINVAL);  // CLOSED
}

TEST("rtasr ERROR: the error event, then -EIO; EPOLLERR; writes -EPIPE") {
  auto g = new_instance();
  const int32_t fd = connected(*g);
  CHECK(write(*g, fd, frame(0)) == 3200);
  CHECK(set(*g, fd, R"({"key":"stub_error","value":"connection lost"})") == 0);
  CHECK(state(*g, fd) == "ERROR");
  CHECK(mask(*g, fd) == (IN | ERR));
  CHECK(status(*g, fd)["error"] == "connection lost");
  CHECK(write(*g, fd, frame(0)) == kEPIPE);
  CHECK(read(*g, fd) == delta("charlie"));
  CHECK(read(*g, fd) == R"({"type":"error","error":{"message":"connection lost"}})");
  CHECK(read(*g, fd) == "<" + std::to_string(-abi::kEIO) + ">");
  CHECK(mask(*g, fd) == ERR);
  CHECK(set(*g, fd, R"({"key":"stub_error","value":"again"})") == kEINVAL);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kSEND_EVENT, R"({"type":"x"})") == kENOTCONN);
}

TEST("rtasr (threads): a blocked read returns an event written later, and 0 once the host closes the stream") {
  auto g = new_instance();
  const int32_t fd = connected(*g, {R"({"key":"stub_paused","value":true})"});
  CHECK(write(*g, fd, frame(3)) == 3200);
  std::string got;
  Joined reader([&] { got = read(*g, fd); });
  sleep_for_ms(20);
  CHECK(set(*g, fd, R"({"key":"stub_paused","value":false})") == 0);
  reader.join();
  CHECK(got == delta("bravo"));

  Joined reader2([&] { got = read(*g, fd); });
  sleep_for_ms(20);
  CHECK(g->host_close(fd) == 0);
  reader2.join();
  CHECK(got.empty());  // end of stream
  CHECK(state(*g, fd) == "CLOSED");
  CHECK(mask(*g, fd) == HUP);
  CHECK(write(*g, fd, frame(0)) == kEPIPE);
}

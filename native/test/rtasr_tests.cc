// rtasr_*: SPEAR's state machine, byte-capped queues, every ctl, autoflush shapes, the stub
// transport's timer-driven events, and the external transport's side (take_outgoing,
// push_event, transport_error). Derived from SPEAR's src/spearlet/execution/host_api/tests.rs
// (test_rtasr_*) and host_api/rtasr.rs.
#include <string>
#include <vector>

#include "core/rtasr.hpp"
#include "support.hpp"

using namespace hostwire;
using namespace hostwire::test;
using core::Json;

namespace {

const std::string kCommit = R"({"type":"input_audio_buffer.commit"})";
const std::string kClear = R"({"type":"input_audio_buffer.clear"})";

int32_t ctl(core::GuestInstance &g, int32_t fd, int32_t cmd, const std::string &arg = std::string()) {
  return ctl_in([&](auto &&...a) { return g.rtasr_ctl(a...); }, fd, cmd, arg);
}

int32_t set(core::GuestInstance &g, int32_t fd, const std::string &json) { return ctl(g, fd, abi::RtasrCtlCmd::kSET_PARAM, json); }

/** An output command's text (GET_STATUS, GET_AUTOFLUSH), or "<rc>". */
std::string out_text(core::GuestInstance &g, int32_t fd, int32_t cmd, size_t capacity = 4096) {
  GuestOut mem(capacity);
  const int32_t r = g.rtasr_ctl(fd, cmd, mem.data(), 0, mem.out);
  if (r != 0) return "<" + std::to_string(r) + ">";
  return text(mem.out);
}

Json status(core::GuestInstance &g, int32_t fd) { return Json::parse(out_text(g, fd, abi::RtasrCtlCmd::kGET_STATUS)); }

uint32_t mask(core::GuestInstance &g, int32_t fd) {
  return g.status_of(fd)["poll_mask"].get<uint32_t>();
}

int32_t write(core::GuestInstance &g, int32_t fd, size_t n, uint8_t fill = 1) {
  std::vector<uint8_t> bytes(n, fill);
  return g.rtasr_write(fd, bytes.data(), bytes.size());
}

/** Read one event: its text, or "<rc>". */
std::string read(core::GuestInstance &g, int32_t fd, size_t capacity = 4096) {
  GuestOut mem(capacity);
  const int32_t r = g.rtasr_read(fd, mem.out);
  if (r != 0) return "<" + std::to_string(r) + ">";
  return text(mem.out);
}

/** The send queue as the transport takes it: "A:<n>" for n audio bytes, the text of a client event. */
std::vector<std::string> outgoing(core::GuestInstance &g, int32_t fd) {
  std::vector<std::string> items;
  for (const core::RtAsrOutgoing &it : g.rtasr_stream(fd)->take_outgoing(1000)) {
    items.push_back(it.audio ? "A:" + std::to_string(it.bytes.size()) : it.bytes);
  }
  return items;
}

std::string stub_event(uint64_t seq, size_t text_len, const char *type = "transcription.delta") {
  return R"({"seq":)" + std::to_string(seq) + R"(,"text":")" + std::string(text_len, 'a') + R"(","type":")" + type + "\"}";
}

}  // namespace

TEST("rtasr GET_STATUS and GET_AUTOFLUSH of a new stream: SPEAR's JSON, keys sorted (test_rtasr_default_segmentation_is_server_vad)") {
  auto g = new_instance();
  const int32_t fd = g->rtasr_create();
  CHECK(out_text(*g, fd, abi::RtasrCtlCmd::kGET_STATUS) ==
        R"({"dropped_events":0,"last_error":null,"max_recv_queue_bytes":1048576,"max_send_queue_bytes":1048576,)"
        R"("recv_queue_bytes":0,"send_queue_bytes":0,"state":"Init"})");
  CHECK(out_text(*g, fd, abi::RtasrCtlCmd::kGET_AUTOFLUSH) ==
        R"({"client_commit":null,"flush_on_close":false,"strategy":"server_vad",)"
        R"("vad":{"prefix_padding_ms":300,"silence_ms":500,"threshold":0.5}})");
  CHECK(mask(*g, fd) == OUT);
  CHECK(out_text(*g, fd, abi::RtasrCtlCmd::kGET_STATUS, 10) == "<" + std::to_string(-abi::kENOSPC) + ">");
}

TEST("rtasr before CONNECT: writes and client events queue; SET_PARAM moves Init to Configured") {
  auto g = new_instance();
  const int32_t fd = g->rtasr_create();
  CHECK(write(*g, fd, 10) == 10);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kSEND_EVENT, R"({ "type" : "x", "a" : [1, {"z":1,"b":2}] })") == 0);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kFLUSH) == 0);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kCLEAR) == 0);
  const std::string ev = R"({"a":[1,{"b":2,"z":1}],"type":"x"})";
  CHECK(status(*g, fd)["send_queue_bytes"] == 10 + ev.size() + kCommit.size() + kClear.size());
  CHECK(status(*g, fd)["state"] == "Init");
  CHECK(set(*g, fd, R"({"key":"anything","value":{"x":1}})") == 0);
  CHECK(status(*g, fd)["state"] == "Configured");
  CHECK((outgoing(*g, fd) == std::vector<std::string>{"A:10", ev, kCommit, kClear}));
  CHECK(status(*g, fd)["send_queue_bytes"] == 0);
}

TEST("rtasr SET_PARAM and input commands: SPEAR's -EINVAL cases; unknown command -EINVAL; bad fd -EBADF") {
  auto g = new_instance();
  const int32_t fd = g->rtasr_create();
  CHECK(set(*g, fd, "") == kEINVAL);                       // no payload
  CHECK(set(*g, fd, "{") == kEINVAL);                      // not JSON
  CHECK(set(*g, fd, R"({"value":1})") == kEINVAL);         // no key
  CHECK(set(*g, fd, R"({"key":"","value":1})") == kEINVAL);
  CHECK(set(*g, fd, R"({"key":7,"value":1})") == kEINVAL);
  CHECK(set(*g, fd, "[1]") == kEINVAL);
  CHECK(status(*g, fd)["state"] == "Init");
  CHECK(set(*g, fd, R"({"key":"k"})") == 0);  // the value may be absent (null)
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kSEND_EVENT, "") == kEINVAL);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kSEND_EVENT, "nope") == kEINVAL);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kSEND_EVENT, "42") == 0);  // any JSON value
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kSET_AUTOFLUSH, "") == kEINVAL);
  CHECK(ctl(*g, fd, 9) == kEINVAL);
  CHECK(ctl(*g, fd, 0) == kEINVAL);
  CHECK(ctl(*g, 999, abi::RtasrCtlCmd::kGET_STATUS) == kEBADF);
  CHECK(g->rtasr_write(999, nullptr, 0) == kEBADF);
  CHECK(read(*g, 999) == "<" + std::to_string(kEBADF) + ">");
}

TEST("rtasr backpressure: all-or-nothing writes, -EAGAIN and no EPOLLOUT when full (test_rtasr_write_backpressure_and_epollout)") {
  auto g = new_instance();
  const int32_t fd = g->rtasr_create();
  CHECK(set(*g, fd, R"({"key":"max_send_queue_bytes","value":16})") == 0);
  CHECK(mask(*g, fd) == OUT);
  CHECK(write(*g, fd, 10) == 10);
  CHECK(write(*g, fd, 7) == kEAGAIN);  // 6 would fit: nothing is queued
  CHECK(status(*g, fd)["send_queue_bytes"] == 10);
  CHECK(write(*g, fd, 6) == 6);
  CHECK(mask(*g, fd) == 0);
  CHECK(write(*g, fd, 1) == kEAGAIN);
  CHECK(write(*g, fd, 0) == 0);  // an empty write always fits
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kFLUSH) == kEAGAIN);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kCLEAR) == kEAGAIN);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kSEND_EVENT, "{}") == kEAGAIN);
  CHECK((outgoing(*g, fd) == std::vector<std::string>{"A:10", "A:6", "A:0"}));
  CHECK(mask(*g, fd) == OUT);
  CHECK(set(*g, fd, R"({"key":"max_send_queue_bytes","value":-1})") == 0);  // not a u64: the cap stays
  CHECK(status(*g, fd)["max_send_queue_bytes"] == 16);
}

TEST("rtasr reads never wait: -EAGAIN with nothing queued, O_NONBLOCK or not") {
  auto g = new_instance();
  const int32_t fd = g->rtasr_create();
  CHECK(read(*g, fd) == "<" + std::to_string(kEAGAIN) + ">");
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kCONNECT) == 0);
  CHECK(read(*g, fd) == "<" + std::to_string(kEAGAIN) + ">");
  CHECK(set_nonblock(*g, fd) == 0);
  CHECK(read(*g, fd) == "<" + std::to_string(kEAGAIN) + ">");
}

TEST("rtasr stub: timer-driven events without audio, then -EAGAIN (test_rtasr_read_epollin_and_eagain)") {
  auto g = new_instance();
  const int32_t fd = g->rtasr_create();
  CHECK(set(*g, fd, R"({"key":"stub_event_interval_ms","value":20})") == 0);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kCONNECT) == 0);
  CHECK(status(*g, fd)["state"] == "Connected");
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kCONNECT) == 0);  // again: nothing happens
  CHECK((wait_for(*g, fd, IN) & IN) == IN);
  CHECK(read(*g, fd, 10) == "<" + std::to_string(-abi::kENOSPC) + ">");  // nothing consumed
  CHECK(read(*g, fd) == stub_event(1, 176));
}

TEST("rtasr stub: payload size, every Nth event completed, one send item taken per tick") {
  auto g = new_instance();
  const int32_t fd = g->rtasr_create();
  CHECK(set(*g, fd, R"({"key":"stub_event_interval_ms","value":0})") == 0);
  CHECK(set(*g, fd, R"({"key":"stub_event_payload_bytes","value":83})") == 0);
  CHECK(set(*g, fd, R"({"key":"stub_emit_completed_every","value":2})") == 0);
  CHECK(write(*g, fd, 5) == 5);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kFLUSH) == 0);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kCONNECT) == 0);
  std::vector<std::string> got;
  while (got.size() < 3) {
    const std::string e = read(*g, fd);
    if (e[0] == '<') {
      CHECK(e == "<" + std::to_string(kEAGAIN) + ">");
      sleep_for_ms(5);
      continue;
    }
    got.push_back(e);
  }
  CHECK(got[0] == stub_event(1, 3));
  CHECK(got[1] == stub_event(2, 3, "transcription.completed"));
  CHECK(got[2] == stub_event(3, 3));
  CHECK(status(*g, fd)["send_queue_bytes"] == 0);  // the stub consumed the audio and the commit
}

TEST("rtasr receive queue: byte-capped, the oldest events dropped and counted") {
  auto g = new_instance();
  const int32_t fd = g->rtasr_create();
  const size_t one = stub_event(1, 20).size();
  CHECK(set(*g, fd, R"({"key":"stub_event_interval_ms","value":0})") == 0);
  CHECK(set(*g, fd, R"({"key":"stub_event_payload_bytes","value":100})") == 0);
  CHECK(set(*g, fd, R"({"key":"max_recv_queue_bytes","value":)" + std::to_string(one + 5) + "}") == 0);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kCONNECT) == 0);
  Json st;
  do {
    sleep_for_ms(5);
    st = status(*g, fd);
  } while (st["dropped_events"].get<uint64_t>() < 3);
  CHECK(st["recv_queue_bytes"].get<size_t>() <= one + 5);
  g->rtasr_close(fd);
}

TEST("rtasr SET_AUTOFLUSH: the strategy shape, the legacy shape, -EINVAL cases (test_rtasr_autoflush_set_and_get, test_rtasr_autoflush_legacy_payload_is_accepted)") {
  auto g = new_instance();
  const int32_t fd = g->rtasr_create();
  const auto af = [&](const std::string &in) {
    const int32_t r = ctl(*g, fd, abi::RtasrCtlCmd::kSET_AUTOFLUSH, in);
    return r == 0 ? out_text(*g, fd, abi::RtasrCtlCmd::kGET_AUTOFLUSH) : "<" + std::to_string(r) + ">";
  };
  CHECK(af(R"({"strategy":"client_commit","flush_on_close":false,"client_commit":{"max_buffer_bytes":123,"min_flush_gap_ms":7}})") ==
        R"({"client_commit":{"flush_interval_ms":null,"max_buffer_bytes":123,"min_flush_gap_ms":7,"silence_ms":null},)"
        R"("flush_on_close":false,"strategy":"client_commit","vad":null})");
  CHECK(af(R"({"enabled":true,"mode":"bytes","max_buffer_bytes":123,"min_flush_gap_ms":7,"flush_on_close":false,"flush_interval_ms":9,"silence_ms":4})") ==
        R"({"client_commit":{"flush_interval_ms":null,"max_buffer_bytes":123,"min_flush_gap_ms":7,"silence_ms":null},)"
        R"("flush_on_close":false,"strategy":"client_commit","vad":null})");
  CHECK(af(R"({"enabled":true,"mode":"time","flush_interval_ms":9,"max_buffer_bytes":5})") ==
        R"({"client_commit":{"flush_interval_ms":9,"max_buffer_bytes":null,"min_flush_gap_ms":500,"silence_ms":null},)"
        R"("flush_on_close":false,"strategy":"client_commit","vad":null})");
  CHECK(af(R"({"enabled":true,"mode":"hybrid","flush_interval_ms":9,"max_buffer_bytes":5,"silence_ms":4})") ==
        R"({"client_commit":{"flush_interval_ms":9,"max_buffer_bytes":5,"min_flush_gap_ms":500,"silence_ms":4},)"
        R"("flush_on_close":false,"strategy":"client_commit","vad":null})");
  CHECK(af(R"({"enabled":true,"mode":"silence","flush_interval_ms":700,"flush_on_close":true})") ==
        R"({"client_commit":null,"flush_on_close":true,"strategy":"server_vad",)"
        R"("vad":{"prefix_padding_ms":300,"silence_ms":700,"threshold":0.5}})");
  CHECK(af(R"({"enabled":false,"mode":"bytes"})") ==
        R"({"client_commit":null,"flush_on_close":false,"strategy":"manual","vad":null})");
  CHECK(af(R"({})") == R"({"client_commit":null,"flush_on_close":false,"strategy":"manual","vad":null})");
  CHECK(af(R"({"strategy":"off"})") == R"({"client_commit":null,"flush_on_close":false,"strategy":"manual","vad":null})");
  CHECK(af(R"({"strategy":"server_vad","vad":{"threshold":1}})") ==
        R"({"client_commit":null,"flush_on_close":false,"strategy":"server_vad","vad":{"silence_ms":500,"threshold":1.0}})");
  const std::string before = out_text(*g, fd, abi::RtasrCtlCmd::kGET_AUTOFLUSH);
  const std::string einval = "<" + std::to_string(kEINVAL) + ">";
  CHECK(af(R"({"strategy":"sometimes"})") == einval);
  CHECK(af(R"({"strategy":"server_vad","vad":null})") == einval);
  CHECK(af(R"({"strategy":"client_commit","client_commit":[]})") == einval);
  CHECK(af(R"([])") == einval);
  CHECK(af(R"(nope)") == einval);
  CHECK(out_text(*g, fd, abi::RtasrCtlCmd::kGET_AUTOFLUSH) == before);
}

TEST("rtasr client_commit autoflush: a commit is queued after the audio that reaches max_buffer_bytes, once until it is sent") {
  auto g = new_instance();
  const int32_t fd = g->rtasr_create();
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kSET_AUTOFLUSH,
            R"({"strategy":"client_commit","client_commit":{"max_buffer_bytes":8,"min_flush_gap_ms":0}})") == 0);
  CHECK(write(*g, fd, 5) == 5);
  CHECK(write(*g, fd, 3) == 3);
  CHECK(write(*g, fd, 8) == 8);  // a commit is pending: no second one
  CHECK((outgoing(*g, fd) == std::vector<std::string>{"A:5", "A:3", kCommit, "A:8"}));
  CHECK(write(*g, fd, 1) == 1);  // the commit was sent: the 9 bytes since reach the cap
  CHECK((outgoing(*g, fd) == std::vector<std::string>{"A:1", kCommit}));
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kSET_AUTOFLUSH, R"({"strategy":"manual"})") == 0);
  CHECK(write(*g, fd, 100) == 100);
  CHECK((outgoing(*g, fd) == std::vector<std::string>{"A:100"}));
}

TEST("rtasr Error (a transport failure): -EIO for writes and sending commands, EPOLLERR, queued events stay readable") {
  auto g = new_instance();
  const int32_t fd = g->rtasr_create();
  auto s = g->rtasr_stream(fd);
  CHECK(s != nullptr);
  s->push_event(R"({"type":"x"})");
  s->transport_error("websocket closed");
  CHECK(mask(*g, fd) == (IN | ERR));
  Json st = status(*g, fd);
  CHECK(st["state"] == "Error" && st["last_error"] == "websocket closed");
  CHECK(write(*g, fd, 1) == kEIO);
  CHECK(write(*g, fd, 0) == kEIO);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kCONNECT) == kEIO);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kSEND_EVENT, "{}") == kEIO);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kFLUSH) == kEIO);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kCLEAR) == kEIO);
  CHECK(set(*g, fd, R"({"key":"k","value":1})") == 0);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kSET_AUTOFLUSH, "{}") == 0);
  CHECK(read(*g, fd) == R"({"type":"x"})");
  CHECK(read(*g, fd) == "<" + std::to_string(kEAGAIN) + ">");
  CHECK(mask(*g, fd) == ERR);
  CHECK(status(*g, fd)["state"] == "Error");
}

TEST("rtasr transport \"websocket\": CONNECT asks the host for its transport; without a realtime backend the stub runs") {
  auto g = new_instance();
  const int32_t fd = g->rtasr_create();
  const int32_t plain = g->rtasr_create();
  CHECK(ctl(*g, plain, abi::RtasrCtlCmd::kCONNECT) == 0);  // the stub: no request
  CHECK(set(*g, fd, R"({"key":"transport","value":"websocket"})") == 0);
  CHECK(set(*g, fd, R"({"key":"stub_event_interval_ms","value":0})") == 0);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kCONNECT) == 0);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kCONNECT) == 0);
  CHECK((g->take_rtasr_connects() == std::vector<int32_t>{fd}));
  CHECK(g->take_rtasr_connects().empty());
  CHECK(status(*g, fd)["state"] == "Connected");
  CHECK(g->status_of(fd)["transport"] == nullptr);
  g->rtasr_stream(fd)->use_stub();
  CHECK(!g->rtasr_stream(fd)->external());
  CHECK(g->status_of(fd)["transport"] == "stub");
  CHECK((wait_for(*g, fd, IN) & IN) == IN);
  CHECK(read(*g, fd) == stub_event(1, 176));
}

TEST("rtasr transport \"websocket\" attached: the send queue goes to the host's transport, its events to the guest") {
  auto g = new_instance();
  const int32_t fd = g->rtasr_create();
  CHECK(set(*g, fd, R"({"key":"transport","value":"websocket"})") == 0);
  CHECK(set(*g, fd, R"({"key":"model","value":"m1"})") == 0);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kCONNECT) == 0);
  auto s = g->rtasr_stream(fd);
  CHECK((g->take_rtasr_connects() == std::vector<int32_t>{fd}));
  s->attach_external();
  s->use_stub();  // too late: the host's transport has it
  CHECK(s->external());
  CHECK(s->transport_config() == Json::parse(R"({"model":"m1","turn_detection":{"type":"server_vad","threshold":0.5,"prefix_padding_ms":300,"silence_duration_ms":500}})"));
  CHECK(write(*g, fd, 3) == 3);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kFLUSH) == 0);
  sleep_for_ms(30);  // no stub runs: nothing is taken, no event appears
  CHECK(status(*g, fd)["send_queue_bytes"] == 3 + kCommit.size());
  CHECK(read(*g, fd) == "<" + std::to_string(kEAGAIN) + ">");
  CHECK((outgoing(*g, fd) == std::vector<std::string>{"A:3", kCommit}));
  s->push_event(R"({"type":"conversation.item.input_audio_transcription.completed","transcript":"hi"})");
  CHECK(mask(*g, fd) == (IN | OUT));
  CHECK(read(*g, fd) == R"({"type":"conversation.item.input_audio_transcription.completed","transcript":"hi"})");
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kSET_AUTOFLUSH, R"({"strategy":"manual"})") == 0);
  CHECK(s->transport_config()["turn_detection"] == nullptr);
  CHECK(g->host_close(fd) == 0);  // the server closed: EPOLLHUP on top, the state stays
  CHECK(mask(*g, fd) == (OUT | HUP));
  CHECK(status(*g, fd)["state"] == "Connected");
  CHECK(write(*g, fd, 1) == 1);
  CHECK(mask(*g, fd) == (OUT | HUP));
}

TEST("rtasr close: 0, closing again 0 (a closed fd stays known, as SPEAR's table), -EBADF for other calls; the stub stops") {
  auto g = new_instance();
  const int32_t fd = g->rtasr_create();
  CHECK(set(*g, fd, R"({"key":"stub_event_interval_ms","value":0})") == 0);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kCONNECT) == 0);
  CHECK(g->rtasr_close(fd) == 0);
  CHECK(g->rtasr_close(fd) == 0);
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kGET_STATUS) == kEBADF);
  CHECK(write(*g, fd, 1) == kEBADF);
  CHECK(read(*g, fd) == "<" + std::to_string(kEBADF) + ">");
  CHECK(g->open_fds() == 0);
}

TEST("rtasr: a released instance stops its streams' stubs") {
  auto g = new_instance();
  const int32_t fd = g->rtasr_create();
  CHECK(ctl(*g, fd, abi::RtasrCtlCmd::kCONNECT) == 0);
  CHECK(g->release() == 0);
}

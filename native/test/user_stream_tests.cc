// user_stream_*: SSF v1 parsing, the channels' queues and caps, readiness, control events and
// the client side (stream_push, stream_take, stream_session_closed), derived from SPEAR's
// host_api/user_stream.rs (its tests and DefaultHostApi::user_stream_*), host_api/ssf.rs and
// host_api/tests.rs (test_user_stream_*).
#include <string>
#include <vector>

#include "core/user_stream.hpp"
#include "support.hpp"

using namespace hostwire;
using namespace hostwire::test;
using core::Json;

namespace {
constexpr int32_t DIR_IN = abi::UserStreamDir::kINBOUND;
constexpr int32_t DIR_OUT = abi::UserStreamDir::kOUTBOUND;
constexpr int32_t DIR_BIDI = abi::UserStreamDir::kBIDIRECTIONAL;

/** SPEAR's build_ssf_v1_frame (seq 1), with the IDL's encoder for the header. */
std::string frame(uint32_t stream_id, const std::string &meta, const std::string &data, uint16_t msg_type = 2) {
  abi::SsfV1WireHeader h{};
  h.magic = abi::kSSF_V1_MAGIC;
  h.version = abi::kSSF_V1_VERSION;
  h.header_len = abi::kSSF_V1_HEADER_LEN;
  h.msg_type = msg_type;
  h.stream_id = stream_id;
  h.seq = 1;
  h.meta_len = static_cast<uint32_t>(meta.size());
  h.data_len = static_cast<uint32_t>(data.size());
  std::string out(32, '\0');
  abi::encode(h, reinterpret_cast<uint8_t *>(out.data()));
  return out + meta + data;
}

bool parses(const std::string &f) { return core::parse_ssf_v1(bytes_of(f), f.size()).has_value(); }

int32_t push(core::GuestInstance &g, const std::string &f) { return g.stream_push(bytes_of(f), f.size()); }
int32_t write(core::GuestInstance &g, int32_t fd, const std::string &f) { return g.user_stream_write(fd, bytes_of(f), f.size()); }

/** Read one frame: its bytes, or "<rc>". */
std::string read(core::GuestInstance &g, int32_t fd, size_t capacity = 1 << 20) {
  GuestOut mem(capacity);
  const int32_t r = g.user_stream_read(fd, mem.out);
  if (r != 0) return "<" + std::to_string(r) + ">";
  return text(mem.out);
}

/** Read one control event: "stream_id:kind", or "<rc>". */
std::string ctl_read(core::GuestInstance &g, int32_t fd, size_t capacity = 8) {
  GuestOut mem(capacity);
  const int32_t r = g.user_stream_ctl_read(fd, mem.out);
  if (r != 0) return "<" + std::to_string(r) + ">";
  abi::UserStreamCtlEvent ev{};
  CHECK(mem.out.length() == 8);
  CHECK(abi::decode(mem.out.bytes(), mem.out.length(), ev) == abi::DecodeStatus::kOk);
  return std::to_string(ev.stream_id) + ":" + std::to_string(ev.kind);
}

uint32_t mask(core::GuestInstance &g, int32_t fd) { return g.status_of(fd)["poll_mask"].get<uint32_t>(); }

std::vector<std::string> take(core::GuestInstance &g, size_t max_bytes = 1 << 20) {
  auto frames = g.stream_take(max_bytes);
  CHECK(frames.has_value());
  return frames ? *frames : std::vector<std::string>{};
}
}  // namespace

TEST("ssf parse: SPEAR's header checks (user_stream.rs test_parse_ssf_v1_header_*)") {
  const std::string ok = frame(7, "{}", "hello");
  auto info = core::parse_ssf_v1(bytes_of(ok), ok.size());
  CHECK(info && info->stream_id == 7 && info->msg_type == 2);  // _ok
  std::string f = ok;
  f[0] = 'X';
  CHECK(!parses(f));  // _rejects_bad_magic
  f = ok;
  f[4] = 2;
  f[5] = 0;
  CHECK(!parses(f));  // _rejects_bad_version
  CHECK(!parses(std::string(31, '\0')));  // _rejects_short_frame
  CHECK(!parses(ok.substr(0, 31)));
  f = ok;
  f[6] = 16;
  f[7] = 0;
  CHECK(!parses(f));  // _rejects_invalid_header_len
  f = ok;
  f[24] = static_cast<char>(0xd2);
  f[25] = 0x04;
  CHECK(!parses(f));  // _rejects_len_mismatch (meta_len 1234)
  CHECK(!parses(ok + "x"));
  f = ok;
  f[6] = 64;
  CHECK(!parses(f));  // header_len past the end
  // msg_type is carried, whatever its value (SPEAR does not interpret it).
  auto t = core::parse_ssf_v1(bytes_of(frame(1, "", "", 0xbeef)), 32);
  CHECK(t && t->msg_type == 0xbeef);
  // A longer header: its extension bytes are skipped.
  f = frame(3, "", "abc");
  f[6] = 40;
  f.insert(32, std::string(8, '\0'));
  CHECK(parses(f));
  // meta_len + data_len overflowing u32 does not wrap.
  f = frame(1, "", "");
  for (int i = 24; i < 32; i++) f[i] = static_cast<char>(0xff);
  CHECK(!parses(f));
}

TEST("user_stream: push with no session is -ENOTCONN; invalid frames -EINVAL first (test_ws_push_frame_rejects_*)") {
  auto g = new_instance();
  CHECK(push(*g, "\x01\x02\x03") == kEINVAL);
  CHECK(push(*g, frame(1, "{}", "hello")) == kENOTCONN);
  CHECK(!g->stream_take(1024).has_value());
}

TEST("user_stream: inbound frame is EPOLLIN, read returns it whole, then -EAGAIN (test_user_stream_inbound_read_epollin_and_eagain)") {
  auto g = new_instance();
  const int32_t fd = g->user_stream_open(1, DIR_IN);
  CHECK(fd >= abi::kFD_FIRST);
  CHECK(mask(*g, fd) == 0);
  const std::string f = frame(1, "{}", "hello");
  CHECK(push(*g, f) == 0);
  CHECK(mask(*g, fd) == IN);  // INBOUND: never OUT, even connected
  CHECK(read(*g, fd, 8) == "<" + std::to_string(kENOSPC) + ">");  // nothing consumed (divergence)
  CHECK(read(*g, fd) == f);
  CHECK(read(*g, fd) == "<" + std::to_string(kEAGAIN) + ">");
  CHECK(mask(*g, fd) == 0);
}

TEST("user_stream: outbound caps, -EAGAIN when full, EPOLLOUT back after the client takes (test_user_stream_outbound_write_eagain_and_epollout)") {
  auto g = new_instance();
  const int32_t fd = g->user_stream_open(1, DIR_OUT);
  const std::string small = frame(1, "{}", "1234");
  CHECK(write(*g, fd, small) == kENOTCONN);  // Init
  CHECK(mask(*g, fd) == 0);
  CHECK(push(*g, frame(1, "", "")) == 0);  // the client connects stream 1
  CHECK(mask(*g, fd) == OUT);
  CHECK(read(*g, fd) == "<" + std::to_string(kEINVAL) + ">");  // OUTBOUND reads -EINVAL
  // Fill the 2 MiB outbound queue with 256 KiB frames: 8 fit, the 9th is -EAGAIN.
  const std::string big = frame(1, "", std::string(core::UserStreamHub::kMaxFrameBytes - 32, 'x'));
  CHECK(big.size() == core::UserStreamHub::kMaxFrameBytes);
  for (int i = 0; i < 8; i++) CHECK(write(*g, fd, big) == 0);
  CHECK(mask(*g, fd) == 0);
  CHECK(write(*g, fd, small) == kEAGAIN);
  CHECK(write(*g, fd, big + "") == kEAGAIN);
  // One byte over the frame limit is -EINVAL (checked before the room).
  const std::string over = frame(1, "", std::string(core::UserStreamHub::kMaxFrameBytes - 31, 'x'));
  CHECK(write(*g, fd, over) == kEINVAL);
  auto first = take(*g, 1);  // at least one frame, whatever the budget
  CHECK(first.size() == 1 && first[0] == big);
  CHECK(mask(*g, fd) == OUT);
  CHECK(take(*g, 8 << 20).size() == 7);
  CHECK(take(*g).empty());
}

TEST("user_stream_write: SPEAR's order of checks") {
  auto g = new_instance();
  const int32_t in = g->user_stream_open(1, DIR_IN);
  const int32_t out = g->user_stream_open(1, DIR_OUT);
  const int32_t ep = g->spear_epoll_create();
  const std::string f1 = frame(1, "{}", "x");
  CHECK(write(*g, 99999, "garbage") == kEBADF);   // unknown fd first
  CHECK(write(*g, ep, "garbage") == kEINVAL);     // then the frame
  CHECK(write(*g, ep, f1) == kEBADF);              // then the kind
  CHECK(write(*g, in, f1) == kEINVAL);             // direction
  CHECK(write(*g, out, frame(2, "", "")) == kEINVAL);  // stream id
  CHECK(write(*g, out, f1) == kENOTCONN);          // state
  CHECK(g->user_stream_close(out) == 0);
  CHECK(write(*g, out, "garbage") == kEINVAL);    // a closed fd is known: the frame is checked first
  CHECK(write(*g, out, f1) == kEBADF);
}

TEST("user_stream_open: -EINVAL for a negative stream id or an unknown direction; any number of fds per stream") {
  auto g = new_instance();
  CHECK(g->user_stream_open(-1, DIR_BIDI) == kEINVAL);
  CHECK(g->user_stream_open(1, 0) == kEINVAL);
  CHECK(g->user_stream_open(1, 4) == kEINVAL);
  CHECK(g->open_fds() == 0);
  const int32_t a = g->user_stream_open(5, DIR_BIDI);
  const int32_t b = g->user_stream_open(5, DIR_IN);
  CHECK(b == a + 1);
  CHECK(push(*g, frame(5, "", "one")) == 0);
  CHECK(mask(*g, a) == (IN | OUT));
  CHECK(mask(*g, b) == IN);
  CHECK(read(*g, b) == frame(5, "", "one"));  // the channel is shared: one reader takes it
  CHECK(read(*g, a) == "<" + std::to_string(kEAGAIN) + ">");
}

TEST("user_stream ctl: a frame for a stream nobody opened is an event and waits for it (test_user_stream_ctl_discovers_stream_ids)") {
  auto g = new_instance();
  const int32_t ctl = g->user_stream_ctl_open();
  CHECK(mask(*g, ctl) == 0);
  CHECK(ctl_read(*g, ctl) == "<" + std::to_string(kEAGAIN) + ">");
  const std::string f = frame(9, "{}", "hello");
  CHECK(push(*g, f) == 0);
  CHECK(mask(*g, ctl) == IN);
  CHECK(ctl_read(*g, ctl, 4) == "<" + std::to_string(kENOSPC) + ">");  // nothing consumed (divergence)
  CHECK(ctl_read(*g, ctl) == "9:1");
  CHECK(ctl_read(*g, ctl) == "<" + std::to_string(kEAGAIN) + ">");
  CHECK(mask(*g, ctl) == 0);
  const int32_t in = g->user_stream_open(9, DIR_IN);
  CHECK(read(*g, in) == f);
  // Every frame is an event, also on a connected stream.
  CHECK(push(*g, f) == 0);
  CHECK(push(*g, f) == 0);
  CHECK(ctl_read(*g, ctl) == "9:1");
  CHECK(ctl_read(*g, ctl) == "9:1");
  CHECK(ctl_read(*g, in) == "<" + std::to_string(kEBADF) + ">");
  CHECK(ctl_read(*g, 99999) == "<" + std::to_string(kEBADF) + ">");
  CHECK(read(*g, ctl) == "<" + std::to_string(kEBADF) + ">");
  CHECK(fd_ctl_json(*g, ctl, abi::FdCtlCmd::kGET_METRICS) ==
        Json::parse(R"({"execution_id":")" + std::to_string(g->id()) + R"(","max_pending":1024,"pending_len":0})"));
}

TEST("user_stream ctl: at most 1024 pending events, the oldest dropped") {
  auto g = new_instance();
  const int32_t ctl = g->user_stream_ctl_open();
  for (uint32_t i = 0; i < 1030; i++) CHECK(push(*g, frame(i, "", "")) == 0);
  CHECK(fd_ctl_json(*g, ctl, abi::FdCtlCmd::kGET_METRICS)["pending_len"] == 1024);
  CHECK(ctl_read(*g, ctl) == "6:1");
}

TEST("user_stream: client frames that do not fit: too long -EINVAL, inbound full -ENOSPC; the channel is Error (EPOLLERR)") {
  auto g = new_instance();
  const int32_t fd = g->user_stream_open(1, DIR_BIDI);
  const int32_t fd2 = g->user_stream_open(2, DIR_BIDI);
  const std::string over = frame(1, "", std::string(core::UserStreamHub::kMaxFrameBytes - 31, 'x'));
  CHECK(push(*g, over) == kEINVAL);
  CHECK(mask(*g, fd) == ERR);
  CHECK(write(*g, fd, frame(1, "", "")) == kEPIPE);
  CHECK(fd_ctl_json(*g, fd, abi::FdCtlCmd::kGET_METRICS)["conn_state"] == "Error");
  // The next frame on it marks it Connected again (SPEAR's mark_connected), and it is queued.
  CHECK(push(*g, frame(1, "", "ok")) == 0);
  CHECK(mask(*g, fd) == (IN | OUT));
  // Stream 2: 2 MiB of 256 KiB frames fit, the next does not.
  const std::string big = frame(2, "", std::string(core::UserStreamHub::kMaxFrameBytes - 32, 'y'));
  for (int i = 0; i < 8; i++) CHECK(push(*g, big) == 0);
  CHECK(push(*g, frame(2, "", "")) == kENOSPC);
  CHECK(mask(*g, fd2) == (IN | ERR));
  CHECK(read(*g, fd2) == big);  // queued frames stay readable
  // Stream 1 was not touched.
  CHECK(read(*g, fd) == frame(1, "", "ok"));
}

TEST("user_stream: the session closes: channels Closed (EPOLLHUP, writes -EPIPE), SESSION_CLOSED, a new session after") {
  auto g = new_instance();
  const int32_t ctl = g->user_stream_ctl_open();
  const int32_t fd = g->user_stream_open(1, DIR_BIDI);
  const int32_t ep = g->spear_epoll_create();
  CHECK(g->spear_epoll_ctl(ep, abi::EpollOp::kADD, fd, IN | OUT | ERR | HUP) == 0);
  CHECK(push(*g, frame(1, "", "left")) == 0);
  CHECK(write(*g, fd, frame(1, "", "out")) == 0);
  CHECK(ctl_read(*g, ctl) == "1:1");
  g->stream_session_closed();
  CHECK(mask(*g, fd) == (IN | HUP));
  Records recs;
  CHECK(wait(*g, ep, 64, 0, recs) == 0);
  CHECK(recs.size() == 1 && recs[0].first == fd && recs[0].second == (IN | HUP));
  CHECK(write(*g, fd, frame(1, "", "")) == kEPIPE);
  CHECK(read(*g, fd) == frame(1, "", "left"));
  CHECK(read(*g, fd) == "<" + std::to_string(kEAGAIN) + ">");
  CHECK(ctl_read(*g, ctl) == "0:2");
  CHECK(fd_ctl_json(*g, fd, abi::FdCtlCmd::kGET_METRICS) ==
        Json::parse(R"({"conn_state":"Closed","direction":"Bidi","execution_id":")" + std::to_string(g->id()) +
                    R"(","inbound_bytes":0,"inbound_len":0,"max_frame_bytes":262144,"max_inbound_bytes":2097152,)"
                    R"("max_outbound_bytes":2097152,"outbound_bytes":35,"outbound_len":1,"stream_id":1})"));
  // The hub is gone: frames are refused, nothing to take.
  CHECK(push(*g, frame(1, "", "")) == kENOTCONN);
  CHECK(!g->stream_take(1024).has_value());
  // A new open starts a new session: a fresh channel, the old fds stay closed.
  const int32_t fd2 = g->user_stream_open(1, DIR_BIDI);
  CHECK(push(*g, frame(1, "", "new")) == 0);
  CHECK(read(*g, fd2) == frame(1, "", "new"));
  CHECK(mask(*g, fd) == HUP);
  CHECK(ctl_read(*g, ctl) == "<" + std::to_string(kEAGAIN) + ">");  // the old control fd hears nothing more
}

TEST("user_stream_close: any fd, twice is 0, unknown -EBADF; a closed control fd stops getting events") {
  auto g = new_instance();
  const int32_t ctl = g->user_stream_ctl_open();
  const int32_t ep = g->spear_epoll_create();
  CHECK(g->user_stream_close(ctl) == 0);
  CHECK(g->user_stream_close(ctl) == 0);
  CHECK(g->user_stream_close(99999) == kEBADF);
  CHECK(push(*g, frame(1, "", "")) == 0);
  CHECK(ctl_read(*g, ctl) == "<" + std::to_string(kEBADF) + ">");
  CHECK(g->user_stream_close(ep) == 0);  // an epoll fd too, as SPEAR's fd_table.close
  Records recs;
  CHECK(wait(*g, ep, 64, 0, recs) == kEBADF);
  CHECK(g->open_fds() == 0);
}

TEST("user_stream: released instance refuses client frames; take gives nothing") {
  auto g = new_instance();
  g->user_stream_ctl_open();
  CHECK(g->release() == 0);
  CHECK(push(*g, frame(1, "", "")) == kENOTCONN);
  CHECK(!g->stream_take(1024).has_value());
}

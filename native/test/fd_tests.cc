// The fd table and spear_fd_ctl: numbering, kinds, flags, status, close, release.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/chat_session.hpp"
#include "core/fd_table.hpp"
#include "support.hpp"

using namespace hostwire;
using namespace hostwire::test;
using core::Json;

namespace {
constexpr int32_t kEBADF = -abi::kEBADF;
constexpr int32_t kEINVAL = -abi::kEINVAL;

/** A ctl command's output as text, into a fresh Output of `capacity` bytes ("<rc>" on an error). */
std::string fd_ctl_text(core::GuestInstance &g, int32_t fd, int32_t cmd, size_t capacity = 4096) {
  core::Output out(capacity);
  const int32_t r = g.spear_fd_ctl(fd, cmd, nullptr, 0, out);
  if (r != 0) return "<" + std::to_string(r) + ">";
  return text(out);
}
}  // namespace

TEST("fd: numbers start at 1000, go up by one across kinds, and are never reused") {
  auto g = new_instance();
  CHECK(g->cchat_create() == 1000);
  CHECK(g->spear_epoll_create() == 1001);
  CHECK(g->rtasr_create() == 1002);
  CHECK(g->cchat_close(1000) == 0);
  CHECK(g->spear_epoll_close(1001) == 0);
  CHECK(g->cchat_create() == 1003);  // 1000 and 1001 stay unused
  CHECK(g->open_fds() == 2);
  auto other = new_instance();
  CHECK(other->cchat_create() == 1000);  // per instance
}

TEST("fd: double close and stale fds are -EBADF; a close of the wrong kind is -EBADF and closes nothing") {
  auto g = new_instance();
  const int32_t s = g->cchat_create();
  const int32_t ep = g->spear_epoll_create();
  const int32_t asr = g->rtasr_create();
  CHECK(g->rtasr_close(s) == kEBADF);
  CHECK(g->spear_epoll_close(s) == kEBADF);
  CHECK(g->cchat_close(ep) == kEBADF);
  CHECK(g->cchat_close(asr) == kEBADF);
  CHECK(g->open_fds() == 3);
  CHECK(g->cchat_close(s) == 0);
  CHECK(g->cchat_close(s) == kEBADF);
  CHECK(g->spear_epoll_close(ep) == 0);
  CHECK(g->spear_epoll_close(ep) == kEBADF);
  CHECK(g->rtasr_close(asr) == 0);
  CHECK(g->rtasr_close(asr) == kEBADF);
  CHECK(g->cchat_close(999) == kEBADF);
  CHECK(g->cchat_close(-1) == kEBADF);
  CHECK(fd_ctl(*g, s, abi::FdCtlCmd::kGET_KIND) == kEBADF);
  CHECK(g->open_fds() == 0);
}

TEST("fd_ctl GET_KIND names each kind") {
  auto g = new_instance();
  int32_t session = 0;
  const int32_t response = new_response(*g, &session);
  const int32_t ep = g->spear_epoll_create();
  const int32_t asr = g->rtasr_create();
  CHECK(fd_ctl_json(*g, session, abi::FdCtlCmd::kGET_KIND) == Json::parse(R"({"kind":"ChatSession"})"));
  CHECK(fd_ctl_json(*g, response, abi::FdCtlCmd::kGET_KIND) == Json::parse(R"({"kind":"ChatResponse"})"));
  CHECK(fd_ctl_json(*g, ep, abi::FdCtlCmd::kGET_KIND) == Json::parse(R"({"kind":"Epoll"})"));
  CHECK(fd_ctl_json(*g, asr, abi::FdCtlCmd::kGET_KIND) == Json::parse(R"({"kind":"RtAsr"})"));
  // Written as text by hand: the very bytes nlohmann prints for the same value.
  for (int32_t fd : {session, response, ep, asr}) {
    const Json kind = fd_ctl_json(*g, fd, abi::FdCtlCmd::kGET_KIND);
    CHECK(fd_ctl_text(*g, fd, abi::FdCtlCmd::kGET_KIND) == core::json_text(kind));
  }
  CHECK(fd_ctl_text(*g, asr, abi::FdCtlCmd::kGET_KIND, 16) == R"({"kind":"RtAsr"})");  // exactly fits
  core::Output none(0);
  CHECK(needs(g->spear_fd_ctl(asr, abi::FdCtlCmd::kGET_KIND, nullptr, 0, none), none, 16));  // *arg_len_ptr = 16
  GuestOut short_by_one(15);
  CHECK(needs(g->spear_fd_ctl(asr, abi::FdCtlCmd::kGET_KIND, short_by_one.data(), 15, short_by_one.out),
              short_by_one.out, 16));
  CHECK(short_by_one.intact());  // nothing written into the guest's buffer
}

TEST("fd_ctl SET_FLAGS / GET_FLAGS: O_NONBLOCK set and cleared; bad arguments are -EINVAL and change nothing") {
  auto g = new_instance();
  const int32_t s = g->cchat_create();
  const int32_t cmd = abi::FdCtlCmd::kSET_FLAGS;
  CHECK(fd_ctl_json(*g, s, abi::FdCtlCmd::kGET_FLAGS) == Json::parse(R"({"flags":[]})"));
  CHECK(fd_ctl_text(*g, s, abi::FdCtlCmd::kGET_FLAGS) == core::json_text(Json{{"flags", Json::array()}}));
  CHECK(fd_ctl(*g, s, cmd, R"({"set":["O_NONBLOCK"],"clear":[]})") == 0);
  CHECK(fd_ctl_json(*g, s, abi::FdCtlCmd::kGET_FLAGS) == Json::parse(R"({"flags":["O_NONBLOCK"]})"));
  CHECK(fd_ctl_text(*g, s, abi::FdCtlCmd::kGET_FLAGS) == core::json_text(Json{{"flags", Json::array({"O_NONBLOCK"})}}));
  core::Output short_by_one(23);
  CHECK(needs(g->spear_fd_ctl(s, abi::FdCtlCmd::kGET_FLAGS, nullptr, 0, short_by_one), short_by_one, 24));
  CHECK(fd_ctl(*g, s, cmd, R"({"set":["O_NONBLOCK"]})") == 0);  // idempotent; "clear" optional
  for (const char *bad : {R"({"set":["O_CLOEXEC"]})", R"({"set":"O_NONBLOCK"})", R"({"set":[1]})",
                          R"({"set":["O_NONBLOCK"],"clear":["O_NONBLOCK"]})", R"(["O_NONBLOCK"])", R"({"set":[)",
                          "", "null", "{\"set\":[\"O_NONBLOCK\xff\"]}"}) {
    CHECK_MSG(fd_ctl(*g, s, cmd, bad) == kEINVAL, std::string("SET_FLAGS ") + bad);
  }
  CHECK(fd_ctl_json(*g, s, abi::FdCtlCmd::kGET_FLAGS) == Json::parse(R"({"flags":["O_NONBLOCK"]})"));
  CHECK(fd_ctl(*g, s, cmd, R"({"clear":["O_NONBLOCK"]})") == 0);
  CHECK(fd_ctl_json(*g, s, abi::FdCtlCmd::kGET_FLAGS) == Json::parse(R"({"flags":[]})"));
  // A C string passed with its terminator still parses.
  const char with_nul[] = R"({"set":["O_NONBLOCK"]})";
  core::Output out(sizeof with_nul);
  CHECK(g->spear_fd_ctl(s, cmd, reinterpret_cast<const uint8_t *>(with_nul), sizeof with_nul, out) == 0);
  CHECK(untouched(out));
  CHECK(fd_ctl_json(*g, s, abi::FdCtlCmd::kGET_FLAGS) == Json::parse(R"({"flags":["O_NONBLOCK"]})"));
}

TEST("fd_ctl: an unknown command is -EINVAL, an unknown fd -EBADF (checked first)") {
  auto g = new_instance();
  const int32_t s = g->cchat_create();
  CHECK(fd_ctl(*g, s, 0) == kEINVAL);
  CHECK(fd_ctl(*g, s, 6) == kEINVAL);
  CHECK(fd_ctl(*g, s, -1) == kEINVAL);
  CHECK(fd_ctl(*g, 4242, 99) == kEBADF);
  CHECK(fd_ctl(*g, 4242, abi::FdCtlCmd::kGET_STATUS) == kEBADF);
}

TEST("fd_ctl GET_STATUS: kind, flags, poll_mask, closed and the kind's fields") {
  auto g = new_instance();
  const int32_t s = g->cchat_create();
  CHECK(fd_ctl_json(*g, s, abi::FdCtlCmd::kGET_STATUS) ==
        Json::parse(R"({"fd":1000,"kind":"ChatSession","flags":[],"poll_mask":0,"closed":false,"messages":0,"tools":0,"sends":0})"));
  const int32_t ep = g->spear_epoll_create();
  CHECK(set_nonblock(*g, ep) == 0);
  CHECK(fd_ctl_json(*g, ep, abi::FdCtlCmd::kGET_STATUS) ==
        Json::parse(R"({"fd":1001,"kind":"Epoll","flags":["O_NONBLOCK"],"poll_mask":0,"closed":false,"watches":0,"watching":[]})"));
  const int32_t r = g->cchat_send(s, abi::CchatSendFlags::kENABLE_METRICS);
  CHECK(g->spear_epoll_ctl(ep, abi::EpollOp::kADD, r, abi::EpollEvents::kIN) == 0);
  CHECK(fd_ctl_json(*g, ep, abi::FdCtlCmd::kGET_STATUS)["watching"] == Json::parse(R"([{"fd":1002,"events":1}])"));
  CHECK(fd_ctl_json(*g, r, abi::FdCtlCmd::kGET_STATUS) ==
        Json::parse(R"({"fd":1002,"kind":"ChatResponse","flags":[],"poll_mask":0,"closed":false,"session_fd":1000,
                        "send_flags":1,"state":"pending","bytes":null,"error":null,"reads":0,"reads_too_small":0,"wait_ms":null})"));
  CHECK(g->host_close(r) == 0);
  const Json st = fd_ctl_json(*g, r, abi::FdCtlCmd::kGET_STATUS);
  CHECK(st["closed"] == true);
  CHECK(st["poll_mask"] == (abi::EpollEvents::kERR | abi::EpollEvents::kHUP));
  CHECK(st["state"] == "failed" && st["error"] == "ECONNRESET");
  CHECK(g->host_close(4242) == kEBADF);
}

TEST("fd_ctl GET_METRICS gives each kind's counters") {
  auto g = new_instance();
  const int32_t ep = g->spear_epoll_create();
  CHECK(fd_ctl_json(*g, ep, abi::FdCtlCmd::kGET_METRICS) ==
        Json::parse(R"({"watches":0,"scans":0,"waits_returned":0,"records":0})"));
  const int32_t s = g->cchat_create();
  CHECK(fd_ctl_json(*g, s, abi::FdCtlCmd::kGET_METRICS) ==
        Json::parse(R"({"messages":0,"message_bytes":0,"tools":0,"sends":0,"params":{},"completed":0,"failed":0,
                        "response_bytes":0,"last_error":null,"last_metrics":null})"));
  const int32_t asr = g->rtasr_create();
  CHECK(fd_ctl_json(*g, asr, abi::FdCtlCmd::kGET_METRICS) ==
        Json::parse(R"({"bytes_written":0,"items_sent":0,"events_produced":0,"events_read":0,"dropped_events":0,
                        "commits":0})"));
}

TEST("FdTable: release_all hands every entry over (then freed) and refuses new fds") {
  auto waker = std::make_shared<core::Waker>();
  core::FdTable table;
  std::vector<std::weak_ptr<core::FdEntry>> weak;
  for (int i = 0; i < 3; ++i) {
    auto e = std::make_shared<core::ChatSession>(waker);
    CHECK(table.insert(e) == 1000 + i);
    weak.push_back(e);
  }
  {
    auto all = table.release_all();
    CHECK(all.size() == 3);
    for (auto &e : all) CHECK(e->guest_closed());
  }
  for (auto &w : weak) CHECK(w.expired());
  CHECK(table.size() == 0);
  CHECK(table.insert(std::make_shared<core::ChatSession>(waker)) == kEBADF);
  CHECK(table.find(1000) == nullptr);
}

TEST("release frees the fd table: every fd is gone, calls are -EBADF, creating is -EBADF") {
  auto g = new_instance();
  int32_t session = 0;
  const int32_t response = new_response(*g, &session);
  const int32_t ep = g->spear_epoll_create();
  const int32_t asr = g->rtasr_create();
  CHECK(g->spear_epoll_ctl(ep, abi::EpollOp::kADD, response, abi::EpollEvents::kIN) == 0);
  CHECK(g->open_fds() == 4);
  CHECK(g->release() == 0);
  CHECK(g->released());
  CHECK(g->open_fds() == 0);
  CHECK(g->release() == kEBADF);
  CHECK(g->cchat_close(session) == kEBADF);
  CHECK(g->rtasr_close(asr) == kEBADF);
  CHECK(g->spear_epoll_ctl(ep, abi::EpollOp::kDEL, response, 0) == kEBADF);
  CHECK(g->cchat_create() == kEBADF);
  CHECK(g->spear_epoll_create() == kEBADF);
  CHECK(g->rtasr_create() == kEBADF);
  CHECK(g->take_requests().empty());
  CHECK(g->complete_chat(response, to_vec("x"), "") == kEBADF);
  CHECK(g->fail_chat(response, -abi::kEIO) == kEBADF);
  CHECK(g->post_callback(1, "{}") == kEBADF);
}

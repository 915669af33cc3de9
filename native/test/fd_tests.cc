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

// SPEAR hostcall/fd_table.rs close (any kind; a closed entry is kept: closing it again is 0)
// and fd_ctl (answers for a closed entry), host_api/cchat.rs cchat_close, rtasr.rs rtasr_close.
TEST("fd: a close closes any kind; closing again is 0; a closed fd stays known; never-opened numbers are -EBADF") {
  auto g = new_instance();
  const int32_t s = g->cchat_create();
  const int32_t ep = g->spear_epoll_create();
  const int32_t asr = g->rtasr_create();
  CHECK(g->rtasr_close(s) == 0);  // a chat session closed by rtasr_close, as SPEAR
  CHECK(g->cchat_close(s) == 0);
  CHECK(g->spear_epoll_close(s) == 0);
  CHECK(g->cchat_close(ep) == 0);
  CHECK(g->spear_epoll_close(ep) == 0);
  CHECK(g->spear_epoll_close(asr) == 0);
  CHECK(g->rtasr_close(asr) == 0);
  CHECK(g->cchat_close(999) == kEBADF);
  CHECK(g->cchat_close(-1) == kEBADF);
  CHECK(g->cchat_close(1003) == kEBADF);  // not handed out yet
  CHECK(g->open_fds() == 0);
  CHECK(fd_ctl_json(*g, s, abi::FdCtlCmd::kGET_KIND) == Json::parse(R"({"kind":"ChatSession"})"));
  CHECK(fd_ctl_text(*g, ep, abi::FdCtlCmd::kGET_STATUS) ==
        R"({"closed":true,"flags":[],"kind":"Epoll","poll_mask":["EPOLLHUP"]})");
  CHECK(fd_ctl_text(*g, asr, abi::FdCtlCmd::kGET_METRICS) == "{}");
  CHECK(fd_ctl(*g, s, abi::FdCtlCmd::kSET_FLAGS, R"({"set":["O_NONBLOCK"]})") == 0);  // SET_FLAGS works on a closed fd
  CHECK(fd_ctl_text(*g, s, abi::FdCtlCmd::kGET_FLAGS) == R"({"flags":["O_NONBLOCK"]})");
  CHECK(fd_ctl_text(*g, s, abi::FdCtlCmd::kGET_STATUS) ==
        R"({"closed":true,"flags":["O_NONBLOCK"],"kind":"ChatSession","poll_mask":["EPOLLHUP"]})");
  CHECK(fd_ctl(*g, 4242, abi::FdCtlCmd::kGET_KIND) == kEBADF);
  // Calls that use an fd see a closed one as -EBADF.
  CHECK(g->cchat_send(s, 0) == kEBADF);
  core::Output out(64);
  CHECK(g->spear_epoll_wait(ep, out, 0) == kEBADF && untouched(out));
}

// Linux answers a process at its RLIMIT_NOFILE with EMFILE; SPEAR has no limit.
TEST("fd: at most FD_MAX_OPEN fds open at once (one more is -EMFILE, nothing allocated); closing one frees a place") {
  auto g = new_instance();
  std::vector<int32_t> fds;
  for (size_t i = 0; i < abi::kFD_MAX_OPEN; ++i) fds.push_back(g->spear_epoll_create());
  CHECK(fds.front() == 1000 && fds.back() == static_cast<int32_t>(1000 + abi::kFD_MAX_OPEN - 1));
  CHECK(g->open_fds() == abi::kFD_MAX_OPEN);
  CHECK(g->spear_epoll_create() == -abi::kEMFILE);
  CHECK(g->cchat_create() == -abi::kEMFILE);
  CHECK(g->rtasr_create() == -abi::kEMFILE);
  CHECK(g->open_fds() == abi::kFD_MAX_OPEN);
  CHECK(g->spear_epoll_close(fds[12345]) == 0);
  const int32_t next = g->cchat_create();
  CHECK(next == static_cast<int32_t>(1000 + abi::kFD_MAX_OPEN));  // the number is new; the place is reused
  CHECK(g->cchat_create() == -abi::kEMFILE);
  // Closing every one of them, in any order: each is closed once, and all are gone.
  for (size_t i = fds.size(); i-- > 0;) CHECK_MSG(g->spear_epoll_close(fds[i]) == 0, "close " + std::to_string(fds[i]));
  CHECK(g->cchat_close(next) == 0);
  CHECK(g->open_fds() == 0);
  CHECK(g->spear_epoll_create() == static_cast<int32_t>(1000 + abi::kFD_MAX_OPEN + 1));
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

// SPEAR hostcall/fd_table.rs fd_ctl FD_CTL_SET_FLAGS: serde_json::from_slice (malformed is
// -EINVAL), then `set` and `clear` arrays if present, O_NONBLOCK matched, all else ignored.
TEST("fd_ctl SET_FLAGS / GET_FLAGS: O_NONBLOCK set and cleared; anything but malformed JSON is accepted, as SPEAR") {
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
  for (const char *ignored : {R"({"set":["O_CLOEXEC"]})", R"({"set":"O_NONBLOCK"})", R"({"set":[1]})", R"(["O_NONBLOCK"])",
                              "null", "7", R"({"clear":"O_NONBLOCK"})", R"({"clear":[{"O_NONBLOCK":1}]})"}) {
    CHECK_MSG(fd_ctl(*g, s, cmd, ignored) == 0, std::string("SET_FLAGS ") + ignored);
  }
  CHECK(fd_ctl_json(*g, s, abi::FdCtlCmd::kGET_FLAGS) == Json::parse(R"({"flags":["O_NONBLOCK"]})"));
  for (const char *bad : {R"({"set":[)", "", "{\"set\":[\"O_NONBLOCK\xff\"]}"}) {
    CHECK_MSG(fd_ctl(*g, s, cmd, bad) == kEINVAL, std::string("SET_FLAGS ") + bad);
  }
  CHECK(fd_ctl(*g, 4242, cmd, R"({"set":[)") == kEBADF);  // the fd before the JSON
  CHECK(fd_ctl(*g, s, cmd, R"({"clear":["O_NONBLOCK"]})") == 0);
  CHECK(fd_ctl_json(*g, s, abi::FdCtlCmd::kGET_FLAGS) == Json::parse(R"({"flags":[]})"));
  CHECK(fd_ctl(*g, s, cmd, R"({"set":["O_CLOEXEC","O_NONBLOCK"],"clear":["O_NONBLOCK"]})") == 0);  // set, then clear
  CHECK(fd_ctl_json(*g, s, abi::FdCtlCmd::kGET_FLAGS) == Json::parse(R"({"flags":[]})"));
  // A C string passed with its terminator still parses.
  const char with_nul[] = R"({"set":["O_NONBLOCK"]})";
  core::Output out(sizeof with_nul);
  CHECK(g->spear_fd_ctl(s, cmd, reinterpret_cast<const uint8_t *>(with_nul), sizeof with_nul, out) == 0);
  CHECK(untouched(out));
  CHECK(fd_ctl_json(*g, s, abi::FdCtlCmd::kGET_FLAGS) == Json::parse(R"({"flags":["O_NONBLOCK"]})"));
}

// SPEAR runtime/wasm_hostcalls.rs spear_fd_ctl: `match cmd` before the fd is looked up.
TEST("fd_ctl: an unknown command is -EINVAL (checked first), then an unknown fd -EBADF") {
  auto g = new_instance();
  const int32_t s = g->cchat_create();
  CHECK(fd_ctl(*g, s, 0) == kEINVAL);
  CHECK(fd_ctl(*g, s, 6) == kEINVAL);
  CHECK(fd_ctl(*g, s, -1) == kEINVAL);
  CHECK(fd_ctl(*g, 4242, 99) == kEINVAL);
  CHECK(fd_ctl(*g, 4242, abi::FdCtlCmd::kGET_STATUS) == kEBADF);
}

// SPEAR hostcall/fd_table.rs fd_ctl FD_CTL_GET_STATUS and FD_CTL_GET_METRICS (serde_json's
// json! prints object keys sorted).
TEST("fd_ctl GET_STATUS is SPEAR's JSON: closed, flags, kind, poll_mask names; GET_METRICS of an epoll set is {}") {
  auto g = new_instance();
  const int32_t s = g->cchat_create();
  CHECK(fd_ctl_text(*g, s, abi::FdCtlCmd::kGET_STATUS) == R"({"closed":false,"flags":[],"kind":"ChatSession","poll_mask":[]})");
  const int32_t ep = g->spear_epoll_create();
  CHECK(set_nonblock(*g, ep) == 0);
  CHECK(fd_ctl_text(*g, ep, abi::FdCtlCmd::kGET_STATUS) == R"({"closed":false,"flags":["O_NONBLOCK"],"kind":"Epoll","poll_mask":[]})");
  CHECK(fd_ctl_text(*g, ep, abi::FdCtlCmd::kGET_METRICS) == "{}");
  const int32_t r = g->cchat_send(s, 0);
  CHECK(fd_ctl_text(*g, r, abi::FdCtlCmd::kGET_STATUS) == R"({"closed":false,"flags":[],"kind":"ChatResponse","poll_mask":[]})");
  CHECK(g->complete_chat(r, to_vec("{}"), "") == 0);
  CHECK(fd_ctl_text(*g, r, abi::FdCtlCmd::kGET_STATUS) == R"({"closed":false,"flags":[],"kind":"ChatResponse","poll_mask":["EPOLLIN"]})");
  const int32_t failed = g->cchat_send(s, 0);
  CHECK(g->host_close(failed) == 0);  // the host side ends it: ERR and HUP, but the guest has not closed it
  CHECK(fd_ctl_text(*g, failed, abi::FdCtlCmd::kGET_STATUS) ==
        R"({"closed":false,"flags":[],"kind":"ChatResponse","poll_mask":["EPOLLIN","EPOLLERR","EPOLLHUP"]})");
  CHECK(g->cchat_close(r) == 0);
  CHECK(fd_ctl_text(*g, r, abi::FdCtlCmd::kGET_STATUS) ==
        R"({"closed":true,"flags":[],"kind":"ChatResponse","poll_mask":["EPOLLIN","EPOLLHUP"]})");
  CHECK(g->host_close(4242) == kEBADF);
}

TEST("fd_ctl GET_METRICS gives each kind's counters") {
  auto g = new_instance();
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

TEST("FdTable: the guest's cached lookup answers as find() does, after every open and close") {
  auto waker = std::make_shared<core::Waker>();
  core::FdTable table;
  const uint32_t chat = core::kind_bit(abi::FdKind::kChatSession);
  const uint32_t epoll = core::kind_bit(abi::FdKind::kEpoll);
  auto a = std::make_shared<core::ChatSession>(waker);
  auto b = std::make_shared<core::ChatSession>(waker);
  CHECK(table.insert(a) == 1000);
  CHECK(table.guest_find(1000, chat) == a);
  CHECK(table.guest_find(1000, chat) == a);  // from the cache
  CHECK(table.guest_find(1000, epoll) == nullptr);  // the kind is still checked
  CHECK(table.insert(b) == 1001);  // another fd opened: the cached answer still holds
  CHECK(table.guest_find(1000, chat) == a);
  CHECK(table.guest_find(1001, chat) == b);
  CHECK(table.close(1001) == 0);  // the cached fd closed: not answered from the cache
  CHECK(table.guest_find(1001, chat) == nullptr);
  auto known = table.guest_find_known(1001);
  CHECK(known && known->guest_closed());
  CHECK(table.guest_find_known(1000) == a);
  CHECK(table.guest_find_known(4242) == nullptr);
  table.release_all();
  CHECK(table.guest_find(1000, chat) == nullptr);
  CHECK(table.guest_find_known(1000) == nullptr);
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

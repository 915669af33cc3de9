// The chat hostcalls: sessions, params, tools, route B responses, the outbox, metrics.
#include <atomic>
#include <string>
#include <vector>

#include "support.hpp"

using namespace hostwire;
using namespace hostwire::test;
using core::Json;

namespace {
constexpr int32_t kEBADF = -abi::kEBADF;
constexpr int32_t kEINVAL = -abi::kEINVAL;

int32_t msg(core::GuestInstance &g, int32_t fd, const std::string &role, const std::string &content) {
  return g.cchat_write_msg(fd, bytes_of(role), role.size(), bytes_of(content), content.size());
}

int32_t tool(core::GuestInstance &g, int32_t fd, int32_t fn_offset, const std::string &spec) {
  return g.cchat_write_fn(fd, fn_offset, bytes_of(spec), spec.size());
}

int32_t param(core::GuestInstance &g, int32_t fd, const std::string &json) {
  return ctl_in([&](auto &&...a) { return g.cchat_ctl(a...); }, fd, abi::CchatCtlCmd::kSET_PARAM, json);
}

Json metrics(core::GuestInstance &g, int32_t fd) {
  core::Output out(4096);
  if (g.cchat_ctl(fd, abi::CchatCtlCmd::kGET_METRICS, nullptr, 0, out) != 0) return nullptr;
  return json_of(out);
}

/** cchat_ctl without input into a fresh Output of 64 bytes, which an error leaves untouched. */
int32_t bare_ctl(core::GuestInstance &g, int32_t fd, int32_t cmd) {
  core::Output out(64);
  const int32_t r = g.cchat_ctl(fd, cmd, nullptr, 0, out);
  CHECK_MSG(r == 0 || untouched(out), "cchat_ctl " + std::to_string(cmd) + ": " + std::to_string(r) + " with an output");
  return r;
}

const char *kSum = R"({"type":"function","function":{"name":"sum","parameters":{"type":"object"}}})";
}  // namespace

TEST("cchat_write_msg: any non-empty UTF-8 role; -EINVAL for an empty role or non-UTF-8; -EBADF for other fds") {
  auto g = new_instance();
  const int32_t s = g->cchat_create();
  CHECK(msg(*g, s, "user", "hello") == 0);
  CHECK(msg(*g, s, "system", "") == 0);  // empty content is a message
  CHECK(msg(*g, s, "narrator", "caf\xc3\xa9") == 0);
  CHECK(msg(*g, s, "", "x") == kEINVAL);
  CHECK(msg(*g, s, "us\xff", "x") == kEINVAL);
  CHECK(msg(*g, s, "user", "\xc0\xaf") == kEINVAL);        // overlong
  CHECK(msg(*g, s, "user", "\xed\xa0\x80") == kEINVAL);    // a surrogate
  CHECK(msg(*g, s, "user", "\xe2\x82") == kEINVAL);        // truncated
  CHECK(msg(*g, 4242, "user", "x") == kEBADF);
  CHECK(msg(*g, g->spear_epoll_create(), "user", "x") == kEBADF);
  const int32_t r = g->cchat_send(s, 0);
  CHECK(msg(*g, r, "user", "x") == kEBADF);  // a response is not a session
  CHECK(g->status_of(s)["messages"] == 3);
}

TEST("cchat_write_fn: the tool JSON must parse and name function.name; fn_offset >= 0") {
  auto g = new_instance();
  const int32_t s = g->cchat_create();
  CHECK(tool(*g, s, 1, kSum) == 0);
  CHECK(tool(*g, s, 0, R"({"function":{"name":"x"}})") == 0);
  for (const char *bad : {"", "{", "[]", R"({"type":"function"})", R"({"function":"sum"})", R"({"function":{}})",
                          R"({"function":{"name":""}})", R"({"function":{"name":7}})"}) {
    CHECK_MSG(tool(*g, s, 1, bad) == kEINVAL, std::string("tool ") + bad);
  }
  CHECK(tool(*g, s, -1, kSum) == kEINVAL);
  CHECK(tool(*g, 4242, 1, kSum) == kEBADF);
  CHECK(g->status_of(s)["tools"] == 2);
}

TEST("cchat_ctl SET_PARAM: known keys checked by type, unknown kept, null unsets, bad JSON -EINVAL") {
  auto g = new_instance();
  const int32_t s = g->cchat_create();
  for (const char *ok : {R"({"key":"model","value":"gpt-4o-mini"})", R"({"key":"backend","value":"stub"})",
                         R"({"key":"timeout_ms","value":1000})", R"({"key":"max_tokens","value":128.0})",
                         R"({"key":"temperature","value":0.5})", R"({"key":"temperature","value":2})",
                         R"({"key":"response_format","value":"json_object"})",
                         R"({"key":"response_format","value":{"type":"json_schema","schema":{}}})",
                         R"({"key":"tool_arena_ptr","value":1024})", R"({"key":"tool_arena_len","value":0})",
                         R"({"key":"max_iterations","value":4})", R"({"key":"max_tool_calls","value":0})",
                         R"({"key":"max_total_tool_calls","value":2147483647})", R"({"key":"max_tool_output_bytes","value":65536})",
                         R"({"key":"x_custom","value":[1,{"a":null}]})", R"({"key":"seed","value":"s"})"}) {
    CHECK_MSG(param(*g, s, ok) == 0, std::string("SET_PARAM ") + ok);
  }
  for (const char *bad : {R"({"key":"model","value":""})", R"({"key":"model","value":3})",
                          R"({"key":"timeout_ms","value":0})", R"({"key":"max_tokens","value":1.5})",
                          R"({"key":"max_tokens","value":"128"})", R"({"key":"temperature","value":2.5})",
                          R"({"key":"temperature","value":-0.1})", R"({"key":"response_format","value":{}})",
                          R"({"key":"response_format","value":{"type":1}})", R"({"key":"tool_arena_ptr","value":-1})",
                          R"({"key":"tool_arena_len","value":2147483648})", R"({"key":"max_iterations","value":0})",
                          R"({"key":"","value":1})", R"({"key":5,"value":1})", R"({"value":1})", R"({"key":"model"})",
                          R"(["model","x"])", R"({"key":"model","value":"x")", ""}) {
    CHECK_MSG(param(*g, s, bad) == kEINVAL, std::string("SET_PARAM ") + bad);
  }
  CHECK(param(*g, s, R"({"key":"seed","value":null})") == 0);      // unset
  CHECK(param(*g, s, R"({"key":"absent","value":null})") == 0);
  CHECK(param(*g, s, R"({"key":"model","value":"gpt-4.1"})") == 0);  // set again: the value changes, not the order
  CHECK(metrics(*g, s)["params"] ==
        Json::parse(R"({"model":"gpt-4.1","backend":"stub","timeout_ms":1000,"max_tokens":128.0,"temperature":2,
                        "response_format":{"type":"json_schema","schema":{}},"tool_arena_ptr":1024,"tool_arena_len":0,
                        "max_iterations":4,"max_tool_calls":0,"max_total_tool_calls":2147483647,
                        "max_tool_output_bytes":65536,"x_custom":[1,{"a":null}]})"));
  CHECK(param(*g, g->cchat_send(s, 0), R"({"key":"model","value":"m"})") == kEBADF);  // not on a response
  CHECK(bare_ctl(*g, s, 3) == kEINVAL);
  CHECK(bare_ctl(*g, s, 0) == kEINVAL);
  CHECK(bare_ctl(*g, 4242, 1) == kEBADF);
  CHECK(bare_ctl(*g, g->rtasr_create(), 2) == kEBADF);
}

TEST("cchat_send: a response fd at once, the request JSON in the outbox, unknown flag bits -EINVAL") {
  auto g = new_instance();
  const int32_t s = g->cchat_create();
  CHECK(msg(*g, s, "system", "Be terse.") == 0);
  CHECK(msg(*g, s, "user", "What is 7 + 35? \"quoted\"") == 0);
  CHECK(tool(*g, s, 1, kSum) == 0);
  CHECK(param(*g, s, R"({"key":"model","value":"gpt-4o-mini"})") == 0);
  CHECK(param(*g, s, R"({"key":"max_iterations","value":4})") == 0);
  CHECK(param(*g, s, R"({"key":"tool_arena_ptr","value":1024})") == 0);
  CHECK(g->cchat_send(s, 4) == kEINVAL);
  CHECK(g->cchat_send(s, 0x80000000u) == kEINVAL);
  CHECK(g->cchat_send(4242, 0) == kEBADF);
  CHECK(g->take_requests().empty());
  const int32_t r = g->cchat_send(s, abi::CchatSendFlags::kAUTO_TOOL_CALL | abi::CchatSendFlags::kENABLE_METRICS);
  CHECK(r == s + 1);
  auto reqs = g->take_requests();
  CHECK(reqs.size() == 1);
  if (reqs.size() == 1) {
    CHECK(reqs[0].response_fd == r);
    CHECK(reqs[0].json ==
          R"({"messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"What is 7 + 35? \"quoted\""}],)"
          R"("tools":[{"fn_offset":1,"spec":{"type":"function","function":{"name":"sum","parameters":{"type":"object"}}}}],)"
          R"("params":{"model":"gpt-4o-mini","max_iterations":4,"tool_arena_ptr":1024},"flags":3})");
  }
  CHECK(g->take_requests().empty());  // drained
  // A later send snapshots the conversation as it is then; the earlier request is unchanged.
  CHECK(msg(*g, s, "user", "again") == 0);
  const int32_t r2 = g->cchat_send(s, 0);
  const int32_t r3 = g->cchat_send(s, 0);
  reqs = g->take_requests();
  CHECK(reqs.size() == 2 && reqs[0].response_fd == r2 && reqs[1].response_fd == r3);
  CHECK(Json::parse(reqs[0].json)["messages"].size() == 3);
  CHECK(g->status_of(s)["sends"] == 3);
  CHECK(fd_ctl_json(*g, r, abi::FdCtlCmd::kGET_KIND)["kind"] == "ChatResponse");
}

TEST("cchat_recv: -EAGAIN while pending when O_NONBLOCK; -ENOSPC consumes nothing; one full read, then 0") {
  auto g = new_instance();
  const int32_t r = new_response(*g);
  CHECK(set_nonblock(*g, r) == 0);
  core::Output out(1024);
  CHECK(g->cchat_recv(r, out) == -abi::kEAGAIN && untouched(out));
  CHECK(g->take_requests().size() == 1);
  const std::string body = R"({"object":"chat.completion","choices":[]})";
  CHECK(g->complete_chat(r, to_vec(body), "") == 0);
  core::Output small(10);
  CHECK(needs(g->cchat_recv(r, small), small, body.size()));  // longer than 10: -ENOSPC with the length
  GuestOut again(body.size() - 1);  // one byte short, in guest memory
  CHECK(needs(g->cchat_recv(r, again.out), again.out, body.size()) && again.intact());  // still there, nothing written
  CHECK(g->status_of(r)["reads_too_small"] == 2);
  GuestOut full(body.size());
  CHECK(g->cchat_recv(r, full.out) == 0 && text(full.out) == body);  // exactly fits
  core::Output end(1024);
  CHECK(empty_result(g->cchat_recv(r, end), end));  // end of stream: 0 bytes, *out_len_ptr = 0
  core::Output end2(0);
  CHECK(empty_result(g->cchat_recv(r, end2), end2));
  CHECK(g->status_of(r)["state"] == "consumed");
  core::Output other(64);
  CHECK(g->cchat_recv(g->cchat_create(), other) == kEBADF && untouched(other));  // a session is not a response
}

TEST("cchat_recv: a failed request is EPOLLIN | EPOLLERR (a read does not block) and every read returns its errno") {
  auto g = new_instance();
  const int32_t r = new_response(*g);
  CHECK(g->fail_chat(r, -abi::kETIMEDOUT) == 0);
  core::Output out(1024);
  CHECK(g->cchat_recv(r, out) == -abi::kETIMEDOUT && untouched(out));
  core::Output out2(1024);
  CHECK(g->cchat_recv(r, out2) == -abi::kETIMEDOUT && untouched(out2));
  CHECK(g->status_of(r)["poll_mask"] == (abi::EpollEvents::kIN | abi::EpollEvents::kERR));  // a read does not block
  const int32_t r2 = new_response(*g);
  CHECK(g->fail_chat(r2, abi::kECONNRESET) == 0);  // either sign; stored negative
  core::Output out3(1024);
  CHECK(g->cchat_recv(r2, out3) == -abi::kECONNRESET && untouched(out3));
}

TEST("complete_chat / fail_chat: once per response; -EBADF for other fds; metrics must be JSON") {
  auto g = new_instance();
  int32_t s = 0;
  const int32_t r = new_response(*g, &s);
  CHECK(g->complete_chat(r, to_vec("{}"), "{not json") == kEINVAL);
  CHECK(g->complete_chat(s, to_vec("{}"), "") == kEBADF);
  CHECK(g->complete_chat(4242, to_vec("{}"), "") == kEBADF);
  CHECK(g->fail_chat(r, 0) == kEINVAL);
  CHECK(g->fail_chat(r, 4096) == kEINVAL);
  CHECK(g->fail_chat(r, -65536) == kEINVAL);
  CHECK(g->complete_chat(r, to_vec("{}"), "") == 0);
  CHECK(g->complete_chat(r, to_vec("{}"), "") == kEINVAL);
  CHECK(g->fail_chat(r, -abi::kEIO) == kEINVAL);
  CHECK(g->cchat_close(r) == 0);
  CHECK(g->complete_chat(r, to_vec("{}"), "") == kEBADF);  // the guest closed it: the host drops the answer
}

TEST("cchat_ctl GET_METRICS: the response gives the host's metrics plus _fd; the session its counters") {
  auto g = new_instance();
  int32_t s = 0;
  const int32_t r = new_response(*g, &s);
  CHECK(metrics(*g, r) == Json::parse(R"({"_fd":{"fd":1001,"session_fd":1000,"send_flags":0,"state":"pending",
      "bytes":null,"error":null,"reads":0,"reads_too_small":0,"wait_ms":null}})"));
  CHECK(g->complete_chat(r, to_vec("abcdef"), R"({"backend":"stub","iterations":1,"usage":{"total_tokens":9}})") == 0);
  core::Output out(64);
  CHECK(g->cchat_recv(r, out) == 0 && text(out) == "abcdef");
  Json m = metrics(*g, r);
  CHECK(m["backend"] == "stub" && m["iterations"] == 1 && m["usage"]["total_tokens"] == 9);
  CHECK(m["_fd"]["state"] == "consumed" && m["_fd"]["bytes"] == 6 && m["_fd"]["reads"] == 1);
  CHECK(m["_fd"]["wait_ms"].is_number_integer() && m["_fd"]["wait_ms"].get<int64_t>() >= 0);
  CHECK(fd_ctl_json(*g, r, abi::FdCtlCmd::kGET_METRICS) == m);  // the same through spear_fd_ctl
  const int32_t failed = g->cchat_send(s, 0);
  CHECK(g->fail_chat(failed, -abi::kEIO) == 0);
  const int32_t plain = g->cchat_send(s, 0);
  CHECK(g->complete_chat(plain, to_vec("x"), "7") == 0);  // not an object: kept under "host"
  CHECK(metrics(*g, plain)["host"] == 7);
  Json sm = metrics(*g, s);
  CHECK(sm["messages"] == 1 && sm["sends"] == 3 && sm["completed"] == 2 && sm["failed"] == 1);
  CHECK(sm["response_bytes"] == 7 && sm["last_error"] == "EIO" && sm["last_metrics"] == 7);
}

TEST("cchat_close closes sessions and responses; a response outlives its session") {
  auto g = new_instance();
  int32_t s = 0;
  const int32_t r = new_response(*g, &s);
  CHECK(g->cchat_close(s) == 0);
  CHECK(g->complete_chat(r, to_vec("ok"), "") == 0);
  core::Output out(64);
  CHECK(g->cchat_recv(r, out) == 0 && text(out) == "ok");
  CHECK(metrics(*g, r)["_fd"]["session_fd"] == s);
  CHECK(g->cchat_close(r) == 0);
  CHECK(g->cchat_close(r) == 0);  // closed again: 0, as SPEAR's fd table
  core::Output closed(64);
  CHECK(g->cchat_recv(r, closed) == kEBADF && untouched(closed));
}

TEST("cchat_recv (threads): blocks until a host thread completes; interrupted by callbacks, abort, close") {
  auto g = new_instance();
  const int32_t r = new_response(*g);
  int32_t rc = 1;
  core::Output out(1024);
  Joined reader([&] { rc = g->cchat_recv(r, out); });
  sleep_for_ms(20);
  Joined host([&] { CHECK(g->complete_chat(r, to_vec("answer"), "{}") == 0); });
  host.join();
  reader.join();
  CHECK(rc == 0 && text(out) == "answer");

  const int32_t r2 = new_response(*g);
  core::Output out2(1024);
  Joined reader2([&] { rc = g->cchat_recv(r2, out2); });
  sleep_for_ms(20);
  CHECK(g->post_callback(1, "{}") == 0);
  reader2.join();
  CHECK(rc == core::kCallbackPending && untouched(out2));
  CHECK(g->take_callbacks().size() == 1);

  core::Output out3(1024);
  Joined reader3([&] { rc = g->cchat_recv(r2, out3); });
  sleep_for_ms(20);
  CHECK(g->cchat_close(r2) == 0);
  reader3.join();
  CHECK(rc == kEBADF && untouched(out3));

  const int32_t r4 = new_response(*g);
  core::Output out4(1024);
  Joined reader4([&] { rc = g->cchat_recv(r4, out4); });
  sleep_for_ms(20);
  CHECK(g->abort() == 0);
  reader4.join();
  CHECK(rc == core::kAborted && untouched(out4));
}

TEST("a host-side close of a pending response fails it with -ECONNRESET (EPOLLIN | EPOLLERR | EPOLLHUP)") {
  auto g = new_instance();
  const int32_t r = new_response(*g);
  CHECK(g->host_close(r) == 0);
  core::Output out(64);
  CHECK(g->cchat_recv(r, out) == -abi::kECONNRESET && untouched(out));
  CHECK(g->status_of(r)["poll_mask"] == (abi::EpollEvents::kIN | abi::EpollEvents::kERR | abi::EpollEvents::kHUP));
  CHECK(g->complete_chat(r, to_vec("late"), "") == kEINVAL);
}

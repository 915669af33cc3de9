// The chat hostcalls: sessions, params, tools, route B responses, the outbox, metrics.
#include <atomic>
#include <string>
#include <vector>

#include "support.hpp"

using namespace hostwire;
using namespace hostwire::test;
using core::Json;

namespace {

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

// SPEAR host_api/cchat.rs cchat_write_msg: any role and content are kept (lossy UTF-8).
TEST("cchat_write_msg: any role and content, as SPEAR (non-UTF-8 bytes become U+FFFD); -EBADF for other fds") {
  auto g = new_instance();
  const int32_t s = g->cchat_create();
  CHECK(msg(*g, s, "user", "hello") == 0);
  CHECK(msg(*g, s, "system", "") == 0);  // empty content is a message
  CHECK(msg(*g, s, "narrator", "caf\xc3\xa9") == 0);
  CHECK(msg(*g, s, "", "x") == 0);
  CHECK(msg(*g, s, "us\xff", "\xe2\x82") == 0);
  CHECK(msg(*g, 4242, "user", "x") == kEBADF);
  CHECK(msg(*g, g->spear_epoll_create(), "user", "x") == kEBADF);
  const int32_t r = g->cchat_send(s, 0);
  CHECK(msg(*g, r, "user", "x") == kEBADF);  // a response is not a session
  CHECK(g->status_of(s)["messages"] == 5);
  auto reqs = g->take_requests();
  CHECK(reqs.size() == 1);
  if (reqs.size() == 1) {
    CHECK(Json::parse(reqs[0].json)["messages"] ==
          Json::parse(R"([{"role":"user","content":"hello"},{"role":"system","content":""},)"
                      R"({"role":"narrator","content":"café"},{"role":"","content":"x"},)"
                      R"({"role":"us\ufffd","content":"\ufffd"}])"));
  }
}

// SPEAR host_api/cchat.rs cchat_write_fn: the tool text and fn_offset are stored as given.
TEST("cchat_write_fn: any text and fn_offset are registered, as SPEAR; -EBADF for other fds") {
  auto g = new_instance();
  const int32_t s = g->cchat_create();
  CHECK(tool(*g, s, 1, kSum) == 0);
  CHECK(tool(*g, s, -1, "not json") == 0);
  CHECK(tool(*g, s, 0, "") == 0);
  CHECK(tool(*g, 4242, 1, kSum) == kEBADF);
  CHECK(g->status_of(s)["tools"] == 3);
  CHECK(g->cchat_send(s, 0) > 0);
  auto reqs = g->take_requests();
  CHECK(reqs.size() == 1);
  if (reqs.size() == 1) {
    CHECK(Json::parse(reqs[0].json)["tools"] ==
          Json::parse(std::string(R"([{"fn_offset":1,"spec":)") + Json(kSum).dump() +
                      R"(},{"fn_offset":-1,"spec":"not json"},{"fn_offset":0,"spec":""}])"));
  }
}

// SPEAR runtime/wasm_hostcalls.rs cchat_ctl + host_api/cchat.rs cchat_ctl_set_param.
TEST("cchat_ctl SET_PARAM: any value kept as set; -EIO for bad JSON or no key; 0 on a response; -EINVAL cmd") {
  auto g = new_instance();
  const int32_t s = g->cchat_create();
  for (const char *ok : {R"({"key":"model","value":"gpt-4o-mini"})", R"({"key":"temperature","value":2.5})",
                         R"({"key":"max_tokens","value":"128"})", R"({"key":"max_iterations","value":0})",
                         R"({"key":"x_custom","value":[1,{"a":null}]})", R"({"key":"seed"})",
                         R"({"key":"model","value":""})"}) {
    CHECK_MSG(param(*g, s, ok) == 0, std::string("SET_PARAM ") + ok);
  }
  for (const char *bad : {R"({"key":"","value":1})", R"({"key":5,"value":1})", R"({"value":1})",
                          R"(["model","x"])", R"({"key":"model","value":"x")", ""}) {
    CHECK_MSG(param(*g, s, bad) == -abi::kEIO, std::string("SET_PARAM ") + bad);
  }
  CHECK(param(*g, 4242, R"({"key":"model"})") == kEBADF);
  CHECK(param(*g, 4242, R"({"key":""})") == -abi::kEIO);  // the argument is read first
  CHECK(g->cchat_send(s, 0) > 0);
  auto reqs = g->take_requests();
  CHECK(reqs.size() == 1);
  if (reqs.size() == 1) {
    CHECK(Json::parse(reqs[0].json)["params"] ==
          Json::parse(R"({"model":"","temperature":2.5,"max_tokens":"128","max_iterations":0,)"
                      R"("x_custom":[1,{"a":null}],"seed":null})"));
  }
  CHECK(param(*g, g->cchat_send(s, 0), R"({"key":"model","value":"m"})") == 0);  // a response: accepted, no effect
  CHECK(bare_ctl(*g, s, 3) == kEINVAL);
  CHECK(bare_ctl(*g, s, 0) == kEINVAL);
  CHECK(bare_ctl(*g, 4242, 2) == kEBADF);
  CHECK(bare_ctl(*g, g->rtasr_create(), 2) == kEBADF);
}

// SPEAR host_api/cchat.rs cchat_ctl_set_param, cchat_apply_task_mcp_defaults,
// cchat_get_session_snapshot (materialize_into); mcp/task_subset.rs task_default_session_params.
TEST("cchat_ctl SET_PARAM mcp.*: SPEAR's -EACCES / -EINVAL rules, defaults from the host policy, the selection in the request") {
  auto g = new_instance();
  int32_t s = g->cchat_create();
  CHECK(param(*g, s, R"({"key":"mcp.task_tool_allowlist","value":["*"]})") == -abi::kEACCES);
  CHECK(param(*g, s, R"({"key":"mcp.enabled","value":true})") == -abi::kEACCES);  // no policy: MCP disabled
  CHECK(param(*g, s, R"({"key":"mcp.enabled","value":false})") == 0);
  CHECK(param(*g, s, R"({"key":"mcp.server_ids","value":["fs"]})") == -abi::kEACCES);
  CHECK(param(*g, s, R"({"key":"mcp.server_ids","value":"fs"})") == kEINVAL);
  CHECK(g->set_mcp_policy("[]") == kEINVAL);
  CHECK(g->set_mcp_policy(R"({"enabled":"yes"})") == kEINVAL);
  CHECK(g->set_mcp_policy(R"({"enabled":true,"default_server_ids":[" fs ","gone","fs"],"allowed_server_ids":["fs","web"],)"
                          R"("tool_allowlist":["read_*"],"tool_denylist":[]})") == 0);
  CHECK(param(*g, s, R"({"key":"mcp.enabled","value":true})") == 0);
  CHECK(param(*g, s, R"({"key":"mcp.server_ids","value":["web",""]})") == 0);
  CHECK(param(*g, s, R"({"key":"mcp.server_ids","value":["gone"]})") == -abi::kEACCES);
  CHECK(param(*g, s, R"({"key":"mcp.tool_denylist","value":["write_*",3]})") == 0);
  CHECK(param(*g, s, R"({"key":"mcp.tool_allowlist","value":{}})") == kEINVAL);
  CHECK(param(*g, s, R"({"key":"mcp.other","value":1})") == 0);
  CHECK(g->cchat_send(s, 0) > 0);  // created before the policy: no task lists
  // A session created under the policy starts with its allowed default servers.
  const int32_t d = g->cchat_create();
  CHECK(g->cchat_send(d, 0) > 0);
  const int32_t e = g->rtasr_create();
  CHECK(param(*g, e, R"({"key":"mcp.task_x","value":1})") == -abi::kEACCES);
  CHECK(param(*g, e, R"({"key":"mcp.enabled","value":1})") == kEINVAL);
  CHECK(param(*g, e, R"({"key":"mcp.tool_allowlist","value":[]})") == kEBADF);
  CHECK(param(*g, 4242, R"({"key":"mcp.task_x","value":1})") == kEBADF);
  CHECK(g->cchat_close(d) == 0);
  CHECK(param(*g, d, R"({"key":"mcp.task_x","value":1})") == -abi::kEACCES);
  CHECK(param(*g, d, R"({"key":"mcp.tool_allowlist","value":[]})") == kEBADF);
  auto reqs = g->take_requests();
  CHECK(reqs.size() == 2);
  if (reqs.size() == 2) {
    CHECK(Json::parse(reqs[0].json)["params"] ==
          Json::parse(R"({"mcp.other":1,"mcp.enabled":true,"mcp.server_ids":["web",""],"mcp.tool_denylist":["write_*"]})"));
    CHECK(Json::parse(reqs[1].json)["params"] ==
          Json::parse(R"({"mcp.enabled":true,"mcp.server_ids":["fs"],"mcp.task_tool_allowlist":["read_*"]})"));
  }
  // Not effectively enabled (no server): nothing of MCP in the request.
  s = g->cchat_create();
  CHECK(param(*g, s, R"({"key":"mcp.server_ids","value":[]})") == 0);
  CHECK(g->cchat_send(s, 0) > 0);
  reqs = g->take_requests();
  CHECK(reqs.size() == 1 && Json::parse(reqs[0].json)["params"] == Json::object());
}

TEST("cchat_send: a response fd at once, the request JSON in the outbox; other flag bits are ignored, as SPEAR") {
  auto g = new_instance();
  const int32_t s = g->cchat_create();
  CHECK(msg(*g, s, "system", "Be terse.") == 0);
  CHECK(msg(*g, s, "user", "What is 7 + 35? \"quoted\"") == 0);
  CHECK(tool(*g, s, 1, kSum) == 0);
  CHECK(param(*g, s, R"({"key":"model","value":"gpt-4o-mini"})") == 0);
  CHECK(param(*g, s, R"({"key":"max_iterations","value":4})") == 0);
  CHECK(param(*g, s, R"({"key":"tool_arena_ptr","value":1024})") == 0);
  CHECK(g->cchat_send(4242, 0) == kEBADF);
  CHECK(g->take_requests().empty());
  const int32_t r = g->cchat_send(s, abi::CchatSendFlags::kAUTO_TOOL_CALL | abi::CchatSendFlags::kENABLE_METRICS);
  CHECK(r == s + 1);
  auto reqs = g->take_requests();
  CHECK(reqs.size() == 1);
  if (reqs.size() == 1) {
    CHECK(reqs[0].response_fd == r);
    CHECK(reqs[0].json ==
          std::string(R"({"fd":1000,"messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"What is 7 + 35? \"quoted\""}],)"
                      R"("tools":[{"fn_offset":1,"spec":)") + Json(kSum).dump() + R"(}],)"
          R"("params":{"model":"gpt-4o-mini","max_iterations":4,"tool_arena_ptr":1024},"flags":3})");
  }
  CHECK(g->take_requests().empty());  // drained
  // A later send snapshots the conversation as it is then; the earlier request is unchanged.
  CHECK(msg(*g, s, "user", "again") == 0);
  const int32_t r2 = g->cchat_send(s, 0);
  const int32_t r3 = g->cchat_send(s, 0x80000004u);
  CHECK(r3 == r2 + 1);
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

// SPEAR host_api/cchat.rs cchat_ctl_get_metrics: a response's metrics bytes, or {}.
TEST("cchat_ctl GET_METRICS: the response's metrics as the host gave them, {} without; -EBADF on a session") {
  auto g = new_instance();
  int32_t s = 0;
  const int32_t r = new_response(*g, &s);
  CHECK(metrics(*g, r) == Json::object());  // pending
  CHECK(g->complete_chat(r, to_vec("abcdef"), R"({"prompt_tokens":2,"completion_tokens":1,"total_tokens":3})") == 0);
  core::Output out(64);
  CHECK(g->cchat_recv(r, out) == 0 && text(out) == "abcdef");
  CHECK(metrics(*g, r) == Json::parse(R"({"prompt_tokens":2,"completion_tokens":1,"total_tokens":3})"));
  core::Output small(10);
  CHECK(needs(g->cchat_ctl(r, abi::CchatCtlCmd::kGET_METRICS, nullptr, 0, small), small, 58));
  const int32_t failed = g->cchat_send(s, 0);
  CHECK(g->fail_chat(failed, -abi::kEIO) == 0);
  CHECK(metrics(*g, failed) == Json::object());
  const int32_t plain = g->cchat_send(s, 0);
  CHECK(g->complete_chat(plain, to_vec("x"), "") == 0);  // no ENABLE_METRICS: none
  CHECK(metrics(*g, plain) == Json::object());
  CHECK(bare_ctl(*g, s, abi::CchatCtlCmd::kGET_METRICS) == kEBADF);
  // spear_fd_ctl GET_METRICS keeps the host's view: the metrics plus this fd's counters.
  Json m = fd_ctl_json(*g, r, abi::FdCtlCmd::kGET_METRICS);
  CHECK(m["total_tokens"] == 3 && m["_fd"]["state"] == "consumed" && m["_fd"]["bytes"] == 6 && m["_fd"]["reads"] == 1);
  Json sm = fd_ctl_json(*g, s, abi::FdCtlCmd::kGET_METRICS);
  CHECK(sm["messages"] == 1 && sm["sends"] == 3 && sm["completed"] == 2 && sm["failed"] == 1);
  CHECK(sm["response_bytes"] == 7 && sm["last_error"] == "EIO");
}

// SPEAR host_api/cchat.rs cchat_send_with_tools appends to the session as the loop runs.
TEST("complete_chat with messages: appended to the session before the response is readable; checked") {
  auto g = new_instance();
  int32_t s = 0;
  const int32_t r = new_response(*g, &s);
  CHECK(g->complete_chat(r, to_vec("{}"), "", "{}") == kEINVAL);
  CHECK(g->complete_chat(r, to_vec("{}"), "", "[1]") == kEINVAL);
  CHECK(g->complete_chat(r, to_vec("{}"), "", "[") == kEINVAL);
  const char *added = R"([{"role":"assistant","content":null,"tool_calls":[{"id":"call_stub_1","type":"function",)"
                      R"("function":{"name":"sum","arguments":"{\"a\":7,\"b\":35}"}}]},)"
                      R"({"role":"tool","content":"42","tool_call_id":"call_stub_1"},)"
                      R"({"role":"assistant","content":"stub chat completion after tool"}])";
  CHECK(g->complete_chat(r, to_vec("{}"), "", added) == 0);
  CHECK(g->status_of(s)["messages"] == 4);
  CHECK(g->cchat_send(s, 0) > 0);
  auto reqs = g->take_requests();
  CHECK(reqs.size() == 2);
  if (reqs.size() == 2) {
    Json want = Json::parse(added);
    want.insert(want.begin(), Json::parse(R"({"role":"user","content":"hi"})"));
    CHECK(Json::parse(reqs[1].json)["messages"] == want);
  }
  // The session closed meanwhile: the response still completes.
  const int32_t r2 = g->cchat_send(s, 0);
  CHECK(g->cchat_close(s) == 0);
  CHECK(g->complete_chat(r2, to_vec("ok"), "", added) == 0);
}

TEST("cchat_close closes sessions and responses; a response outlives its session") {
  auto g = new_instance();
  int32_t s = 0;
  const int32_t r = new_response(*g, &s);
  CHECK(g->cchat_close(s) == 0);
  CHECK(g->complete_chat(r, to_vec("ok"), "") == 0);
  core::Output out(64);
  CHECK(g->cchat_recv(r, out) == 0 && text(out) == "ok");
  CHECK(g->status_of(r)["session_fd"] == s);
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

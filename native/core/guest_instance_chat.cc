// The chat hostcalls (cchat_*): sessions, route B responses, the outbox.
#include "core/chat_params.hpp"
#include "core/chat_response.hpp"
#include "core/chat_session.hpp"
#include "core/guard.hpp"
#include "core/guest_instance.hpp"
#include "core/mcp_policy.hpp"

namespace hostwire::core {

// As SPEAR's cchat_create: a new session starts with the MCP selection of the host policy's
// defaults (cchat_apply_task_mcp_defaults).
int32_t GuestInstance::cchat_create() {
  return guarded([&]() -> int32_t {
    auto session = std::make_shared<ChatSession>(waker_);
    session->init_mcp(McpSessionParams::defaults_of(mcp_policy()));
    return table_.insert(std::move(session));
  });
}

int32_t GuestInstance::cchat_write_msg(int32_t fd, const uint8_t *role, size_t role_len, const uint8_t *content,
                                       size_t content_len) {
  return guarded([&]() -> int32_t {
    auto session = table_.find_as<ChatSession>(fd, abi::FdKind::kChatSession);
    if (!session) return -abi::kEBADF;
    return session->write_msg(role, role_len, content, content_len);
  });
}

int32_t GuestInstance::cchat_write_fn(int32_t fd, int32_t fn_offset, const uint8_t *fn, size_t fn_len) {
  return guarded([&]() -> int32_t {
    auto session = table_.find_as<ChatSession>(fd, abi::FdKind::kChatSession);
    if (!session) return -abi::kEBADF;
    return session->write_fn(fn_offset, fn, fn_len);
  });
}

// As SPEAR (cchat_ctl, cchat_ctl_set_param): SET_PARAM parses its argument first (-EIO for
// bad JSON or no key); an fd never handed out is -EBADF; a `mcp.task_*` key is -EACCES on
// any known fd; `mcp.enabled` (a bool, else -EINVAL) true while the host policy disables
// MCP, and `mcp.server_ids` (an array, else -EINVAL) naming a server the policy does not
// allow, are -EACCES; then a closed fd is -EBADF, a session stores the value (the MCP
// selection keys in its McpSessionParams, -EINVAL for a bool/array of the wrong type, any
// other key as a param), a response ignores it (0), any other kind is -EBADF.
// GET_METRICS takes a response only.
int32_t GuestInstance::cchat_ctl(int32_t fd, int32_t cmd, const uint8_t *arg, size_t arg_len, Output &arg_out) {
  return guarded([&]() -> int32_t {
    switch (cmd) {
      case abi::CchatCtlCmd::kSET_PARAM: {
        std::string key;
        Json value;
        const int32_t rc = parse_param(arg, arg_len, key, value);
        if (rc < 0) return rc;
        if (!table_.find_known(fd)) return -abi::kEBADF;
        if (key.rfind(mcp_keys::kTaskPrefix, 0) == 0) return -abi::kEACCES;
        if (key == mcp_keys::kEnabled || key == mcp_keys::kServerIds) {
          const McpHostPolicy policy = mcp_policy();
          if (key == mcp_keys::kEnabled) {
            if (!value.is_boolean()) return -abi::kEINVAL;
            if (value.get<bool>() && !policy.enabled) return -abi::kEACCES;
          } else {
            if (!value.is_array()) return -abi::kEINVAL;
            if (!policy.allows_servers(string_items(value))) return -abi::kEACCES;
          }
        }
        std::shared_ptr<FdEntry> e = table_.find(fd);
        if (!e) return -abi::kEBADF;
        if (e->kind() == abi::FdKind::kChatResponse) return 0;
        if (e->kind() != abi::FdKind::kChatSession) return -abi::kEBADF;
        auto &session = static_cast<ChatSession &>(*e);
        const int32_t mcp_rc = session.set_mcp_param(key, value);
        if (mcp_rc <= 0) return mcp_rc;
        session.set_param(std::move(key), std::move(value));
        return 0;
      }
      case abi::CchatCtlCmd::kGET_METRICS: {
        auto response = table_.find_as<ChatResponse>(fd, abi::FdKind::kChatResponse);
        if (!response) return -abi::kEBADF;
        return json_output(response->guest_metrics(), arg_out);
      }
      default:
        return -abi::kEINVAL;
    }
  });
}

// Flags other than ENABLE_METRICS and AUTO_TOOL_CALL are ignored, as SPEAR does.
int32_t GuestInstance::cchat_send(int32_t fd, uint32_t flags) {
  return guarded([&]() -> int32_t {
    auto session = table_.find_as<ChatSession>(fd, abi::FdKind::kChatSession);
    if (!session) return -abi::kEBADF;
    std::string request = session->take_request(flags);
    const int32_t response_fd = table_.insert(std::make_shared<ChatResponse>(waker_, fd, flags, session->stats()));
    if (response_fd < 0) return response_fd;
    std::lock_guard<std::mutex> lock(mail_mu_);
    outbox_.push_back(ChatRequest{response_fd, std::move(request)});
    return response_fd;
  });
}

int32_t GuestInstance::cchat_recv(int32_t response_fd, Output &out) {
  return guarded([&]() -> int32_t {
    auto response = table_.find_as<ChatResponse>(response_fd, abi::FdKind::kChatResponse);
    if (!response) return -abi::kEBADF;
    const Deadline deadline = response->nonblocking() ? Deadline::poll() : Deadline::forever();
    return block(
        deadline,
        [&]() -> std::optional<int32_t> {
          if (response->guest_closed()) return -abi::kEBADF;
          return response->try_recv(out.capacity(), out);
        },
        [] { return -abi::kEAGAIN; });
  });
}

int32_t GuestInstance::cchat_close(int32_t fd) {
  return guarded([&]() -> int32_t { return table_.close(fd); });
}

}  // namespace hostwire::core

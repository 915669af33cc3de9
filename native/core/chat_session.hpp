// hostwire native core: ChatSession, a chat session fd (cchat_create).
//
// It holds the conversation (messages), the registered tools and the params, as SPEAR's
// session does (host_api/cchat.rs): messages of any role and content, tools of any fn_offset
// and text, params of any value. cchat_send turns a snapshot of them into the chat request
// JSON of runtime/guest/README.md:
//
//   {"fd":1000, "messages":[{"role":"user","content":"..."}],
//    "tools":[{"fn_offset":1,"spec":"{\"type\":\"function\",...}"}],
//    "params":{"model":"gpt-4o-mini",...}, "flags":2}
//
// `spec` is the tool text as the guest wrote it; `params` holds every SET_PARAM value as it
// was set (in the order first set), then the MCP selection when it is effectively enabled
// (mcp_policy.hpp). The AUTO_TOOL_CALL loop appends its messages (assistant
// messages with `tool_calls`, `tool` messages, the final reply) with `append_messages`.
// A session is never readable or writable (poll mask 0; EPOLLHUP once host-closed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/chat_stats.hpp"
#include "core/fd_entry.hpp"
#include "core/mcp_policy.hpp"

namespace hostwire::core {

class ChatSession final : public FdEntry {
 public:
  explicit ChatSession(std::shared_ptr<Waker> waker)
      : FdEntry(abi::FdKind::kChatSession, std::move(waker)), stats_(std::make_shared<ChatStats>()) {}

  /** Append a message: 0. Any role is kept; bytes that are not UTF-8 become U+FFFD. */
  int32_t write_msg(const uint8_t *role, size_t role_len, const uint8_t *content, size_t content_len);

  /** Register a tool: 0 (its text is read when a request runs). */
  int32_t write_fn(int32_t fn_offset, const uint8_t *fn, size_t fn_len);

  /** SET_PARAM: store `value` under `key` (chat_params.hpp). */
  void set_param(std::string key, Json value);

  /** The MCP selection a new session starts with (the host policy's defaults). */
  void init_mcp(McpSessionParams mcp);

  /**
   * SET_PARAM of an MCP selection key (`mcp.enabled` a bool, `mcp.server_ids`,
   * `mcp.tool_allowlist`, `mcp.tool_denylist` arrays whose string items are kept): 0, or
   * -EINVAL for a value of another type; 1 when `key` is none of them (an ordinary param).
   */
  int32_t set_mcp_param(const std::string &key, const Json &value);

  /** Append the messages the host's tool loop produced (a JSON array of message objects). */
  void append_messages(const Json &messages);

  /** The request JSON of a send with `flags` (already validated); counts the send. */
  std::string take_request(uint32_t flags);

  /** Shared with the responses of this session. */
  const std::shared_ptr<ChatStats> &stats() const { return stats_; }

  /** `{"messages","tools","sends","params", "completed","failed",...,"last_metrics"}`. */
  Json metrics() const override;

 protected:
  uint32_t poll_mask_locked() const override { return 0; }
  void status_locked(Json &out) const override;

 private:
  struct Tool {
    int32_t fn_offset;
    std::string text;
  };

  Json messages_ = Json::array();  // under mu_
  std::vector<Tool> tools_;
  Json params_ = Json::object();
  McpSessionParams mcp_;
  uint64_t sends_ = 0;
  uint64_t message_bytes_ = 0;
  const std::shared_ptr<ChatStats> stats_;
};

}  // namespace hostwire::core

// hostwire native core: ChatSession, a chat session fd (cchat_create).
//
// It holds the conversation (messages), the registered tools and the params; cchat_send
// turns a snapshot of them into the chat request JSON of runtime/guest/README.md:
//
//   {"messages":[{"role":"user","content":"..."}],
//    "tools":[{"fn_offset":1,"spec":{"type":"function","function":{"name":"sum",...}}}],
//    "params":{"model":"gpt-4o-mini",...}, "flags":2}
//
// `params` holds every SET_PARAM value as it was set (JSON values, in the order first set).
// A session is never readable or writable (poll mask 0; EPOLLHUP once host-closed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/chat_stats.hpp"
#include "core/fd_entry.hpp"

namespace hostwire::core {

class ChatSession final : public FdEntry {
 public:
  explicit ChatSession(std::shared_ptr<Waker> waker)
      : FdEntry(abi::FdKind::kChatSession, std::move(waker)), stats_(std::make_shared<ChatStats>()) {}

  /**
   * Append a message: 0, or -EINVAL when `role` is empty or either is not UTF-8. Any
   * non-empty role is kept ("system", "user", "assistant" and "tool" are the usual ones).
   */
  int32_t write_msg(const uint8_t *role, size_t role_len, const uint8_t *content, size_t content_len);

  /**
   * Register a tool: 0, or -EINVAL when `fn_offset` is negative or `fn` is not a JSON object
   * with an object `function` holding a non-empty string `name`.
   */
  int32_t write_fn(int32_t fn_offset, const uint8_t *fn, size_t fn_len);

  /** SET_PARAM (chat_params.hpp): 0 or -EINVAL. */
  int32_t set_param(const uint8_t *arg, size_t arg_len);

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
  struct Message {
    std::string role;
    std::string content;
  };
  struct Tool {
    int32_t fn_offset;
    Json spec;
  };

  std::vector<Message> messages_;  // under mu_
  std::vector<Tool> tools_;
  Json params_ = Json::object();
  uint64_t sends_ = 0;
  uint64_t message_bytes_ = 0;
  const std::shared_ptr<ChatStats> stats_;
};

}  // namespace hostwire::core

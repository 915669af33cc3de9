#include "core/chat_session.hpp"

#include "core/chat_params.hpp"
#include "core/util/utf8.hpp"

namespace hostwire::core {

int32_t ChatSession::write_msg(const uint8_t *role, size_t role_len, const uint8_t *content, size_t content_len) {
  if (role_len == 0 || !valid_utf8(role, role_len) || !valid_utf8(content, content_len)) return -abi::kEINVAL;
  Message m{std::string(reinterpret_cast<const char *>(role), role_len),
            std::string(reinterpret_cast<const char *>(content), content_len)};
  std::lock_guard<std::mutex> lock(mu_);
  messages_.push_back(std::move(m));
  message_bytes_ += role_len + content_len;
  return 0;
}

int32_t ChatSession::write_fn(int32_t fn_offset, const uint8_t *fn, size_t fn_len) {
  if (fn_offset < 0) return -abi::kEINVAL;
  std::optional<Json> spec = parse_json(fn, fn_len);
  if (!spec || !spec->is_object()) return -abi::kEINVAL;
  auto function = spec->find("function");
  if (function == spec->end() || !function->is_object()) return -abi::kEINVAL;
  auto name = function->find("name");
  if (name == function->end() || !name->is_string() || name->get_ref<const std::string &>().empty()) return -abi::kEINVAL;
  std::lock_guard<std::mutex> lock(mu_);
  tools_.push_back(Tool{fn_offset, std::move(*spec)});
  return 0;
}

int32_t ChatSession::set_param(const uint8_t *arg, size_t arg_len) {
  std::lock_guard<std::mutex> lock(mu_);
  return apply_param(params_, arg, arg_len, &valid_chat_param);
}

std::string ChatSession::take_request(uint32_t flags) {
  Json request = Json::object();
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++sends_;
    Json messages = Json::array();
    for (const Message &m : messages_) messages.push_back(Json{{"role", m.role}, {"content", m.content}});
    Json tools = Json::array();
    for (const Tool &t : tools_) tools.push_back(Json{{"fn_offset", t.fn_offset}, {"spec", t.spec}});
    request["messages"] = std::move(messages);
    request["tools"] = std::move(tools);
    request["params"] = params_;
  }
  request["flags"] = flags;
  return json_text(request);
}

void ChatSession::status_locked(Json &out) const {
  out["messages"] = messages_.size();
  out["tools"] = tools_.size();
  out["sends"] = sends_;
}

Json ChatSession::metrics() const {
  Json out = Json::object();
  {
    std::lock_guard<std::mutex> lock(mu_);
    out["messages"] = messages_.size();
    out["message_bytes"] = message_bytes_;
    out["tools"] = tools_.size();
    out["sends"] = sends_;
    out["params"] = params_;
  }
  stats_->add_to(out);  // entry lock released: ChatStats is a leaf anyway
  return out;
}

}  // namespace hostwire::core

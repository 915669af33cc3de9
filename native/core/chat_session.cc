#include "core/chat_session.hpp"


namespace hostwire::core {

int32_t ChatSession::write_msg(const uint8_t *role, size_t role_len, const uint8_t *content, size_t content_len) {
  Json m = Json::object();
  m["role"] = std::string(reinterpret_cast<const char *>(role), role_len);
  m["content"] = std::string(reinterpret_cast<const char *>(content), content_len);
  std::lock_guard<std::mutex> lock(mu_);
  messages_.push_back(std::move(m));
  message_bytes_ += role_len + content_len;
  return 0;
}

int32_t ChatSession::write_fn(int32_t fn_offset, const uint8_t *fn, size_t fn_len) {
  Tool t{fn_offset, std::string(reinterpret_cast<const char *>(fn), fn_len)};
  std::lock_guard<std::mutex> lock(mu_);
  tools_.push_back(std::move(t));
  return 0;
}

void ChatSession::set_param(std::string key, Json value) {
  std::lock_guard<std::mutex> lock(mu_);
  params_[key] = std::move(value);
}

void ChatSession::init_mcp(McpSessionParams mcp) {
  std::lock_guard<std::mutex> lock(mu_);
  mcp_ = std::move(mcp);
}

int32_t ChatSession::set_mcp_param(const std::string &key, const Json &value) {
  std::lock_guard<std::mutex> lock(mu_);
  if (key == mcp_keys::kEnabled) {
    if (!value.is_boolean()) return -abi::kEINVAL;
    mcp_.enabled = value.get<bool>();
    return 0;
  }
  std::vector<std::string> *list = nullptr;
  if (key == mcp_keys::kServerIds) list = &mcp_.server_ids;
  else if (key == mcp_keys::kToolAllowlist) list = &mcp_.tool_allowlist;
  else if (key == mcp_keys::kToolDenylist) list = &mcp_.tool_denylist;
  if (list == nullptr) return 1;
  if (!value.is_array()) return -abi::kEINVAL;
  *list = string_items(value);
  return 0;
}

void ChatSession::append_messages(const Json &messages) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const Json &m : messages) messages_.push_back(m);
}

std::string ChatSession::take_request(uint32_t flags) {
  Json request = Json::object();
  request["fd"] = fd();
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++sends_;
    Json tools = Json::array();
    for (const Tool &t : tools_) tools.push_back(Json{{"fn_offset", t.fn_offset}, {"spec", t.text}});
    request["messages"] = messages_;
    request["tools"] = std::move(tools);
    Json params = params_;
    mcp_.materialize_into(params);
    request["params"] = std::move(params);
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

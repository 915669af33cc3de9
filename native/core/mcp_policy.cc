#include "core/mcp_policy.hpp"

#include <algorithm>
#include <unordered_set>

namespace hostwire::core {

std::vector<std::string> string_items(const Json &array) {
  std::vector<std::string> out;
  if (!array.is_array()) return out;
  for (const Json &v : array) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

bool McpHostPolicy::from_json(const Json &j, McpHostPolicy &out) {
  if (!j.is_object()) return false;
  McpHostPolicy p;
  if (j.contains("enabled")) {
    if (!j["enabled"].is_boolean()) return false;
    p.enabled = j["enabled"].get<bool>();
  }
  const auto list = [&](const char *key, std::vector<std::string> &dst) -> bool {
    if (!j.contains(key)) return true;
    if (!j[key].is_array()) return false;
    dst = string_items(j[key]);
    return true;
  };
  if (!list("default_server_ids", p.default_server_ids) || !list("allowed_server_ids", p.allowed_server_ids) ||
      !list("tool_allowlist", p.tool_allowlist) || !list("tool_denylist", p.tool_denylist)) {
    return false;
  }
  out = std::move(p);
  return true;
}

bool McpHostPolicy::allows_servers(const std::vector<std::string> &requested) const {
  for (const std::string &sid : requested) {
    if (sid.empty()) continue;
    if (std::find(allowed_server_ids.begin(), allowed_server_ids.end(), sid) == allowed_server_ids.end()) return false;
  }
  return true;
}

namespace {
std::string trim(const std::string &s) {
  const char *ws = " \t\n\r\f\v";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return std::string();
  const size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

Json string_array(const std::vector<std::string> &v) {
  Json a = Json::array();
  for (const std::string &s : v) a.push_back(s);
  return a;
}
}  // namespace

McpSessionParams McpSessionParams::defaults_of(const McpHostPolicy &policy) {
  McpSessionParams out;
  if (!policy.enabled) return out;
  // The policy's tool lists bind every session, also one that selects its servers itself
  // (a divergence: SPEAR gives them only to a session that starts with default servers).
  out.task_tool_allowlist = policy.tool_allowlist;
  out.task_tool_denylist = policy.tool_denylist;
  std::unordered_set<std::string> allowed(policy.allowed_server_ids.begin(), policy.allowed_server_ids.end());
  std::unordered_set<std::string> seen;
  for (const std::string &raw : policy.default_server_ids) {
    std::string sid = trim(raw);
    if (sid.empty() || allowed.count(sid) == 0) continue;
    if (seen.insert(sid).second) out.server_ids.push_back(std::move(sid));
  }
  out.enabled = !out.server_ids.empty();
  return out;
}

void McpSessionParams::materialize_into(Json &params) const {
  if (!effectively_enabled()) return;
  params[mcp_keys::kEnabled] = true;
  params[mcp_keys::kServerIds] = string_array(server_ids);
  if (!task_tool_allowlist.empty()) params[mcp_keys::kTaskToolAllowlist] = string_array(task_tool_allowlist);
  if (!task_tool_denylist.empty()) params[mcp_keys::kTaskToolDenylist] = string_array(task_tool_denylist);
  if (!tool_allowlist.empty()) params[mcp_keys::kToolAllowlist] = string_array(tool_allowlist);
  if (!tool_denylist.empty()) params[mcp_keys::kToolDenylist] = string_array(tool_denylist);
}

}  // namespace hostwire::core

// hostwire native core: MCP tool servers for chat, the part a guest reaches through
// cchat_ctl SET_PARAM (SPEAR: spearlet/mcp/policy.rs, mcp/task_subset.rs, param_keys.rs,
// host_api/cchat.rs cchat_create / cchat_ctl_set_param / cchat_get_session_snapshot).
//
// The host gives each instance an McpHostPolicy (SPEAR's task-level McpTaskPolicy: whether
// the guest may enable MCP, the servers it may select, the servers a new session starts
// with, and tool allow/deny patterns the guest cannot lift). Without one, MCP is disabled,
// as SPEAR runs a task whose config names no MCP policy.
//
// A session keeps its MCP selection (McpSessionParams) apart from its other params, and a
// send materializes it into the request's params (`mcp.enabled`, `mcp.server_ids`,
// `mcp.task_tool_allowlist`, `mcp.task_tool_denylist`, `mcp.tool_allowlist`,
// `mcp.tool_denylist`) only when it is effectively enabled (enabled and at least one
// server). The host lists and runs the tools (runtime/mcp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.hpp"

namespace hostwire::core {

/** The host's MCP policy for one instance (SPEAR's McpTaskPolicy). */
struct McpHostPolicy {
  bool enabled = false;
  std::vector<std::string> default_server_ids;
  std::vector<std::string> allowed_server_ids;
  std::vector<std::string> tool_allowlist;
  std::vector<std::string> tool_denylist;

  /**
   * From the host's JSON `{"enabled": bool, "default_server_ids": [..],
   * "allowed_server_ids": [..], "tool_allowlist": [..], "tool_denylist": [..]}` (absent
   * members are false / empty; non-string list items are skipped). False when `j` is not
   * such an object.
   */
  static bool from_json(const Json &j, McpHostPolicy &out);

  /** SPEAR's validate_requested_server_ids: every non-empty id is an allowed one. */
  bool allows_servers(const std::vector<std::string> &requested) const;
};

/** A chat session's MCP selection (SPEAR's McpSessionParams). */
struct McpSessionParams {
  bool enabled = false;
  std::vector<std::string> server_ids;
  std::vector<std::string> task_tool_allowlist;
  std::vector<std::string> task_tool_denylist;
  std::vector<std::string> tool_allowlist;
  std::vector<std::string> tool_denylist;

  bool effectively_enabled() const { return enabled && !server_ids.empty(); }

  /**
   * SPEAR's task_default_session_params: what a new session starts with under `policy` (its
   * default servers that are allowed, trimmed, once each; enabled when there is one), with
   * the policy's tool lists whenever the policy enables MCP (SPEAR: only with default
   * servers).
   */
  static McpSessionParams defaults_of(const McpHostPolicy &policy);

  /** SPEAR's materialize_into: add the selection to `params` when effectively enabled. */
  void materialize_into(Json &params) const;
};

/** The param keys of SPEAR's param_keys.rs (mcp::param). */
namespace mcp_keys {
inline constexpr const char *kTaskPrefix = "mcp.task_";
inline constexpr const char *kEnabled = "mcp.enabled";
inline constexpr const char *kServerIds = "mcp.server_ids";
inline constexpr const char *kToolAllowlist = "mcp.tool_allowlist";
inline constexpr const char *kToolDenylist = "mcp.tool_denylist";
inline constexpr const char *kTaskToolAllowlist = "mcp.task_tool_allowlist";
inline constexpr const char *kTaskToolDenylist = "mcp.task_tool_denylist";
}  // namespace mcp_keys

/** The string items of a JSON array, in order (others skipped), as SPEAR's filter_map(as_str). */
std::vector<std::string> string_items(const Json &array);

}  // namespace hostwire::core

/**
 * MCP tool servers for chat, as SPEAR offers them (docs/mcp-integration-architecture-en.md,
 * docs/mcp-task-subset-design-en.md): a registry of servers (config.ts), the host policy a
 * guest's chat sessions live under, and what the chat loop asks of MCP at each model call
 * (the tools to offer) and at each tool call whose name is namespaced (`tools/call`).
 *
 * The host policy is SPEAR's task-level policy: `enabled` (may a guest enable MCP at all),
 * `allowedServerIds` (the servers a guest may select with `mcp.server_ids`),
 * `defaultServerIds` (the servers a new chat session starts with; they must be allowed),
 * `toolAllowlist` / `toolDenylist` (patterns the guest cannot lift). With a directory and no
 * policy, every server of the directory is allowed and none is on by default: a guest turns
 * MCP on with `mcp.enabled` and picks servers with `mcp.server_ids`. With no MCP options at
 * all MCP is disabled, as SPEAR runs a task whose config has no MCP policy: `mcp.enabled`
 * true and any `mcp.server_ids` are -EACCES.
 */
import type { JsonObject } from '../chat/json';
import { loadMcpDir, type McpServerRecord, type McpSkippedFile } from './config';
import { callTool, listTools } from './client';
import {
  callTimeoutMs,
  deniedBy,
  effectivelyEnabled,
  filterAndNamespace,
  listTimeoutMs,
  maxToolOutputBytes,
  parseNamespacedToolName,
  type McpParams,
  serverAllowedTools,
  sessionParamsOf,
  truncateUtf8,
} from './policy';

export * from './config';
export * from './policy';
export { callTool, listTools, resolveEnvValue, McpClientError } from './client';

/** The host policy (SPEAR's task `mcp.*` config). */
export interface McpPolicyOptions {
  /** Whether a guest may enable MCP (default true when a policy is given). */
  enabled?: boolean;
  /** Servers a new chat session starts with (default none). */
  defaultServerIds?: string[];
  /** Servers a guest may select (default: `defaultServerIds`, as SPEAR). */
  allowedServerIds?: string[];
  toolAllowlist?: string[];
  toolDenylist?: string[];
}

export interface McpOptions {
  /** A directory of server files (config.ts). */
  dir?: string;
  /** Server records given directly (added after the directory's, replacing same ids). */
  servers?: McpServerRecord[];
  /** The host policy; without it every server of the registry is allowed, none on by default. */
  policy?: McpPolicyOptions;
}

/** The native core's policy JSON (native/core/mcp_policy.hpp). */
export interface McpPolicyJson {
  enabled: boolean;
  default_server_ids: string[];
  allowed_server_ids: string[];
  tool_allowlist: string[];
  tool_denylist: string[];
}

export const MCP_DISABLED_POLICY: Readonly<McpPolicyJson> = Object.freeze({
  enabled: false,
  default_server_ids: [],
  allowed_server_ids: [],
  tool_allowlist: [],
  tool_denylist: [],
});

/** What the chat loop asks of MCP (runtime/chat/loop.ts). */
export interface ChatMcp {
  /** The OpenAI tool specs to offer the model for a request with these params. */
  tools(params: McpParams): Promise<JsonObject[]>;
  /** Run the tool the model named: its output (capped), or `{ error }` with SPEAR's message. */
  call(params: McpParams, name: string, argsJson: string): Promise<{ output: string } | { error: string }>;
}

/** The registry of a host and its policy. */
export class McpHost implements ChatMcp {
  readonly servers: ReadonlyMap<string, McpServerRecord>;
  /** Files of the directory that were skipped. */
  readonly skipped: readonly McpSkippedFile[];
  readonly policy: Readonly<McpPolicyJson>;

  constructor(options: McpOptions = {}) {
    const servers = new Map<string, McpServerRecord>();
    let skipped: McpSkippedFile[] = [];
    if (options.dir !== undefined) {
      const d = loadMcpDir(options.dir);
      for (const s of d.servers) servers.set(s.server_id, s);
      skipped = d.skipped;
    }
    for (const s of options.servers ?? []) {
      servers.delete(s.server_id);
      servers.set(s.server_id, s);
    }
    this.servers = servers;
    this.skipped = skipped;
    const p = options.policy;
    if (p === undefined) {
      this.policy = options.dir === undefined && options.servers === undefined
        ? MCP_DISABLED_POLICY
        : { enabled: true, default_server_ids: [], allowed_server_ids: [...servers.keys()], tool_allowlist: [], tool_denylist: [] };
    } else {
      const dflt = p.defaultServerIds ?? [];
      this.policy = {
        enabled: p.enabled ?? true,
        default_server_ids: dflt,
        allowed_server_ids: p.allowedServerIds ?? dflt,
        tool_allowlist: p.toolAllowlist ?? [],
        tool_denylist: p.toolDenylist ?? [],
      };
    }
  }

  /**
   * SPEAR's cchat_inject_mcp_tools: for each selected server in order (an unknown one, or one
   * that allows no tool, is skipped), `tools/list` within the list timeout, keep the allowed
   * tools under their namespaced names. A server that fails or times out offers nothing; the
   * others are not affected.
   */
  async tools(params: McpParams): Promise<JsonObject[]> {
    const session = sessionParamsOf(params);
    if (!effectivelyEnabled(session)) return [];
    const lists = session.server_ids.map(async (sid) => {
      const server = this.servers.get(sid);
      if (server === undefined) return [];
      const allowed = serverAllowedTools(server);
      if (allowed.length === 0) return [];
      let listed;
      try {
        listed = await listTools(server, listTimeoutMs(server));
      } catch {
        return [];
      }
      return filterAndNamespace(sid, allowed, session, listed);
    });
    return (await Promise.all(lists)).flat();
  }

  /**
   * SPEAR's cchat_exec_mcp_tool: parse the name, find the server, check the policies, run
   * `tools/call` within the call timeout; the result's JSON cut to `max_tool_output_bytes`.
   * Unlike SPEAR, the server must be one the session selected (SPEAR runs a registered
   * server's tool whatever the session selected): otherwise "mcp server not allowed: ID".
   */
  async call(params: McpParams, name: string, argsJson: string): Promise<{ output: string } | { error: string }> {
    const parsed = parseNamespacedToolName(name);
    if (typeof parsed === 'string') return { error: parsed };
    const [sid, tool] = parsed;
    const server = this.servers.get(sid);
    if (server === undefined) return { error: 'unknown mcp server' };
    const session = sessionParamsOf(params);
    if (!effectivelyEnabled(session) || !session.server_ids.includes(sid)) return { error: `mcp server not allowed: ${sid}` };
    const denied = deniedBy(serverAllowedTools(server), session, tool);
    if (denied !== undefined) return { error: denied };
    try {
      const result = await callTool(server, tool, argsJson, callTimeoutMs(server));
      return { output: truncateUtf8(JSON.stringify(result), maxToolOutputBytes(params)) };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }
}

/**
 * Which MCP tools a chat session sees and may run, as SPEAR decides (`spearlet/mcp/policy.rs`).
 *
 * The session's selection arrives in the chat request's params (the native core materializes
 * it only when effectively enabled: `mcp.enabled` true and `mcp.server_ids` not empty), with
 * `mcp.task_tool_allowlist` / `mcp.task_tool_denylist` from the host policy and
 * `mcp.tool_allowlist` / `mcp.tool_denylist` from the guest.
 *
 * A tool is allowed when it matches one of the server's `allowed_tools` (none allows
 * nothing), and, for each non-empty list, matches the task allowlist, does not match the
 * task denylist, matches the session allowlist, does not match the session denylist.
 * Patterns are SPEAR's wildcards: `*` any run of bytes, `?` one byte.
 *
 * The model sees a tool as `mcp__<b64(server_id)>__<b64(tool)>` (base64url, no padding);
 * a call may also name it `mcp.<server_id>.<tool>`.
 */
import type { JsonObject, JsonValue } from '../chat/json';

/** A chat request's params as the MCP layer reads them. */
export type McpParams = { readonly [key: string]: JsonValue | undefined };
import type { McpServerRecord } from './config';

export interface McpSessionParams {
  enabled: boolean;
  server_ids: string[];
  task_tool_allowlist: string[];
  task_tool_denylist: string[];
  tool_allowlist: string[];
  tool_denylist: string[];
}

export const MCP_NAMESPACE_PREFIX_DOT = 'mcp.';
export const MCP_NAMESPACE_PREFIX_DBL_UNDERSCORE = 'mcp__';

function strings(v: JsonValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The session's MCP selection from a chat request's params. */
export function sessionParamsOf(params: McpParams): McpSessionParams {
  return {
    enabled: params['mcp.enabled'] === true,
    server_ids: strings(params['mcp.server_ids']),
    task_tool_allowlist: strings(params['mcp.task_tool_allowlist']),
    task_tool_denylist: strings(params['mcp.task_tool_denylist']),
    tool_allowlist: strings(params['mcp.tool_allowlist']),
    tool_denylist: strings(params['mcp.tool_denylist']),
  };
}

export function effectivelyEnabled(s: McpSessionParams): boolean {
  return s.enabled && s.server_ids.length > 0;
}

/** SPEAR's wildcard_match, over UTF-8 bytes. */
export function wildcardMatch(pattern: string, s: string): boolean {
  if (pattern === '*') return true;
  const p = Buffer.from(pattern, 'utf8');
  const b = Buffer.from(s, 'utf8');
  let pi = 0;
  let si = 0;
  let star = -1;
  let matchSi = 0;
  while (si < b.length) {
    if (pi < p.length && (p[pi] === b[si] || p[pi] === 0x3f)) {
      pi++;
      si++;
    } else if (pi < p.length && p[pi] === 0x2a) {
      star = pi;
      pi++;
      matchSi = si;
    } else if (star >= 0) {
      pi = star + 1;
      matchSi++;
      si = matchSi;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === 0x2a) pi++;
  return pi === p.length;
}

export function matchAnyPattern(patterns: readonly string[], s: string): boolean {
  return patterns.some((p) => wildcardMatch(p, s));
}

/** The server's allow patterns without empty ones. */
export function serverAllowedTools(server: McpServerRecord): string[] {
  return server.allowed_tools.filter((p) => p !== '');
}

/** undefined when allowed, else SPEAR's denial message. */
export function deniedBy(serverAllowed: readonly string[], s: McpSessionParams, tool: string): string | undefined {
  if (serverAllowed.length === 0 || !matchAnyPattern(serverAllowed, tool)) return 'mcp tool denied by server policy';
  if (s.task_tool_allowlist.length > 0 && !matchAnyPattern(s.task_tool_allowlist, tool)) return 'mcp tool denied by task allowlist';
  if (s.task_tool_denylist.length > 0 && matchAnyPattern(s.task_tool_denylist, tool)) return 'mcp tool denied by task denylist';
  if (s.tool_allowlist.length > 0 && !matchAnyPattern(s.tool_allowlist, tool)) return 'mcp tool denied by session allowlist';
  if (s.tool_denylist.length > 0 && matchAnyPattern(s.tool_denylist, tool)) return 'mcp tool denied by session denylist';
  return undefined;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');

/** SPEAR's strict URL-safe, unpadded base64 decode to UTF-8, or undefined. */
function unb64(s: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return undefined;
  const bytes = Buffer.from(s, 'base64url');
  // Non-canonical trailing bits are an error for the Rust decoder.
  if (bytes.toString('base64url') !== s) return undefined;
  const text = new TextDecoder('utf-8', { fatal: true });
  try {
    return text.decode(bytes);
  } catch {
    return undefined;
  }
}

/** The name the model sees for `tool` of `serverId`. */
export function namespacedToolName(serverId: string, tool: string): string {
  return `${MCP_NAMESPACE_PREFIX_DBL_UNDERSCORE}${b64(serverId)}__${b64(tool)}`;
}

/** Whether the loop routes a tool call of this name to MCP (SPEAR: either prefix). */
export function isMcpToolName(name: string): boolean {
  return name.startsWith(MCP_NAMESPACE_PREFIX_DOT) || name.startsWith(MCP_NAMESPACE_PREFIX_DBL_UNDERSCORE);
}

/** SPEAR's parse_namespaced_mcp_tool_name: [server_id, tool], or the error message. */
export function parseNamespacedToolName(name: string): [string, string] | string {
  const invalid = 'invalid mcp tool name';
  if (name.startsWith(MCP_NAMESPACE_PREFIX_DBL_UNDERSCORE)) {
    const rest = name.slice(MCP_NAMESPACE_PREFIX_DBL_UNDERSCORE.length);
    const at = rest.indexOf('__');
    const sidEnc = at < 0 ? rest : rest.slice(0, at);
    const toolEnc = at < 0 ? '' : rest.slice(at + 2);
    if (sidEnc === '' || toolEnc === '') return invalid;
    const sid = unb64(sidEnc);
    const tool = unb64(toolEnc);
    if (sid === undefined || tool === undefined || sid === '' || tool === '') return invalid;
    return [sid, tool];
  }
  const rest = name.startsWith(MCP_NAMESPACE_PREFIX_DOT) ? name.slice(MCP_NAMESPACE_PREFIX_DOT.length) : name;
  const dot = rest.indexOf('.');
  if (dot < 0) return invalid;
  const sid = rest.slice(0, dot);
  const tool = rest.slice(dot + 1);
  if (sid === '' || tool === '') return invalid;
  return [sid, tool];
}

/** An MCP tool as `tools/list` gives it. */
export interface McpListedTool {
  name?: unknown;
  description?: unknown;
  inputSchema?: unknown;
  input_schema?: unknown;
  [k: string]: unknown;
}

/** SPEAR's filter_and_namespace_openai_tools: the OpenAI tool specs of the allowed tools. */
export function filterAndNamespace(serverId: string, serverAllowed: readonly string[], s: McpSessionParams, tools: readonly McpListedTool[]): JsonObject[] {
  if (serverAllowed.length === 0) return [];
  const out: JsonObject[] = [];
  for (const t of tools) {
    const name = typeof t.name === 'string' ? t.name : '';
    if (name === '' || deniedBy(serverAllowed, s, name) !== undefined) continue;
    const params = (t.inputSchema ?? t.input_schema ?? { type: 'object' }) as JsonValue;
    out.push({
      type: 'function',
      function: { name: namespacedToolName(serverId, name), description: typeof t.description === 'string' ? t.description : '', parameters: params },
    });
  }
  return out;
}

/** SPEAR's timeouts: `tools/list` and `tools/call`, from the server's budgets. */
export function listTimeoutMs(server: McpServerRecord): number {
  return Math.min(Math.max(server.budgets ? server.budgets.tool_timeout_ms : 12_000, 100), 180_000);
}
export function callTimeoutMs(server: McpServerRecord): number {
  return Math.min(Math.max(server.budgets ? server.budgets.tool_timeout_ms : 8_000, 100), 120_000);
}

/** The cap of one MCP tool's output: `max_tool_output_bytes` (default 64 KiB, at most 10 MiB). */
export function maxToolOutputBytes(params: McpParams): number {
  const v = params.max_tool_output_bytes;
  const n = typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 64 * 1024;
  return Math.min(n, 10 * 1024 * 1024);
}

/** The first `max` bytes of `s`'s UTF-8, cut back to a character boundary. */
export function truncateUtf8(s: string, max: number): string {
  const b = Buffer.from(s, 'utf8');
  if (b.length <= max) return s;
  let end = max;
  while (end > 0 && (b[end] & 0xc0) === 0x80) end--;
  return b.subarray(0, end).toString('utf8');
}

/**
 * Talking to one MCP server, as SPEAR's `spearlet/mcp/client.rs` does: every `tools/list`
 * and every `tools/call` spawns the server's command (stdio transport), initializes an MCP
 * session, makes the one request and ends the process. The child inherits the host's
 * environment plus the record's `env` (`${ENV:VAR}` / `${ENV:VAR:-default}` resolved from the
 * host's environment at spawn), runs in `cwd` when it is set, and its stderr is discarded.
 * A server of transport `streamable_http` is registered but not reachable (SPEAR's client
 * has only stdio): "unsupported transport".
 *
 * The MCP SDK is loaded on first use, so a host without MCP servers never loads it.
 */
import { requireOptional } from '../optional';
import type { McpServerRecord } from './config';
import type { McpListedTool } from './policy';

/** A failure with SPEAR's message (it becomes the `mcp_tool_failed` body's message). */
export class McpClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'McpClientError';
  }
}

/** SPEAR's resolve_env_value. */
export function resolveEnvValue(raw: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!raw.startsWith('${ENV:') || !raw.endsWith('}') || raw.length < '${ENV:}'.length) return raw;
  const inner = raw.slice('${ENV:'.length, -1).trim();
  if (inner === '') throw new McpClientError('invalid env reference: empty variable name');
  const at = inner.indexOf(':-');
  const name = at < 0 ? inner : inner.slice(0, at).trim();
  const dflt = at < 0 ? undefined : inner.slice(at + 2);
  if (name === '') throw new McpClientError('invalid env reference: empty variable name');
  const v = env[name];
  if (v !== undefined) return v;
  if (dflt !== undefined) return dflt;
  throw new McpClientError(`missing environment variable: ${name}`);
}

function resolveStdioEnv(record: McpServerRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record.stdio?.env ?? {})) {
    try {
      out[k] = resolveEnvValue(v);
    } catch (e) {
      throw new McpClientError(`mcp server ${record.server_id}: env ${k} resolve failed: ${(e as Error).message}`);
    }
  }
  return out;
}

type Sdk = {
  Client: typeof import('@modelcontextprotocol/sdk/client/index.js').Client;
  StdioClientTransport: typeof import('@modelcontextprotocol/sdk/client/stdio.js').StdioClientTransport;
};
let sdk: Sdk | undefined;

function loadSdk(): Sdk {
  if (sdk === undefined) {
    // An optional peer dependency: installed by those who use MCP servers.
    const pkg = '@modelcontextprotocol/sdk';
    const { Client } = requireOptional<typeof import('@modelcontextprotocol/sdk/client/index.js')>(`${pkg}/client/index.js`, 'MCP servers', pkg);
    const { StdioClientTransport } = requireOptional<typeof import('@modelcontextprotocol/sdk/client/stdio.js')>(`${pkg}/client/stdio.js`, 'MCP servers', pkg);
    sdk = { Client, StdioClientTransport };
  }
  return sdk;
}

const CLIENT_INFO = { name: 'hostwire', version: '0.1.0' };

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Run `op` on a fresh session with the server, bounded by `timeoutMs` for the whole of it
 * (spawn, initialize, the request): a server that does not answer in time is killed and
 * the call fails with `timeoutMessage`.
 */
async function withServer<T>(
  record: McpServerRecord,
  timeoutMs: number,
  timeoutMessage: string,
  opName: string,
  op: (client: InstanceType<Sdk['Client']>) => Promise<T>,
): Promise<T> {
  if (record.transport !== 'stdio') throw new McpClientError('unsupported transport');
  const stdio = record.stdio;
  if (!stdio) throw new McpClientError('missing stdio config');
  const env = resolveStdioEnv(record);
  const { Client, StdioClientTransport } = loadSdk();
  const transport = new StdioClientTransport({
    command: stdio.command,
    args: stdio.args,
    env: { ...(process.env as Record<string, string>), ...env },
    ...(stdio.cwd !== '' ? { cwd: stdio.cwd } : {}),
    stderr: 'ignore',
  });
  const client = new Client(CLIENT_INFO, { capabilities: {} });
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new McpClientError(timeoutMessage));
    }, timeoutMs);
  });
  const run = async (): Promise<T> => {
    try {
      await client.connect(transport, { timeout: timeoutMs });
    } catch (e) {
      const syscall = (e as { syscall?: unknown } | null)?.syscall;
      if (typeof syscall === 'string' && syscall.startsWith('spawn')) throw new McpClientError(`spawn failed: ${messageOf(e)}`);
      throw new McpClientError(`connect failed: ${messageOf(e)}`);
    }
    try {
      return await op(client);
    } catch (e) {
      throw new McpClientError(`${opName} failed: ${messageOf(e)}`);
    }
  };
  const running = run();
  running.catch(() => undefined);
  try {
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
    if (timedOut && transport.pid !== null) {
      try {
        process.kill(transport.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    void client.close().catch(() => undefined);
  }
}

/** `tools/list` (one page) of the server. */
export function listTools(record: McpServerRecord, timeoutMs: number): Promise<McpListedTool[]> {
  return withServer(record, timeoutMs, 'mcp list_tools timeout', 'list_tools', async (client) => {
    const r = await client.listTools(undefined, { timeout: timeoutMs });
    return (Array.isArray(r.tools) ? r.tools : []) as McpListedTool[];
  });
}

/**
 * `tools/call` of `tool` with `argsJson` (the model's arguments: a JSON object, else no
 * arguments): the result as the server sent it. Fails with "mcp tool timeout" after
 * `timeoutMs`.
 */
export function callTool(record: McpServerRecord, tool: string, argsJson: string, timeoutMs: number): Promise<Record<string, unknown>> {
  let args: Record<string, unknown> | undefined;
  try {
    const v: unknown = JSON.parse(argsJson);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) args = v as Record<string, unknown>;
  } catch {
    args = undefined;
  }
  return withServer(record, timeoutMs, 'mcp tool timeout', 'call_tool', async (client) => {
    const r = await client.callTool({ name: tool, ...(args !== undefined ? { arguments: args } : {}) }, undefined, { timeout: timeoutMs });
    return r as Record<string, unknown>;
  });
}

/**
 * The MCP server registry: server records read from a directory of `.toml` and `.json`
 * files, as SPEAR's SMS bootstraps its registry (`src/sms/service.rs`
 * `bootstrap_mcp_from_dir`, `upsert_mcp_record_inner`).
 *
 * One file is one server:
 *
 * ```toml
 * server_id = "fs"
 * transport = "stdio"                       # or "streamable_http"
 * allowed_tools = ["read_*", "list_*"]      # the server's tool allow patterns (* and ?)
 * [stdio]
 * command = "node"
 * args = ["fs-server.js", "/data"]
 * env = { TOKEN = "${ENV:FS_TOKEN}" }       # ${ENV:VAR} or ${ENV:VAR:-default}, resolved at spawn
 * env_from = ["HOME"]                       # same as env HOME = "${ENV:HOME}"
 * cwd = "/srv"
 * [budgets]
 * tool_timeout_ms = 30000
 * ```
 *
 * As SPEAR: a leading `~/` of the directory is the home directory; files of other extensions,
 * directories and files that do not parse or do not have the types above are skipped; a
 * record is skipped when `server_id` is empty, its transport is neither `stdio` nor
 * `streamable_http`, a stdio server has no `stdio` table or an empty `command`, or an HTTP
 * server no `http.url`. A later file with the same `server_id` replaces the earlier one;
 * files are read in the order of their names (SPEAR's order is the directory's). Unknown
 * keys are ignored. A directory that cannot be read is an error.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { requireOptional } from '../optional';

export interface McpStdioConfig {
  command: string;
  args: string[];
  /** Values may be `${ENV:VAR}` / `${ENV:VAR:-default}` references, resolved at spawn. */
  env: Record<string, string>;
  /** '' for the host's working directory. */
  cwd: string;
}

export interface McpBudgets {
  /** 0 when the file's `[budgets]` table does not set it (SPEAR's default). */
  tool_timeout_ms: number;
  max_concurrency: number;
  max_tool_output_bytes: number;
}

export interface McpServerRecord {
  server_id: string;
  display_name: string;
  transport: 'stdio' | 'streamable_http';
  stdio?: McpStdioConfig;
  http?: { url: string; headers: Record<string, string>; auth_ref: string };
  /** `mcp.<server_id>` when the file leaves it empty (kept for display, as SPEAR). */
  tool_namespace: string;
  /** The server's tool allow patterns; none allows no tool. */
  allowed_tools: string[];
  budgets?: McpBudgets;
}

/** A file that was skipped, and why. */
export interface McpSkippedFile {
  file: string;
  reason: string;
}

export interface McpDirectory {
  servers: McpServerRecord[];
  skipped: McpSkippedFile[];
}

type Obj = Record<string, unknown>;

class Shape extends Error {}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** serde's Option: absent or null is undefined; otherwise `check` it. */
function opt<T>(o: Obj, key: string, check: (v: unknown, where: string) => T): T | undefined {
  const v = o[key];
  return v === undefined || v === null ? undefined : check(v, key);
}

function req<T>(o: Obj, key: string, check: (v: unknown, where: string) => T): T {
  const v = o[key];
  if (v === undefined || v === null) throw new Shape(`missing field \`${key}\``);
  return check(v, key);
}

const str = (v: unknown, where: string): string => {
  if (typeof v !== 'string') throw new Shape(`\`${where}\`: expected a string`);
  return v;
};
const strList = (v: unknown, where: string): string[] => {
  if (!Array.isArray(v)) throw new Shape(`\`${where}\`: expected an array of strings`);
  return v.map((x, i) => str(x, `${where}[${i}]`));
};
const strMap = (v: unknown, where: string): Record<string, string> => {
  if (!isObj(v)) throw new Shape(`\`${where}\`: expected a table of strings`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) out[k] = str(x, `${where}.${k}`);
  return out;
};
const u64 = (v: unknown, where: string): number => {
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new Shape(`\`${where}\`: expected a non-negative integer`);
  return n;
};
const table = (v: unknown, where: string): Obj => {
  if (!isObj(v)) throw new Shape(`\`${where}\`: expected a table`);
  return v;
};

/** One parsed file as a record, or the reason it is skipped. */
export function mcpRecordOf(cfg: unknown): McpServerRecord | string {
  try {
    if (!isObj(cfg)) throw new Shape('expected a table');
    const server_id = req(cfg, 'server_id', str);
    const transport = req(cfg, 'transport', str);
    const stdioCfg = opt(cfg, 'stdio', table);
    const httpCfg = opt(cfg, 'http', table);
    const budgetsCfg = opt(cfg, 'budgets', table);
    const record: McpServerRecord = {
      server_id,
      display_name: opt(cfg, 'display_name', str) ?? '',
      transport: 'stdio',
      tool_namespace: opt(cfg, 'tool_namespace', str) ?? '',
      allowed_tools: opt(cfg, 'allowed_tools', strList) ?? [],
    };
    if (stdioCfg) {
      const env = opt(stdioCfg, 'env', strMap) ?? {};
      for (const name of opt(stdioCfg, 'env_from', strList) ?? []) {
        const n = name.trim();
        if (n !== '') env[n] = `\${ENV:${n}}`;
      }
      record.stdio = {
        command: req(stdioCfg, 'command', str),
        args: opt(stdioCfg, 'args', strList) ?? [],
        env,
        cwd: opt(stdioCfg, 'cwd', str) ?? '',
      };
    }
    if (httpCfg) {
      record.http = { url: req(httpCfg, 'url', str), headers: opt(httpCfg, 'headers', strMap) ?? {}, auth_ref: opt(httpCfg, 'auth_ref', str) ?? '' };
    }
    if (budgetsCfg) {
      record.budgets = {
        tool_timeout_ms: opt(budgetsCfg, 'tool_timeout_ms', u64) ?? 0,
        max_concurrency: opt(budgetsCfg, 'max_concurrency', u64) ?? 0,
        max_tool_output_bytes: opt(budgetsCfg, 'max_tool_output_bytes', u64) ?? 0,
      };
    }
    if (transport === 'stdio') record.transport = 'stdio';
    else if (transport === 'streamable_http') record.transport = 'streamable_http';
    else return `unknown transport '${transport}'`;
    if (record.server_id === '') return 'server_id is required';
    if (record.transport === 'stdio') {
      if (!record.stdio) return 'stdio config is required';
      if (record.stdio.command === '') return 'stdio.command is required';
    } else if (!record.http || record.http.url === '') {
      return record.http ? 'http.url is required' : 'http config is required';
    }
    if (record.tool_namespace === '') record.tool_namespace = `mcp.${record.server_id}`;
    return record;
  } catch (e) {
    if (e instanceof Shape) return e.message;
    throw e;
  }
}

function expandTilde(dir: string): string {
  if (dir.startsWith('~/')) {
    const home = process.env.HOME ?? os.homedir();
    if (home) return `${home}/${dir.slice(2)}`;
  }
  return dir;
}

/**
 * Read the server records of `dir` (see above). Throws the file system's error when `dir`
 * cannot be read. The TOML parser is loaded only here.
 */
export function loadMcpDir(dir: string): McpDirectory {
  const root = expandTilde(dir);
  const names = fs.readdirSync(root).sort();
  const byId = new Map<string, McpServerRecord>();
  const skipped: McpSkippedFile[] = [];
  for (const name of names) {
    const file = path.join(root, name);
    const ext = path.extname(name).slice(1).toLowerCase();
    if (ext !== 'toml' && ext !== 'json') continue;
    let text: string;
    try {
      if (!fs.statSync(file).isFile()) continue;
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      skipped.push({ file, reason: (e as Error).message });
      continue;
    }
    let cfg: unknown;
    try {
      // smol-toml is an optional peer dependency, installed by those who use MCP servers.
      cfg = ext === 'toml' ? requireOptional<typeof import('smol-toml')>('smol-toml', 'MCP server .toml files').parse(text) : JSON.parse(text);
    } catch (e) {
      skipped.push({ file, reason: (e as Error).message.split('\n')[0] });
      continue;
    }
    const record = mcpRecordOf(cfg);
    if (typeof record === 'string') {
      skipped.push({ file, reason: record });
      continue;
    }
    byId.delete(record.server_id);
    byId.set(record.server_id, record);
  }
  return { servers: [...byId.values()], skipped };
}

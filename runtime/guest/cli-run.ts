/**
 * `hostwire run [options] GUEST.wasm [ARGS...]`: run a guest with the host's own stdout and
 * stderr, its log lines on stderr (`[guest INFO] ...`), and exit with its exit code. As with
 * wasmtime, hostwire's options come before the guest file and everything after it is the
 * guest's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChatError, DEFAULT_BACKEND_TIMEOUT_MS } from '../chat';
import { NativeLoadError } from '../native';
import { GuestAbiError } from './abi-version';
import { EXIT_HOST_ERROR, trapMessage } from './exit';
import { Guest, GuestStartError, type GuestOptions } from './host';
import { GuestLinkError } from './link';
import { writeAllSync } from './write-sync';
import { McpHost } from '../mcp';

export const RUN_USAGE = `usage: hostwire run [options] GUEST.wasm [ARGS...]

Options come before GUEST.wasm; everything after it goes to the guest as its arguments (a
\`--\` right after GUEST.wasm is dropped, so \`run GUEST.wasm -- ARGS\` works too).

  --dir HOST[::GUEST]     give the guest the host directory HOST, as GUEST (default: HOST as
                          written); repeatable; the guest sees no file system without one
  --env NAME=VALUE        a guest environment variable (repeatable; none by default)
  --timeout DURATION      stop the guest once it has run this long (wall clock) and exit 124;
                          DURATION is a number with ms, s (the default), m or h: 500ms, 30, 2m
                          (0: no limit, the default)
  --backend stub|openai   chat backend (default: stub, offline and deterministic)
  --backend-url URL       OpenAI-compatible API root (openai; default $HOSTWIRE_OPENAI_BASE_URL,
                          $OPENAI_BASE_URL or https://api.openai.com/v1; the key is $OPENAI_API_KEY)
  --backend-timeout DURATION
                          how long a model call may take when the guest sets no timeout_ms
                          (openai; default ${DEFAULT_BACKEND_TIMEOUT_MS / 1000}s, 0 for none); a failed call is shown on
                          stderr and the guest gets its error body
  --model M               model when the guest sets none (default $HOSTWIRE_MODEL)
  --rtasr-url URL         realtime-ASR backend (OpenAI-compatible API root) for streams the guest
                          connects with transport "websocket" (default $HOSTWIRE_RTASR_URL; the key
                          is $HOSTWIRE_RTASR_API_KEY or $OPENAI_API_KEY); without one they run the stub
  --mcp-dir DIR           MCP tool servers for the guest's chat: a directory of server files (.toml,
                          .json); the guest may select any of them (mcp.enabled, mcp.server_ids)
  --mcp-default ID,...    with --mcp-dir: servers every new chat session starts with
  --streams HOST:PORT     serve the guest's user streams to WebSocket clients at
                          ws://HOST:PORT/api/v1/executions/ID/streams/ws (port 0 picks one); the
                          URL with its token is printed on stderr once the guest runs
  -h, --help              this text

exit code: the guest's; 134 when it traps, 124 when --timeout stopped it, 130 when interrupted,
2 when it cannot run (bad usage, another ABI major version, imports this host cannot give),
70 on a host failure`;

/** Exit code of a guest stopped by SIGINT (128 + 2). */
const EXIT_INTERRUPTED = 130;
/** Exit code of a guest stopped by `--timeout` (as GNU timeout's). */
export const EXIT_TIMEOUT = 124;
/** The longest delay a Node timer takes, in ms (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

const say = (line: string): void => writeAllSync(2, `${line}\n`);

interface RunArgs {
  file: string;
  options: GuestOptions;
  mcpDefault?: string[];
  /** `--timeout`, in ms. */
  timeoutMs?: number;
}

/**
 * A duration in ms: a non-negative decimal number with unit `ms`, `s`, `m` or `h` (seconds
 * without one); undefined when `text` is not one or is over a Node timer's range.
 */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) return undefined;
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] as number;
  const ms = Math.round(Number(m[1]) * scale);
  return ms <= MAX_TIMER_MS ? ms : undefined;
}

/** `1500` -> `1.5s`, `120000` -> `120s`, `250` -> `250ms`: a duration as the options write it. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${ms / 1000}s`;
}

function parseRunArgs(argv: string[]): RunArgs | string {
  const options: GuestOptions = { stdin: 'inherit', stdout: 'inherit', stderr: 'inherit' };
  const env: Record<string, string> = {};
  const preopens: Record<string, string> = {};
  let file: string | undefined;
  let args: string[] = [];
  let timeoutMs: number | undefined;
  let rtasrUrl: string | undefined = process.env.HOSTWIRE_RTASR_URL || undefined;
  let mcpDir: string | undefined;
  let mcpDefault: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--' || !a.startsWith('-')) {
      // The guest file (after \`--\`, the next word even if it starts with \`-\`); the rest is the guest's.
      const at = a === '--' ? i + 1 : i;
      file = argv[at];
      args = argv.slice(at + 1);
      if (args[0] === '--') args = args.slice(1);
      break;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq >= 0 ? a.slice(0, eq) : a;
    const value = (): string | undefined => (eq >= 0 ? a.slice(eq + 1) : argv[++i]);
    switch (flag) {
      case '--backend': {
        const v = value();
        if (v !== 'stub' && v !== 'openai') return `--backend must be stub or openai, not ${v === undefined ? 'nothing' : `'${v}'`}`;
        options.backend = v;
        break;
      }
      case '--backend-url': {
        const v = value();
        if (!v) return '--backend-url needs a URL';
        options.backendUrl = v;
        break;
      }
      case '--backend-timeout':
      case '--timeout': {
        const v = value();
        const ms = v === undefined ? undefined : parseDuration(v);
        if (ms === undefined) return `${flag} needs a duration such as 500ms, 30s or 2m, not ${v === undefined ? 'nothing' : `'${v}'`}`;
        if (flag === '--timeout') timeoutMs = ms === 0 ? undefined : ms;
        else options.timeoutMs = ms;
        break;
      }
      case '--dir': {
        const v = value();
        if (!v) return '--dir needs HOST[::GUEST]';
        const sep = v.indexOf('::');
        const host = sep >= 0 ? v.slice(0, sep) : v;
        const guest = sep >= 0 ? v.slice(sep + 2) : v;
        if (host === '' || guest === '') return `--dir needs HOST[::GUEST], not '${v}'`;
        let isDir: boolean;
        try {
          isDir = fs.statSync(host).isDirectory();
        } catch (e) {
          return `--dir ${host}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (e as Error).message}`;
        }
        if (!isDir) return `--dir ${host}: not a directory`;
        if (guest in preopens) return `--dir: the guest path '${guest}' is given twice`;
        preopens[guest] = path.resolve(host);
        break;
      }
      case '--model': {
        const v = value();
        if (!v) return '--model needs a name';
        options.model = v;
        break;
      }
      case '--rtasr-url': {
        const v = value();
        if (!v) return '--rtasr-url needs a URL';
        rtasrUrl = v;
        break;
      }
      case '--mcp-dir': {
        const v = value();
        if (!v) return '--mcp-dir needs a directory';
        mcpDir = v;
        break;
      }
      case '--mcp-default': {
        const v = value();
        if (v === undefined) return '--mcp-default needs server ids';
        mcpDefault = v.split(',').map((x) => x.trim()).filter((x) => x !== '');
        break;
      }
      case '--streams': {
        const v = value();
        const m = v === undefined ? null : /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(v);
        const port = m ? Number(m[3]) : NaN;
        if (!m || !(port >= 0 && port <= 65535)) return '--streams needs HOST:PORT';
        options.streams = { host: m[1] ?? (m[2] || '127.0.0.1'), port, onListening: (info) => say(`hostwire: user streams: ${info.url}`) };
        break;
      }
      case '--env': {
        const v = value();
        const eqv = v?.indexOf('=') ?? -1;
        if (v === undefined || eqv <= 0) return '--env needs NAME=VALUE';
        env[v.slice(0, eqv)] = v.slice(eqv + 1);
        break;
      }
      case '-h':
      case '--help':
        return '';
      default:
        return `unknown option '${a}'`;
    }
  }
  if (file === undefined) return 'no guest given';
  options.args = args;
  options.env = env;
  options.preopens = preopens;
  if (mcpDefault !== undefined && mcpDir === undefined) return '--mcp-default needs --mcp-dir';
  if (mcpDir !== undefined) options.mcp = { dir: mcpDir };
  if (rtasrUrl !== undefined) {
    const apiKey = process.env.HOSTWIRE_RTASR_API_KEY || process.env.OPENAI_API_KEY || undefined;
    options.realtimeAsr = apiKey === undefined ? { baseUrl: rtasrUrl } : { baseUrl: rtasrUrl, apiKey };
  }
  options.onBackendError = (e: ChatError) => say(`hostwire: chat backend failed: ${e.message}`);
  const parsed: RunArgs = { file, options };
  if (mcpDefault !== undefined) parsed.mcpDefault = mcpDefault;
  if (timeoutMs !== undefined) parsed.timeoutMs = timeoutMs;
  return parsed;
}

/** The `run` command; resolves with the process exit code. */
export async function runMain(argv: string[]): Promise<number> {
  const parsed = parseRunArgs(argv);
  if (typeof parsed === 'string') {
    if (parsed === '') {
      writeAllSync(1, `${RUN_USAGE}\n`);
      return 0;
    }
    say(`hostwire run: ${parsed}\n${RUN_USAGE}`);
    return 2;
  }
  const { file, options, mcpDefault, timeoutMs } = parsed;
  if (options.mcp?.dir !== undefined && mcpDefault !== undefined) {
    // Every server of the directory may be selected; these are on from the start.
    let ids: string[];
    try {
      ids = new McpHost({ dir: options.mcp.dir }).policy.allowed_server_ids;
    } catch (e) {
      say(`hostwire: cannot read the MCP directory ${options.mcp.dir}: ${(e as Error).message}`);
      return 2;
    }
    options.mcp.policy = { enabled: true, allowedServerIds: ids, defaultServerIds: mcpDefault };
  }
  let guest: Guest;
  try {
    guest = await Guest.load(file, options);
  } catch (e) {
    const errPath = (e as NodeJS.ErrnoException).path;
    if (options.mcp?.dir !== undefined && errPath !== undefined && errPath !== file) {
      say(`hostwire: cannot read the MCP directory ${options.mcp.dir}: ${(e as Error).message}`);
      return 2;
    }
    if (e instanceof GuestAbiError) {
      say(`hostwire: refusing ${file}: ${e.message}`);
      return 2;
    }
    if (e instanceof GuestLinkError || e instanceof ChatError) {
      say(`hostwire: cannot run ${file}: ${e.message}`);
      return 2;
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      say(`hostwire: cannot read ${file}: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  }
  for (const w of guest.warnings) say(`hostwire: warning: ${w}`);
  for (const f of guest.mcp.skipped) say(`hostwire: warning: MCP server file ${f.file} skipped: ${f.reason}`);

  let interrupted = false;
  let timedOut = false;
  const onSigint = (): void => {
    interrupted = true;
    void guest.kill();
  };
  process.once('SIGINT', onSigint);
  let timer: NodeJS.Timeout | undefined;
  try {
    const running = guest.run();
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        void guest.kill();
      }, timeoutMs);
    }
    const r = await running;
    if (interrupted) {
      say('hostwire: guest stopped (SIGINT)');
      return EXIT_INTERRUPTED;
    }
    if (timedOut) {
      say(`hostwire: guest stopped: still running after --timeout ${formatDuration(timeoutMs!)}`);
      return EXIT_TIMEOUT;
    }
    if (r.trap !== undefined) say(`hostwire: ${trapMessage(r.trap)}`);
    else if (r.error !== undefined) say(`hostwire: host error while running the guest: ${r.error}`);
    return r.exitCode;
  } catch (e) {
    if (e instanceof NativeLoadError || e instanceof GuestStartError) {
      say(`hostwire: cannot run ${file}: ${e.message}`);
      // The worker's own checks (ABI, imports) refuse the guest as load() would have.
      return e instanceof GuestStartError && e.code.startsWith('ERR_GUEST_') && e.code !== 'ERR_GUEST_HOST' ? 2 : EXIT_HOST_ERROR;
    }
    throw e;
  } finally {
    clearTimeout(timer);
    process.removeListener('SIGINT', onSigint);
  }
}

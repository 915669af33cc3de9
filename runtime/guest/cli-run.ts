/**
 * `hostwire run GUEST.wasm [options] [-- guest args...]`: run a guest with the host's own
 * stdout and stderr, its log lines on stderr (`[guest INFO] ...`), and exit with its exit code.
 */
import { ChatError } from '../chat';
import { NativeLoadError } from '../native';
import { GuestAbiError } from './abi-version';
import { EXIT_HOST_ERROR, trapMessage } from './exit';
import { Guest, GuestStartError, type GuestOptions } from './host';
import { GuestLinkError } from './link';
import { writeAllSync } from './write-sync';
import { McpHost } from '../mcp';

export const RUN_USAGE = `usage: hostwire run GUEST.wasm [options] [-- guest args...]

  --backend stub|openai   chat backend (default: stub, offline and deterministic)
  --backend-url URL       OpenAI-compatible API root (openai; default $HOSTWIRE_OPENAI_BASE_URL,
                          $OPENAI_BASE_URL or https://api.openai.com/v1; the key is $OPENAI_API_KEY)
  --model M               model when the guest sets none (default $HOSTWIRE_MODEL)
  --env NAME=VALUE        a guest environment variable (repeatable; none by default)
  --rtasr-url URL         realtime-ASR backend (OpenAI-compatible API root) for streams the guest
                          connects with transport "websocket" (default $HOSTWIRE_RTASR_URL; the key
                          is $HOSTWIRE_RTASR_API_KEY or $OPENAI_API_KEY); without one they run the stub
  --mcp-dir DIR           MCP tool servers for the guest's chat: a directory of server files (.toml,
                          .json); the guest may select any of them (mcp.enabled, mcp.server_ids)
  --mcp-default ID,...    with --mcp-dir: servers every new chat session starts with
  --streams HOST:PORT     serve the guest's user streams to WebSocket clients at
                          ws://HOST:PORT/api/v1/executions/ID/streams/ws (port 0 picks one); the
                          URL with its token is printed on stderr once the guest runs

exit code: the guest's; 134 when it traps, 130 when interrupted, 2 when it cannot run
(bad usage, another ABI major version, imports this host cannot give), 70 on a host failure`;

/** Exit code of a guest stopped by SIGINT (128 + 2). */
const EXIT_INTERRUPTED = 130;

const say = (line: string): void => writeAllSync(2, `${line}\n`);

interface RunArgs {
  file: string;
  options: GuestOptions;
  mcpDefault?: string[];
}

function parseRunArgs(argv: string[]): RunArgs | string {
  const options: GuestOptions = { stdin: 'inherit', stdout: 'inherit', stderr: 'inherit' };
  const args: string[] = [];
  const env: Record<string, string> = {};
  let file: string | undefined;
  let rtasrUrl: string | undefined = process.env.HOSTWIRE_RTASR_URL || undefined;
  let mcpDir: string | undefined;
  let mcpDefault: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    const value = (): string | undefined => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      return argv[++i];
    };
    const flag = a.startsWith('--') ? a.split('=')[0] : a;
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
        const eq = v?.indexOf('=') ?? -1;
        if (v === undefined || eq <= 0) return '--env needs NAME=VALUE';
        env[v.slice(0, eq)] = v.slice(eq + 1);
        break;
      }
      case '-h':
      case '--help':
        return '';
      default:
        if (a.startsWith('-')) return `unknown option '${a}'`;
        if (file === undefined) file = a;
        else args.push(a);
    }
  }
  if (file === undefined) return 'no guest given';
  options.args = args;
  options.env = env;
  if (mcpDefault !== undefined && mcpDir === undefined) return '--mcp-default needs --mcp-dir';
  if (mcpDir !== undefined) options.mcp = { dir: mcpDir };
  if (rtasrUrl !== undefined) {
    const apiKey = process.env.HOSTWIRE_RTASR_API_KEY || process.env.OPENAI_API_KEY || undefined;
    options.realtimeAsr = apiKey === undefined ? { baseUrl: rtasrUrl } : { baseUrl: rtasrUrl, apiKey };
  }
  return { file, options, mcpDefault };
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
  const { file, options, mcpDefault } = parsed;
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
  const onSigint = (): void => {
    interrupted = true;
    void guest.kill();
  };
  process.once('SIGINT', onSigint);
  try {
    const r = await guest.run();
    if (interrupted) {
      say('hostwire: guest stopped (SIGINT)');
      return EXIT_INTERRUPTED;
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
    process.removeListener('SIGINT', onSigint);
  }
}

/**
 * `Guest`: hosting one wasm32-wasi guest from the main thread. The guest runs on its own
 * worker thread (worker.ts); this side serves its chat requests with the host's backends,
 * prints or delivers its log lines, collects captured stdio and reports how it ended.
 *
 * ```ts
 * const g = await Guest.load('guest.wasm', { args: ['x'], backend: 'stub' });
 * const { exitCode, stdout } = await g.run();
 * ```
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { createChatBackends, type ChatBackendRegistry, type ChatError, type ChatHostOptions } from '../chat';
import { loadNative } from '../native';
import type { GuestAbi } from './abi-version';
import type { ErrnoAudit } from './audit';
import { hostBridge, type HostBridge } from './bridge';
import { GuestChatService } from './chat-service';
import { GuestRtasrService, type RealtimeAsrConfig } from '../rtasr';
import { McpHost, type McpOptions } from '../mcp';
import { GuestStreamServer, type StreamsInfo, type StreamsOptions } from '../streams';
import { EXIT_HOST_ERROR, EXIT_KILLED } from './exit';
import type { ModuleImport } from './link';
import { formatLogLine, logLevelName, type GuestLogEntry } from './log';
import type { GuestEnd, StdioTarget, WorkerInit, WorkerMessage } from './messages';
import { prepareGuest } from './prepare';
import { writeAllSync } from './write-sync';

/** A guest module: a file path, or its bytes. */
export type GuestSource = string | Uint8Array | ArrayBuffer;

/** `'inherit'`: the host's own stdout/stderr (written synchronously by WASI); `'pipe'`: captured into the result; a number: that host fd. */
export type GuestStdio = 'inherit' | 'pipe' | number;

export interface GuestOptions extends ChatHostOptions {
  /** The guest's arguments (after its name). */
  args?: string[];
  /** The guest's environment; nothing of the host's is passed unless given here. */
  env?: Record<string, string>;
  /** The guest's `argv[0]`; the file's base name by default (`guest.wasm` for bytes). */
  name?: string;
  /** WASI preopens: guest path -> host directory. None by default. */
  preopens?: Record<string, string>;
  /** The guest's stdin: `'inherit'` (the host's own) or `'ignore'` (empty, the default). */
  stdin?: 'inherit' | 'ignore';
  /** The guest's stdout; `'pipe'` by default. */
  stdout?: GuestStdio;
  /** The guest's stderr; like `stdout` by default. */
  stderr?: GuestStdio;
  /** Receives each guest log line; without it they are written to the host's stderr as `[guest INFO] ...`. */
  onLog?: (entry: GuestLogEntry) => void;
  /** Receives what the host operator should know (a tool that could not be called); stderr by default. */
  onWarning?: (message: string) => void;
  /**
   * Told of each failed chat model call: an HTTP error status, a refused connection, no
   * answer within the timeout, a reply that is not a chat completion. The guest gets its error
   * body all the same (`{"error":{"message":"EIO: ..."}}`, as SPEAR). By default the message
   * goes to `onWarning` as `chat backend failed: EIO: ...`.
   */
  onBackendError?: (error: ChatError) => void;
  /** Check every hostcall result against the errnos the IDL documents (`GuestResult.audit`). */
  auditErrnos?: boolean;
  /** Aborting it stops the guest as `kill()` does. */
  signal?: AbortSignal;
  /**
   * The realtime-ASR backend for streams the guest CONNECTs with transport "websocket";
   * without it those streams run the stub transport.
   */
  realtimeAsr?: RealtimeAsrConfig;
  /**
   * MCP tool servers for the guest's chat sessions (runtime/mcp): a directory of server
   * files and the host policy. Without it MCP is disabled (`mcp.enabled` true is -EACCES).
   */
  mcp?: McpOptions;
  /**
   * Serve the guest's user streams to WebSocket clients at SPEAR's path
   * (`/api/v1/executions/{id}/streams/ws?token=...`) while it runs; `onListening` (or
   * `Guest.streams`) gives the URL with its token. Without it the guest's streams have no client.
   */
  streams?: StreamsOptions;
}

export interface GuestResult {
  /** The guest's exit code; 134 for a trap, 137 when stopped by `kill()`, 70 when the host failed. */
  exitCode: number;
  /** Captured stdout (`stdout: 'pipe'`), else empty. */
  stdout: string;
  /** Captured stderr (`stderr: 'pipe'`), else empty. */
  stderr: string;
  /** The guest trapped: `RuntimeError: unreachable` and its wasm frames. */
  trap?: string;
  /** Stopped by `kill()`. */
  killed: boolean;
  /** The host failed while running the guest. */
  error?: string;
  /** With `auditErrnos`. */
  audit?: ErrnoAudit;
}

/** The guest could not be started (its worker failed before running it). */
export class GuestStartError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'GuestStartError';
    this.code = code;
  }
}

/** How long `kill()` lets an aborted guest unwind (and release its instance) before terminating its thread. */
const KILL_GRACE_MS = 200;

const WORKER = path.join(__dirname, 'worker.js');

function bytesOf(source: Uint8Array | ArrayBuffer): Uint8Array {
  return source instanceof Uint8Array ? source : new Uint8Array(source);
}

/** `options.<name>` as a target, or Node's ERR_INVALID_ARG_VALUE naming the option. */
function stdioTarget(s: GuestStdio, inheritFd: number, name: string): StdioTarget {
  if (s === 'inherit') return inheritFd;
  if (s === 'pipe') return 'pipe';
  if (Number.isInteger(s) && s >= 0) return s;
  const shown = typeof s === 'string' ? `'${s}'` : String(s);
  const e = new TypeError(`The property 'options.${name}' must be 'inherit', 'pipe' or a file descriptor. Received ${shown}`);
  throw Object.assign(e, { code: 'ERR_INVALID_ARG_VALUE' });
}

export class Guest {
  /** The ABI the guest was built against. */
  readonly abi: GuestAbi;
  /** Reasons for caution that do not stop the guest (built against a newer minor ABI). */
  readonly warnings: readonly string[];
  /** The guest's imports, all of them linked. */
  readonly imports: readonly ModuleImport[];

  private readonly wasm: Uint8Array;
  private readonly name: string;
  private readonly options: GuestOptions;
  private readonly backends: ChatBackendRegistry;
  /** The guest's MCP servers and policy. */
  readonly mcp: McpHost;
  private worker: Worker | undefined;
  private bridge: HostBridge | undefined;
  private id: number | undefined;
  private killRequested = false;
  private ended: Promise<unknown> | undefined;
  private streamsInfo: StreamsInfo | undefined;

  private constructor(wasm: Uint8Array, name: string, options: GuestOptions) {
    const prepared = prepareGuest(wasm);
    this.abi = prepared.guest;
    this.warnings = prepared.warnings;
    this.imports = prepared.imports;
    this.wasm = wasm;
    this.name = name;
    this.options = options;
    this.backends = createChatBackends(options);
    this.mcp = new McpHost(options.mcp);
  }

  /**
   * Read and check a guest: throws `GuestAbiError` for a guest built against another ABI
   * (name or major version), `GuestLinkError` naming every import this host cannot give,
   * `ChatError` (EINVAL) for a bad backend option, the file system's error for an MCP
   * directory that cannot be read. Nothing runs yet.
   */
  static async load(source: GuestSource, options: GuestOptions = {}): Promise<Guest> {
    const wasm = typeof source === 'string' ? new Uint8Array(await fs.promises.readFile(source)) : bytesOf(source);
    const name = options.name ?? (typeof source === 'string' ? path.basename(source) : 'guest.wasm');
    return new Guest(wasm, name, options);
  }

  /** The native instance id while the guest runs (for `binding.host`). */
  get instanceId(): number | undefined {
    return this.id;
  }

  /** The user-stream endpoint once it serves the running guest (option `streams`). */
  get streams(): StreamsInfo | undefined {
    return this.streamsInfo;
  }

  /**
   * Run the guest to its end. Resolves with how it ended (a trap or a host failure while it
   * ran is a result, not a rejection); rejects with `GuestStartError` or `NativeLoadError`
   * when it could not start. A Guest runs once.
   */
  run(): Promise<GuestResult> {
    if (this.ended) return Promise.reject(new Error('this Guest has already run: load it again to run it again'));
    const o = this.options;
    let bridge: HostBridge;
    let init: WorkerInit;
    try {
      bridge = hostBridge(loadNative());
      const stdout = stdioTarget(o.stdout ?? 'pipe', 1, 'stdout');
      init = {
        wasm: this.wasm,
        argv: [this.name, ...(o.args ?? [])],
        env: o.env ?? {},
        preopens: o.preopens ?? {},
        stdin: o.stdin === 'inherit' ? 0 : 'null',
        stdout,
        stderr: stdioTarget(o.stderr ?? (o.stdout === undefined ? 'pipe' : o.stdout), 2, o.stderr === undefined && o.stdout !== undefined ? 'stdout' : 'stderr'),
        log: o.onLog ? 'post' : 2,
        auditErrnos: o.auditErrnos === true,
        mcpPolicy: JSON.stringify(this.mcp.policy),
      };
    } catch (e) {
      this.ended = Promise.resolve();
      return Promise.reject(e);
    }
    this.bridge = bridge;
    const worker = new Worker(WORKER, { workerData: init, stdout: false, stderr: false });
    this.worker = worker;

    const out: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] };
    let service: GuestChatService | undefined;
    let rtasr: GuestRtasrService | undefined;
    const streams = o.streams ? new GuestStreamServer(o.streams) : undefined;
    let streamsError: Error | undefined;
    let end: GuestEnd | undefined;
    let ready = false;
    let workerError: Error | undefined;

    const warn = (message: string): void => {
      if (o.onWarning) o.onWarning(message);
      else writeAllSync(2, `hostwire: warning: ${message}\n`);
    };

    worker.on('message', (m: WorkerMessage) => {
      switch (m.type) {
        case 'ready':
          ready = true;
          this.id = m.instanceId;
          service = new GuestChatService(bridge, this.backends, m.instanceId, this.mcp, (error) => {
            try {
              if (o.onBackendError) o.onBackendError(error);
              else warn(`chat backend failed: ${error.message}`);
            } catch (e) {
              warn(`onBackendError threw: ${e instanceof Error ? e.message : String(e)}`);
            }
          });
          rtasr = new GuestRtasrService(bridge, this.options.realtimeAsr, m.instanceId);
          streams?.attach(bridge, m.instanceId).then(
            (info) => {
              this.streamsInfo = info;
            },
            (e: unknown) => {
              streamsError = e instanceof Error ? e : new Error(String(e));
              warn(`cannot serve user streams: ${streamsError.message}`);
              bridge.abortInstance(m.instanceId);
            },
          );
          if (this.killRequested) bridge.abortInstance(m.instanceId);
          break;
        case 'chat-request':
          service?.serve(m.responseFd, m.request);
          break;
        case 'callback-result':
          service?.callbackResult(m.id, m.rc, m.output);
          break;
        case 'log': {
          const entry: GuestLogEntry = { level: m.level, levelName: logLevelName(m.level)!, message: m.message };
          try {
            if (o.onLog) o.onLog(entry);
            else writeAllSync(2, formatLogLine(entry));
          } catch (e) {
            warn(`onLog threw: ${e instanceof Error ? e.message : String(e)}`);
          }
          break;
        }
        case 'stdio':
          out[m.stream].push(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
          break;
        case 'warning':
          warn(m.message);
          break;
        case 'exit': {
          const { type: _type, ...rest } = m;
          end = rest;
          break;
        }
      }
    });
    worker.on('error', (e: Error) => {
      workerError = e;
    });

    const result = new Promise<GuestResult>((resolve, reject) => {
      worker.once('exit', (code: number) => {
        const finish = async (): Promise<void> => {
          rtasr?.close();
          await streams?.close();
          this.streamsInfo = undefined;
          await service?.close();
          this.id = undefined;
          if (!ready && !this.killRequested) {
            const err = end?.error ??
              (workerError ? { code: 'ERR_GUEST_HOST', message: workerError.message } : { code: 'ERR_GUEST_HOST', message: `the guest's thread exited (${code}) before it started` });
            reject(new GuestStartError(err.code, err.message));
            return;
          }
          const killed = this.killRequested && (end === undefined || end.aborted === true || end.exitCode === EXIT_KILLED);
          const r: GuestResult = {
            exitCode: end ? end.exitCode : killed ? EXIT_KILLED : EXIT_HOST_ERROR,
            stdout: Buffer.concat(out.stdout).toString('utf8'),
            stderr: Buffer.concat(out.stderr).toString('utf8'),
            killed: killed || end?.aborted === true,
          };
          if (end?.trap !== undefined) r.trap = end.trap;
          const error = end?.error?.message ?? (streamsError !== undefined ? `cannot serve user streams: ${streamsError.message}` : undefined) ?? (end === undefined && !killed ? (workerError?.message ?? `the guest's thread exited (${code}) without a result`) : undefined);
          if (error !== undefined) r.error = error;
          if (end?.audit !== undefined) r.audit = end.audit;
          resolve(r);
        };
        finish().catch(reject);
      });
    });
    this.ended = result.catch(() => undefined);
    const signal = o.signal;
    if (signal) {
      const onAbort = (): void => void this.kill();
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener('abort', onAbort, { once: true });
        void this.ended.then(() => signal.removeEventListener('abort', onAbort));
      }
    }
    return result;
  }

  /**
   * Stop the guest: its blocked and future blocking hostcalls return at once (`abortInstance`)
   * and it unwinds; a guest that does not come back to the host is terminated. `run()` then
   * resolves with `killed: true` (exit code 137). Resolves once the guest has ended.
   */
  async kill(): Promise<void> {
    if (!this.worker || !this.ended) return;
    this.killRequested = true;
    if (this.id !== undefined) this.bridge!.abortInstance(this.id);
    const worker = this.worker;
    const timer = setTimeout(() => void worker.terminate(), KILL_GRACE_MS);
    await this.ended;
    clearTimeout(timer);
  }
}

/** Load and run a guest: `Guest.load(source, options)` then `run()`. */
export async function runGuest(source: GuestSource, options: GuestOptions = {}): Promise<GuestResult> {
  return (await Guest.load(source, options)).run();
}

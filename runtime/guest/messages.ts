/** What the main thread and a guest's worker tell each other (worker_threads messages). */
import type { LogLevel } from '../../generated/ts/constants';
import type { ErrnoAudit } from './audit';
import type { GuestWasiOptions } from './wasi';

/** Where a guest's stdout or stderr goes: a host fd (written by WASI directly), or captured. */
export type StdioTarget = number | 'pipe';

/** `workerData` of a guest's worker: the module, its WASI setup, and how to report. */
export interface WorkerInit extends GuestWasiOptions {
  /** The guest module's bytes. */
  wasm: Uint8Array;
  /** Log lines: written to this host fd as `[guest INFO] ...`, or posted (`'post'`). */
  log: number | 'post';
  /** Check every hostcall result against the errnos the IDL documents. */
  auditErrnos: boolean;
  /** The host's MCP policy JSON for the native instance (native/core/mcp_policy.hpp). */
  mcpPolicy?: string;
}

/** How a guest ended, as the worker saw it. */
export interface GuestEnd {
  /** The guest's exit code (WASI `proc_exit` or `main`'s return), or the host's code for a failure. */
  exitCode: number;
  /** The guest trapped: `RuntimeError: unreachable` and the wasm frames. */
  trap?: string;
  /** The guest was stopped by the host (`abortInstance`). */
  aborted?: boolean;
  /** The guest could not be started, or the host failed while running it. */
  error?: { code: string; message: string };
  /** With `auditErrnos`. */
  audit?: ErrnoAudit;
}

export type WorkerMessage =
  /** The native instance exists: its id, for the host services. */
  | { type: 'ready'; instanceId: number; warnings: string[] }
  | { type: 'chat-request'; responseFd: number; request: string }
  | { type: 'callback-result'; id: number; rc: number; output: string }
  | { type: 'log'; level: LogLevel; message: string }
  | { type: 'stdio'; stream: 'stdout' | 'stderr'; data: Uint8Array }
  /** Something the host operator should know (a tool that could not be called). */
  | { type: 'warning'; message: string }
  | ({ type: 'exit' } & GuestEnd);

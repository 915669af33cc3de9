/** hostwire: the public SDK. */
import type { Session as NativeSession, SessionConstructor as NativeSessionConstructor } from '../generated/ts/sdk';
import { loadNative } from './native';
import type { SessionMetrics } from './transfer/metrics';

export * from '../generated/ts';
export { main } from './cli';
export {
  ASSUMED_GUEST_ABI,
  checkGuestAbi,
  checkGuestImports,
  EXIT_HOST_ERROR,
  EXIT_KILLED,
  EXIT_TRAP,
  formatLogLine,
  Guest,
  GuestAbiError,
  GuestLinkError,
  GuestStartError,
  HOST_ABI,
  readGuestAbi,
  runGuest,
  type ErrnoAudit,
  type ErrnoViolation,
  type GuestAbi,
  type GuestAbiCheck,
  type GuestLogEntry,
  type GuestOptions,
  type GuestResult,
  type GuestSource,
  type GuestStdio,
  type HostAbi,
  type LogLevelName,
} from './guest';
export { NativeLoadError, loadNative } from './native';
export { McpHost, loadMcpDir, type McpOptions, type McpPolicyOptions, type McpServerRecord } from './mcp';
export { streamsPath, type StreamsInfo, type StreamsOptions } from './streams';
export { ChatError } from './chat';
export type { BackendCallOptions, BackendChatRequest, ChatBackend, ChatCompleteFn, ChatCompletion, ChatMessage } from './chat';

/** A transfer endpoint (see `SessionOptions`); `metrics()` is typed as `SessionMetrics`. */
export type Session = Omit<NativeSession, 'metrics'> & {
  /** Bytes and operations per peer, errors by code and a latency histogram. */
  metrics(): SessionMetrics;
};

/** The `Session` class (see the generated `SessionConstructor` for its errors). */
export interface SessionConstructor {
  new (...args: ConstructorParameters<NativeSessionConstructor>): Session;
}

/**
 * The native `Session` class, typed by the generated SDK. The addon is loaded on first use,
 * so importing the SDK does not need it built.
 */
export const Session: SessionConstructor = new Proxy(function Session() {} as unknown as SessionConstructor, {
  construct: (_target, args: unknown[]) => Reflect.construct(loadNative().Session, args) as object,
  get: (_target, key) => Reflect.get(loadNative().Session, key) as unknown,
  getPrototypeOf: () => Reflect.getPrototypeOf(loadNative().Session),
});

export * from './transfer';

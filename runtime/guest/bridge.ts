/**
 * The native bridge (`binding.host`): how the guest's worker and the host services on the
 * main thread reach one native `GuestInstance`. Hand-written in the addon, not part of the
 * guest ABI; see README.md ("The bridge").
 */
import { isMainThread, workerData } from 'node:worker_threads';
import type { SpearHostImpl } from '../../generated/ts/hostcalls';
import type { NativeBinding } from '../../generated/ts/sdk';
import { NativeLoadError } from '../native';

/**
 * What a blocking core call returns when a guest callback is queued for the instance (the
 * worker runs the callbacks and repeats the call), and once `abortInstance` was called (the
 * guest is stopping). Outside the errno range; never seen by the guest. Generated with the
 * host table that acts on them.
 */
export { ABORTED, CALLBACK_PENDING } from '../../generated/ts/hostcalls';

/** Something the instance asks of the host services (drained after `cchat_send`). */
export interface GuestRequest {
  kind: 'chat';
  /** The response fd the answer completes. */
  responseFd: number;
  /** The chat request JSON (README.md, "The chat request JSON"). */
  request: string;
}

/** A queued guest callback (a tool call). */
export interface GuestCallback {
  /** The id the main thread gave it in `postCallback`. */
  id: number;
  /** The callback payload JSON (README.md, "The callback payload"). */
  payload: string;
}

/** A realtime-ASR stream CONNECTed with transport "websocket" (`rtasrConnects`). */
export interface RtasrConnect {
  fd: number;
  /** `{"model": string|null, "turn_detection": ...}` (JSON). */
  config: string;
}

/** One send-queue item of a realtime-ASR stream: audio bytes, or a client event's JSON text. */
export interface RtasrItem {
  audio: boolean;
  data: Uint8Array;
}

/** `binding.host`. Every function returns 0 or a negative errno and never throws for a stale id. */
export interface HostBridge {
  /** The process-wide id of an instance (worker). */
  instanceId(inst: SpearHostImpl): number;
  /** Drain the instance's outbox (worker). */
  takeRequests(inst: SpearHostImpl): GuestRequest[];
  /** Drain the queued callbacks (worker). */
  takeCallbacks(inst: SpearHostImpl): GuestCallback[];
  /**
   * The chat response is ready: the fd turns EPOLLIN (any thread). `appendJson`, a JSON
   * array of messages, is appended to the response's session first.
   */
  completeChat(id: number, responseFd: number, bytes: Uint8Array, metricsJson: string, appendJson?: string): number;
  /** The chat request failed with `errno` (negative): the fd turns EPOLLERR (any thread). */
  failChat(id: number, responseFd: number, errno: number): number;
  /** Queue a guest callback and wake the instance's blocked call (any thread). */
  postCallback(id: number, callbackId: number, payload: string): number;
  /** Every blocked and future blocking call of the instance returns ABORTED (any thread). */
  abortInstance(id: number): number;
  /** The host's MCP policy JSON for the instance, before the guest runs (worker): 0 or -EINVAL. */
  setMcpPolicy(inst: SpearHostImpl, policyJson: string): number;
  /** Free the instance's fd table; its id stops resolving (worker). */
  releaseInstance(inst: SpearHostImpl): number;
  /** The realtime-ASR streams CONNECTed with transport "websocket" since the last call ([] for a stale id). */
  rtasrConnects(id: number): RtasrConnect[];
  /** After `rtasrConnects`: the host's transport takes the stream (`external`), or the stub runs. */
  rtasrAttach(id: number, fd: number, external: boolean): number;
  /** Take up to `maxItems` send-queue items; null once the fd is gone. */
  rtasrTake(id: number, fd: number, maxItems: number): RtasrItem[] | null;
  /** A server event for the guest's receive queue. */
  rtasrPush(id: number, fd: number, bytes: Uint8Array | string): number;
  /** The transport failed: the stream's state is Error, `last_error` is `message`. */
  rtasrFail(id: number, fd: number, message: string): number;
  /** The server closed the connection: the fd reports EPOLLHUP. */
  rtasrHangup(id: number, fd: number): number;
  /**
   * A client's WebSocket message (one SSF frame) for the guest's user streams: 0; -EINVAL
   * (not an SSF v1 frame, or longer than the frame limit), -ENOTCONN (the guest has no
   * session), -ENOSPC (the stream's inbound queue is full). A negative result ends the client.
   */
  streamPush(id: number, bytes: Uint8Array): number;
  /** Outbound frames the guest queued (about `maxBytes`, at least one when any); null when the guest has no session. */
  streamTake(id: number, maxBytes: number): Uint8Array[] | null;
  /** The client session ended: every stream closes, control fds get SESSION_CLOSED. */
  streamClose(id: number): number;
}

const BRIDGE_FUNCTIONS: readonly (keyof HostBridge)[] = [
  'instanceId',
  'takeRequests',
  'takeCallbacks',
  'completeChat',
  'failChat',
  'postCallback',
  'abortInstance',
  'releaseInstance',
  'setMcpPolicy',
  'rtasrConnects',
  'rtasrAttach',
  'rtasrTake',
  'rtasrPush',
  'rtasrFail',
  'rtasrHangup',
  'streamPush',
  'streamTake',
  'streamClose',
];

/**
 * The bridge of a loaded addon; a `NativeLoadError` naming what is missing when it has none.
 *
 * In a guest's worker whose init carries an MCP policy (`WorkerInit.mcpPolicy`), asking an
 * instance's id first gives the instance that policy: the worker asks it once, right after
 * creating the instance and before the guest runs, so no chat session of the guest exists
 * before its policy does.
 */
export function hostBridge(binding: NativeBinding): HostBridge {
  const host = (binding as NativeBinding & { host?: Partial<HostBridge> }).host;
  const missing = host === undefined ? ['host'] : BRIDGE_FUNCTIONS.filter((f) => typeof host[f] !== 'function').map((f) => `host.${f}`);
  if (missing.length > 0) {
    throw new NativeLoadError(
      `hostwire: the native addon has no guest bridge (${missing.join(', ')} missing): it cannot run guests; ` +
        'rebuild it with `npm run build:native`',
    );
  }
  const bridge = host as HostBridge;
  const policy = isMainThread ? undefined : (workerData as { mcpPolicy?: unknown } | null)?.mcpPolicy;
  if (typeof policy !== 'string') return bridge;
  const configured = new WeakSet<object>();
  return {
    ...bridge,
    instanceId(inst: SpearHostImpl): number {
      if (!configured.has(inst)) {
        const rc = bridge.setMcpPolicy(inst, policy);
        if (rc < 0) throw new Error(`hostwire: the MCP policy was refused by the native core (${rc})`);
        configured.add(inst);
      }
      return bridge.instanceId(inst);
    },
  };
}

/**
 * The `spear` imports a guest runs with: the generated host table (`createSpearHost`) over the
 * instance's wasm imports, with what only the worker can do (README.md, "The bridge"):
 *
 * - a blocking call that returns CALLBACK_PENDING runs the queued callbacks (tool calls) on this
 *   thread, posts their results, and is repeated with what is left of its timeout; one that
 *   returns ABORTED throws `GuestAborted`, which unwinds the guest (the generated wrappers);
 * - `cchat_send` is followed by draining the instance's requests to the host services;
 * - `log` is answered here: it never reaches the native core;
 * - so is `time_now_ms`: the Unix-epoch milliseconds of the wall clock (SPEAR's answer, and the
 *   core's), read with `Date.now()` without crossing into the addon.
 *
 * Every other call is the native instance's own wasm import: it checks guest memory and writes
 * its output straight into it.
 */
import { LogLevel } from '../../generated/ts/constants';
import { Errno } from '../../generated/ts/errno';
import {
  createSpearHost,
  createSpearImports,
  type GuestMemory,
  type SpearHostImpl,
  type SpearImports,
  type SpearNativeImports,
} from '../../generated/ts/hostcalls';
import type { GuestRequest, HostBridge } from './bridge';
import { logLevelName, logMessage } from './log';
import { runToolCallback, type ToolCallOutcome, type ToolTarget } from './tools';

/** Thrown by a hostcall when the guest is being stopped: it unwinds the guest. */
export class GuestAborted extends Error {
  constructor() {
    super('the guest was stopped by the host');
    this.name = 'GuestAborted';
  }
}

/** What the guest host hears from the instance while the guest runs. */
export interface GuestHostEvents {
  /** A request for the host services (a chat to serve). */
  request(req: GuestRequest): void;
  /** A tool callback ran (or could not run). */
  callbackResult(id: number, outcome: ToolCallOutcome): void;
  /** A guest log line. */
  log(level: LogLevel, message: string): void;
}

/** The part of the bridge the worker uses. */
export type WorkerBridge = Pick<HostBridge, 'takeRequests' | 'takeCallbacks'>;

/**
 * The guest's imports over instance `inst`, whose wasm imports are `native` (its own
 * `wasmImports()`, or `createSpearImports` over an implementation in JS). `guest` gives the
 * running guest's memory and function table (for `log` and the tool callbacks).
 */
export function createGuestImports(
  inst: SpearHostImpl,
  native: SpearNativeImports,
  bridge: WorkerBridge,
  guest: ToolTarget,
  events: GuestHostEvents,
): SpearImports {
  const send = native.cchat_send;
  // The last time_now_ms answer: a call within the same millisecond returns it without a new BigInt.
  let lastMs = -1;
  let lastMsBig = 0n;
  const { log } = createSpearImports(guest.memory as () => GuestMemory, {
    log: (level: number, msg: Uint8Array): number => {
      if (logLevelName(level) === undefined) return -Errno.EINVAL;
      events.log(level as LogLevel, logMessage(msg));
      return 0;
    },
  });
  return createSpearHost(
    {
      ...native,
      log,
      time_now_ms: () => {
        const ms = Date.now();
        if (ms !== lastMs) {
          lastMs = ms;
          lastMsBig = BigInt(ms);
        }
        return lastMsBig;
      },
      cchat_send: (fd, flags) => {
        const r = send(fd, flags);
        for (const req of bridge.takeRequests(inst)) events.request(req);
        return r;
      },
    },
    {
      runCallbacks: () => {
        for (const cb of bridge.takeCallbacks(inst)) events.callbackResult(cb.id, runToolCallback(cb.payload, guest));
      },
      aborted: () => {
        throw new GuestAborted();
      },
      now: () => performance.now(),
    },
  );
}

/**
 * The `SpearHostImpl` a guest runs against: the native `GuestInstance`, with the wrappers the
 * bridge needs (README.md, "The bridge"):
 *
 * - blocking calls that return CALLBACK_PENDING run the queued callbacks (tool calls) on this
 *   thread, post their results, and repeat with what is left of their timeout (a blocking
 *   `rtasr_write` interrupted after a partial write returns its count; the callbacks run then);
 * - blocking calls that return ABORTED throw `GuestAborted`, which unwinds the guest;
 * - `cchat_send` is followed by draining the instance's requests to the host services;
 * - `log` is handled here: it never reaches the native core.
 *
 * Every other call goes straight to the native instance.
 */
import { LogLevel } from '../../generated/ts/constants';
import { Errno } from '../../generated/ts/errno';
import type { SpearHostImpl } from '../../generated/ts/hostcalls';
import { ABORTED, CALLBACK_PENDING, type GuestRequest, type HostBridge } from './bridge';
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

const now = (): number => performance.now();

/**
 * The guest's implementation over the native instance `inst`. `guest` gives the running
 * guest's memory and function table (for tool callbacks).
 */
export function createGuestHost(inst: SpearHostImpl, bridge: WorkerBridge, guest: ToolTarget, events: GuestHostEvents): SpearHostImpl {
  const runCallbacks = (): void => {
    for (const cb of bridge.takeCallbacks(inst)) {
      events.callbackResult(cb.id, runToolCallback(cb.payload, guest));
    }
  };
  const settle = <T>(r: T): T => {
    if (r === ABORTED) throw new GuestAborted();
    return r;
  };

  /** A blocking call without a timeout: repeat it after running the callbacks. */
  function blocking<A extends unknown[], R>(call: (...args: A) => R): (...args: A) => R {
    return (...args: A): R => {
      for (;;) {
        const r = call(...args);
        if (r !== CALLBACK_PENDING) return settle(r);
        runCallbacks();
      }
    };
  }

  /** Milliseconds left of `timeoutMs` started at `t0` (negative: forever, kept as is). */
  const left = (timeoutMs: number, t0: number): number => (timeoutMs <= 0 ? timeoutMs : Math.max(0, Math.ceil(t0 + timeoutMs - now())));

  const epollWait = inst.spear_epoll_wait.bind(inst);
  const sleep = inst.sleep_ms.bind(inst);
  const send = inst.cchat_send.bind(inst);
  const rtasrWrite = blocking(inst.rtasr_write.bind(inst));

  const impl: SpearHostImpl = {
    cchat_create: inst.cchat_create.bind(inst),
    cchat_write_msg: inst.cchat_write_msg.bind(inst),
    cchat_write_fn: inst.cchat_write_fn.bind(inst),
    cchat_ctl: inst.cchat_ctl.bind(inst),
    cchat_send: (fd, flags) => {
      const r = send(fd, flags);
      for (const req of bridge.takeRequests(inst)) events.request(req);
      return r;
    },
    cchat_recv: blocking(inst.cchat_recv.bind(inst)),
    cchat_close: inst.cchat_close.bind(inst),
    spear_epoll_create: inst.spear_epoll_create.bind(inst),
    spear_epoll_ctl: inst.spear_epoll_ctl.bind(inst),
    spear_epoll_wait: (epfd, capacity, timeoutMs) => {
      const t0 = timeoutMs > 0 ? now() : 0;
      let timeout = timeoutMs;
      for (;;) {
        const r = epollWait(epfd, capacity, timeout);
        if (r !== CALLBACK_PENDING) return settle(r);
        runCallbacks();
        timeout = left(timeoutMs, t0);
      }
    },
    spear_epoll_close: inst.spear_epoll_close.bind(inst),
    spear_fd_ctl: inst.spear_fd_ctl.bind(inst),
    mic_create: inst.mic_create.bind(inst),
    mic_ctl: inst.mic_ctl.bind(inst),
    mic_read: blocking(inst.mic_read.bind(inst)),
    mic_close: inst.mic_close.bind(inst),
    rtasr_create: inst.rtasr_create.bind(inst),
    rtasr_ctl: inst.rtasr_ctl.bind(inst),
    // A blocking write interrupted after part of the bytes went in returns that count, not
    // CALLBACK_PENDING: run what is queued now rather than at the next blocking call.
    rtasr_write: (fd, buf) => {
      const r = rtasrWrite(fd, buf);
      if (r >= 0 && r < buf.length) runCallbacks();
      return r;
    },
    rtasr_read: blocking(inst.rtasr_read.bind(inst)),
    rtasr_close: inst.rtasr_close.bind(inst),
    user_stream_open: inst.user_stream_open.bind(inst),
    user_stream_read: blocking(inst.user_stream_read.bind(inst)),
    user_stream_write: blocking(inst.user_stream_write.bind(inst)),
    user_stream_close: inst.user_stream_close.bind(inst),
    user_stream_ctl_open: inst.user_stream_ctl_open.bind(inst),
    user_stream_ctl_read: blocking(inst.user_stream_ctl_read.bind(inst)),
    time_now_ms: inst.time_now_ms.bind(inst),
    wall_time_s: inst.wall_time_s.bind(inst),
    random_i64: inst.random_i64.bind(inst),
    log: (level, msg) => {
      if (logLevelName(level) === undefined) return -Errno.EINVAL;
      events.log(level as LogLevel, logMessage(msg));
      return 0;
    },
    // No result to carry an errno: the native glue throws it, CALLBACK_PENDING and ABORTED included.
    sleep_ms: (ms) => {
      const t0 = now();
      let timeout = ms < 0 ? 0 : ms;
      for (;;) {
        try {
          sleep(timeout);
          return;
        } catch (e) {
          const errno = (e as { errno?: unknown } | null)?.errno;
          if (errno === ABORTED) throw new GuestAborted();
          if (errno !== CALLBACK_PENDING) throw e;
        }
        runCallbacks();
        timeout = left(Math.max(ms, 0), t0);
      }
    },
  };
  return impl;
}

/**
 * What a hostcall costs a guest, and how fast a host service wakes a blocked guest.
 *
 * Each figure is printed beside a baseline measured in the same run, as a ratio:
 *  - per-call cost of cheap hostcalls from a guest loop (`spear_fd_ctl` GET_FLAGS on a valid
 *    fd, `spear_epoll_wait` with timeout 0, `time_now_ms`) beside a WASI call through
 *    `node:wasi` (`clock_time_get`) made by the same loop in the same guest. Not the same
 *    path: `node:wasi`'s imports are V8 fast-API calls, which never enter JS or N-API; a
 *    hostcall is a wasm -> N-API call (the native instance's own wasm import, no JS between);
 *  - so beside them too, the bare floor of that path: a wasm loop calling the addon's `noop`
 *    (a N-API function that does nothing) directly, and through a JS function (wasm -> JS ->
 *    N-API), measured in this run;
 *  - wake-up latency p50/p99 from `completeChat` on the main thread to the guest's
 *    `spear_epoll_wait` returning (timestamps on one monotonic clock: `process.hrtime` and
 *    WASI's, both uv_hrtime), beside a native eventfd + epoll cross-thread wake-up (a small C
 *    program compiled with the host's cc at bench time, timed the same way).
 *
 * Needs clang for wasm32-wasi (as the tests do) and cc. `--json` prints one JSON object.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadNative } from '../runtime/native';
import { Guest, runGuest } from '../runtime/guest/host';
import { hostBridge } from '../runtime/guest/bridge';
import type { GuestLogEntry } from '../runtime/guest/log';
import { stubComplete } from '../runtime/chat/stub';
import { ChatError } from '../runtime/chat';
import type { BackendCallOptions, BackendChatRequest, ChatCompletion } from '../runtime/chat/types';
import { median, percentile } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const json = process.argv.includes('--json');
const CALLS = 200_000;
const RUNS = 7;
const WAKES = 400;

/** The guest: `loop MODE CALLS RUNS` prints one ns/call figure per run; `wake N` prints N wake-up times (ns). */
const GUEST_C = String.raw`
// The figures go to stdout, not to the host log (the header redirects stdio there by default).
#define SPEAR_DISABLE_STDIO_REDIRECT_TO_LOG
#include <spear.h>
#include <time.h>
#include <wasi/api.h>

static uint64_t now_ns(void) {
    __wasi_timestamp_t t = 0;
    return __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t) == 0 ? t : 0;
}

static uint8_t BUF[256];
static uint32_t LEN;

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    if (strcmp(argv[1], "wake") == 0) {
        int n = atoi(argv[2]);
        int32_t ep = sp_ep_create();
        int32_t chat = sp_cchat_create();
        sp_cchat_set_param_string(chat, "model", "bench");
        sp_cchat_write_msg_str(chat, "user", "wake me");
        for (int i = 0; i < n; i++) {
            int32_t resp = sp_cchat_send(chat, 0);
            if (resp < 0 || sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, resp, SPEAR_EPOLLIN) != 0) return 3;
            char fd_text[16];
            snprintf(fd_text, sizeof fd_text, "%d", resp);
            sp_log_str(SP_LOG_INFO, fd_text); // the host completes this fd 1 ms from now
            sp_epoll_event_t ev[4];
            LEN = sizeof ev;
            int32_t r = sp_ep_wait(ep, (int32_t)(uintptr_t)ev, (int32_t)(uintptr_t)&LEN, -1);
            uint64_t woke = now_ns();
            if (r != 1 || ev[0].fd != resp) return 4;
            printf("%llu\n", (unsigned long long)woke);
            sp_ep_ctl(ep, SPEAR_EP_CTL_DEL, resp, 0);
            sp_cchat_close(resp);
        }
        return 0;
    }
    const char *mode = argv[1];
    int calls = atoi(argv[2]);
    int runs = argc > 3 ? atoi(argv[3]) : 1;
    int32_t chat = sp_cchat_create();
    int32_t ep = sp_ep_create();
    if (chat < 0 || ep < 0) return 3;
    volatile int64_t sink = 0;
    for (int run = -1; run < runs; run++) { // run -1: warm-up
        uint64_t t0 = now_ns();
        if (strcmp(mode, "fd_ctl") == 0) {
            for (int i = 0; i < calls; i++) {
                LEN = sizeof BUF;
                sink += sp_fd_ctl(chat, SPEAR_FD_CTL_GET_FLAGS, (int32_t)(uintptr_t)BUF, (int32_t)(uintptr_t)&LEN);
            }
        } else if (strcmp(mode, "epoll_wait") == 0) {
            for (int i = 0; i < calls; i++) {
                LEN = sizeof BUF;
                sink += sp_epoll_wait(ep, (int32_t)(uintptr_t)BUF, (int32_t)(uintptr_t)&LEN, 0);
            }
        } else if (strcmp(mode, "time_now_ms") == 0) {
            for (int i = 0; i < calls; i++) sink += sp_time_now_ms();
        } else if (strcmp(mode, "clock_time_get") == 0) {
            for (int i = 0; i < calls; i++) {
                __wasi_timestamp_t t;
                sink += __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
            }
        } else {
            return 2;
        }
        uint64_t t1 = now_ns();
        if (run >= 0) printf("%.2f\n", (double)(t1 - t0) / calls);
    }
    return sink == 12345 ? 1 : 0;
}
`;

/**
 * Native baseline: a thread blocked in epoll_wait on an eventfd, woken by the main thread's
 * write; the main thread then blocks until the waiter acknowledges on a second eventfd (no
 * busy wait on either side, as in the guest's case).
 */
const WAKE_C = String.raw`
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

static int efd, ack, ep, n;
static uint64_t *woke;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *waiter(void *arg) {
    (void)arg;
    for (int i = 0; i < n; i++) {
        struct epoll_event ev;
        if (epoll_wait(ep, &ev, 1, -1) != 1) exit(3);
        woke[i] = now_ns();
        uint64_t v = 1;
        if (read(efd, &v, sizeof v) != sizeof v) exit(4);
        if (write(ack, &v, sizeof v) != sizeof v) exit(5);
    }
    return NULL;
}

int main(int argc, char **argv) {
    n = argc > 1 ? atoi(argv[1]) : 400;
    woke = calloc((size_t)n, sizeof *woke);
    efd = eventfd(0, 0);
    ack = eventfd(0, 0);
    ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = efd};
    epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
    pthread_t t;
    pthread_create(&t, NULL, waiter, NULL);
    for (int i = 0; i < n; i++) {
        struct timespec pause = {0, 1000000}; // 1 ms: the waiter is blocked again
        nanosleep(&pause, NULL);
        uint64_t one = 1, v;
        uint64_t sent = now_ns();
        if (write(efd, &one, sizeof one) != sizeof one) return 6;
        if (read(ack, &v, sizeof v) != sizeof v) return 7;
        printf("%llu\n", (unsigned long long)(woke[i] - sent));
    }
    pthread_join(t, NULL);
    return 0;
}
`;

function findClang(): string {
  if (process.env.CLANG) return process.env.CLANG;
  for (const c of ['clang', ...Array.from({ length: 12 }, (_, i) => `clang-${22 - i}`)]) {
    if (spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0) return c;
  }
  throw new Error('clang not found: the benchmark compiles its guest for wasm32-wasi');
}

/** A wasm loop of `n` calls to the import `f` (the floor of a call out of wasm). */
const FLOOR_WAT = `(module
  (import "bench" "f" (func $f (result i32)))
  (func (export "loop") (param $n i32) (result i32) (local $sum i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $sum (i32.add (local.get $sum) (call $f)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $sum)))`;

/** ns per call of `f` called from a wasm loop: the median of RUNS loops of CALLS calls. */
function floorLoop(watFile: string, f: () => number): number {
  const wasmFile = watFile.replace(/\.wat$/, '.wasm');
  execFileSync('wat2wasm', [watFile, '-o', wasmFile]);
  const W = (globalThis as unknown as { WebAssembly: { Instance: new (m: unknown, i: unknown) => { exports: { loop(n: number): number } }; Module: new (b: Uint8Array) => unknown } }).WebAssembly;
  const loop = new W.Instance(new W.Module(fs.readFileSync(wasmFile)), { bench: { f } }).exports.loop;
  loop(CALLS); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    loop(CALLS);
    xs.push(Number(process.hrtime.bigint() - t0) / CALLS);
  }
  return median(xs);
}

async function guestLoop(wasm: string, mode: string): Promise<number> {
  const r = await runGuest(wasm, { args: [mode, String(CALLS), String(RUNS)] });
  if (r.exitCode !== 0) throw new Error(`bench guest ${mode} exited ${r.exitCode}: ${r.trap ?? r.error ?? r.stdout}`);
  return median(r.stdout.trim().split('\n').map(Number));
}

/**
 * Wake-up latencies (µs): `completeChat` called here -> the guest's `spear_epoll_wait`
 * returns. The guest logs each response fd just before it blocks on it, and this thread
 * completes that fd 1 ms later (the guest is blocked by then).
 */
async function guestWakeups(wasm: string): Promise<number[]> {
  const host = hostBridge(loadNative());
  // The chat backend answers a request only once the guest has logged a later fd, that is
  // once it woke from the wait on this one: the chat service's own completeChat then comes
  // late and is refused (-EINVAL), harmlessly. Answering right after the timed completeChat
  // would run the chat service's whole completion on this thread while the woken worker
  // waits for a CPU (the kernel mostly wakes it on this thread's CPU), work the native
  // baseline's waker, which blocks at once, does not do. Requests still unanswered when the
  // guest ends are cancelled with it.
  const waiting: (() => void)[] = [];
  const backend = (req: BackendChatRequest, opts: BackendCallOptions): Promise<ChatCompletion> =>
    new Promise((resolve, reject) => {
      const cancel = (): void => reject(new ChatError('ECANCELED', 'the bench guest ended'));
      opts.signal.addEventListener('abort', cancel, { once: true });
      waiting.push(() => {
        opts.signal.removeEventListener('abort', cancel);
        resolve(stubComplete(req));
      });
    });
  const sent: bigint[] = [];
  const body = Buffer.from(JSON.stringify({ id: 'bench', object: 'chat.completion', created: 0, model: 'bench', choices: [] }));
  let guest: Guest | undefined;
  const onLog = (e: GuestLogEntry): void => {
    const fd = Number(e.message);
    // The request of `fd` is the last one waiting, if it has reached the backend yet.
    while (waiting.length > 1) waiting.shift()!();
    setTimeout(() => {
      sent.push(process.hrtime.bigint());
      const rc = host.completeChat(guest!.instanceId!, fd, body, '');
      if (rc !== 0) throw new Error(`completeChat: ${rc}`);
    }, 1);
  };
  guest = await Guest.load(wasm, { args: ['wake', String(WAKES)], backend, onLog });
  const r = await guest.run();
  if (r.exitCode !== 0) throw new Error(`bench guest wake exited ${r.exitCode}: ${r.trap ?? r.error ?? ''}`);
  const woke = r.stdout.trim().split('\n').map((l) => BigInt(l));
  if (woke.length !== sent.length) throw new Error(`${woke.length} wake-ups for ${sent.length} completions`);
  return woke.map((w, i) => Number(w - sent[i]) / 1000).slice(10); // the first ones warm up
}

interface Row {
  name: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostwire-bench-hostcall-'));
  try {
    const guestSrc = path.join(dir, 'bench_guest.c');
    const wasm = path.join(dir, 'bench_guest.wasm');
    fs.writeFileSync(guestSrc, GUEST_C);
    execFileSync(findClang(), ['--target=wasm32-wasi', '-O2', '-I', path.join(ROOT, 'generated', 'c'), '-o', wasm, guestSrc], { stdio: 'inherit' });
    const wakeSrc = path.join(dir, 'wake.c');
    const wakeBin = path.join(dir, 'wake');
    fs.writeFileSync(wakeSrc, WAKE_C);
    execFileSync(process.env.CC ?? 'cc', ['-O2', '-pthread', '-o', wakeBin, wakeSrc], { stdio: 'inherit' });

    const rows: Row[] = [];
    const wasi = await guestLoop(wasm, 'clock_time_get');
    const watFile = path.join(dir, 'floor.wat');
    fs.writeFileSync(watFile, FLOOR_WAT);
    const noop = (loadNative() as unknown as { noop: () => number }).noop;
    const floor = floorLoop(watFile, noop);
    const floorJs = floorLoop(watFile, () => noop());
    const costs: [string, number][] = [];
    for (const [name, mode] of [
      ['spear_fd_ctl GET_FLAGS (valid fd)', 'fd_ctl'],
      ['spear_epoll_wait timeout 0', 'epoll_wait'],
      ['time_now_ms', 'time_now_ms'],
    ]) {
      const value = await guestLoop(wasm, mode);
      costs.push([name, value]);
      rows.push({ name, value, unit: 'ns/call', baseline: 'WASI clock_time_get', baselineValue: wasi });
    }
    for (const [name, value] of costs) rows.push({ name, value, unit: 'ns/call', baseline: 'floor: wasm -> N-API', baselineValue: floor });
    rows.push({ name: 'floor: wasm -> JS -> N-API no-op', value: floorJs, unit: 'ns/call', baseline: 'floor: wasm -> N-API', baselineValue: floor });
    rows.push({ name: 'floor: wasm -> N-API no-op', value: floor, unit: 'ns/call', baseline: 'WASI clock_time_get', baselineValue: wasi });

    const guest = await guestWakeups(wasm);
    const nativeOut = execFileSync(wakeBin, [String(WAKES)], { encoding: 'utf8' });
    const native = nativeOut.trim().split('\n').map((l) => Number(l) / 1000).slice(10);
    for (const p of [50, 99]) {
      rows.push({ name: `wake-up p${p} (completeChat -> epoll_wait)`, value: percentile(guest, p), unit: 'us', baseline: `eventfd+epoll p${p}`, baselineValue: percentile(native, p) });
    }

    if (json) {
      console.log(JSON.stringify({ calls: CALLS, runs: RUNS, wakeups: guest.length, rows: rows.map((r) => ({ ...r, ratio: r.value / r.baselineValue })) }, null, 2));
    } else {
      console.log(`hostcall cost: median of ${RUNS} guest loops of ${CALLS} calls; wake-ups: ${guest.length} samples`);
      console.log('targets: fd_ctl <= 2.0x, epoll_wait <= 2.5x, time_now_ms <= 1.5x the WASI call; wake-up p99 <= 4x eventfd+epoll');
      for (const r of rows) {
        console.log(
          `${r.name.padEnd(42)} ${r.value.toFixed(2).padStart(9)} ${r.unit.padEnd(7)}  ${r.baseline.padEnd(22)} ${r.baselineValue.toFixed(2).padStart(8)} ${r.unit.padEnd(7)}  x${(r.value / r.baselineValue).toFixed(1)}`,
        );
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});

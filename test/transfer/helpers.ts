/** Shared by the transfer tests: a peer process, and connecting a session of this process to it. */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { HostwireError } from '../../generated/ts/errno';
import type { SessionOptions } from '../../generated/ts/sdk';
import { Session } from '../../runtime';

/** An error a peer process reported. */
export class PeerError extends Error {
  constructor(
    readonly code: string,
    readonly errno: number,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/**
 * A child node process running test/transfer/peer.ts; `prefix` runs it through a command
 * (`['ip', 'netns', 'exec', ns]`: in a network namespace), which must exec node in its place
 * so that signals reach the peer itself.
 */
export class PeerProcess {
  readonly child: ChildProcess;
  private next = 0;
  private readonly pending = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  readonly ready: Promise<void>;
  private exited = false;
  stderr = '';

  /**
   * `prefix` runs the process through a command (`ip netns exec ns`); `nodeArgs` go to node
   * before the script (`--expose-gc`); `nofile` runs it with that RLIMIT_NOFILE (`ulimit -n`,
   * through sh).
   */
  constructor(options: { prefix?: string[]; nodeArgs?: string[]; nofile?: number } = {}) {
    const node = [process.execPath, ...(options.nodeArgs ?? []), path.join(__dirname, 'peer.js')];
    const limited = options.nofile === undefined ? node : ['sh', '-c', `ulimit -n ${options.nofile} && exec "$0" "$@"`, ...node];
    const argv = [...(options.prefix ?? []), ...limited];
    this.child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    let ready!: () => void;
    let failed!: (e: Error) => void;
    this.ready = new Promise((r, j) => ((ready = r), (failed = j)));
    this.ready.catch(() => {}); // awaited by the caller, who sees it reject
    // A process that cannot start (a prefix that fails) rejects `ready` instead of hanging.
    this.child.on('error', (e) => failed(new Error(`peer process: ${e.message}`)));
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const msg = JSON.parse(line) as { id: number; result?: Record<string, unknown>; error?: { code: string; errno: number; message: string } };
      if (msg.id === 0) return ready();
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new PeerError(msg.error.code, msg.error.errno, msg.error.message));
      else p.resolve(msg.result ?? {});
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      failed(new Error(`peer process exited before it was ready (${signal ?? code}); stderr: ${this.stderr}`));
      for (const p of this.pending.values()) p.reject(new Error(`peer process exited; stderr: ${this.stderr}`));
      this.pending.clear();
    });
  }

  /** Send a command; resolves with its result, rejects with a PeerError. */
  call<T = Record<string, unknown>>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    if (this.exited) return Promise.reject(new Error('peer process exited'));
    const id = ++this.next;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: Record<string, unknown>) => void, reject });
      this.child.stdin!.write(`${JSON.stringify({ cmd, ...args, id })}\n`);
    });
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child.kill(signal);
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
}

export function newSession(options?: SessionOptions): Session {
  return new Session(options);
}

/** This process's session `local` (listening) and a peer process connected to it. */
export async function connectPair(
  options: SessionOptions = { channels: 2 },
  peerOptions: SessionOptions = options,
  peerProcess: ConstructorParameters<typeof PeerProcess>[0] = {},
): Promise<{ local: Session; peer: PeerProcess }> {
  const peer = new PeerProcess(peerProcess);
  await peer.ready;
  const local = newSession(options);
  const blob = await local.listen();
  await peer.call('session', { options: peerOptions });
  await peer.call('load', { name: 'server', blob: Buffer.from(blob).toString('hex') });
  await peer.call('connect', { name: 'server' });
  await local.accept('client');
  return { local, peer };
}

/** Assert that `p` rejects with a HostwireError of `code`. */
export async function rejectsWith(p: Promise<unknown>, code: string): Promise<HostwireError> {
  let caught: unknown;
  await assert.rejects(p, (e: unknown) => {
    caught = e;
    assert.ok(e instanceof HostwireError, `expected a HostwireError ${code}, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
  return caught as HostwireError;
}

/**
 * Assert that `p` rejects with Node's AbortError for a signal aborted with `reason`: name
 * 'AbortError', code 'ABORT_ERR', `cause` the reason; not a HostwireError.
 */
export async function rejectsAborted(p: Promise<unknown>, reason: unknown): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof Error && !(e instanceof HostwireError), `expected an AbortError, got ${String(e)}`);
    assert.equal(e.name, 'AbortError');
    assert.equal((e as Error & { code?: unknown }).code, 'ABORT_ERR');
    assert.equal(e.message, 'The operation was aborted');
    assert.equal(e.cause, reason);
    return true;
  });
}

/** Assert that `f` throws a HostwireError of `code`. */
export function throwsWith(f: () => unknown, code: string): HostwireError {
  let caught: unknown;
  assert.throws(f, (e: unknown) => {
    caught = e;
    assert.ok(e instanceof HostwireError, `expected a HostwireError ${code}, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
  return caught as HostwireError;
}

/** Assert that a peer call rejects with `code`. */
export async function peerRejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof PeerError, `expected a PeerError ${code}, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

export const MiB = 1 << 20;

/** `p`, marked as handled now (it is awaited later, after it may have rejected). */
export function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/**
 * Two hosts on one machine: two network namespaces joined by a veth pair, for the transfer
 * tests and the bench that need a link between hosts (an address that is not loopback, a
 * link that can go down, a rate limit). Needs root and iproute2 (`ip`, `tc`).
 *
 * Names carry the creating process's pid (`hwt-<pid>-<n>-a` / `-b`), so concurrent runs do
 * not collide and a namespace left by a killed run is recognised and removed by the next one
 * (`removeStale`, called by `createPair`). Every pair is removed by `destroy()`, and on process
 * exit whatever was not.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';

/** The prefix of every namespace this module creates. */
export const PREFIX = 'hwt-';

/** One end: a namespace, its veth device and its addresses. */
export interface NetnsHost {
  ns: string;
  /** The veth device in `ns` (the same name on both ends: each lives in its own namespace). */
  dev: string;
  /** IPv4 address (a /24 shared with the other end). */
  v4: string;
  /** IPv6 ULA address (a /64 shared with the other end). */
  v6: string;
  /** A command prefix that runs a program in this namespace. */
  exec: string[];
}

/** `cmd` in PATH or the sbin directories (a non-login root shell may leave those out of PATH); undefined if none. */
function which(cmd: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin']) {
    if (!dir) continue;
    try {
      accessSync(path.join(dir, cmd), constants.X_OK);
      return path.join(dir, cmd);
    } catch {
      // not here
    }
  }
  return undefined;
}

const IP = which('ip') ?? 'ip';
const TC = which('tc') ?? 'tc';

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

const ip = (...args: string[]) => run(IP, args);

/** Why namespaces cannot be created here, or undefined when they can (as far as can be told without trying). */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `network namespaces are Linux only (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return `not root (uid ${process.getuid?.()}): creating network namespaces needs root`;
  if (!which('ip') || !which('tc')) return '`ip` or `tc` (iproute2) not found: apt-get install iproute2';
  return undefined;
}

const live = new Set<NetnsPair>();
let exitHook = false;
let seq = 0;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Delete namespaces of this prefix whose creating process is gone (a killed run); returns their names. */
export function removeStale(): string[] {
  const removed: string[] = [];
  for (const line of ip('netns', 'list').split('\n')) {
    const name = line.split(' ')[0];
    const m = /^hwt-(\d+)-/.exec(name);
    if (!m || Number(m[1]) === process.pid || pidAlive(Number(m[1]))) continue;
    spawnSync(IP, ['netns', 'del', name]);
    removed.push(name);
  }
  return removed;
}

/** Two namespaces `a` and `b` joined by a veth pair, lo and the veth ends up. */
export class NetnsPair {
  readonly a: NetnsHost;
  readonly b: NetnsHost;
  private gone = false;

  constructor() {
    const n = seq++;
    const base = `${PREFIX}${process.pid}-${n}`;
    // The namespaces are ours alone: the same subnets in every pair do not collide.
    const host = (side: string, last: number): NetnsHost => {
      const ns = `${base}-${side}`;
      return { ns, dev: 'hw0', v4: `10.231.${n % 256}.${last}`, v6: `fd00:231:${(n % 65536).toString(16)}::${last}`, exec: [IP, 'netns', 'exec', ns] };
    };
    this.a = host('a', 1);
    this.b = host('b', 2);
    live.add(this);
    if (!exitHook) {
      exitHook = true;
      process.on('exit', () => {
        for (const p of live) p.destroy();
      });
    }
    try {
      ip('netns', 'add', this.a.ns);
      ip('netns', 'add', this.b.ns);
      // Created in the namespaces themselves: nothing appears in the caller's namespace.
      ip('link', 'add', this.a.dev, 'netns', this.a.ns, 'type', 'veth', 'peer', 'name', this.b.dev, 'netns', this.b.ns);
      for (const h of [this.a, this.b]) {
        ip('-n', h.ns, 'addr', 'add', `${h.v4}/24`, 'dev', h.dev);
        ip('-n', h.ns, 'addr', 'add', `${h.v6}/64`, 'dev', h.dev, 'nodad');
        // Keep the IPv6 address when the link goes down (the default drops it), so that a
        // link set down and up again is the same link.
        spawnSync(IP, ['netns', 'exec', h.ns, 'sh', '-c', `echo 1 > /proc/sys/net/ipv6/conf/${h.dev}/keep_addr_on_down`]);
        ip('-n', h.ns, 'link', 'set', 'lo', 'up');
        ip('-n', h.ns, 'link', 'set', h.dev, 'up');
      }
    } catch (e) {
      this.destroy();
      throw e;
    }
  }

  /** Set `h`'s end of the link down (both ends lose the carrier). */
  linkDown(h: NetnsHost): void {
    ip('-n', h.ns, 'link', 'set', h.dev, 'down');
  }

  linkUp(h: NetnsHost): void {
    ip('-n', h.ns, 'link', 'set', h.dev, 'up');
  }

  /** Limit what `h` sends to `rate` (tc's units, e.g. "200mbit") with a token bucket. */
  rateLimit(h: NetnsHost, rate: string): void {
    run(TC, ['-n', h.ns, 'qdisc', 'replace', 'dev', h.dev, 'root', 'tbf', 'rate', rate, 'burst', '64kb', 'latency', '10ms']);
  }

  /** Remove both namespaces (and with them the veth pair). Idempotent, never throws. */
  destroy(): void {
    if (this.gone) return;
    this.gone = true;
    live.delete(this);
    for (const h of [this.a, this.b]) spawnSync(IP, ['netns', 'del', h.ns]);
  }
}

/** A new pair, after removing what killed runs left; or the reason it cannot be made. */
export function tryCreatePair(): NetnsPair | string {
  const why = netnsUnavailable();
  if (why) return why;
  try {
    removeStale();
    return new NetnsPair();
  } catch (e) {
    return `cannot create network namespaces: ${(e as Error).message}`;
  }
}

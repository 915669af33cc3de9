/**
 * The other process of the two-process transfer tests: a small command server on
 * stdin/stdout, one JSON object per line. Each request `{id, cmd, ...args}` gets one reply
 * `{id, result}` or `{id, error: {code, errno, message}}`; commands may overlap (a `wait`
 * replies when it settles). Run by test/transfer/helpers.ts as `node dist/test/transfer/peer.js`.
 */
import { createHash, randomFillSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { loadNative } from '../../runtime/native';
import type { MemoryRegion, Session, SessionOptions, Transfer } from '../../generated/ts/sdk';

type Args = Record<string, unknown>;

let session: Session | undefined;
const regions = new Map<number, MemoryRegion>();
const buffers = new Map<number, Buffer>();
const transfers = new Map<number, Transfer>();
const aborts = new Map<number, AbortController>();
/** Waits started by `post` with `abort: true`, for the next `wait` of that transfer to report. */
const started = new Map<number, Promise<void>>();
let nextXfer = 0;
/** Descriptors opened by `hoard` to exhaust RLIMIT_NOFILE. */
const hoarded: number[] = [];
/** Waits of transfers this process no longer references (`orphan`), by number. */
const orphanWaits = new Map<number, Promise<void>>();
let nextOrphan = 0;
/** Transfers the garbage collector has reclaimed. */
let collected = 0;
const finalized = new FinalizationRegistry<number>(() => collected++);

function s(): Session {
  if (!session) throw new Error('no session: send {cmd: "session"} first');
  return session;
}
function region(a: Args): MemoryRegion {
  const r = regions.get(a.region as number);
  if (!r) throw new Error(`no region ${String(a.region)}`);
  return r;
}
function xfer(a: Args): Transfer {
  const t = transfers.get(a.xfer as number);
  if (!t) throw new Error(`no transfer ${String(a.xfer)}`);
  return t;
}
function view(a: Args): Buffer {
  const r = region(a);
  const v = buffers.get(a.region as number) ?? r.view();
  const offset = (a.offset as number | undefined) ?? 0;
  const size = (a.size as number | undefined) ?? v.length - offset;
  return v.subarray(offset, offset + size);
}
function fill(buf: Buffer, how: unknown): void {
  if (how === 'random') randomFillSync(buf);
  else if (typeof how === 'number') buf.fill(how);
}

const commands: Record<string, (a: Args) => unknown> = {
  session: (a) => {
    session = new (loadNative().Session)(a.options as SessionOptions | undefined);
    return {};
  },
  listen: async () => ({ blob: Buffer.from(await s().listen()).toString('hex') }),
  load: (a) => {
    s().loadRemoteConnInfo(a.name as string, Buffer.from(a.blob as string, 'hex'));
    return {};
  },
  connect: async (a) => {
    await s().connect(a.name as string);
    return {};
  },
  accept: async (a) => {
    await s().accept(a.name as string);
    return {};
  },
  disconnect: async (a) => {
    await s().disconnect(a.name as string);
    return {};
  },
  alloc: (a) => {
    const r = s().allocMemory(a.size as number, { recv: Boolean(a.recv), send: a.send !== false });
    fill(r.view(), a.fill);
    regions.set(r.id(), r);
    return { region: r.id() };
  },
  register: (a) => {
    const buf = Buffer.alloc(a.size as number);
    fill(buf, a.fill);
    const r = s().registerMemory(buf, { recv: Boolean(a.recv), send: a.send !== false });
    regions.set(r.id(), r);
    buffers.set(r.id(), buf);
    return { region: r.id() };
  },
  deregister: (a) => {
    s().deregisterMemory(region(a));
    regions.delete(a.region as number);
    return {};
  },
  transfer: (a) => {
    const t = s().createTransfer(a.peer as string);
    transfers.set(++nextXfer, t);
    return { xfer: nextXfer };
  },
  post: (a) => {
    const t = xfer(a);
    const args = [region(a), a.offset as number, a.size as number, a.tag as number] as const;
    if (a.dir === 'send') t.postSend(...args);
    else t.postRecv(...args);
    // Cancel in the same turn as the post, so that nothing can complete in between.
    if (a.release) t.release();
    if (a.abort) {
      const ac = new AbortController();
      const p = t.wait({ signal: ac.signal });
      p.catch(() => {});
      started.set(a.xfer as number, p);
      ac.abort();
    }
    return {};
  },
  postBatch: (a) => {
    const ops = (a.ops as Args[]).map((o) => ({ region: region(o), offset: o.offset as number, size: o.size as number, tag: o.tag as number }));
    if (a.dir === 'send') xfer(a).postSendBatch(ops);
    else xfer(a).postRecvBatch(ops);
    return {};
  },
  wait: async (a) => {
    const early = started.get(a.xfer as number);
    if (early) {
      started.delete(a.xfer as number);
      await early;
      return {};
    }
    const ac = new AbortController();
    aborts.set(a.xfer as number, ac);
    const t0 = process.hrtime.bigint();
    try {
      await xfer(a).wait({ timeoutMs: (a.timeoutMs as number | undefined) ?? -1, signal: ac.signal });
    } finally {
      aborts.delete(a.xfer as number);
    }
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6 };
  },
  /**
   * Post on a new transfer and start waiting for it, keeping only the wait's promise (for
   * `orphanWait`): nothing references the Transfer any more.
   */
  orphan: (a) => {
    const t = s().createTransfer(a.peer as string);
    const args = [region(a), a.offset as number, a.size as number, a.tag as number] as const;
    if (a.dir === 'send') t.postSend(...args);
    else t.postRecv(...args);
    const p = t.wait();
    p.catch(() => {});
    orphanWaits.set(++nextOrphan, p);
    finalized.register(t, nextOrphan);
    return { orphan: nextOrphan };
  },
  orphanWait: async (a) => {
    await orphanWaits.get(a.orphan as number);
    return {};
  },
  /** Collect garbage (node --expose-gc) until `atLeast` transfers were reclaimed, or give up. */
  gc: async (a) => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) throw new Error('gc: run the peer with --expose-gc');
    const want = (a.atLeast as number | undefined) ?? 0;
    for (let i = 0; i < 50 && collected < want; i++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
    // The native finalizers run from the event loop after the collection: a few more turns.
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    return { collected };
  },
  /** Open /dev/null until the process is out of descriptors (EMFILE); `unhoard` gives them back. */
  hoard: () => {
    for (;;) {
      try {
        hoarded.push(fs.openSync('/dev/null', 'r'));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EMFILE') throw e;
        return { count: hoarded.length };
      }
    }
  },
  unhoard: () => {
    for (const fd of hoarded.splice(0)) fs.closeSync(fd);
    return {};
  },
  /** CPU time used by the whole process (every thread), and the monotonic clock, in microseconds. */
  cpu: () => {
    const u = process.cpuUsage();
    return { cpuUs: u.user + u.system, nowUs: Number(process.hrtime.bigint() / 1000n) };
  },
  abort: (a) => {
    aborts.get(a.xfer as number)?.abort();
    return {};
  },
  complete: (a) => ({ complete: xfer(a).isComplete() }),
  received: (a) => ({ bytes: xfer(a).receivedBytes(a.tag as number) }),
  release: (a) => {
    xfer(a).release();
    return {};
  },
  descriptor: (a) => ({ hex: Buffer.from(region(a).descriptor()).toString('hex') }),
  genNotif: (a) => {
    s().genNotif(a.peer as string, Buffer.from(a.msg as string, 'hex'));
    return {};
  },
  notifs: () => ({ notifs: s().getNotifs().map((n) => ({ peer: n.peer, msg: Buffer.from(n.msg).toString('hex') })) }),
  waitNotif: async (a) => {
    const n = await s().waitNotif({ peer: a.peer as string | undefined, timeoutMs: (a.timeoutMs as number | undefined) ?? -1 });
    return { peer: n.peer, msg: Buffer.from(n.msg).toString('hex') };
  },
  sha: (a) => ({ sha: createHash('sha256').update(view(a)).digest('hex') }),
  bytes: (a) => ({ hex: view(a).toString('hex') }),
  metrics: () => s().metrics() as unknown,
  close: async () => {
    await s().close();
    return {};
  },
  exit: () => setImmediate(() => process.exit(0)),
};

function reply(msg: object): void {
  process.stdout.write(`${JSON.stringify(msg)}\n`);
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return;
  const req = JSON.parse(line) as Args & { id: number; cmd: string };
  void (async () => {
    try {
      const f = commands[req.cmd];
      if (!f) throw new Error(`unknown command ${req.cmd}`);
      reply({ id: req.id, result: (await f(req)) ?? {} });
    } catch (e) {
      const err = e as Error & { code?: string; errno?: number };
      reply({ id: req.id, error: { code: err.code ?? 'ERROR', errno: err.errno ?? 0, message: err.message } });
    }
  })();
});
process.stdin.on('end', () => process.exit(0));
reply({ id: 0, result: { ready: true, pid: process.pid } });

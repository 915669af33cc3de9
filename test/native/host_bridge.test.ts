/**
 * The guest bridge `binding.host` (native/napi/host_bridge.cc, runtime/guest/README.md "The
 * bridge") and the native core behind GuestInstance, through the addon: chat requests and
 * completions, the output-buffer rule through the generated import glue, stale ids, and
 * calls from another JS thread waking a blocked guest call.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ABORTED, CALLBACK_PENDING, createSpearImports, type SpearHostImpl } from '../../generated/ts/hostcalls';
import { addon, ROOT } from './support';

/** The bridge as the guest host uses it. */
interface Host {
  instanceId(inst: unknown): number;
  takeRequests(inst: unknown): { kind: string; responseFd: number; request: string }[];
  takeCallbacks(inst: unknown): { id: number; payload: string }[];
  completeChat(id: number, responseFd: number, bytes: Uint8Array | string, metricsJson?: string | null): number;
  failChat(id: number, responseFd: number, errno: number): number;
  postCallback(id: number, callbackId: number, payload: string): number;
  abortInstance(id: number): number;
  releaseInstance(inst: unknown): number;
}

type Inst = SpearHostImpl & Record<string, (...a: unknown[]) => unknown>;

const host = (): Host => (addon() as unknown as { host: Host }).host;
const newInstance = (): Inst => new (addon().GuestInstance)() as unknown as Inst;
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: unknown): string => new TextDecoder().decode(b as Uint8Array);

describe('native: binding.host (the guest bridge)', () => {
  it('exports exactly the bridge functions, frozen', () => {
    const h = host() as unknown as Record<string, unknown>;
    assert.deepStrictEqual(Object.keys(h).sort(), [
      'abortInstance',
      'completeChat',
      'failChat',
      'instanceId',
      'postCallback',
      'releaseInstance',
      'rtasrAttach',
      'rtasrConnects',
      'rtasrFail',
      'rtasrHangup',
      'rtasrPush',
      'rtasrTake',
      'setMcpPolicy',
      'streamClose',
      'streamPush',
      'streamTake',
      'takeCallbacks',
      'takeRequests',
    ]);
    assert.ok(Object.isFrozen(h));
  });

  it('a chat round trip: cchat_send queues the request JSON; completeChat makes the response readable', () => {
    const g = newInstance();
    const h = host();
    const id = h.instanceId(g);
    assert.ok(Number.isSafeInteger(id) && id > 0);
    assert.equal(h.instanceId(g), id);
    assert.notEqual(h.instanceId(newInstance()), id);

    const s = g.cchat_create();
    assert.equal(g.cchat_write_msg(s, utf8('user'), utf8('What is 7 + 35?')), 0);
    assert.equal(g.cchat_write_fn(s, 1, utf8('{"type":"function","function":{"name":"sum"}}')), 0);
    assert.equal(g.cchat_ctl(s, 1, utf8('{"key":"model","value":"stub-model"}'), 36), 0);
    const r = g.cchat_send(s, 2 | 8); // an unknown flag bit is ignored, as SPEAR
    assert.equal(r, s + 1);
    const requests = h.takeRequests(g);
    assert.deepStrictEqual(requests, [
      {
        kind: 'chat',
        responseFd: r,
        request:
          '{"fd":1000,"messages":[{"role":"user","content":"What is 7 + 35?"}],' +
          '"tools":[{"fn_offset":1,"spec":"{\\"type\\":\\"function\\",\\"function\\":{\\"name\\":\\"sum\\"}}"}],' +
          '"params":{"model":"stub-model"},"flags":10}',
      },
    ]);
    assert.deepStrictEqual(h.takeRequests(g), []);

    assert.equal(g.spear_fd_ctl(r, 1, utf8('{"set":["O_NONBLOCK"],"clear":[]}'), 33), 0);
    assert.equal(g.cchat_recv(r, 1024), -11);
    assert.equal(h.completeChat(id, r, utf8('{"choices":[]}'), '{"backend":"stub"}'), 0);
    assert.equal(h.completeChat(id, r, utf8('again'), ''), -22);
    assert.equal(text(g.cchat_recv(r, 1024)), '{"choices":[]}');
    const end = g.cchat_recv(r, 1024) as Uint8Array;
    assert.ok(end instanceof Uint8Array && end.length === 0);
    assert.equal(text(g.cchat_ctl(r, 2, new Uint8Array(0), 4096)), '{"backend":"stub"}');
    assert.equal(h.releaseInstance(g), 0);
  });

  it('failChat makes the response EPOLLIN | EPOLLERR and cchat_recv return the errno; strings are bytes too', () => {
    const g = newInstance();
    const h = host();
    const id = h.instanceId(g);
    const s = g.cchat_create();
    const r1 = g.cchat_send(s, 0);
    const r2 = g.cchat_send(s, 0);
    const ep = g.spear_epoll_create();
    assert.equal(g.spear_epoll_ctl(ep, 1, r1, 1 | 8), 0);
    assert.equal(h.failChat(id, r1, -110), 0);
    assert.equal(h.failChat(id, r1, -110), -22);
    assert.equal(h.failChat(id, r2, 0), -22);
    assert.equal(Buffer.from(g.spear_epoll_wait(ep, 64, 0) as Uint8Array).toString('hex'), `${Buffer.from(new Int32Array([r1, 1 | 8]).buffer).toString('hex')}`);
    assert.equal(g.cchat_recv(r1, 64), -110);
    assert.equal(h.completeChat(id, r2, 'a string body', undefined), 0);
    assert.equal(text(g.cchat_recv(r2, 64)), 'a string body');
    assert.equal(h.completeChat(id, s, 'x', null), -9);
    assert.equal(h.completeChat(id, 4242, 'x'), -9);
    assert.equal(h.completeChat(id, r2, 'x', '{bad'), -22);
    assert.equal(h.releaseInstance(g), 0);
  });

  it('stale ids are -EBADF, never an exception; wrong argument types are TypeErrors', () => {
    const g = newInstance();
    const h = host();
    const id = h.instanceId(g);
    const r = g.cchat_send(g.cchat_create(), 0);
    assert.equal(h.releaseInstance(g), 0);
    assert.equal(h.releaseInstance(g), -9);
    assert.equal(h.instanceId(g), -9);
    assert.deepStrictEqual(h.takeRequests(g), []);
    assert.deepStrictEqual(h.takeCallbacks(g), []);
    assert.equal(h.completeChat(id, r, 'x', ''), -9);
    assert.equal(h.failChat(id, r, -5), -9);
    assert.equal(h.postCallback(id, 1, '{}'), -9);
    assert.equal(h.abortInstance(id), -9);
    assert.equal(h.completeChat(2 ** 53 - 1, 1000, 'x', ''), -9);
    assert.equal(h.abortInstance(0), -9);
    assert.equal(g.cchat_create(), -9);  // the table is gone

    assert.throws(() => h.instanceId({}), /^TypeError: host\.instanceId: inst must be a GuestInstance$/);
    assert.throws(() => h.releaseInstance(null), /^TypeError: host\.releaseInstance: inst must be a GuestInstance$/);
    assert.throws(() => h.completeChat('1' as unknown as number, 1000, 'x'), /host\.completeChat: id must be an integer/);
    assert.throws(() => h.completeChat(1, 1000, 5 as unknown as string), /host\.completeChat: bytes must be a Uint8Array or a string/);
    assert.throws(() => h.completeChat(1, 1000, 'x', 5 as unknown as string), /host\.completeChat: metricsJson must be a string/);
    assert.throws(() => h.failChat(1, 1.5, -5), /host\.failChat: responseFd must be an integer/);
    assert.throws(() => h.postCallback(1, -1, '{}'), /host\.postCallback: callbackId must be an integer/);
    assert.throws(() => h.postCallback(1, 1, {} as unknown as string), /host\.postCallback: payload must be a string/);
  });

  it('sleep_ms and blocking calls give CALLBACK_PENDING while a callback is queued, ABORTED after abortInstance', () => {
    const g = newInstance();
    const h = host();
    const id = h.instanceId(g);
    const ep = g.spear_epoll_create();
    assert.equal(h.postCallback(id, 41, '{"fn_offset":1,"args":"{}"}'), 0);
    assert.equal(g.spear_epoll_wait(ep, 64, -1), CALLBACK_PENDING);
    assert.equal(g.sleep_ms(10), CALLBACK_PENDING);
    assert.deepStrictEqual(h.takeCallbacks(g), [{ id: 41, payload: '{"fn_offset":1,"args":"{}"}' }]);
    assert.equal(g.sleep_ms(1), undefined);
    assert.equal(h.abortInstance(id), 0);
    assert.equal(g.spear_epoll_wait(ep, 64, -1), ABORTED);
    assert.equal(g.sleep_ms(10), ABORTED);
    assert.equal(h.releaseInstance(g), 0);
  });

  it('through the generated import glue: -ENOSPC asks for the length and consumes nothing; 0 at the end', () => {
    const g = newInstance();
    const h = host();
    const memory = { buffer: new ArrayBuffer(65536) };
    const spear = createSpearImports(() => memory, g);
    const view = () => new DataView(memory.buffer);
    const lenAt = 0;
    const out = 64;
    const s = g.cchat_create();
    const r = g.cchat_send(s, 0);
    const body = '{"object":"chat.completion"}';
    assert.equal(h.completeChat(h.instanceId(g), r, utf8(body), ''), 0);
    view().setUint32(lenAt, 8, true);
    assert.equal(spear.cchat_recv(r, out, lenAt), -28);
    assert.equal(view().getUint32(lenAt, true), body.length);
    view().setUint32(lenAt, 1024, true);
    assert.equal(spear.cchat_recv(r, out, lenAt), body.length);
    assert.equal(view().getUint32(lenAt, true), body.length);
    assert.equal(text(new Uint8Array(memory.buffer, out, body.length)), body);
    view().setUint32(lenAt, 1024, true);
    assert.equal(spear.cchat_recv(r, out, lenAt), 0);
    assert.equal(view().getUint32(lenAt, true), 0);

    const ep = g.spear_epoll_create();
    view().setUint32(lenAt, 7, true);
    assert.equal(spear.spear_epoll_wait(ep, out, lenAt, -1), -28);
    assert.equal(view().getUint32(lenAt, true), 8);
    view().setUint32(lenAt, 64, true);
    assert.equal(spear.spear_epoll_wait(ep, out, lenAt, 0), 0);
    assert.equal(view().getUint32(lenAt, true), 0);
    assert.equal(g.spear_epoll_ctl(ep, 1, r, 1), 0);
    view().setUint32(lenAt, 64, true);
    assert.equal(spear.spear_epoll_wait(ep, out, lenAt, 0), 1);
    assert.equal(view().getUint32(lenAt, true), 8);
    assert.deepStrictEqual([view().getInt32(out, true), view().getUint32(out + 4, true)], [r, 1]);

    // A ctl output that does not fit: the length, nothing else.
    view().setUint32(lenAt, 4, true);
    assert.equal(spear.spear_fd_ctl(s, 3, out, lenAt), -28);
    assert.equal(view().getUint32(lenAt, true), '{"kind":"ChatSession"}'.length);
    assert.equal(h.releaseInstance(g), 0);
  });

  it('from another JS thread: the main thread completes, calls back and aborts a guest blocked in a worker', async () => {
    const native = JSON.stringify(path.join(ROOT, 'dist', 'runtime', 'native.js'));
    const script = `
      const { parentPort } = require('node:worker_threads');
      const { host, GuestInstance } = require(${native}).loadNative();
      const g = new GuestInstance();
      const id = host.instanceId(g);
      const s = g.cchat_create();
      g.cchat_write_msg(s, Buffer.from('user'), Buffer.from('hi'));
      const r = g.cchat_send(s, 1);
      const requests = host.takeRequests(g);
      const ep = g.spear_epoll_create();
      g.spear_epoll_ctl(ep, 1, r, 1);
      parentPort.postMessage({ type: 'ready', id, r, requests });
      const records = Array.from(new Int32Array(g.spear_epoll_wait(ep, 64, -1).slice().buffer));
      const body = Buffer.from(g.cchat_recv(r, 65536)).toString();
      parentPort.postMessage({ type: 'woke', records, body });
      const pending = g.sleep_ms(600000);
      parentPort.postMessage({ type: 'called-back', pending, callbacks: host.takeCallbacks(g) });
      const aborted = g.sleep_ms(600000);
      const release = host.releaseInstance(g);
      parentPort.postMessage({ type: 'done', aborted, release, again: host.releaseInstance(g) });`;
    const worker = new Worker(script, { eval: true });
    const inbox: Record<string, unknown>[] = [];
    let wake: (() => void) | undefined;
    worker.on('message', (m: Record<string, unknown>) => {
      inbox.push(m);
      wake?.();
    });
    const failed = new Promise<never>((_, reject) => worker.once('error', reject));
    const next = async (type: string): Promise<Record<string, unknown>> => {
      for (;;) {
        const i = inbox.findIndex((m) => m.type === type);
        if (i >= 0) return inbox.splice(i, 1)[0];
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), failed]);
      }
    };
    try {
      const ready = await next('ready');
      const id = ready.id as number;
      const r = ready.r as number;
      assert.equal((ready.requests as { responseFd: number }[])[0].responseFd, r);
      await new Promise((resolve) => setTimeout(resolve, 30)); // let the worker block
      assert.equal(host().completeChat(id, r, utf8('{"answer":42}'), '{"latency_ms":1}'), 0);
      const woke = await next('woke');
      assert.deepStrictEqual(woke, { type: 'woke', records: [r, 1], body: '{"answer":42}' });
      assert.equal(host().postCallback(id, 7, '{"fn_offset":3,"args":"{\\"a\\":7}"}'), 0);
      const called = await next('called-back');
      assert.deepStrictEqual(called, {
        type: 'called-back',
        pending: CALLBACK_PENDING,
        callbacks: [{ id: 7, payload: '{"fn_offset":3,"args":"{\\"a\\":7}"}' }],
      });
      await new Promise((resolve) => setTimeout(resolve, 30));
      assert.equal(host().abortInstance(id), 0);
      const done = await next('done');
      assert.deepStrictEqual(done, { type: 'done', aborted: ABORTED, release: 0, again: -9 });
      assert.equal(host().completeChat(id, r, 'late', ''), -9);
      assert.equal(host().abortInstance(id), -9);
    } finally {
      await worker.terminate();
    }
  });
});

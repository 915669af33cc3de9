import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { HostwireError } from '../../generated/ts/errno';
import { ConnInfoCodec } from '../../generated/ts/records';
import { addon, camel, hostwireError, idl, ROOT, throwsTypeError } from './support';

type AnySession = Record<string, (...a: unknown[]) => unknown>;

/** Assert that `f` throws (or, for a promise, rejects with) the `code` error of `where`. */
/** The core's own words (`why`) replace the errno's meaning in the message when it gives them. */
function isError(code: string, where: string, why?: string): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof HostwireError, `expected a HostwireError, got ${String(e)}`);
    assert.deepStrictEqual({ name: e.name, code: e.code, errno: e.errno, message: e.message }, hostwireError(code, where, why));
    return true;
  };
}

describe('native: Session, MemoryRegion, Transfer', () => {
  const session = (options?: unknown) => new (addon().Session)(options as never) as unknown as AnySession;

  it('each class has the IDL methods in camelCase', () => {
    const a = addon();
    for (const iface of idl().interfaces) {
      const cls = (a as unknown as Record<string, { prototype: object }>)[iface.name];
      const names = Object.getOwnPropertyNames(cls.prototype).filter((n) => n !== 'constructor');
      assert.deepStrictEqual(names.sort(), iface.methods.map((m) => camel(m.name)).sort(), iface.name);
    }
  });

  it('new Session() takes no options, undefined, null or an options object', () => {
    for (const options of [undefined, null, {}, { channels: 8, host: '::1', chunkBytes: 4096, windowChunks: 1024 }]) {
      assert.ok(session(options));
    }
    assert.ok(new (addon().Session)());
  });

  it('new Session({channels: 0}) is a TypeError naming the option and its range', () => {
    throwsTypeError(() => session({ channels: 0 }), 'new Session: options.channels must be an integer in 1..8');
  });

  it('every option is checked against its type and range', () => {
    const cases: Array<[unknown, string]> = [
      [5, 'options must be an object'],
      [{ channels: 9 }, 'options.channels must be an integer in 1..8'],
      [{ channels: '2' }, 'options.channels must be an integer in 1..8'],
      [{ channels: 1.5 }, 'options.channels must be an integer in 1..8'],
      [{ host: 1 }, 'options.host must be a string'],
      [{ chunkBytes: 4095 }, 'options.chunkBytes must be an integer in 4096..67108864'],
      [{ windowChunks: 0 }, 'options.windowChunks must be an integer in 1..1024'],
      [{ eagerMaxBytes: -1 }, 'options.eagerMaxBytes must be an integer in 0..1048576'],
      [{ heartbeatMs: 9 }, 'options.heartbeatMs must be an integer in 10..3600000'],
      [{ peerTimeoutMs: 3600001 }, 'options.peerTimeoutMs must be an integer in 10..3600000'],
    ];
    for (const [options, message] of cases) throwsTypeError(() => session(options), `new Session: ${message}`);
  });

  it('await session.listen() resolves with a conn_info blob, settled as the core completes it', async () => {
    const s = session({ channels: 2 });
    let turned = false;
    setImmediate(() => (turned = true));
    let settled = false;
    const p = s.listen() as Promise<Uint8Array>;
    assert.ok(p instanceof Promise);
    p.then(
      () => (settled = true),
      () => (settled = true),
    );
    // The core completes a listen during the call: the promise is settled when the call
    // returns (its callbacks run as microtasks), not an event-loop turn later.
    await Promise.resolve();
    assert.equal(settled, true);
    assert.equal(turned, false);
    const info = ConnInfoCodec.decode(await p);
    assert.equal(info.channel_count, 2);
    assert.equal(info.version_major, 2);
    assert.ok(info.addr_count >= 1);
    await s.close();
  });

  it('a wait on a finished transfer settles at once; one on an unfinished transfer when the loop thread finishes it', async () => {
    const server = session({ channels: 1 });
    const client = session({ channels: 1 });
    client.loadRemoteConnInfo('s', await (server.listen() as Promise<Uint8Array>));
    await Promise.all([client.connect('s'), server.accept('c')]);
    const src = server.allocMemory(4096, { send: true }) as unknown as AnySession;
    const dst = client.allocMemory(4096, { recv: true }) as unknown as AnySession;
    const rx = client.createTransfer('s') as unknown as AnySession;
    rx.postRecv(dst, 0, 4096, 7);
    let done = false;
    const pending = (rx.wait() as Promise<void>).then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(done, false, 'nothing was sent yet');
    const tx = server.createTransfer('c') as unknown as AnySession;
    tx.postSend(src, 0, 4096, 7);
    await pending; // completed on the receiving session's loop thread
    await tx.wait();
    let turned = false;
    setImmediate(() => (turned = true));
    let settled = false;
    (rx.wait() as Promise<void>).then(() => (settled = true));
    await Promise.resolve();
    assert.equal(settled, true, 'a finished transfer: settled inside the call');
    assert.equal(turned, false);
    rx.release();
    tx.release();
    await Promise.all([client.close(), server.close()]);
  });

  it('async methods reject with the errno of the failure; a wrong argument rejects with a TypeError', async () => {
    const s = session();
    await assert.rejects(s.connect('peer') as Promise<void>, isError('ENOENT', 'Session.connect', 'no conn_info for "peer": call loadRemoteConnInfo first'));
    await assert.rejects(s.disconnect('peer') as Promise<void>, isError('ENOENT', 'Session.disconnect'));
    await assert.rejects(s.connect(5) as Promise<void>, (e: unknown) => {
      assert.ok(e instanceof TypeError);
      assert.equal(e.message, 'Session.connect: name must be a string');
      return true;
    });
    assert.equal(await s.close(), undefined);
  });

  it('sync methods check their arguments, then return or throw the errno of the failure', () => {
    const s = session();
    const { MemoryRegion } = addon();
    assert.throws(() => s.loadRemoteConnInfo('peer', new Uint8Array(176)), isError('EINVAL', 'Session.loadRemoteConnInfo', 'a conn_info blob is 180 bytes, got 176'));
    assert.throws(() => s.createTransfer('peer'), isError('ENOENT', 'Session.createTransfer'));
    for (const memory of [new ArrayBuffer(64), Buffer.alloc(64), new DataView(new ArrayBuffer(64))]) {
      const region = s.registerMemory(memory, { recv: true }) as unknown as Record<string, () => unknown>;
      assert.ok(region instanceof MemoryRegion);
      assert.equal(region.size(), 64);
    }
    const owned = s.allocMemory(4096, { send: false }) as unknown as Record<string, () => unknown>;
    assert.equal(owned.size(), 4096);
    assert.deepEqual(JSON.parse(s.metrics() as string).peers, {});

    throwsTypeError(() => s.loadRemoteConnInfo('peer', 'blob'), 'Session.loadRemoteConnInfo: blob must be a Uint8Array');
    throwsTypeError(
      () => s.registerMemory('memory'),
      'Session.registerMemory: memory must be an ArrayBuffer, a typed array (a Buffer is one) or a DataView',
    );
    throwsTypeError(() => s.registerMemory(new ArrayBuffer(8), { recv: 1 }), 'Session.registerMemory: options.recv must be a boolean');
    throwsTypeError(() => s.allocMemory(-1), 'Session.allocMemory: size must be an integer in 0..9007199254740991');
    throwsTypeError(() => s.allocMemory(2 ** 53), 'Session.allocMemory: size must be an integer in 0..9007199254740991');
    throwsTypeError(() => s.deregisterMemory({}), 'Session.deregisterMemory: region must be a MemoryRegion');
    throwsTypeError(
      () => s.deregisterMemory(Object.create(MemoryRegion.prototype)),
      'Session.deregisterMemory: region must be a MemoryRegion',
    );
    throwsTypeError(() => s.deregisterMemory(session()), 'Session.deregisterMemory: region must be a MemoryRegion');
  });

  it('MemoryRegion and Transfer have no public constructor', () => {
    const { MemoryRegion, Transfer } = addon();
    throwsTypeError(() => new MemoryRegion(), 'MemoryRegion: instances are made by the API (there is no public constructor)');
    throwsTypeError(() => new Transfer({}), 'Transfer: instances are made by the API (there is no public constructor)');
  });

  it('methods called on the wrong object throw (sync) or reject (async) with a TypeError', async () => {
    const { Session, GuestInstance } = addon();
    const proto = Session.prototype as unknown as AnySession;
    throwsTypeError(() => proto.metrics.call(new GuestInstance()), 'Session.metrics: `this` is not a Session');
    await assert.rejects(proto.listen.call({}) as Promise<unknown>, (e: unknown) => {
      assert.ok(e instanceof TypeError);
      assert.equal(e.message, 'Session.listen: `this` is not a Session');
      return true;
    });
  });

  it('workers terminated with async calls in flight end cleanly (no abort, no crash)', () => {
    // In a child process, so that a crash fails this test instead of the run.
    const native = JSON.stringify(path.join(ROOT, 'dist', 'runtime', 'native.js'));
    const script = `
      const { Worker } = require('node:worker_threads');
      const body = \`
        const { Session } = require(${native}).loadNative();
        const s = new Session();
        const c = new Session();
        for (let i = 0; i < 200; i++) s.listen().catch(() => {});
        try { s.registerMemory(new ArrayBuffer(64)); } catch (e) {}
        (async () => {
          // Completions the loop threads send while the worker ends: waits timing out.
          c.loadRemoteConnInfo('s', await s.listen());
          await Promise.all([c.connect('s'), s.accept('c')]);
          const t = c.createTransfer('s');
          t.postRecv(c.allocMemory(64, { recv: true }), 0, 64, 1);
          for (let i = 0; i < 200; i++) t.wait({ timeoutMs: 1 + (i % 5) }).catch(() => {});
          require('node:worker_threads').parentPort.postMessage('busy');
        })();\`;
      (async () => {
        for (let i = 0; i < 20; i++) {
          const w = new Worker(body, { eval: true });
          await new Promise((r) => w.once('message', r));
          await w.terminate();
        }
        process.stdout.write('done');
      })();`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.equal(r.signal, null, r.stderr);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'done');
  });

  it('without a registered error class, errors are plain Errors with the same code, errno and message', () => {
    const a = addon();
    a.setErrorClass(undefined);
    try {
      assert.throws(() => session().createTransfer('nobody'), (e: unknown) => {
        assert.ok(e instanceof Error && !(e instanceof HostwireError));
        const { code, errno, message } = e as Error & { code: string; errno: number };
        const expected = hostwireError('ENOENT', 'Session.createTransfer');
        assert.deepStrictEqual({ code, errno, message }, { code: expected.code, errno: expected.errno, message: expected.message });
        return true;
      });
    } finally {
      a.setErrorClass(HostwireError);
    }
    throwsTypeError(() => a.setErrorClass(42), 'setErrorClass: ctor must be a class (new (errno, message) => Error) or undefined');
  });
});

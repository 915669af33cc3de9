import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { HostwireError } from '../../generated/ts/errno';
import { ConnInfoCodec } from '../../generated/ts/records';
import { PROTOCOLS } from '../../generated/ts/constants';
import { addon, argError, camel, hostwireError, idl, ROOT, throwsArgError, throwsTypeError, type ArgErrorCode } from './support';

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

  it('new Session({channels: 99}) is a RangeError with code ERR_OUT_OF_RANGE naming the option and its range', () => {
    throwsArgError(
      () => session({ channels: 99 }),
      'ERR_OUT_OF_RANGE',
      'The value of "options.channels" is out of range. It must be >= 1 && <= 8. Received 99',
    );
  });

  it('every option is checked against its type and range, with Node\'s codes and messages', () => {
    const cases: Array<[unknown, ArgErrorCode, string]> = [
      [5, 'ERR_INVALID_ARG_TYPE', 'The "options" argument must be of type object. Received type number (5)'],
      [{ channels: 9 }, 'ERR_OUT_OF_RANGE', 'The value of "options.channels" is out of range. It must be >= 1 && <= 8. Received 9'],
      [{ channels: '2' }, 'ERR_INVALID_ARG_TYPE', 'The "options.channels" property must be of type number. Received type string (\'2\')'],
      [{ channels: 1.5 }, 'ERR_OUT_OF_RANGE', 'The value of "options.channels" is out of range. It must be an integer. Received 1.5'],
      [{ channels: NaN }, 'ERR_OUT_OF_RANGE', 'The value of "options.channels" is out of range. It must be an integer. Received NaN'],
      [{ channels: null }, 'ERR_INVALID_ARG_TYPE', 'The "options.channels" property must be of type number. Received null'],
      [{ host: 1 }, 'ERR_INVALID_ARG_TYPE', 'The "options.host" property must be of type string. Received type number (1)'],
      [{ host: {} }, 'ERR_INVALID_ARG_TYPE', 'The "options.host" property must be of type string. Received an instance of Object'],
      [{ chunkBytes: 4095 }, 'ERR_OUT_OF_RANGE', 'The value of "options.chunkBytes" is out of range. It must be >= 4096 && <= 67108864. Received 4095'],
      [{ windowChunks: 0 }, 'ERR_OUT_OF_RANGE', 'The value of "options.windowChunks" is out of range. It must be >= 1 && <= 1024. Received 0'],
      [{ eagerMaxBytes: -1 }, 'ERR_OUT_OF_RANGE', 'The value of "options.eagerMaxBytes" is out of range. It must be >= 0 && <= 1048576. Received -1'],
      [{ heartbeatMs: 9 }, 'ERR_OUT_OF_RANGE', 'The value of "options.heartbeatMs" is out of range. It must be >= 10 && <= 3600000. Received 9'],
      [{ peerTimeoutMs: 3600001 }, 'ERR_OUT_OF_RANGE', 'The value of "options.peerTimeoutMs" is out of range. It must be >= 10 && <= 3600000. Received 3600001'],
      [{ name: 44n }, 'ERR_INVALID_ARG_TYPE', 'The "options.name" property must be of type string. Received type bigint (44n)'],
    ];
    for (const [options, code, message] of cases) throwsArgError(() => session(options), code, message);
  });

  it('a long string or a function in the wrong place is shown as Node shows it: cut at 25 characters, by name', () => {
    throwsArgError(
      () => session({ channels: 'a-long-name-that-is-cut-short-in-the-message' }),
      'ERR_INVALID_ARG_TYPE',
      'The "options.channels" property must be of type number. Received type string (\'a-long-name-that-is-cut-s...\')',
    );
    throwsArgError(
      () => session({ channels: function picked() {} }),
      'ERR_INVALID_ARG_TYPE',
      'The "options.channels" property must be of type number. Received function picked',
    );
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
    assert.equal(info.version_major, PROTOCOLS.transfer.major);
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

  it('async methods reject with the errno of the failure; a wrong argument rejects with ERR_INVALID_ARG_TYPE', async () => {
    const s = session();
    await assert.rejects(s.connect('peer') as Promise<void>, isError('ENOENT', 'Session.connect', 'no conn_info for "peer": call loadRemoteConnInfo first'));
    await assert.rejects(s.disconnect('peer') as Promise<void>, isError('ENOENT', 'Session.disconnect'));
    await assert.rejects(
      s.connect(5) as Promise<void>,
      argError('ERR_INVALID_ARG_TYPE', 'The "name" argument must be of type string. Received type number (5)'),
    );
    await assert.rejects(
      s.connect('peer', { signal: {} }) as Promise<void>,
      argError('ERR_INVALID_ARG_TYPE', 'The "options.signal" property must be an instance of AbortSignal. Received an instance of Object'),
    );
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
    assert.deepEqual((s.metrics() as { peers: unknown }).peers, {});

    const type = 'ERR_INVALID_ARG_TYPE';
    throwsArgError(() => s.loadRemoteConnInfo('peer', 'blob'), type, 'The "blob" argument must be an instance of Uint8Array. Received type string (\'blob\')');
    throwsArgError(
      () => s.registerMemory('memory'),
      type,
      'The "memory" argument must be an instance of ArrayBuffer, TypedArray or DataView. Received type string (\'memory\')',
    );
    throwsArgError(() => s.registerMemory(new ArrayBuffer(8), { recv: 1 }), type, 'The "options.recv" property must be of type boolean. Received type number (1)');
    throwsArgError(() => s.allocMemory(-1), 'ERR_OUT_OF_RANGE', 'The value of "size" is out of range. It must be >= 0 && <= 9007199254740991. Received -1');
    throwsArgError(
      () => s.allocMemory(2 ** 53),
      'ERR_OUT_OF_RANGE',
      'The value of "size" is out of range. It must be >= 0 && <= 9007199254740991. Received 9_007_199_254_740_992',
    );
    throwsArgError(() => s.allocMemory('8'), type, 'The "size" argument must be of type number. Received type string (\'8\')');
    throwsArgError(() => s.deregisterMemory({}), type, 'The "region" argument must be an instance of MemoryRegion. Received an instance of Object');
    throwsArgError(
      () => s.deregisterMemory(Object.create(MemoryRegion.prototype)),
      type,
      'The "region" argument must be an instance of MemoryRegion. Received an instance of MemoryRegion',
    );
    throwsArgError(() => s.deregisterMemory(session()), type, 'The "region" argument must be an instance of MemoryRegion. Received an instance of Session');
  });

  it('MemoryRegion and Transfer have no public constructor', () => {
    const { MemoryRegion, Transfer } = addon();
    throwsTypeError(() => new MemoryRegion(), 'MemoryRegion: instances are made by the API (there is no public constructor)');
    throwsTypeError(() => new Transfer({}), 'Transfer: instances are made by the API (there is no public constructor)');
  });

  it('methods called on the wrong object throw (sync) or reject (async) with ERR_INVALID_THIS', async () => {
    const { Session, GuestInstance } = addon();
    const proto = Session.prototype as unknown as AnySession;
    throwsArgError(() => proto.metrics.call(new GuestInstance()), 'ERR_INVALID_THIS', 'Value of "this" must be of type Session');
    await assert.rejects(proto.listen.call({}) as Promise<unknown>, argError('ERR_INVALID_THIS', 'Value of "this" must be of type Session'));
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

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Hostcall } from '../../codegen/model';
import { addon, camel, idl, ROOT, throwsArgError } from './support';

/** A JS argument of a hostcall as SpearHostImpl takes it: its name and a valid value. */
interface Arg {
  name: string;
  valid: unknown;
}

/** The SpearHostImpl arguments of `h`, each with a valid value. */
function argsOf(h: Hostcall): Arg[] {
  return h.params.flatMap((p): Arg[] => {
    switch (p.kind) {
      case 'in_bytes':
      case 'in_string':
        return [{ name: camel(p.name), valid: new TextEncoder().encode('{}') }];
      case 'out_bytes':
        return [{ name: `${camel(p.name)}Capacity`, valid: 64 }];
      case 'ctl_arg':
        return [
          { name: `${camel(p.name)}Input`, valid: new Uint8Array(64) },
          { name: `${camel(p.name)}Capacity`, valid: 64 },
        ];
      default:
        return [{ name: camel(p.name), valid: p.int.bytes === 8 ? 1n : 1000 }];
    }
  });
}

/**
 * What each hostcall the core implements returns for the generic arguments of `argsOf` on a
 * new instance: fd 1000 is not open (-EBADF), log level 1000 is not a level (-EINVAL), the
 * creating calls give the first fd, 1000.
 */
const GENERIC_RESULTS: Readonly<Record<string, (r: unknown) => void>> = {
  cchat_create: (r) => assert.equal(r, 1000),
  spear_epoll_create: (r) => assert.equal(r, 1000),
  rtasr_create: (r) => assert.equal(r, 1000),
  mic_create: (r) => assert.equal(r, 1000),
  // As SPEAR's user_stream_open: 1000 is no direction.
  user_stream_open: (r) => assert.equal(r, -22),
  user_stream_ctl_open: (r) => assert.equal(r, 1000),
  log: (r) => assert.equal(r, -22),
  // As SPEAR's cchat_ctl: the command is decided first, and 1000 is no command.
  cchat_ctl: (r) => assert.equal(r, -22),
  // As SPEAR: epfd == fd is -EINVAL before any lookup; an unknown command before the fd.
  spear_epoll_ctl: (r) => assert.equal(r, -22),
  spear_fd_ctl: (r) => assert.equal(r, -22),
  time_now_ms: (r) => assert.ok(typeof r === 'bigint' && r >= 0n),
  wall_time_s: (r) => assert.ok(typeof r === 'bigint' && Math.abs(Number(r) - Date.now() / 1000) < 5),
  random_i64: (r) => assert.equal(typeof r, 'bigint'),
  sleep_ms: (r) => assert.equal(r, undefined),
};

describe('native: GuestInstance', () => {
  const instance = () => new (addon().GuestInstance)() as unknown as Record<string, (...a: unknown[]) => unknown>;

  it('has exactly one method per hostcall, named by its import name, besides attachMemory and wasmImports', () => {
    const names = Object.getOwnPropertyNames(addon().GuestInstance.prototype).filter((n) => n !== 'constructor');
    assert.deepStrictEqual(names.sort(), [...idl().hostcalls.map((h) => h.name), 'attachMemory', 'wasmImports'].sort());
  });

  it('wasmImports() has one function per hostcall, with its wasm arity', () => {
    const imports = new (addon().GuestInstance)().wasmImports() as unknown as Record<string, (...a: unknown[]) => unknown>;
    assert.deepStrictEqual(Object.keys(imports).sort(), idl().hostcalls.map((h) => h.name).sort());
    for (const h of idl().hostcalls) assert.equal(typeof imports[h.name], 'function', h.name);
  });

  for (const h of idl().hostcalls) {
    const args = argsOf(h);
    const call = `${h.name}(${args.map((a) => a.name).join(', ')})`;
    if (!h.implemented) {
      const expected = h.returns.int?.bytes === 8 ? -38n : -38;
      it(`${call} returns ${String(expected)}${typeof expected === 'bigint' ? 'n' : ''} (ENOSYS: declared only)`, () => {
        assert.equal(instance()[h.name](...args.map((a) => a.valid)), expected);
      });
    } else {
      const check = GENERIC_RESULTS[h.name] ?? ((r: unknown) => assert.equal(r, -9));
      it(`${call} is implemented (${GENERIC_RESULTS[h.name] ? 'its result on a new instance' : '-EBADF: fd 1000 is not open'})`, () => {
        // sleep_ms(1000) would sleep a second: 1 ms shows the same.
        const values = args.map((a) => (h.name === 'sleep_ms' ? 1 : a.valid));
        check(instance()[h.name](...values));
      });
    }
    args.forEach((a, i) => {
      it(`${h.name}: a wrong ${a.name} is a TypeError with code ERR_INVALID_ARG_TYPE naming it`, () => {
        const bad = args.map((x) => x.valid);
        bad[i] = 'wrong';
        assert.throws(() => instance()[h.name](...bad), (e: unknown) => {
          assert.ok(e instanceof TypeError);
          assert.equal((e as TypeError & { code?: string }).code, 'ERR_INVALID_ARG_TYPE');
          assert.match(e.message, new RegExp(`^The "${a.name}" argument must be .*\\. Received type string \\('wrong'\\)$`));
          return true;
        });
      });
    });
  }

  it('integers are checked against their type: i32 fd, u32 flags, u32 capacity', () => {
    const g = instance();
    const range = 'ERR_OUT_OF_RANGE';
    throwsArgError(() => g.cchat_close(2 ** 31), range, 'The value of "fd" is out of range. It must be >= -2147483648 && <= 2147483647. Received 2147483648');
    throwsArgError(() => g.cchat_close(1.5), range, 'The value of "fd" is out of range. It must be an integer. Received 1.5');
    throwsArgError(() => g.cchat_close(undefined), 'ERR_INVALID_ARG_TYPE', 'The "fd" argument must be of type number. Received undefined');
    throwsArgError(() => g.spear_epoll_ctl(1000, 1, 1001, -1), range, 'The value of "events" is out of range. It must be >= 0 && <= 4294967295. Received -1');
    throwsArgError(() => g.cchat_recv(1000, 2 ** 32), range, 'The value of "outCapacity" is out of range. It must be >= 0 && <= 4294967295. Received 4294967296');
    throwsArgError(() => g.log(2, Buffer.from('x').buffer), 'ERR_INVALID_ARG_TYPE', 'The "msg" argument must be an instance of Uint8Array. Received an instance of ArrayBuffer');
    assert.equal(g.cchat_close(-1), -9);
    assert.equal(g.spear_epoll_ctl(1000, 1, 1001, 0xffffffff), -9);
    assert.equal(g.log(-1, Buffer.from('a Buffer is a Uint8Array')), -22);
  });

  it('a method called on another object is a TypeError, not a crash', () => {
    const { GuestInstance, Session } = addon();
    const spearEpollCreate = (GuestInstance.prototype as unknown as Record<string, () => unknown>).spear_epoll_create;
    const message = 'Value of "this" must be of type GuestInstance';
    throwsArgError(() => spearEpollCreate.call({}), 'ERR_INVALID_THIS', message);
    throwsArgError(() => spearEpollCreate.call(new Session()), 'ERR_INVALID_THIS', message);
    throwsArgError(() => spearEpollCreate.call(Object.create(GuestInstance.prototype)), 'ERR_INVALID_THIS', message);
  });

  it('instances carry bound, non-enumerable copies of the methods that stay safe after collection', () => {
    const g = instance();
    assert.deepStrictEqual(Object.keys(g), []);
    assert.equal(Object.getOwnPropertyNames(g).length, idl().hostcalls.length);
    const wait = g.spear_epoll_wait;
    assert.notEqual(wait, (addon().GuestInstance.prototype as unknown as Record<string, unknown>).spear_epoll_wait);
    assert.equal(wait(1000, 64, 0), -9);
    const script = `
      const { GuestInstance } = require(${JSON.stringify(path.join(ROOT, 'dist', 'runtime', 'native.js'))}).loadNative();
      let g = new GuestInstance();
      const wait = g.spear_epoll_wait;
      g = null;
      for (let i = 0; i < 5; i++) { new GuestInstance(); global.gc(); }
      process.stdout.write(String(wait(1000, 64, 0)));`;
    const r = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' });
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, '-9');
  });

  it('a subclass keeps its overrides (its instances get no bound copies)', () => {
    const Base = addon().GuestInstance as unknown as new () => Record<string, (...a: unknown[]) => unknown>;
    class Sub extends Base {
      spear_epoll_create(): number {
        return 1234;
      }
    }
    const s = new Sub();
    assert.equal(s.spear_epoll_create(), 1234);
    assert.equal(s.spear_epoll_close(1000), -9);
    assert.deepStrictEqual(Object.getOwnPropertyNames(s), []);
  });

  it('works in a worker thread (each worker has its own addon instance)', async () => {
    const script = `
      const { parentPort } = require('node:worker_threads');
      const { loadNative } = require(${JSON.stringify(path.join(ROOT, 'dist', 'runtime', 'native.js'))});
      const { GuestInstance, Session } = loadNative();
      const g = new GuestInstance();
      const waited = g.spear_epoll_wait(g.spear_epoll_create(), 64, 0).length;
      new Session().listen().then(
        () => parentPort.postMessage({ waited, listen: 'resolved' }),
        (e) => parentPort.postMessage({ waited, listen: e.code, errno: e.errno, isHostwireError: e.name }),
      );`;
    const worker = new Worker(script, { eval: true });
    const result = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    // The GuestInstance works in the worker; the Session's async completion path settles there
    // (how: the transfer engine's business, test/native/session.test.ts).
    const r = result as { waited: number; listen: string; isHostwireError?: string };
    assert.equal(r.waited, 0);
    assert.ok(r.listen === 'resolved' || r.isHostwireError === 'HostwireError', JSON.stringify(r));
  });
});

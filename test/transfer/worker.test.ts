/**
 * Sessions live in worker threads too: a worker terminated with a session listening,
 * connected, and with a transfer streaming ends cleanly, because its sessions' event-loop
 * threads are joined when the environment ends (never detached), before the addon can be
 * unloaded.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

describe('transfer: worker threads', function () {
  this.timeout(60000);

  it('workers terminated mid-transfer end cleanly (no abort, no crash), many times over', () => {
    const native = JSON.stringify(path.join(__dirname, '..', '..', 'runtime', 'native.js'));
    const body = `
      const { Session } = require(${native}).loadNative();
      (async () => {
        const s = new Session({ channels: 2 });
        const c = new Session({ channels: 2 });
        c.loadRemoteConnInfo('s', await s.listen());
        await c.connect('s');
        await s.accept('c');
        const n = 64 << 20;
        const src = c.allocMemory(n);
        const dst = s.allocMemory(n, { recv: true });
        const t = s.createTransfer('c');
        t.postRecv(dst, 0, n, 1);
        c.createTransfer('s').postSend(src, 0, n, 1);
        t.wait().catch(() => {});
        for (let i = 0; i < 50; i++) s.listen().catch(() => {});
        require('node:worker_threads').parentPort.postMessage('busy');
      })();`;
    const script = `
      const { Worker } = require('node:worker_threads');
      (async () => {
        for (let i = 0; i < 15; i++) {
          const w = new Worker(${JSON.stringify(body)}, { eval: true });
          await new Promise((r) => w.once('message', r));
          await w.terminate();
        }
        process.stdout.write('done');
      })();`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 50000 });
    assert.equal(r.signal, null, r.stderr);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'done');
  });
});

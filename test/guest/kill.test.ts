/**
 * Stopping a guest: `kill()` aborts its blocked hostcalls (abortInstance) or terminates a guest
 * that never comes back to the host; SIGINT does the same for `hostwire run` (exit 130). The
 * instance is released when the guest ends: its id stops resolving.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Errno, Guest, loadNative } from '../../runtime';
import { hostBridge } from '../../runtime/guest/bridge';
import { BLOCKED, runCli, SPINNING, tmpDir, wat } from './helpers';

describe('guest host: stopping a guest', () => {
  let dir: string;
  before(() => {
    dir = tmpDir('kill');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function startAndKill(text: string): Promise<{ result: Awaited<ReturnType<Guest['run']>>; id: number | undefined }> {
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const g = await Guest.load(wat(dir, 'k', text), { onLog: () => started() });
    const result = g.run();
    await running;
    const id = g.instanceId;
    assert.equal(typeof id, 'number');
    // The id resolves while the guest runs: aborting it is the first thing kill() does anyway.
    assert.equal(hostBridge(loadNative()).abortInstance(id!), 0);
    await g.kill();
    return { result: await result, id };
  }

  it('a guest blocked in spear_epoll_wait(-1) is aborted: killed, exit 137, no trap; its instance is released', async () => {
    const { result, id } = await startAndKill(BLOCKED);
    assert.deepEqual(result, { exitCode: 137, stdout: '', stderr: '', killed: true });
    assert.equal(hostBridge(loadNative()).abortInstance(id!), -Errno.EBADF);
  });

  it('a guest spinning without hostcalls is terminated: killed, exit 137; its instance is freed with its thread', async () => {
    const { result, id } = await startAndKill(SPINNING);
    assert.deepEqual(result, { exitCode: 137, stdout: '', stderr: '', killed: true });
    assert.equal(hostBridge(loadNative()).abortInstance(id!), -Errno.EBADF);
  });

  it('an AbortSignal stops the guest as kill() does', async () => {
    const ac = new AbortController();
    const g = await Guest.load(wat(dir, 'signal', BLOCKED), { signal: ac.signal, onLog: () => ac.abort() });
    assert.deepEqual(await g.run(), { exitCode: 137, stdout: '', stderr: '', killed: true });
  });

  it('a guest that ends by itself releases its instance: the id stops resolving', async () => {
    let id: number | undefined;
    const g = await Guest.load(wat(dir, 'ends', SPINNING.replace('(loop $forever (br $forever))', '')), {
      onLog: () => {
        id = g.instanceId;
      },
    });
    const r = await g.run();
    assert.deepEqual(r, { exitCode: 0, stdout: '', stderr: '', killed: false });
    assert.equal(typeof id, 'number');
    assert.equal(g.instanceId, undefined);
    assert.equal(hostBridge(loadNative()).abortInstance(id!), -Errno.EBADF);
  });

  it('hostwire run: SIGINT stops a blocked guest and exits 130', async () => {
    let interrupted = false;
    // The guest logs `waiting` just before it blocks: interrupt the CLI when that line shows.
    const run = runCli(['run', wat(dir, 'sigint', BLOCKED)], {
      onStderr: (soFar, pid) => {
        if (!interrupted && soFar.includes('waiting\n')) {
          interrupted = true;
          process.kill(pid, 'SIGINT');
        }
      },
    });
    const r = await run;
    assert.equal(r.stderr, '[guest INFO] waiting\nhostwire: guest stopped (SIGINT)\n');
    assert.equal(r.code, 130);
  });
});

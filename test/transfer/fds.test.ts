/**
 * Session.close() gives back every file descriptor the session opened (listening sockets,
 * channels, and the loop's epoll and eventfd), not when the session is garbage-collected.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Session } from '../../runtime';
import { newSession, rejectsWith, throwsWith } from './helpers';

const openFds = () => fs.readdirSync('/proc/self/fd').length;

describe('transfer: file descriptors', function () {
  this.timeout(60000);

  it('200 sessions listened on and closed, still referenced, hold no descriptor', async () => {
    const kept: Session[] = [];
    // One session first: whatever the process opens once (threads, the addon) is not counted.
    const warm = newSession();
    await warm.listen();
    await warm.close();
    const before = openFds();
    for (let i = 0; i < 200; i++) {
      const s = newSession({ channels: 1 });
      await s.listen();
      await s.close();
      kept.push(s);
    }
    const after = openFds();
    assert.ok(after - before < 10, `${after - before} descriptors more after 200 closed sessions`);
    // A closed session fails cleanly, opening nothing.
    const s = kept[0];
    await rejectsWith(s.listen(), 'EINVAL');
    s.loadRemoteConnInfo('x', await warmBlob());
    await rejectsWith(s.connect('x'), 'ECANCELED');
    await rejectsWith(s.accept('x'), 'ECANCELED');
    throwsWith(() => s.createTransfer('x'), 'ENOENT');
    await s.close();
    assert.ok(openFds() - before < 10);
    assert.equal(kept.length, 200);
  });
});

/** A valid conn_info blob (of a session closed at once). */
async function warmBlob(): Promise<Uint8Array> {
  const s = newSession();
  const blob = await s.listen();
  await s.close();
  return blob;
}

/** Guest log lines: levels, errors, formatting on the host's stderr, and the SDK's onLog. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { runGuest, type GuestLogEntry } from '../../runtime';
import { buildGuest, lines, runCli, tmpDir } from './helpers';

const STDOUT = [
  'log(0) = 0',
  'log(1) = 0',
  'log(2) = 0',
  'log(3) = 0',
  'log(4) = 0',
  'log(5) = -22',
  'log(-1) = -22',
  'log(bad range) = -14',
  'log(newline) = 0',
  'log(empty) = 0',
  'log(long) = 0',
];

const LONG = `${'x'.repeat(16384)}... [16484 bytes, cut at 16384]`;

const ENTRIES: GuestLogEntry[] = [
  { level: 0, levelName: 'TRACE', message: 'a TRACE line' },
  { level: 1, levelName: 'DEBUG', message: 'a DEBUG line' },
  { level: 2, levelName: 'INFO', message: 'a INFO line' },
  { level: 3, levelName: 'WARN', message: 'a WARN line' },
  { level: 4, levelName: 'ERROR', message: 'a ERROR line' },
  { level: 2, levelName: 'INFO', message: 'ends with a newline' },
  { level: 3, levelName: 'WARN', message: '' },
  { level: 1, levelName: 'DEBUG', message: LONG },
  { level: 2, levelName: 'INFO', message: 'formatted 42-ok' },
];

describe('guest host: log', () => {
  let dir: string;
  let guest: string;
  before(() => {
    dir = tmpDir('log');
    guest = buildGuest('log', dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('CLI: each line on stderr as [guest LEVEL] message; bad levels -EINVAL, bad ranges -EFAULT', async () => {
    const r = await runCli(['run', guest]);
    assert.deepEqual(lines(r.stdout), STDOUT);
    assert.deepEqual(
      lines(r.stderr),
      ENTRIES.map((e) => `[guest ${e.levelName}] ${e.message}`),
    );
    assert.equal(r.code, 0);
  });

  it('SDK: onLog receives each entry with its level, in order', async () => {
    const seen: GuestLogEntry[] = [];
    const r = await runGuest(guest, { onLog: (e) => seen.push(e) });
    assert.deepEqual(lines(r.stdout), STDOUT);
    assert.deepEqual(seen, ENTRIES);
  });
});

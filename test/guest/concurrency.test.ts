/** Several guests at once in one host: each has its own thread, fd table and tool calls. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Guest } from '../../runtime';
import { buildGuest, EXPORT_TABLE, tmpDir } from './helpers';

describe('guest host: concurrent guests', () => {
  let dir: string;
  before(() => {
    dir = tmpDir('concurrency');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('eight guests at once: each sees its own fds from 1000 and the answer of its own tool', async () => {
    const wasm = fs.readFileSync(buildGuest('chat_fds', dir, EXPORT_TABLE));
    const guests = await Promise.all(Array.from({ length: 8 }, (_, i) => Guest.load(wasm, { args: [String(i + 2), String(i + 10)] })));
    const results = await Promise.all(guests.map((g) => g.run()));
    assert.deepEqual(
      results.map((r) => [r.exitCode, r.stdout]),
      Array.from({ length: 8 }, (_, i) => [0, `session=1000 response=1001 answer=${(i + 2) * (i + 10)}\n`]),
    );
  });
});

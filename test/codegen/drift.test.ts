/** `hostwire generate --check` passes on a fresh output and fails, naming the file, after a hand edit. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tmpDir } from '../helpers/toolchain';
import { hostwire, IDL } from './cli-helpers';

describe('hostwire generate --check', () => {
  let out: string;
  before(() => {
    out = path.join(tmpDir('gen'), 'generated');
    const r = hostwire(['generate', '--idl', IDL, '--out', out]);
    assert.equal(r.status, 0, r.stderr);
  });

  it('passes when the output matches the IDL', () => {
    const r = hostwire(['generate', '--idl', IDL, '--out', out, '--check']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /files in .* match the IDL/);
  });

  it('passes on the checked-in generated/ folder', () => {
    const r = hostwire(['generate', '--check']);
    assert.equal(r.status, 0, r.stderr);
  });

  it('fails and names the file after a hand edit, a deletion and a stray file', () => {
    const edited = path.join(out, 'c', 'spear.h');
    fs.appendFileSync(edited, '\n/* hand edit */\n');
    const deleted = path.join(out, 'docs', 'ABI.md');
    fs.rmSync(deleted);
    fs.writeFileSync(path.join(out, 'stray.txt'), 'x');
    const r = hostwire(['generate', '--idl', IDL, '--out', out, '--check']);
    assert.equal(r.status, 1);
    const lines = r.stderr.trim().split('\n');
    assert.ok(lines.some((l) => l.endsWith(`${path.join('c', 'spear.h')} (changed)`)), r.stderr);
    assert.ok(lines.some((l) => l.endsWith(`${path.join('docs', 'ABI.md')} (missing)`)), r.stderr);
    assert.ok(lines.some((l) => l.endsWith('stray.txt (extra)')), r.stderr);
    assert.match(lines[lines.length - 1], /3 files differ from the IDL/);
  });

  it('a regenerate repairs the drift', () => {
    assert.equal(hostwire(['generate', '--idl', IDL, '--out', out]).status, 0);
    assert.equal(hostwire(['generate', '--idl', IDL, '--out', out, '--check']).status, 0);
  });
});

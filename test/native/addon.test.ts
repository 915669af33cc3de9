import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ADDON_PATH } from '../../runtime/native';
import { addon, ROOT } from './support';

describe('native: the addon', () => {
  it('is built where cmake-js -O build puts it, and loads', () => {
    assert.equal(ADDON_PATH, path.join(ROOT, 'build', 'Release', 'hostwire.node'));
    assert.ok(fs.existsSync(ADDON_PATH));
    assert.deepStrictEqual(Object.keys(addon()).sort(), [
      'GuestInstance',
      'MemoryRegion',
      'Session',
      'Transfer',
      'abi',
      'host',
      'noop',
      'recordRoundTrip',
      'setErrorClass',
    ]);
  });

  it('a missing build fails with an error that says how to build it', () => {
    const script = `
      try { require(${JSON.stringify(path.join(ROOT, 'dist', 'runtime', 'native.js'))}).loadNative(); }
      catch (e) { process.stdout.write(JSON.stringify({ name: e.name, code: e.code, message: e.message })); }`;
    const r = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: { ...process.env, HOSTWIRE_ADDON: path.join(ROOT, 'build', 'nowhere', 'hostwire.node') },
    });
    const e = JSON.parse(r.stdout) as { name: string; code: string; message: string };
    assert.equal(e.name, 'NativeLoadError');
    assert.equal(e.code, 'HOSTWIRE_NATIVE');
    assert.match(e.message, /native addon is not built \(.*build\/nowhere\/hostwire\.node is missing\); run `npm run build:native`/);
  });
});

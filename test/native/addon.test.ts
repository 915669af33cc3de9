import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ABI, PROTOCOLS } from '../../generated/ts/constants';
import { ADDON_PATH, prebuildPath, staleReason } from '../../runtime/native';
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
      'setRecordCodecs',
    ]);
  });

  /** loadNative() in a fresh process with HOSTWIRE_ADDON set to `addon`: the error it throws. */
  function loadError(addon: string): { name: string; code: string; message: string } {
    const script = `
      try { require(${JSON.stringify(path.join(ROOT, 'dist', 'runtime', 'native.js'))}).loadNative(); process.stdout.write('{}'); }
      catch (e) { process.stdout.write(JSON.stringify({ name: e.name, code: e.code, message: e.message })); }`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, HOSTWIRE_ADDON: addon } });
    return JSON.parse(r.stdout) as { name: string; code: string; message: string };
  }

  /** A stand-in addon (a script: require() loads it like a .node file) whose abi() reports these versions. */
  function fakeAddon(version: string, transfer: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostwire-addon-'));
    const file = path.join(dir, 'hostwire.js');
    fs.writeFileSync(file, `exports.abi = () => (${JSON.stringify({ version, protocols: { transfer: { name: 'transfer', version: transfer } } })});\n`);
    return file;
  }

  it('a missing build fails with an error that says how to build it', () => {
    const e = loadError(path.join(ROOT, 'build', 'nowhere', 'hostwire.node'));
    assert.equal(e.name, 'NativeLoadError');
    assert.equal(e.code, 'HOSTWIRE_NATIVE');
    assert.equal(
      e.message,
      `hostwire: no native addon for ${process.platform}-${process.arch}: ${path.join('build', 'nowhere', 'hostwire.node')} is missing and the package ` +
        'has no prebuilt addon that loads here; compile it with `npm run build:native` (cmake-js compile -d native -O build)',
    );
  });

  it('an addon built for another ABI version is reported as stale, naming both versions', () => {
    const file = fakeAddon('1.0.0', PROTOCOLS.transfer.version);
    const e = loadError(file);
    assert.equal(e.name, 'NativeLoadError');
    assert.equal(e.code, 'HOSTWIRE_NATIVE');
    assert.equal(
      e.message,
      `hostwire: the native addon ${path.relative(ROOT, file)} is stale: it was built for ABI 1.0.0, transfer ${PROTOCOLS.transfer.version}; ` +
        `these bindings are ABI ${ABI.version}, transfer ${PROTOCOLS.transfer.version}; ` +
        'rebuild it with `npm run build:native` (cmake-js compile -d native -O build)',
    );
  });

  it('an addon built for another protocol version is stale too, though the ABI version matches', () => {
    assert.equal(
      staleReason({ version: ABI.version, protocols: { transfer: { name: 'transfer', version: '0.9.0', major: 0, minor: 9, patch: 0 } } }),
      `it was built for ABI ${ABI.version}, transfer 0.9.0; these bindings are ABI ${ABI.version}, transfer ${PROTOCOLS.transfer.version}`,
    );
    assert.equal(staleReason(addon().abi()), undefined);
  });

  describe('prebuildPath: the prebuilt addon node-gyp-build chooses', () => {
    let root: string;
    beforeEach(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'hostwire-prebuilds-'));
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it("is the N-API build under prebuilds/<platform>-<arch> for this machine's libc", () => {
      for (const dir of ['linux-x64', 'linux-arm64', 'darwin-x64']) {
        fs.mkdirSync(path.join(root, 'prebuilds', dir), { recursive: true });
        fs.writeFileSync(path.join(root, 'prebuilds', dir, 'hostwire.napi.glibc.node'), '');
      }
      fs.writeFileSync(path.join(root, 'prebuilds', 'linux-x64', 'hostwire.napi.musl.node'), '');
      assert.equal(prebuildPath(root), path.join(root, 'prebuilds', 'linux-x64', 'hostwire.napi.glibc.node'));
    });

    it('is none when prebuilds/ is missing, even with another addon in build/Release', () => {
      fs.mkdirSync(path.join(root, 'build', 'Release'), { recursive: true });
      fs.writeFileSync(path.join(root, 'build', 'Release', 'hostwire_glue_test.node'), '');
      assert.equal(prebuildPath(root), undefined);
    });
  });
});

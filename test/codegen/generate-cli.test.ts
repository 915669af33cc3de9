/** `hostwire generate` without an IDL, the note when the native addon's sources change, and the generator's packages. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GENERATE_USAGE } from '../../codegen/cli';
import { MissingPackageError, missingPackages } from '../../runtime/optional';
import { tmpDir } from '../helpers/toolchain';
import { hostwire, IDL } from './cli-helpers';

describe('hostwire generate: the run around the generator', () => {
  it('in a folder without idl/ and no --idl, says to pass --idl PATH and exits 2', () => {
    const dir = tmpDir('noidl');
    const r = hostwire(['generate'], dir);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, `hostwire generate: no IDL to read: ${fs.realpathSync(dir)} has no idl/ folder; pass --idl PATH (an IDL file or a folder of them)\n${GENERATE_USAGE}\n`);
    assert.equal(r.stdout, '');
    assert.deepStrictEqual(fs.readdirSync(dir), []);
  });

  it("beside native/, says the native addon is stale when the addon's generated sources were written, and not after a no-op", () => {
    const root = tmpDir('gen');
    fs.mkdirSync(path.join(root, 'native'));
    fs.writeFileSync(path.join(root, 'native', 'CMakeLists.txt'), '');
    const out = path.join(root, 'generated');
    const first = hostwire(['generate', '--idl', IDL, '--out', out]);
    assert.equal(first.status, 0, first.stderr);
    const nativeFiles = ['cpp', 'napi'].reduce((n, d) => n + fs.readdirSync(path.join(out, d), { recursive: true }).filter((f) => fs.statSync(path.join(out, d, String(f))).isFile()).length, 0);
    const shown = path.relative(process.cwd(), out);
    assert.equal(
      first.stdout.trim().split('\n').pop(),
      `hostwire generate: ${nativeFiles} sources of the native addon changed (${shown}/cpp, ${shown}/napi); ` +
        'an addon built before is stale until rebuilt: `npm run build:native` in a hostwire checkout (`npm run generate` rebuilds it itself)',
    );
    const again = hostwire(['generate', '--idl', IDL, '--out', out]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout.trim().split('\n').pop()!, /^hostwire generate: \d+ files, 0 written, 0 removed$/);
  });

  it('elsewhere (no native/ beside the output), writes the addon sources without a note', () => {
    const out = path.join(tmpDir('gen'), 'generated');
    const r = hostwire(['generate', '--idl', IDL, '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout.trim().split('\n').pop()!, /^hostwire generate: (\d+) files, \1 written, 0 removed$/);
  });

  it('names the packages a feature misses and the npm command that installs them', () => {
    const resolve = (id: string): string => {
      if (id === 'handlebars' || id === 'yaml') throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
      return `/x/${id}`;
    };
    assert.deepStrictEqual(missingPackages(['ajv', 'handlebars', 'yaml'], resolve), ['handlebars', 'yaml']);
    assert.deepStrictEqual(missingPackages(['ajv', 'handlebars', 'yaml']), []);
    const e = new MissingPackageError('hostwire generate', ['handlebars', 'yaml']);
    assert.equal(e.code, 'HOSTWIRE_MISSING_PACKAGE');
    assert.equal(e.message, 'hostwire: hostwire generate needs handlebars, yaml, which hostwire does not install itself: run `npm install handlebars yaml`');
  });
});

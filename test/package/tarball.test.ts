/**
 * The npm tarball carries what users run (the runtime, the generator, the bindings, the addon's
 * sources and its prebuild when one was made) and no tests or benchmarks. Read from
 * `npm pack --dry-run --json --ignore-scripts`, which lists the files without building anything.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, tmpDir } from '../helpers/toolchain';

/** The files `npm pack` would put in the tarball of the package in `dir`, or why it cannot tell. */
function packList(dir: string): string[] | string {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8' });
  if (r.error) return `npm cannot run here (${r.error.message})`;
  if (r.status !== 0) return `npm pack failed here (exit ${r.status}): ${r.stderr.trim().split('\n').pop()}`;
  const [report] = JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }> }>;
  return report.files.map((f) => f.path).sort();
}

/** What no tarball may carry: tests, benchmarks, their compiled output, source maps, CI. */
const NOT_SHIPPED = /^(test|bench|\.ci|native\/test|native\/scripts|generated\/test|dist\/(test|bench|generated\/test))\/|\.map$|\.tsbuildinfo$/;

describe('package: the npm tarball', function () {
  let files: string[];
  before(function () {
    const listed = packList(ROOT);
    if (typeof listed === 'string') this.skip(); // npm pack cannot run here: nothing to check
    files = listed as string[];
  });

  it('carries no tests, benchmarks, compiled tests, source maps or CI files', () => {
    assert.deepStrictEqual(files.filter((f) => NOT_SHIPPED.test(f)), []);
  });

  it('carries exactly these top-level entries', () => {
    const top = [...new Set(files.map((f) => f.split('/').slice(0, f.startsWith('dist/') || f.startsWith('generated/') || f.startsWith('native/') ? 2 : 1).join('/')))].sort();
    const expected = [
      'README.md',
      'bin',
      'codegen',
      'dist/codegen',
      'dist/generated',
      'dist/runtime',
      'examples',
      'generated/c',
      'generated/cpp',
      'generated/docs',
      'generated/napi',
      'idl',
      'native/CMakeLists.txt',
      'native/core',
      'native/napi',
      'package.json',
      'scripts',
    ];
    if (fs.existsSync(path.join(ROOT, 'prebuilds'))) expected.push('prebuilds');
    assert.deepStrictEqual(top, expected.sort());
  });

  it('carries the entry points, the generator with its templates and schema, and the install script', () => {
    for (const f of [
      'bin/hostwire.js',
      'dist/runtime/index.js',
      'dist/runtime/index.d.ts',
      'dist/codegen/cli.js',
      'dist/generated/ts/index.js',
      'codegen/emit/c/templates/spear.h.hbs',
      'idl/abi.yaml',
      'idl/hostwire-idl.schema.json',
      'generated/c/spear.h',
      'native/CMakeLists.txt',
      'scripts/install-addon.js',
    ]) {
      assert.ok(files.includes(f), `${f} is not in the tarball`);
    }
    assert.deepStrictEqual(files.filter((f) => f.startsWith('scripts/')), ['scripts/install-addon.js']);
  });

  it('carries a prebuild under prebuilds/<platform>-<arch>/ when one was made', function () {
    // A stand-in package with this package.json, a prebuild and files that must stay out.
    const dir = tmpDir('pack');
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
    for (const f of ['prebuilds/linux-x64/hostwire.napi.glibc.node', 'dist/runtime/index.js', 'dist/test/a.test.js', 'test/a.test.ts', 'bench/a.bench.ts', 'native/test/core_tests.cc']) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), '');
    }
    const listed = packList(dir);
    if (typeof listed === 'string') this.skip();
    assert.deepStrictEqual(listed, ['dist/runtime/index.js', 'package.json', 'prebuilds/linux-x64/hostwire.napi.glibc.node']);
  });
});

#!/usr/bin/env node
'use strict';
/**
 * `npm pack` / `npm publish` (prepack): compile the TypeScript and the addon (the addon target
 * alone, Release), and put the addon where node-gyp-build finds it for this platform:
 * prebuilds/<platform>-<arch>/hostwire.napi.<libc>.node (N-API, so any Node >= 20 loads it).
 * The prebuild is checked by loading it in a fresh process, stripped of its symbols, and never
 * committed (postpack, `--clean`, removes it).
 *
 *   node scripts/prebuild.js            the prebuild for this machine
 *   node scripts/prebuild.js --clean    remove prebuilds/
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const PREBUILDS = path.join(ROOT, 'prebuilds');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`hostwire prebuild: ${path.basename(cmd)} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

function libc() {
  // Node's report names the glibc it runs on; musl systems have none.
  const header = process.report?.getReport?.().header;
  return header && header.glibcVersionRuntime ? 'glibc' : 'musl';
}

function main() {
  if (process.argv.includes('--clean')) {
    fs.rmSync(PREBUILDS, { recursive: true, force: true });
    return;
  }
  run(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [ROOT] }), '-p', '.']);
  run(process.execPath, [require.resolve('cmake-js/bin/cmake-js', { paths: [ROOT] }), 'compile', '-d', 'native', '-O', 'build', '--target', 'hostwire']);

  const dir = path.join(PREBUILDS, `${process.platform}-${process.arch}`);
  const file = path.join(dir, `hostwire.napi.${libc()}.node`);
  fs.rmSync(PREBUILDS, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'build', 'Release', 'hostwire.node'), file);
  if (spawnSync('strip', ['--version'], { stdio: 'ignore' }).status === 0) run('strip', ['--strip-unneeded', file]);

  // The prebuild must load on its own and carry the ABI of the bindings it ships with.
  const check = `const b = require(${JSON.stringify(file)}); const { ABI } = require(${JSON.stringify(path.join(ROOT, 'dist', 'generated', 'ts', 'constants.js'))});
    if (b.abi().version !== ABI.version) { console.error('built for ABI ' + b.abi().version + ', bindings are ' + ABI.version); process.exit(1); }`;
  run(process.execPath, ['-e', check]);
  console.log(`hostwire prebuild: ${path.relative(ROOT, file)} (${fs.statSync(file).size} bytes)`);
}

main();

#!/usr/bin/env node
'use strict';
/**
 * `npm run generate [-- options]`: an ABI change in one step. Compiles the generator (tsc),
 * runs `hostwire generate` with the options given, and when that rewrote generated/, compiles
 * the TypeScript again and, if the native addon's sources changed (generated/cpp,
 * generated/napi), rebuilds the addon and the native tests (cmake-js, incremental). With
 * `--check`, or `--out` elsewhere, it only generates.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);

function run(file, argv, options = {}) {
  return spawnSync(process.execPath, [file, ...argv], { cwd: ROOT, stdio: 'inherit', ...options });
}

const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
if (run(tsc, ['-p', '.']).status !== 0) process.exit(1);

const gen = run(path.join(ROOT, 'bin', 'hostwire.js'), ['generate', ...args], { stdio: ['inherit', 'pipe', 'inherit'], encoding: 'utf8' });
process.stdout.write(gen.stdout ?? '');
if (gen.status !== 0) process.exit(gen.status ?? 1);

const outIndex = args.findIndex((a) => a === '--out' || a.startsWith('--out='));
const out = outIndex < 0 ? 'generated' : args[outIndex].startsWith('--out=') ? args[outIndex].slice(6) : args[outIndex + 1];
if (args.includes('--check') || path.resolve(ROOT, out) !== path.join(ROOT, 'generated')) process.exit(0);

// `hostwire generate` names each file it wrote or removed: `wrote generated/cpp/hostwire_abi.hpp`.
const changed = (gen.stdout ?? '')
  .split('\n')
  .map((line) => /^(?:wrote|removed) generated\/(.+)$/.exec(line.trim())?.[1])
  .filter(Boolean);
if (changed.length === 0) process.exit(0);

if (changed.some((p) => p.startsWith('ts/') || p.startsWith('test/'))) {
  console.log('generate: compiling the TypeScript again (generated/ts, generated/test changed)');
  if (run(tsc, ['-p', '.']).status !== 0) process.exit(1);
}
if (changed.some((p) => p.startsWith('cpp/') || p.startsWith('napi/'))) {
  console.log('generate: rebuilding the native addon and its tests (generated/cpp, generated/napi changed)');
  let cmakeJs;
  try {
    cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [ROOT] });
  } catch {
    console.error('generate: cmake-js is not installed (`npm ci`); the addon is stale until `npm run build:native`');
    process.exit(1);
  }
  const r = run(cmakeJs, ['compile', '-d', 'native', '-O', 'build']);
  if (r.status !== 0) {
    console.error('generate: rebuilding the addon failed; it is stale until `npm run build:native` succeeds');
    process.exit(1);
  }
}

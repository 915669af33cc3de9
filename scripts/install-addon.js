#!/usr/bin/env node
'use strict';
/**
 * npm's install step for hostwire: use the prebuilt addon when one loads here (prebuilds/, found
 * by node-gyp-build), otherwise compile the addon alone from source with cmake-js (never the
 * native tests). Compiling is also what `npm rebuild hostwire --build-from-source` or
 * HOSTWIRE_BUILD_FROM_SOURCE=1 asks for.
 *
 * Installed as a dependency, a compile that cannot run (no cmake-js, no compiler) warns and
 * the install still succeeds: `hostwire generate` and `hostwire diff` need no addon, and
 * loading the addon later says what is missing. In a checkout of the repository (native/test
 * is there), it fails the install instead.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const CHECKOUT = fs.existsSync(path.join(ROOT, 'native', 'test'));
const PACKAGES = 'cmake-js and node-addon-api (npm), cmake, make, g++ and nlohmann-json3-dev (Debian)';

function fromSourceRequested() {
  const npmFlag = process.env.npm_config_build_from_source;
  return npmFlag === 'true' || npmFlag === 'hostwire' || process.env.HOSTWIRE_BUILD_FROM_SOURCE === '1';
}

/** The prebuilt addon node-gyp-build picks for this platform, arch, libc and runtime, if any. */
function findPrebuild() {
  let gypBuild;
  try {
    gypBuild = require('node-gyp-build');
  } catch {
    return undefined;
  }
  try {
    const file = gypBuild.path(ROOT);
    return file.startsWith(path.join(ROOT, 'prebuilds') + path.sep) ? file : undefined;
  } catch {
    return undefined;
  }
}

/** Why `file` does not load, or undefined when it loads and matches the package's ABI and protocol versions. */
function loadProblem(file) {
  let binding;
  try {
    binding = require(file);
  } catch (e) {
    return e.message.split('\n')[0];
  }
  let constants;
  try {
    constants = require(path.join(ROOT, 'dist', 'generated', 'ts', 'constants.js'));
  } catch {
    return undefined; // no compiled bindings to compare with (a checkout before `tsc`)
  }
  const versions = (abi, protocols) =>
    [`ABI ${abi}`, ...Object.keys(protocols).sort().map((name) => `${name} ${protocols[name].version}`)].join(', ');
  const built = binding.abi();
  const theirs = versions(built.version, built.protocols ?? {});
  const ours = versions(constants.ABI.version, constants.PROTOCOLS);
  return theirs === ours ? undefined : `built for ${theirs}, the package is ${ours}`;
}

function fail(message) {
  console.error(`hostwire: ${message}`);
  if (CHECKOUT) process.exit(1);
  console.error(
    'hostwire: installed without a native addon: `hostwire generate` and `hostwire diff` work; hosting guests and ' +
      `transfers need the addon: install ${PACKAGES}, then \`npm rebuild hostwire\``,
  );
  process.exit(0);
}

function main() {
  if (!fromSourceRequested()) {
    const prebuilt = findPrebuild();
    if (prebuilt) {
      const problem = loadProblem(prebuilt);
      if (!problem) {
        console.log(`hostwire: using the prebuilt addon ${path.relative(ROOT, prebuilt)}`);
        return;
      }
      console.error(`hostwire: the prebuilt addon ${path.relative(ROOT, prebuilt)} does not load here (${problem}); compiling from source`);
    }
  }
  let cmakeJs;
  try {
    cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [ROOT] });
  } catch {
    fail(`no prebuilt addon for ${process.platform}-${process.arch} and cmake-js is not installed, so the addon cannot be compiled`);
    return;
  }
  const r = spawnSync(process.execPath, [cmakeJs, 'compile', '-d', 'native', '-O', 'build', '--target', 'hostwire'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) fail(`compiling the addon failed (cmake-js exit ${r.status ?? r.signal}); it needs ${PACKAGES}`);
}

main();

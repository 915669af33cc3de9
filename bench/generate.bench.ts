/**
 * How long regenerating the ABI takes, and how it grows with the number of hostcalls.
 *
 * Each figure is printed beside a baseline measured in the same run, as a ratio:
 *  - the whole pipeline (load, validate, resolve, emit every back end) beside the bare YAML
 *    parse of the same files (the floor any generator pays);
 *  - the `hostwire generate --check` command beside `node -e 0` (process start-up);
 *  - synthetic IDLs of 10, 100 and 1,000 extra hostcalls beside the real IDL, and the cost of
 *    each extra hostcall beside the YAML parse of one.
 * Targets: `hostwire generate --check` under 600 ms, each extra hostcall (over 1,000) at most
 * 0.5 ms. Wall times, medians of several runs; on a loaded machine the ratios say more than
 * the times.
 *
 * `--stages` adds the time of each stage and back end, for the real IDL and the largest
 * synthetic one; `--json` prints everything as JSON.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { buildModel, emitAll } from '../codegen/pipeline';
import { BACKENDS } from '../codegen/emit';
import { listIdlFiles } from '../codegen/load';
import { median } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const IDL = path.join(ROOT, 'idl');
const json = process.argv.includes('--json');
const stages = process.argv.includes('--stages');

/** `hostwire generate --check`, wall time (ms). */
const CHECK_TARGET_MS = 600;
/** Each extra hostcall of the largest synthetic IDL (ms). */
const PER_HOSTCALL_TARGET_MS = 0.5;
const SIZES = [10, 100, 1000];

function time(runs: number, fn: () => void): number {
  fn(); // warm-up: module loading and JIT are not what we measure
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn();
    xs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(xs);
}

function parseOnly(dir: string): void {
  for (const f of listIdlFiles(dir)) parse(fs.readFileSync(f, 'utf8'));
}

function generate(dir: string): number {
  return emitAll(buildModel(dir)).length;
}

/** The YAML of `n` synthetic hostcalls, each with an fd, an input and an output buffer and flags. */
function syntheticYaml(n: number): string {
  const calls = Array.from({ length: n }, (_, i) => `  - name: synth_call_${i}
    family: synthetic
    doc: Synthetic hostcall ${i}.
    params:
      - { name: fd, type: fd, doc: An fd. }
      - { name: input, type: in_bytes, doc: Input bytes. }
      - { name: out, type: out_bytes, doc: Output bytes. }
      - { name: flags, type: epoll_events, doc: Flags. }
    returns: { kind: count }
    errors: [EBADF, EFAULT, ENOSPC]
`).join('');
  return `hostcalls:\n${calls}`;
}

/** A copy of the IDL with `n` extra hostcalls. */
function syntheticIdl(n: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hostwire-bench-${n}-`));
  fs.cpSync(IDL, dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'synthetic.yaml'), syntheticYaml(n));
  return dir;
}

function cliMs(args: string[], runs: number): number {
  return time(runs, () => {
    const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  });
}

interface Row {
  name: string;
  ms: number;
  baseline: string;
  baselineMs: number;
  /** The target the figure is held to, if it has one (`< 600 ms`), and whether it is met. */
  target?: { text: string; met: boolean };
}
const rows: Row[] = [];
function report(r: Row): Row {
  rows.push(r);
  if (!json) {
    const target = r.target === undefined ? '' : `   target ${r.target.text}: ${r.target.met ? 'met' : 'NOT met'}`;
    const digits = r.ms < 10 ? 3 : 1;
    const figure = `${r.name.padEnd(46)} ${r.ms.toFixed(digits).padStart(9)} ms`;
    const baseline = `${r.baseline.padEnd(36)} ${r.baselineMs.toFixed(digits).padStart(8)} ms`;
    console.log(`${figure}   ${baseline}   x${(r.ms / r.baselineMs).toFixed(1).padEnd(6)}${target}`);
  }
  return r;
}

if (!json) console.log(`${'figure'.padEnd(46)} ${'time'.padStart(12)}   ${'baseline'.padEnd(36)} ${'time'.padStart(11)}   ratio`);
const files = generate(IDL);
report({
  name: `whole ABI in process (${files} files)`,
  ms: time(15, () => generate(IDL)),
  baseline: 'YAML parse of the same IDL',
  baselineMs: time(15, () => parseOnly(IDL)),
});
const startup = cliMs(['-e', '0'], 9);
const checkMs = cliMs([path.join(ROOT, 'bin', 'hostwire.js'), 'generate', '--check'], 9);
const check = report({
  name: 'hostwire generate --check (process)',
  ms: checkMs,
  baseline: 'node -e 0',
  baselineMs: startup,
  target: { text: `< ${CHECK_TARGET_MS} ms`, met: checkMs < CHECK_TARGET_MS },
});

const base = time(7, () => generate(IDL));
const largest = SIZES[SIZES.length - 1];
const dirs = new Map(SIZES.map((n) => [n, syntheticIdl(n)]));
let perHostcall: Row;
try {
  let largestMs = 0;
  for (const n of SIZES) {
    const ms = time(n >= 1000 ? 5 : 7, () => generate(dirs.get(n)!));
    report({ name: `+${n} synthetic hostcalls (${((ms - base) / n).toFixed(3)} ms each)`, ms, baseline: 'the real IDL', baselineMs: base });
    if (n === largest) largestMs = ms;
  }
  // The cost of one more hostcall, over the largest IDL, beside the cost of parsing its YAML.
  const yaml = syntheticYaml(largest);
  const each = (largestMs - base) / largest;
  perHostcall = report({
    name: `each extra hostcall (over +${largest})`,
    ms: each,
    baseline: 'YAML parse of one such hostcall',
    baselineMs: time(5, () => parse(yaml)) / largest,
    target: { text: `<= ${PER_HOSTCALL_TARGET_MS} ms`, met: each <= PER_HOSTCALL_TARGET_MS },
  });
  if (stages) reportStages(stageTimes(IDL), stageTimes(dirs.get(largest)!));
} finally {
  for (const dir of dirs.values()) fs.rmSync(dir, { recursive: true, force: true });
}

/** Load, validate and resolve, then each back end, on `dir`: median times (ms). */
function stageTimes(dir: string): Record<string, number> {
  const model = buildModel(dir);
  const out: Record<string, number> = { 'load, validate, resolve': time(5, () => buildModel(dir)) };
  for (const b of BACKENDS) out[`back end ${b.name}`] = time(5, () => b.emit(model));
  return out;
}

function reportStages(real: Record<string, number>, big: Record<string, number>): void {
  if (json) {
    for (const stage of Object.keys(real)) rows.push({ name: `${stage}, +${largest}`, ms: big[stage], baseline: `${stage}, real IDL`, baselineMs: real[stage] });
    return;
  }
  console.log(`\n${'stage (in process, median ms)'.padEnd(30)} ${'real IDL'.padStart(10)} ${`+${largest}`.padStart(10)} ${'each extra'.padStart(12)}`);
  for (const [stage, ms] of Object.entries(real)) {
    console.log(`${stage.padEnd(30)} ${ms.toFixed(1).padStart(10)} ${big[stage].toFixed(1).padStart(10)} ${((big[stage] - ms) / largest).toFixed(3).padStart(12)}`);
  }
}

const targets = [check, perHostcall].map((r) => ({ name: r.name, ms: r.ms, target: r.target!.text, met: r.target!.met }));
if (json) console.log(JSON.stringify({ rows, targets }, null, 2));
else {
  console.log('\ntargets:');
  for (const t of targets) console.log(`  ${t.name}: ${t.ms.toFixed(t.ms < 10 ? 3 : 0)} ms (target ${t.target}): ${t.met ? 'met' : 'NOT met'}`);
}

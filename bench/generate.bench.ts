/**
 * How long regenerating the ABI takes, and how it grows with the number of hostcalls.
 *
 * Each figure is printed beside a baseline measured in the same run, as a ratio:
 *  - the whole pipeline (load, validate, resolve, emit every back end) beside the bare YAML
 *    parse of the same files (the floor any generator pays);
 *  - the `hostwire generate --check` command beside `node -e 0` (process start-up);
 *  - synthetic IDLs of 10, 100 and 1,000 extra hostcalls, per-hostcall cost beside the real IDL.
 * Target: the whole ABI regenerates in under 2 s.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { buildModel, emitAll } from '../codegen/pipeline';
import { listIdlFiles } from '../codegen/load';
import { median } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const IDL = path.join(ROOT, 'idl');
const json = process.argv.includes('--json');

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

/** A copy of the IDL with `n` extra hostcalls, each with an fd, an input and an output buffer. */
function syntheticIdl(n: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hostwire-bench-${n}-`));
  fs.cpSync(IDL, dir, { recursive: true });
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
  fs.writeFileSync(path.join(dir, 'synthetic.yaml'), `hostcalls:\n${calls}`);
  return dir;
}

function cliMs(args: string[], runs: number): number {
  return time(runs, () => {
    const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  });
}

interface Row { name: string; ms: number; baseline: string; baselineMs: number }
const rows: Row[] = [];
function report(r: Row): void {
  rows.push(r);
  if (!json) {
    console.log(`${r.name.padEnd(44)} ${r.ms.toFixed(1).padStart(9)} ms   ${r.baseline.padEnd(30)} ${r.baselineMs.toFixed(1).padStart(8)} ms   x${(r.ms / r.baselineMs).toFixed(1)}`);
  }
}

if (!json) console.log(`${'figure'.padEnd(44)} ${'time'.padStart(12)}   ${'baseline'.padEnd(30)} ${'time'.padStart(11)}   ratio`);
const files = generate(IDL);
report({ name: `whole ABI in process (${files} files)`, ms: time(15, () => generate(IDL)), baseline: 'YAML parse of the same IDL', baselineMs: time(15, () => parseOnly(IDL)) });
report({ name: 'hostwire generate --check (process)', ms: cliMs([path.join(ROOT, 'bin', 'hostwire.js'), 'generate', '--check'], 5), baseline: 'node -e 0', baselineMs: cliMs(['-e', '0'], 5) });
const base = time(5, () => generate(IDL));
for (const n of [10, 100, 1000]) {
  const dir = syntheticIdl(n);
  const ms = time(n >= 1000 ? 3 : 5, () => generate(dir));
  report({ name: `+${n} synthetic hostcalls (${((ms - base) / n).toFixed(3)} ms each)`, ms, baseline: 'the real IDL', baselineMs: base });
  fs.rmSync(dir, { recursive: true, force: true });
}
const whole = rows[1].ms;
if (json) console.log(JSON.stringify({ rows, targetMs: 2000, met: whole < 2000 }, null, 2));
else console.log(`\ntarget: regenerate the whole ABI in under 2000 ms: ${whole.toFixed(0)} ms for the command, ${whole < 2000 ? 'met' : 'NOT met'}`);

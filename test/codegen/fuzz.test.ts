/**
 * No IDL crashes the generator. Seeded mutations of the real IDL (values of the wrong type,
 * absurd sizes, YAML alias bombs, defaults that do not fit their type, names that collide once
 * cased, items and files that are gone, ...) each either generate (every back end returns its
 * files) or are refused with diagnostics that name the file, a line inside it and a JSON
 * pointer, and say what was expected. Anything else thrown is a failure, listed with the
 * mutation that caused it.
 *
 * The pipeline runs in-process on texts in memory; a few refused mutations also go through the
 * CLI, which must exit 2 and print the same diagnostics.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatDiagnostic, IdlError, type Diagnostic } from '../../codegen/diagnostics';
import { emitAll } from '../../codegen/pipeline';
import { tmpDir } from '../helpers/toolchain';
import { hostwire } from './cli-helpers';
import { mutations, TURNS, type Mutation } from './idl-mutations';
import { readIdlTexts, Sources, type IdlTexts } from './idl-texts';

const SEED = 0x1d1f022;
const COUNT = 300;

/** Known crashes of back ends on IDLs that validation accepts, counted rather than failed while they last: none. */
const PENDING: Array<{ message: RegExp; frame: RegExp }> = [];

type Outcome =
  | { kind: 'generated'; files: number }
  | { kind: 'refused'; diagnostics: Diagnostic[] }
  | { kind: 'pending'; message: string }
  | { kind: 'failed' };

/**
 * What is wrong with a diagnostic of `m`, if anything: it names a file of the IDL, a line
 * inside it, a JSON pointer, and says what was expected (YAML syntax errors say it yaml's way).
 */
function badDiagnostic(m: Mutation, d: Diagnostic): string | undefined {
  const file = /^idl\/(.+)$/.exec(d.file)?.[1];
  if (file === undefined || m.texts[file] === undefined) return `names no file of the IDL: ${formatDiagnostic(d)}`;
  const lines = m.texts[file].split('\n').length;
  if (d.line === undefined || !Number.isInteger(d.line) || d.line < 1 || d.line > lines) return `has no line in 1..${lines}: ${formatDiagnostic(d)}`;
  if (d.pointer !== '' && !d.pointer.startsWith('/')) return `has no JSON pointer: ${formatDiagnostic(d)}`;
  if (!/\bexpected\b/.test(d.message) && !d.message.startsWith('YAML syntax error: ')) return `does not say what was expected: ${formatDiagnostic(d)}`;
  return undefined;
}

describe('generator fuzz: seeded mutations of the real IDL', function () {
  // Seconds, not minutes: a few hundred front-end runs, a generation per accepted mutation, two CLI runs.
  this.timeout(300_000);
  let texts: IdlTexts;
  let all: Mutation[];
  const outcomes: Outcome[] = [];
  const failures: string[] = [];

  before(() => {
    texts = readIdlTexts();
    all = mutations(texts, SEED, COUNT);
  });

  it(`each of ${COUNT} mutations (seed 0x${SEED.toString(16)}) generates, or is refused with file, line and pointer`, () => {
    const sources = new Sources(texts);
    for (const m of all) {
      try {
        const files = emitAll(sources.model(m.texts));
        if (files.length === 0) failures.push(`${m.what}: generated no files`);
        outcomes.push({ kind: 'generated', files: files.length });
      } catch (e) {
        if (e instanceof IdlError) {
          if (e.diagnostics.length === 0) failures.push(`${m.what}: refused without a diagnostic`);
          for (const d of e.diagnostics) {
            const bad = badDiagnostic(m, d);
            if (bad) failures.push(`${m.what}: a diagnostic ${bad}`);
          }
          outcomes.push({ kind: 'refused', diagnostics: e.diagnostics });
          continue;
        }
        const err = e as Error;
        const pending = PENDING.find((p) => p.message.test(String(err.message)) && p.frame.test((err.stack ?? '').split('\n')[1] ?? ''));
        if (pending) {
          outcomes.push({ kind: 'pending', message: err.message });
          continue;
        }
        failures.push(`${m.what}: threw ${err.stack ?? String(e)}`);
        outcomes.push({ kind: 'failed' });
      }
    }
    assert.deepEqual(failures, []);
  });

  it('draws every operator, and both outcomes', () => {
    assert.equal(outcomes.length, COUNT, 'the fuzz run above ran');
    const ops = new Set(all.map((m) => m.what.split(' ')[0]));
    assert.deepEqual([...ops].sort(), [...new Set(TURNS)].sort());
    const count = (kind: Outcome['kind']) => outcomes.filter((o) => o.kind === kind).length;
    assert.ok(count('generated') > 0 && count('refused') > 0, `generated ${count('generated')}, refused ${count('refused')}`);
  });

  it('draws the same mutations from the same seed, and others from another', () => {
    const again = mutations(texts, SEED, 40).map((m) => m.what);
    assert.deepEqual(again, all.slice(0, 40).map((m) => m.what));
    assert.notDeepEqual(mutations(texts, SEED + 1, 40).map((m) => m.what), again);
  });

  it('exits 2 from the CLI with the same diagnostics, for an alias bomb (the loader) and a bad default (validation)', () => {
    const refused = all.map((m, i) => ({ m, o: outcomes[i] })).filter((x) => x.o.kind === 'refused');
    const picks = [/^aliases bomb/, /^badDefault/].map((re) => {
      const found = refused.find((x) => re.test(x.m.what));
      assert.ok(found, `a refused mutation matching ${re}`);
      return found;
    });
    for (const { m, o } of picks) {
      const dir = tmpDir('fuzz');
      fs.mkdirSync(path.join(dir, 'idl'));
      for (const [name, text] of Object.entries(m.texts)) fs.writeFileSync(path.join(dir, 'idl', name), text);
      const r = hostwire(['generate', '--idl', 'idl', '--out', 'out'], dir);
      const diagnostics = (o as Extract<Outcome, { kind: 'refused' }>).diagnostics;
      const n = diagnostics.length;
      assert.equal(r.status, 2, `${m.what}: exit code (stderr: ${r.stderr})`);
      assert.deepEqual(r.stderr.trim().split('\n'), [
        ...diagnostics.map(formatDiagnostic),
        `hostwire generate: ${n} problem${n === 1 ? '' : 's'} in the IDL; nothing written`,
      ]);
      assert.equal(fs.existsSync(path.join(dir, 'out')), false, 'nothing is written');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The generator is deterministic: the same IDL gives byte-identical files every time and
 * wherever it lives, and the checked-in `generated/` folder is exactly what it gives.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GeneratedFile } from '../../codegen/model';
import { buildModel, emitAll } from '../../codegen/pipeline';
import { checkFiles, writeFiles } from '../../codegen/write';
import { GENERATED, ROOT, tmpDir } from '../helpers/toolchain';

const IDL = path.join(ROOT, 'idl');

const generate = (idl = IDL): GeneratedFile[] => emitAll(buildModel(idl));
const paths = (files: GeneratedFile[]): string[] => files.map((f) => f.path);

describe('generator determinism', () => {
  let first: GeneratedFile[];

  before(() => {
    first = generate();
  });

  it('writes every back end: c, cpp, napi, ts, test and docs', () => {
    const folders = new Set(paths(first).map((p) => p.split('/')[0]));
    assert.deepStrictEqual([...folders].sort(), ['c', 'cpp', 'docs', 'napi', 'test', 'ts']);
  });

  it('returns the files sorted by path, each path once', () => {
    const sorted = [...paths(first)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    assert.deepStrictEqual(paths(first), sorted);
    assert.equal(new Set(paths(first)).size, first.length);
  });

  it('gives byte-identical files when run twice', () => {
    const second = generate();
    assert.deepStrictEqual(paths(second), paths(first));
    const differ = second.filter((f, i) => f.content !== first[i].content).map((f) => f.path);
    assert.deepStrictEqual(differ, []);
  });

  it('gives the same files from a copy of the IDL elsewhere (no paths or times of the run leak in)', () => {
    const dir = tmpDir('determinism');
    try {
      fs.cpSync(IDL, path.join(dir, 'idl'), { recursive: true });
      const moved = generate(path.join(dir, 'idl'));
      assert.deepStrictEqual(paths(moved), paths(first));
      assert.deepStrictEqual(moved.filter((f, i) => f.content !== first[i].content).map((f) => f.path), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts every generated file (but JSON, which has no comments) with a line saying it is generated', () => {
    const unmarked = first
      .filter((f) => !f.path.endsWith('.json') && !/generated/i.test(f.content.split('\n', 1)[0]))
      .map((f) => f.path);
    assert.deepStrictEqual(unmarked, []);
  });

  it('matches generated/ on disk (checkFiles finds no drift)', () => {
    assert.deepStrictEqual(checkFiles(GENERATED, first), []);
  });

  it('checkFiles catches a changed, a missing and a stray file', () => {
    const dir = tmpDir('determinism-drift');
    try {
      writeFiles(dir, first);
      assert.deepStrictEqual(checkFiles(dir, first), []);
      const [changed, missing] = [first[0].path, first[first.length - 1].path];
      fs.appendFileSync(path.join(dir, changed), '\n');
      fs.rmSync(path.join(dir, missing));
      fs.writeFileSync(path.join(dir, 'stray.txt'), 'x');
      assert.deepStrictEqual(
        checkFiles(dir, first),
        [
          { path: changed, reason: 'changed' },
          { path: missing, reason: 'missing' },
          { path: 'stray.txt', reason: 'extra' },
        ].sort((a, b) => (a.path < b.path ? -1 : 1)),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

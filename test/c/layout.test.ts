/**
 * The C layouts and values agree with the model: a guest prints sizeof, _Alignof and offsetof
 * of every record and the value of every C constant, and the test compares them with the
 * resolved model.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Model } from '../../codegen/model';
import { buildModel } from '../../codegen/pipeline';
import { ROOT, runWasi, tmpDir } from '../helpers/toolchain';
import { build } from './build';

interface Layout {
  size: number;
  align: number;
  offsets: Record<string, number>;
}

/** The C names of every errno, errno alias, enum value, flag and constant, with their model values. */
function expectedValues(model: Model): Record<string, string> {
  const cp = model.abi.c.constantPrefix;
  return Object.fromEntries([
    ...model.errnos.map((e) => [`${cp}${e.name}`, String(e.value)]),
    ...model.errnoAliases.map((a) => [a.name, String(a.value)]),
    ...model.enums.flatMap((e) => [
      ...e.values.map((v) => [v.cName, String(v.value)]),
      ...e.aliases.map((a) => [a.name, String(e.values.find((v) => v.name === a.of)!.value)]),
    ]),
    ...model.flags.flatMap((f) => [
      ...f.bits.map((b) => [b.cName, String(b.mask)]),
      ...f.aliases.map((a) => [a.name, String(f.bits.find((b) => b.name === a.of)!.mask)]),
    ]),
    ...model.constants.map((c) => [c.cName, String(c.value)]),
  ]);
}

/** A guest printing `{"records": {...}, "values": {...}}` as the compiler sees them. */
function layoutProgram(model: Model, values: string[]): string {
  const records = model.records.map((r, i) => {
    const offsets = r.fields.map((f) => `\\"${f.name}\\":%zu`).join(',');
    const args = r.fields.map((f) => `offsetof(${r.cName}, ${f.name})`).join(', ');
    const sep = i ? ',' : '';
    const format = `${sep}\\"${r.cName}\\":{\\"size\\":%zu,\\"align\\":%zu,\\"offsets\\":{${offsets}}}`;
    return `    printf("${format}", sizeof(${r.cName}), _Alignof(${r.cName}), ${args});`;
  });
  // Values print as strings so that 64-bit values stay exact; the sign decides the conversion.
  const printed = values.map(
    (name, i) =>
      `    if ((${name}) < 0) printf("${i ? ',' : ''}\\"${name}\\":\\"%lld\\"", (long long)(${name})); ` +
      `else printf("${i ? ',' : ''}\\"${name}\\":\\"%llu\\"", (unsigned long long)(${name}));`,
  );
  return [
    '#define SPEAR_DISABLE_STDIO_REDIRECT_TO_LOG',
    '#include <spear.h>',
    '',
    'int main(void) {',
    '    printf("{\\"records\\":{");',
    ...records,
    '    printf("},\\"values\\":{");',
    ...printed,
    '    printf("}}\\n");',
    '    return 0;',
    '}',
    '',
  ].join('\n');
}

describe('C layouts and values', () => {
  let model: Model;
  let dir: string;
  before(() => {
    model = buildModel(path.join(ROOT, 'idl'));
    dir = tmpDir('c-layout');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('match the model on wasm32 for every record, errno, enum, flag and constant', () => {
    const values = expectedValues(model);
    const wasm = path.join(dir, 'layout.wasm');
    // `(NAME) < 0` is always false for the unsigned constants: that is the point, not a warning.
    const r = build('wasm-c', layoutProgram(model, Object.keys(values)), wasm, ['-Wno-sign-compare', '-Wno-type-limits']);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    const run = runWasi(wasm);
    assert.equal(run.code, 0);
    const seen = JSON.parse(run.stdout) as { records: Record<string, Layout>; values: Record<string, string> };

    const expected: Record<string, Layout> = Object.fromEntries(
      model.records.map((r) => {
        const offsets = Object.fromEntries(r.fields.map((f) => [f.name, f.offset]));
        return [r.cName, { size: r.size, align: r.align, offsets }];
      }),
    );
    assert.deepEqual(seen.records, expected);
    assert.deepEqual(seen.values, values);
  });
});

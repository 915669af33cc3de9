/**
 * The TypeScript back end lays its files out itself (`codegen/emit/ts/format.ts`): the
 * TypeScript formatter, with the settings the files follow, must find nothing to change in
 * them, for the real IDL and for one with many more hostcalls.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Project } from 'ts-morph';
import { emitTs } from '../../codegen/emit/ts';
import { indentTs } from '../../codegen/emit/ts/format';
import type { GeneratedFile } from '../../codegen/model';
import { buildModel } from '../../codegen/pipeline';
import { ROOT, tmpDir } from '../helpers/toolchain';

const IDL = path.join(ROOT, 'idl');

/** The formatter's settings the generated TypeScript follows. */
const SETTINGS = {
  indentSize: 2,
  tabSize: 2,
  convertTabsToSpaces: true,
  newLineCharacter: '\n',
  insertSpaceAfterCommaDelimiter: true,
  insertSpaceAfterSemicolonInForStatements: true,
  insertSpaceBeforeAndAfterBinaryOperators: true,
  insertSpaceAfterKeywordsInControlFlowStatements: true,
  insertSpaceAfterFunctionKeywordForAnonymousFunctions: true,
  insertSpaceAfterOpeningAndBeforeClosingNonemptyBraces: true,
  insertSpaceAfterOpeningAndBeforeClosingNonemptyParenthesis: false,
  insertSpaceAfterOpeningAndBeforeClosingNonemptyBrackets: false,
  insertSpaceAfterOpeningAndBeforeClosingTemplateStringBraces: false,
  placeOpenBraceOnNewLineForFunctions: false,
  placeOpenBraceOnNewLineForControlBlocks: false,
  trimTrailingWhitespace: true,
};

/** What the TypeScript formatter makes of `text`. */
function formatted(project: Project, file: string, text: string): string {
  const sf = project.createSourceFile(file, text, { overwrite: true });
  sf.formatText(SETTINGS);
  return sf.getFullText();
}

/** The first line where `a` and `b` differ, both versions. */
function firstDifference(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  const i = x.findIndex((line, k) => line !== y[k]);
  return `line ${i + 1}:\n  generated: ${JSON.stringify(x[i])}\n  formatter: ${JSON.stringify(y[i])}`;
}

function assertFormatted(files: GeneratedFile[]): void {
  const project = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true });
  for (const f of files) {
    const again = formatted(project, f.path, f.content);
    assert.ok(again === f.content, `${f.path}: the formatter would change ${firstDifference(f.content, again)}`);
  }
}

describe('ts layout: generated TypeScript is already formatted', function () {
  this.timeout(120000);

  it('for the real IDL', () => {
    assertFormatted(emitTs(buildModel(IDL)));
  });

  it('for an IDL with 50 more hostcalls of several parameter kinds', () => {
    const dir = tmpDir('layout');
    try {
      fs.cpSync(IDL, dir, { recursive: true });
      const kinds = [
        '{ name: fd, type: fd, doc: An fd. }',
        '{ name: input, type: in_bytes, doc: Input bytes. }',
        '{ name: out, type: out_bytes, doc: Output bytes. }',
        '{ name: flags, type: epoll_events, doc: Flags. }',
      ];
      const calls = Array.from({ length: 50 }, (_, i) => `  - name: layout_call_${i}
    family: synthetic
    doc: Synthetic hostcall ${i}.
    params:
${kinds.slice(0, (i % kinds.length) + 1).map((k) => `      - ${k}`).join('\n')}
    returns: { kind: ${i % kinds.length >= 2 ? 'count' : 'status'} }
    errors: [EBADF, EFAULT, ENOSPC]
`).join('');
      fs.writeFileSync(path.join(dir, 'synthetic.yaml'), `hostcalls:\n${calls}`);
      assertFormatted(emitTs(buildModel(dir)));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ts layout: indentTs', () => {
  const lay = (lines: string[]): string[] => indentTs(lines.join('\n')).split('\n');

  it('indents by the brackets open at the start of each line', () => {
    assert.deepStrictEqual(lay(['function f(a: number) {', 'return g({', 'x: [', '1,', '],', '}, a);', '}']), [
      'function f(a: number) {',
      '  return g({',
      '    x: [',
      '      1,',
      '    ],',
      '  }, a);',
      '}',
    ]);
  });

  it('indents the statements of a case one level more than its label', () => {
    assert.deepStrictEqual(lay(['switch (n) {', 'case 1:', 'return 2;', 'default:', 'return 0;', '}', 'const o = {', 'default: 1,', 'x: 2,', '};']), [
      'switch (n) {',
      '  case 1:',
      '    return 2;',
      '  default:',
      '    return 0;',
      '}',
      'const o = {',
      '  default: 1,',
      '  x: 2,',
      '};',
    ]);
  });

  it('keeps block comments aligned on their first line', () => {
    assert.deepStrictEqual(lay(['class A {', '/**', ' * Doc.', ' */', 'x = 1;', '}']), ['class A {', '  /**', '   * Doc.', '   */', '  x = 1;', '}']);
  });

  it('ignores brackets in strings, template literals, comments and regular expressions', () => {
    assert.deepStrictEqual(lay(['f(\'{\', "(", `[${g(1)}`, /[(]/, // {', 'x);', 'y;']), ['f(\'{\', "(", `[${g(1)}`, /[(]/, // {', '  x);', 'y;']);
  });

  it('leaves the lines of a template literal as they are, and removes trailing whitespace', () => {
    assert.deepStrictEqual(lay(['{', 'const t = `a', '   b {  ', '`;  ', '}']), ['{', '  const t = `a', '   b {  ', '`;', '}']);
  });
});

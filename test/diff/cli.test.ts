/** `hostwire diff`: output, exit codes, the version rules, --json and bad input. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { ROOT } from '../helpers/toolchain';
import { hostwire } from '../codegen/cli-helpers';
import { columns, diffJson, runDiff } from './helpers';
import { all, baseVersion, bumpMajor, bumpMinor, IDL, type IdlEdit, variant, version } from './variant';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'diff');
const V = baseVersion();

const removeEpollWait = all((idl) => idl.remove('hostcalls', 'spear_epoll_wait'));
const renumberEbadf = all((idl) => {
  idl.errno('EBADF').value = 8;
});
const addHostcall = all((idl) => {
  idl.add('hostcalls', 'time_now_ms', {
    name: 'time_now_us',
    family: 'util',
    doc: 'Microseconds on the host monotonic clock.',
    params: [],
    returns: { kind: 'value', type: 'i64' },
    errors: [],
  });
});

describe('hostwire diff: command line', () => {
  it('equal IDLs: prints exactly "no changes" and exits 0', () => {
    const r = runDiff([IDL, variant(() => undefined)]);
    assert.equal(r.code, 0);
    assert.deepEqual(r.stdout, ['no changes']);
    assert.deepEqual(r.stderr, []);
  });

  it('compares models, not YAML text: every file reformatted is still "no changes"', () => {
    const dir = variant(() => undefined);
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.yaml'))) {
      const p = path.join(dir, f);
      fs.writeFileSync(p, stringify(parse(fs.readFileSync(p, 'utf8')), { indent: 4, lineWidth: 0 }));
    }
    const r = runDiff([IDL, dir]);
    assert.deepEqual([r.code, r.stdout], [0, ['no changes']]);
  });

  it('removing spear_epoll_wait without a major bump: exit 1, the item named', () => {
    const r = runDiff([IDL, variant(removeEpollWait)]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stdout[0],
      `spear ${V.text} -> spear ${V.text}: 1 change (1 breaking, 0 dangerous, 0 source-only, 0 safe); breaking without a major version bump: expected ${V.major + 1}.0.0 or later`,
    );
    assert.deepEqual(columns(r.stdout[1]), ['breaking', 'removal', 'hostcalls/spear_epoll_wait', 'hostcall removed: guests that import spear.spear_epoll_wait fail to link']);
    assert.equal(r.stdout.length, 2);
  });

  it('renumbering an errno without a major bump: exit 1, the item named', () => {
    const r = runDiff([IDL, variant(renumberEbadf)]);
    assert.equal(r.code, 1);
    assert.deepEqual(columns(r.stdout[1]).slice(0, 3), ['breaking', 'renumbering', 'errno/EBADF']);
  });

  it('the same breaking changes with the major version bumped: exit 0, still listed', () => {
    for (const edit of [removeEpollWait, renumberEbadf]) {
      const { code, report } = diffJson(IDL, variant(all(edit, bumpMajor)));
      assert.equal(code, 0);
      assert.equal(report.breaking, true);
      assert.equal(report.majorBumped, true);
      assert.equal(report.changes.length, 1);
      assert.equal(report.changes[0].severity, 'breaking');
    }
    const r = runDiff([IDL, variant(all(removeEpollWait, bumpMajor))]);
    assert.ok(r.stdout[0].endsWith(`; breaking, and the major version was bumped (${V.text} -> ${V.major + 1}.0.0)`), r.stdout[0]);
  });

  it('a minor bump does not excuse a breaking change', () => {
    const { code } = diffJson(IDL, variant(all(removeEpollWait, bumpMinor)));
    assert.equal(code, 1);
  });

  it('adding a hostcall: exit 0, reported safe; warns when the minor was not bumped', () => {
    const r = runDiff([IDL, variant(addHostcall)]);
    assert.equal(r.code, 0);
    assert.deepEqual(columns(r.stdout[1]), ['safe', 'addition', 'hostcalls/time_now_us', 'hostcall spear.time_now_us added']);
    assert.deepEqual(r.stderr, [`hostwire diff: warning: 1 non-breaking change without a minor version bump: expected ${V.major}.${V.minor + 1}.0 (is ${V.text})`]);
    const bumped = runDiff([IDL, variant(all(addHostcall, bumpMinor))]);
    assert.equal(bumped.code, 0);
    assert.deepEqual(bumped.stderr, []);
  });

  it('a doc change asks for a patch bump only', () => {
    const doc = (idl: IdlEdit): void => {
      idl.item('hostcalls', 'log').doc = 'Log a line.';
    };
    const r = runDiff([IDL, variant(doc)]);
    assert.equal(r.code, 0);
    assert.deepEqual(r.stderr, [
      `hostwire diff: warning: 1 patch-level change (docs, renamed parameters) without a version bump: expected at least ${V.major}.${V.minor}.${V.patch + 1} (is ${V.text})`,
    ]);
    assert.deepEqual(runDiff([IDL, variant(all(doc, version(`${V.major}.${V.minor}.${V.patch + 1}`)))]).stderr, []);
  });

  it('warns when the version goes backwards', () => {
    const later = `${V.major}.${V.minor + 2}.0`;
    const { report } = diffJson(variant(version(later)), IDL);
    assert.deepEqual(report.warnings, [`the version went backwards: ${later} -> ${V.text}`]);
  });

  it('--json: the documented shape, sorted by severity then path', () => {
    const { code, report } = diffJson(IDL, variant(all(removeEpollWait, addHostcall, (idl) => {
      idl.item('hostcalls', 'spear_epoll_close').errors.push('EINTR');
      idl.item('hostcalls', 'log').doc = 'Log a line.';
    })));
    assert.equal(code, 1);
    assert.deepEqual(Object.keys(report), ['format', 'old', 'new', 'summary', 'changes', 'breaking', 'majorBumped', 'warnings', 'exitCode', 'domains']);
    assert.equal(report.format, 'hostwire-diff/1');
    assert.deepEqual(report.old, { source: IDL, name: 'spear', version: V.text });
    assert.equal(report.new.version, V.text);
    assert.deepEqual(report.summary, { breaking: 1, dangerous: 1, 'source-only': 0, safe: 2 });
    assert.deepEqual(
      report.changes.map((c) => [c.severity, c.category, c.path]),
      [
        ['breaking', 'removal', 'hostcalls/spear_epoll_wait'],
        ['dangerous', 'addition', 'hostcalls/spear_epoll_close/errors/EINTR'],
        ['safe', 'doc-change', 'hostcalls/log/doc'],
        ['safe', 'addition', 'hostcalls/time_now_us'],
      ],
    );
    for (const c of report.changes) assert.deepEqual(Object.keys(c), ['severity', 'category', 'path', 'message', 'domain']);
    assert.deepEqual(new Set(report.changes.map((c) => c.domain)), new Set(['spear']));
    assert.deepEqual([report.breaking, report.majorBumped, report.exitCode], [true, false, 1]);
    assert.deepEqual(report.warnings, []);
  });

  it('--json is deterministic: the same inputs give the same bytes', () => {
    const dir = variant(all(removeEpollWait, addHostcall, renumberEbadf));
    assert.deepEqual(runDiff(['--json', IDL, dir]).stdout, runDiff([IDL, dir, '--json']).stdout);
  });

  it('takes IDL files as well as folders (a one-file fixture pair)', () => {
    const { code, report } = diffJson(path.join(FIXTURES, 'single-file', 'old', 'ping.yaml'), path.join(FIXTURES, 'single-file', 'new', 'ping.yaml'));
    assert.equal(code, 0);
    assert.deepEqual(
      report.changes.map((c) => [c.severity, c.category, c.path]),
      [
        ['dangerous', 'addition', 'hostcalls/ping/errors/EINTR'],
        ['safe', 'addition', 'errno/EINTR'],
      ],
    );
    assert.deepEqual(report.warnings, []);
  });

  it('a broken IDL exits 2 with its diagnostics, as hostwire generate prints them', () => {
    const dir = variant((idl) => {
      idl.member('hostcalls', 'spear_epoll_wait', 'params', 'timeout_ms').type = 'i33';
    });
    const r = runDiff([IDL, dir]);
    assert.equal(r.code, 2);
    assert.deepEqual(r.stdout, []);
    assert.match(r.stderr[0], /epoll\.yaml:\d+: \/hostcalls\/\d+\/params\/\d+\/type: unknown type 'i33'/);
    assert.equal(r.stderr[r.stderr.length - 1], `hostwire diff: 1 problem in ${dir}; nothing compared`);
  });

  it('a missing input exits 2', () => {
    const r = runDiff([IDL, path.join(FIXTURES, 'no-such-folder')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr[0], /no-such-folder: \/: no such file or folder; expected an IDL file or a folder of them$/);
  });

  it('bad usage exits 2 with the usage', () => {
    for (const args of [[], [IDL], [IDL, IDL, IDL], ['--bogus', IDL, IDL]]) {
      const r = runDiff(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.ok(r.stderr.some((l) => l.startsWith('usage: hostwire diff OLD NEW [--json]')), r.stderr.join('\n'));
    }
  });

  it('runs from the hostwire binary', () => {
    const r = hostwire(['diff', IDL, variant(removeEpollWait)]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^breaking {5}removal {2}hostcalls\/spear_epoll_wait {2}/m);
    const help = hostwire(['help']);
    assert.match(help.stdout, /^ {2}diff OLD NEW \[--json\]/m);
  });
});

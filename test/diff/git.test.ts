/** `git:REF[:PATH]` inputs: the IDL at a revision of the current repository. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseGitSpec } from '../../codegen/diff/git';
import { ROOT } from '../helpers/toolchain';
import { diffJson, runDiff } from './helpers';
import { bumpMajor, IdlEdit, IDL, scratch } from './variant';

/** Run git in `cwd` with a throwaway identity (test repositories only). */
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=hostwire test', '-c', 'user.email=test@hostwire.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
}

/** A fresh repository whose first commit holds a copy of the real IDL under idl/. */
function repoWithIdl(): string {
  const dir = scratch('diff-repo');
  git(dir, 'init', '-q');
  fs.cpSync(IDL, path.join(dir, 'idl'), { recursive: true });
  git(dir, 'add', 'idl');
  git(dir, 'commit', '-q', '-m', 'IDL');
  return dir;
}

function edit(dir: string, f: (idl: IdlEdit) => void): void {
  const e = new IdlEdit(path.join(dir, 'idl'));
  f(e);
  e.save();
}

describe('hostwire diff: git inputs', () => {
  it('parses git:REF and git:REF:PATH', () => {
    assert.deepEqual(parseGitSpec('git:HEAD'), { ref: 'HEAD', path: 'idl' });
    assert.deepEqual(parseGitSpec('git:HEAD~1:abi/idl/'), { ref: 'HEAD~1', path: 'abi/idl' });
    assert.deepEqual(parseGitSpec('git:main:./idl/abi.yaml'), { ref: 'main', path: 'idl/abi.yaml' });
    assert.deepEqual(parseGitSpec('git:v1.0.0:.'), { ref: 'v1.0.0', path: '' });
    assert.equal(parseGitSpec('idl'), undefined);
  });

  it('git:HEAD against the working tree: an uncommitted removal exits 1 and is named', () => {
    const repo = repoWithIdl();
    edit(repo, (idl) => idl.remove('hostcalls', 'spear_epoll_wait'));
    const r = runDiff(['git:HEAD', 'idl'], repo);
    assert.equal(r.code, 1, r.stderr.join('\n'));
    assert.match(r.stdout[1], /^breaking +removal +hostcalls\/spear_epoll_wait /);
    // from a subfolder: PATH is relative to the top of the repository, NEW to the cwd
    assert.equal(runDiff(['git:HEAD', '.'], path.join(repo, 'idl')).code, 1);
  });

  it('git:REF against git:REF: commits compared without touching the working tree', () => {
    const repo = repoWithIdl();
    edit(repo, (idl) => idl.remove('hostcalls', 'spear_epoll_wait'));
    git(repo, 'commit', '-q', '-am', 'remove spear_epoll_wait');
    fs.rmSync(path.join(repo, 'idl'), { recursive: true }); // not needed for git inputs
    const { code, report } = diffJson('git:HEAD~1', 'git:HEAD', repo);
    assert.equal(code, 1);
    assert.deepEqual(report.changes.map((c) => c.path), ['hostcalls/spear_epoll_wait']);
    assert.deepEqual([report.old.source, report.new.source], ['git:HEAD~1', 'git:HEAD']);
    assert.deepEqual(runDiff(['git:HEAD', 'git:HEAD:./idl/'], repo).stdout, ['no changes']);
  });

  it('the same removal committed with a major bump exits 0', () => {
    const repo = repoWithIdl();
    edit(repo, (idl) => {
      idl.remove('hostcalls', 'spear_epoll_wait');
      bumpMajor(idl);
    });
    git(repo, 'commit', '-q', '-am', 'ABI 2');
    const { code, report } = diffJson('git:HEAD~1', 'git:HEAD', repo);
    assert.deepEqual([code, report.breaking, report.majorBumped], [0, true, true]);
  });

  it('a broken IDL at a revision exits 2 and names REF:path', () => {
    const repo = repoWithIdl();
    edit(repo, (idl) => {
      idl.member('hostcalls', 'spear_epoll_wait', 'params', 'timeout_ms').type = 'i33';
    });
    git(repo, 'commit', '-q', '-am', 'broken');
    const r = runDiff(['git:HEAD~1', 'git:HEAD'], repo);
    assert.equal(r.code, 2);
    assert.match(r.stderr[0], /^HEAD:idl\/epoll\.yaml:\d+: \/hostcalls\/\d+\/params\/\d+\/type: unknown type 'i33'/);
    assert.equal(r.stderr[r.stderr.length - 1], 'hostwire diff: 1 problem in git:HEAD; nothing compared');
  });

  it('an unknown revision, a missing path or no repository exits 2 with one clear line', () => {
    const repo = repoWithIdl();
    const cases: Array<[string[], string, RegExp]> = [
      [['git:HEAD~1', 'idl'], repo, /^hostwire diff: git:HEAD~1: unknown revision 'HEAD~1' in /],
      [['git:HEAD:nope', 'idl'], repo, /^hostwire diff: git:HEAD:nope: no file or folder 'nope' at HEAD \([0-9a-f]{12}\)$/],
      [['git:', 'idl'], repo, /^hostwire diff: git:: expected a revision after 'git:'/],
      [['git:HEAD', IDL], scratch('not-a-repo'), /^hostwire diff: git:HEAD: .* is not inside a git repository$/],
    ];
    for (const [args, cwd, want] of cases) {
      const r = runDiff(args, cwd);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr[0], want);
    }
  });

  it('this repository: git:HEAD reads the committed IDL', () => {
    assert.deepEqual(runDiff(['git:HEAD', 'git:HEAD:idl'], ROOT).stdout, ['no changes']);
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'idl'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const r = runDiff(['git:HEAD', 'idl'], ROOT);
    if (dirty === '') assert.deepEqual([r.code, r.stdout], [0, ['no changes']]);
    else assert.notEqual(r.code, 2, r.stderr.join('\n')); // someone is editing idl/: whatever it says, it read both
  });
});

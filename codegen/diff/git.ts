/**
 * `git:REF` and `git:REF:PATH`: the IDL as it was at a revision of the current repository,
 * copied into a folder with `git ls-tree` and `git cat-file` (the working tree is not touched).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A problem with an input that is not a broken IDL: an unknown revision, a missing path. */
export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

export interface GitSpec {
  ref: string;
  /** Path inside the repository, relative to its top level, without `./` or a trailing `/`. */
  path: string;
}

export const DEFAULT_IDL_PATH = 'idl';
const IDL_FILE = /\.(ya?ml|json)$/;

/** Parse `git:REF[:PATH]`; undefined when `spec` is not a git spec. Ref names cannot hold ':'. */
export function parseGitSpec(spec: string): GitSpec | undefined {
  if (!spec.startsWith('git:')) return undefined;
  const rest = spec.slice(4);
  const colon = rest.indexOf(':');
  const ref = colon < 0 ? rest : rest.slice(0, colon);
  const p = colon < 0 ? DEFAULT_IDL_PATH : rest.slice(colon + 1);
  const clean = p.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  return { ref, path: clean === '.' ? '' : clean };
}

function git(cwd: string, args: string[]): { ok: boolean; stdout: Buffer; stderr: string } {
  const r = spawnSync('git', args, { cwd, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new SourceError(`cannot run git: ${r.error.message}`);
  return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr.toString('utf8').trim() };
}

/**
 * Copy the IDL file or folder at `spec` into `into`. Returns the path to build the model
 * from: `into` itself for a folder, the copied file for a file.
 */
export function extractGitIdl(cwd: string, spec: GitSpec, into: string): string {
  const shown = `git:${spec.ref}${spec.path === DEFAULT_IDL_PATH ? '' : `:${spec.path}`}`;
  if (spec.ref === '') throw new SourceError(`${shown}: expected a revision after 'git:' (git:HEAD, git:main, git:HEAD~1:idl)`);
  const top = git(cwd, ['rev-parse', '--show-toplevel']);
  if (!top.ok) throw new SourceError(`${shown}: ${cwd} is not inside a git repository`);
  const root = top.stdout.toString('utf8').trim();
  const commit = git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${spec.ref}^{commit}`]);
  if (!commit.ok) throw new SourceError(`${shown}: unknown revision '${spec.ref}' in ${root}`);
  const sha = commit.stdout.toString('utf8').trim();
  const ls = git(root, ['ls-tree', '-r', '-z', '--full-tree', sha, ...(spec.path ? ['--', spec.path] : [])]);
  if (!ls.ok) throw new SourceError(`${shown}: git ls-tree failed: ${ls.stderr}`);
  const entries = ls.stdout
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode, type, object] = line.slice(0, tab).split(' ');
      return { mode, type, object, file: line.slice(tab + 1) };
    })
    .filter((e) => e.type === 'blob' && e.mode !== '120000')
    // a folder: only what `hostwire generate` would read from it
    .filter((e) => e.file === spec.path || IDL_FILE.test(e.file));
  if (entries.length === 0) throw new SourceError(`${shown}: no file or folder '${spec.path || '.'}' at ${spec.ref} (${sha.slice(0, 12)})`);
  const single = entries.length === 1 && entries[0].file === spec.path;
  for (const e of entries) {
    const rel = single ? path.posix.basename(e.file) : spec.path ? e.file.slice(spec.path.length + 1) : e.file;
    const blob = git(root, ['cat-file', 'blob', e.object]);
    if (!blob.ok) throw new SourceError(`${shown}: cannot read ${e.file}: ${blob.stderr}`);
    const dest = path.join(into, ...rel.split('/'));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, blob.stdout);
  }
  return single ? path.join(into, path.posix.basename(spec.path)) : into;
}

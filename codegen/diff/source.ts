/** An input of `hostwire diff`: an IDL file or folder, or `git:REF[:PATH]`, built into a model. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IdlError } from '../diagnostics';
import type { Model } from '../model';
import { buildModel } from '../frontend';
import { extractGitIdl, parseGitSpec } from './git';

/** A diff compares IDLs and generates nothing: what only the back ends need is not asked. */
const DIFF = { generate: false };

/**
 * Build the model of `spec`, relative to `cwd`. Throws IdlError for a broken IDL (for a git
 * input, each diagnostic names the file as `REF:PATH/file`) and SourceError for a bad input.
 */
export function loadModel(spec: string, cwd: string): Model {
  const g = parseGitSpec(spec);
  if (!g) return buildModel(path.resolve(cwd, spec), DIFF);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hostwire-diff-'));
  try {
    const at = extractGitIdl(cwd, g, tmp);
    try {
      return buildModel(at, DIFF);
    } catch (e) {
      if (!(e instanceof IdlError)) throw e;
      const rename = (file: string): string => {
        const real = path.resolve(file);
        if (!real.startsWith(tmp)) return file;
        const rel = path.relative(tmp, real).split(path.sep).join('/');
        const inRepo = fs.statSync(at).isFile() ? g.path : [g.path, rel].filter(Boolean).join('/');
        return `${g.ref}:${inRepo}`;
      };
      throw new IdlError(e.diagnostics.map((d) => ({ ...d, file: rename(d.file) })));
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

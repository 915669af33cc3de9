/** Helpers for tests that run `hostwire generate` on edited copies of the IDL. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, tmpDir } from '../helpers/toolchain';

export const IDL = path.join(ROOT, 'idl');
export const BIN = path.join(ROOT, 'bin', 'hostwire.js');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Run the hostwire CLI with `args` in `cwd`. */
export function hostwire(args: string[], cwd = ROOT): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Copy the IDL into a fresh folder and apply `edits` (file -> [from, to] replacements).
 * Every `from` must occur, so an edit that no longer applies fails loudly instead of testing nothing.
 */
export function editedIdl(edits: Record<string, Array<[string | RegExp, string]>>): string {
  const dir = tmpDir('idl');
  fs.cpSync(IDL, path.join(dir, 'idl'), { recursive: true });
  for (const [file, subs] of Object.entries(edits)) {
    const p = path.join(dir, 'idl', file);
    let text = fs.readFileSync(p, 'utf8');
    for (const [from, to] of subs) {
      const next = text.replace(from, to);
      if (next === text) throw new Error(`edit of ${file} did not apply: ${String(from)}`);
      text = next;
    }
    fs.writeFileSync(p, text);
  }
  return dir;
}

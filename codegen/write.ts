/** Stage 5: write the generated files, or compare them with what is on disk. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GeneratedFile } from './model';

export interface Drift {
  path: string;
  reason: 'changed' | 'missing' | 'extra';
}

function listFiles(dir: string, base = dir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(p, base) : [path.relative(base, p).split(path.sep).join('/')];
  });
}

/** Compare `files` with the folder: changed, missing, and stray files the generator no longer writes. */
export function checkFiles(outDir: string, files: GeneratedFile[]): Drift[] {
  const drift: Drift[] = [];
  const want = new Set(files.map((f) => f.path));
  for (const f of files) {
    const p = path.join(outDir, f.path);
    if (!fs.existsSync(p)) drift.push({ path: f.path, reason: 'missing' });
    else if (fs.readFileSync(p, 'utf8') !== f.content) drift.push({ path: f.path, reason: 'changed' });
  }
  for (const p of listFiles(outDir)) if (!want.has(p)) drift.push({ path: p, reason: 'extra' });
  return drift.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Write `files` under `outDir`, rewriting only what changed and removing stray files. */
export function writeFiles(outDir: string, files: GeneratedFile[]): { written: string[]; removed: string[] } {
  const written: string[] = [];
  const removed: string[] = [];
  for (const d of checkFiles(outDir, files)) {
    const p = path.join(outDir, d.path);
    if (d.reason === 'extra') {
      fs.rmSync(p);
      removed.push(d.path);
    } else {
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, files.find((f) => f.path === d.path)!.content);
      written.push(d.path);
    }
  }
  return { written, removed };
}

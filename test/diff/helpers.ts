/** Run `hostwire diff` in-process and capture what it prints. */
import { diffMain } from '../../codegen/diff/cli';
import type { DiffReport } from '../../codegen/diff/report';

export interface DiffRun {
  code: number;
  stdout: string[];
  stderr: string[];
}

export function runDiff(args: string[], cwd?: string): DiffRun {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = diffMain(args, { out: (s) => stdout.push(...s.split('\n')), err: (s) => stderr.push(...s.split('\n')), cwd });
  return { code, stdout, stderr };
}

/** `hostwire diff --json OLD NEW`, parsed; fails the test on exit 2. */
export function diffJson(oldSpec: string, newSpec: string, cwd?: string): { code: number; report: DiffReport } {
  const r = runDiff(['--json', oldSpec, newSpec], cwd);
  if (r.code === 2) throw new Error(`hostwire diff exited 2:\n${r.stderr.join('\n')}`);
  return { code: r.code, report: JSON.parse(r.stdout.join('\n')) as DiffReport };
}

/** The columns of a human report line: severity, category, path, message. */
export function columns(line: string): string[] {
  const m = /^(\S+) +(\S+) +(\S+) +(.*)$/.exec(line);
  if (!m) throw new Error(`not a change line: ${line}`);
  return m.slice(1);
}

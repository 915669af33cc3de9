/** `hostwire diff OLD NEW [--json]` */
import { parseArgs } from 'node:util';
import { formatDiagnostic, IdlError } from '../diagnostics';
import type { Model } from '../model';
import { formatJson, formatText } from './format';
import { SourceError } from './git';
import { buildReport } from './report';
import { loadModel } from './source';

export const DIFF_USAGE = `usage: hostwire diff OLD NEW [--json]

  OLD, NEW   an IDL file or folder; or git:REF for the idl/ folder at a revision of
             the current repository (git:HEAD, git:main, git:HEAD~1); or git:REF:PATH
  --json     print the report as JSON (format: codegen/diff/README.md)

Classifies every change from OLD to NEW as breaking, dangerous, source-only or safe, and
attributes it to a version domain: the protocol of its item, else the ABI.
Exit codes: 0 no breaking change, or NEW bumped the major version of every domain with one;
1 a breaking change without a major version bump of its domain; 2 an unreadable IDL or bad
usage.`;

export interface DiffIo {
  out?: (s: string) => void;
  err?: (s: string) => void;
  /** Where relative paths and `git:` inputs are resolved (default: the working directory). */
  cwd?: string;
}

/** Run the diff command; returns the process exit code. */
export function diffMain(argv: string[], io: DiffIo = {}): number {
  const out = io.out ?? ((s: string) => console.log(s));
  const err = io.err ?? ((s: string) => console.error(s));
  const cwd = io.cwd ?? process.cwd();
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    err(`hostwire diff: ${(e as Error).message}\n${DIFF_USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    out(DIFF_USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 2) {
    err(`hostwire diff: expected OLD and NEW, got ${parsed.positionals.length} argument${parsed.positionals.length === 1 ? '' : 's'}\n${DIFF_USAGE}`);
    return 2;
  }
  const [oldSpec, newSpec] = parsed.positionals;
  const models: Model[] = [];
  let failed = false;
  for (const spec of [oldSpec, newSpec]) {
    try {
      models.push(loadModel(spec, cwd));
    } catch (e) {
      failed = true;
      if (e instanceof IdlError) {
        for (const d of e.diagnostics) err(formatDiagnostic(d));
        err(`hostwire diff: ${e.diagnostics.length} problem${e.diagnostics.length === 1 ? '' : 's'} in ${spec}; nothing compared`);
      } else if (e instanceof SourceError) {
        err(`hostwire diff: ${e.message}`);
      } else throw e;
    }
  }
  if (failed) return 2;
  const report = buildReport(oldSpec, models[0], newSpec, models[1]);
  if (parsed.values.json) {
    out(formatJson(report));
  } else {
    for (const line of formatText(report)) out(line);
    for (const w of report.warnings) err(`hostwire diff: warning: ${w}`);
  }
  return report.exitCode;
}

/** Rendering a report: aligned text for people, stable JSON for tools. */
import { SEVERITIES } from './change';
import type { DiffReport } from './report';

const SEVERITY_WIDTH = Math.max(...SEVERITIES.map((s) => s.length));

/** The lines of the human report (stdout). Warnings are separate (stderr). */
export function formatText(r: DiffReport): string[] {
  if (r.changes.length === 0) return ['no changes'];
  const counts = SEVERITIES.map((s) => `${r.summary[s]} ${s}`).join(', ');
  const versions = `${r.old.name} ${r.old.version} -> ${r.new.name} ${r.new.version}`;
  const outcome = !r.breaking
    ? 'no breaking change'
    : r.majorBumped
      ? `breaking, and the major version was bumped (${r.old.version} -> ${r.new.version})`
      : `breaking without a major version bump: expected ${Number(r.old.version.split('.')[0]) + 1}.0.0 or later`;
  const summary = `${versions}: ${r.changes.length} change${r.changes.length === 1 ? '' : 's'} (${counts}); ${outcome}`;
  const catWidth = Math.max(...r.changes.map((c) => c.category.length));
  const pathWidth = Math.max(...r.changes.map((c) => c.path.length));
  const lines = r.changes.map((c) => `${c.severity.padEnd(SEVERITY_WIDTH)}  ${c.category.padEnd(catWidth)}  ${c.path.padEnd(pathWidth)}  ${c.message}`);
  return [summary, ...lines];
}

/** The JSON report: keys in a fixed order, changes already sorted. */
export function formatJson(r: DiffReport): string {
  return JSON.stringify(r, null, 2);
}

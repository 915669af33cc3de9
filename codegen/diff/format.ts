/** Rendering a report: aligned text for people, stable JSON for tools. */
import { SEVERITIES } from './change';
import type { DiffReport, ReportChange } from './report';
import type { DomainVerdict } from './version';

const SEVERITY_WIDTH = Math.max(...SEVERITIES.map((s) => s.length));

const nextMajor = (version: string): string => `${Number(version.split('.')[0]) + 1}.0.0`;

const counted = (changes: readonly ReportChange[]): string => {
  const counts = SEVERITIES.map((s) => `${changes.filter((c) => c.severity === s).length} ${s}`).join(', ');
  return `${changes.length} change${changes.length === 1 ? '' : 's'} (${counts})`;
};

/** What a domain's verdict says: no breaking change, bumped, or the bump expected. */
function outcome(d: DomainVerdict, abi: DomainVerdict): string {
  if (!d.breaking) return 'no breaking change';
  if (d.old !== null && d.new !== null) {
    return d.majorBumped
      ? `breaking, and the major version was bumped (${d.old} -> ${d.new})`
      : `breaking without a major version bump: expected ${nextMajor(d.old)} or later`;
  }
  const why = `protocol ${d.name} is ${d.old === null ? 'new' : 'gone'}, so its breaking changes need the ABI's major version raised`;
  return d.majorBumped ? `breaking; ${why}, and it was (${abi.old} -> ${abi.new})` : `breaking without a major version bump: ${why}: expected ${nextMajor(abi.old!)} or later`;
}

/** The summary's verdict over every domain; for the ABI alone, the ABI's own. */
function overall(r: DiffReport): string {
  const breaking = r.domains.filter((d) => d.breaking);
  if (breaking.length === 0) return 'no breaking change';
  const abi = r.domains[0];
  if (breaking.length === 1 && breaking[0].kind === 'abi') return outcome(abi, abi);
  const failing = breaking.filter((d) => !d.majorBumped);
  if (failing.length === 0) {
    return `breaking, and each domain with a breaking change raised its major version (${breaking.map((d) => `${d.name} ${d.old ?? '(new)'} -> ${d.new ?? '(gone)'}`).join(', ')})`;
  }
  const expected = (d: DomainVerdict): string =>
    d.old !== null && d.new !== null
      ? `${d.name} expected ${nextMajor(d.old)} or later`
      : `${d.name} is ${d.old === null ? 'new' : 'gone'}: expected the ABI's major version raised to ${nextMajor(abi.old!)} or later`;
  return `breaking without a major version bump: ${failing.map(expected).join('; ')}`;
}

/** `transfer 1.0.0 -> 2.0.0: 1 change (...); breaking, and the major version was bumped (1.0.0 -> 2.0.0)` */
function domainLine(r: DiffReport, d: DomainVerdict): string {
  const mine = r.changes.filter((c) => c.domain === d.name);
  return `${d.name} ${d.old ?? '(new)'} -> ${d.new ?? '(gone)'}: ${counted(mine)}; ${outcome(d, r.domains[0])}`;
}

/**
 * The lines of the human report (stdout): the summary, a line per version domain with changes
 * when any change belongs to a protocol, then a line per change. Warnings are separate (stderr).
 */
export function formatText(r: DiffReport): string[] {
  if (r.changes.length === 0) return ['no changes'];
  const versions = `${r.old.name} ${r.old.version} -> ${r.new.name} ${r.new.version}`;
  const summary = `${versions}: ${counted(r.changes)}; ${overall(r)}`;
  const protocols = r.changes.some((c) => c.domain !== r.domains[0].name);
  const domains = protocols ? r.domains.filter((d) => r.changes.some((c) => c.domain === d.name)).map((d) => domainLine(r, d)) : [];
  const catWidth = Math.max(...r.changes.map((c) => c.category.length));
  const pathWidth = Math.max(...r.changes.map((c) => c.path.length));
  const lines = r.changes.map((c) => `${c.severity.padEnd(SEVERITY_WIDTH)}  ${c.category.padEnd(catWidth)}  ${c.path.padEnd(pathWidth)}  ${c.message}`);
  return [summary, ...domains, ...lines];
}

/** The JSON report: keys in a fixed order, changes already sorted. */
export function formatJson(r: DiffReport): string {
  return JSON.stringify(r, null, 2);
}

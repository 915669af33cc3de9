/**
 * The version rules. A breaking change needs a greater major version in NEW; without one the
 * diff fails (exit 1). Any other change should come with a greater minor (or major) version,
 * and patch-level changes (safe doc changes, parameter renames, a layout keyword that moves
 * nothing) with at least a greater patch: those are warnings, not failures.
 */
import type { AbiMeta } from '../model';
import type { Change } from './change';

export interface Verdict {
  breaking: boolean;
  majorBumped: boolean;
  exitCode: 0 | 1;
  warnings: string[];
}

type Version = AbiMeta['version'];

/** Safe changes that need no more than a patch release. */
const isPatchLevel = (c: Change): boolean => c.severity === 'safe' && (c.category === 'doc-change' || c.category === 'rename' || c.category === 'layout-change');

const cmpVersion = (a: Version, b: Version): number => a.major - b.major || a.minor - b.minor || a.patch - b.patch;

export function verdict(oldAbi: AbiMeta, newAbi: AbiMeta, changes: readonly Change[]): Verdict {
  const a = oldAbi.version;
  const b = newAbi.version;
  const breaking = changes.some((c) => c.severity === 'breaking');
  const majorBumped = b.major > a.major;
  const warnings: string[] = [];
  if (cmpVersion(b, a) < 0) warnings.push(`the version went backwards: ${a.text} -> ${b.text}`);
  const minor = changes.filter((c) => !isPatchLevel(c));
  if (!breaking && minor.length > 0 && b.major === a.major && b.minor <= a.minor) {
    warnings.push(`${minor.length} non-breaking change${minor.length === 1 ? '' : 's'} without a minor version bump: expected ${a.major}.${a.minor + 1}.0 (is ${b.text})`);
  }
  if (minor.length === 0 && changes.length > 0 && cmpVersion(b, a) <= 0) {
    warnings.push(`${changes.length} patch-level change${changes.length === 1 ? '' : 's'} (docs, renamed parameters) without a version bump: expected at least ${a.major}.${a.minor}.${a.patch + 1} (is ${b.text})`);
  }
  return { breaking, majorBumped, exitCode: breaking && !majorBumped ? 1 : 0, warnings };
}

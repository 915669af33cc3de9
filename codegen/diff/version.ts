/**
 * The version rules, per version domain: the ABI (`abi.version`: hostcalls, errno, flags and
 * every item of no protocol) and each protocol (its own `version`: the items that name it).
 *
 * A breaking change needs a greater major version of its domain in NEW; without one the diff
 * fails (exit 1). Any other change should come with a greater minor (or major) version of its
 * domain, and patch-level changes (safe doc changes, parameter renames, a layout keyword that
 * moves nothing) with at least a greater patch: those are warnings, not failures. A protocol
 * that exists on one side only has no version to raise: its breaking changes need the ABI's
 * major version raised.
 */
import type { Model, Version } from '../model';
import type { Change } from './change';

export type DomainKind = 'abi' | 'protocol';

/** The verdict on one version domain (`domains` in the JSON report). */
export interface DomainVerdict {
  /** The ABI name (`spear`) or the protocol name (`transfer`). */
  name: string;
  kind: DomainKind;
  /** Its version in OLD and in NEW; null where the protocol does not exist. */
  old: string | null;
  new: string | null;
  /** Whether any change of the domain is breaking. */
  breaking: boolean;
  /** Whether NEW's major version of the domain is greater than OLD's (for a protocol on one side only: the ABI's). */
  majorBumped: boolean;
}

export interface Verdict {
  /** Whether any change is breaking. */
  breaking: boolean;
  /** Whether NEW's ABI major version is greater than OLD's. */
  majorBumped: boolean;
  exitCode: 0 | 1;
  warnings: string[];
  /** The ABI first, then each protocol (NEW's order, then those only in OLD). */
  domains: DomainVerdict[];
}

/** A change and the domain it belongs to: a protocol name, or undefined for the ABI. */
export interface DomainChange {
  change: Change;
  protocol: string | undefined;
}

/** Safe changes that need no more than a patch release. */
const isPatchLevel = (c: Change): boolean => c.severity === 'safe' && (c.category === 'doc-change' || c.category === 'rename' || c.category === 'layout-change');

const cmpVersion = (a: Version, b: Version): number => a.major - b.major || a.minor - b.minor || a.patch - b.patch;

/** The warnings of one domain present on both sides; `prefix` names a protocol ('' for the ABI). */
function versionWarnings(a: Version, b: Version, changes: readonly Change[], prefix: string): string[] {
  const warnings: string[] = [];
  const breaking = changes.some((c) => c.severity === 'breaking');
  if (cmpVersion(b, a) < 0) warnings.push(`${prefix}the version went backwards: ${a.text} -> ${b.text}`);
  const minor = changes.filter((c) => !isPatchLevel(c));
  if (!breaking && minor.length > 0 && b.major === a.major && b.minor <= a.minor) {
    warnings.push(`${prefix}${minor.length} non-breaking change${minor.length === 1 ? '' : 's'} without a minor version bump: expected ${a.major}.${a.minor + 1}.0 (is ${b.text})`);
  }
  if (minor.length === 0 && changes.length > 0 && cmpVersion(b, a) <= 0) {
    warnings.push(`${prefix}${changes.length} patch-level change${changes.length === 1 ? '' : 's'} (docs, renamed parameters) without a version bump: expected at least ${a.major}.${a.minor}.${a.patch + 1} (is ${b.text})`);
  }
  return warnings;
}

export function verdict(oldModel: Model, newModel: Model, changes: readonly DomainChange[]): Verdict {
  const abiA = oldModel.abi.version;
  const abiB = newModel.abi.version;
  const abiBumped = abiB.major > abiA.major;
  const warnings: string[] = [];
  const domains: DomainVerdict[] = [];

  const abiChanges = changes.filter((c) => c.protocol === undefined).map((c) => c.change);
  warnings.push(...versionWarnings(abiA, abiB, abiChanges, ''));
  domains.push({
    name: newModel.abi.name,
    kind: 'abi',
    old: abiA.text,
    new: abiB.text,
    breaking: abiChanges.some((c) => c.severity === 'breaking'),
    majorBumped: abiBumped,
  });

  const names = [...new Set([...newModel.protocols.map((p) => p.name), ...oldModel.protocols.map((p) => p.name)])];
  for (const name of names) {
    const a = oldModel.protocols.find((p) => p.name === name)?.version;
    const b = newModel.protocols.find((p) => p.name === name)?.version;
    const mine = changes.filter((c) => c.protocol === name).map((c) => c.change);
    if (a && b) warnings.push(...versionWarnings(a, b, mine, `protocol ${name}: `));
    domains.push({
      name,
      kind: 'protocol',
      old: a?.text ?? null,
      new: b?.text ?? null,
      breaking: mine.some((c) => c.severity === 'breaking'),
      majorBumped: a && b ? b.major > a.major : abiBumped,
    });
  }

  return {
    breaking: changes.some((c) => c.change.severity === 'breaking'),
    majorBumped: abiBumped,
    exitCode: domains.some((d) => d.breaking && !d.majorBumped) ? 1 : 0,
    warnings,
    domains,
  };
}

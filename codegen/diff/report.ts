/** The result of `hostwire diff`: what `--json` prints, and what the human output is made from. */
import type { Model } from '../model';
import { countBySeverity, type Change, type Severity } from './change';
import { diffModels } from './diff';
import { domainOf } from './protocols';
import { verdict, type DomainVerdict } from './version';

export const REPORT_FORMAT = 'hostwire-diff/1';

export interface ReportSide {
  /** The input as given (`idl`, `git:HEAD`). */
  source: string;
  /** The ABI name (`spear`). */
  name: string;
  /** The ABI version (`1.0.0`). */
  version: string;
}

/** A change and its version domain: the protocol's name, or the ABI's (`spear`). */
export interface ReportChange extends Change {
  domain: string;
}

export interface DiffReport {
  format: typeof REPORT_FORMAT;
  old: ReportSide;
  new: ReportSide;
  summary: Record<Severity, number>;
  changes: ReportChange[];
  /** Whether any change is breaking. */
  breaking: boolean;
  /** Whether NEW's ABI major version is greater than OLD's. */
  majorBumped: boolean;
  warnings: string[];
  /** 1 when a domain has a breaking change without a major version bump of its own, else 0. */
  exitCode: 0 | 1;
  /** The verdict per version domain: the ABI first, then each protocol. */
  domains: DomainVerdict[];
}

export function buildReport(oldSource: string, oldModel: Model, newSource: string, newModel: Model): DiffReport {
  const changes = diffModels(oldModel, newModel);
  const attributed = changes.map((change) => ({ change, protocol: domainOf(change.path, oldModel, newModel) }));
  const v = verdict(oldModel, newModel, attributed);
  const side = (source: string, m: Model): ReportSide => ({ source, name: m.abi.name, version: m.abi.version.text });
  return {
    format: REPORT_FORMAT,
    old: side(oldSource, oldModel),
    new: side(newSource, newModel),
    summary: countBySeverity(changes),
    changes: attributed.map(({ change, protocol }) => ({ ...change, domain: protocol ?? newModel.abi.name })),
    breaking: v.breaking,
    majorBumped: v.majorBumped,
    warnings: v.warnings,
    exitCode: v.exitCode,
    domains: v.domains,
  };
}

/** The result of `hostwire diff`: what `--json` prints, and what the human output is made from. */
import type { Model } from '../model';
import { countBySeverity, type Change, type Severity } from './change';
import { diffModels } from './diff';
import { verdict } from './version';

export const REPORT_FORMAT = 'hostwire-diff/1';

export interface ReportSide {
  /** The input as given (`idl`, `git:HEAD`). */
  source: string;
  /** The ABI name (`spear`). */
  name: string;
  /** The ABI version (`1.0.0`). */
  version: string;
}

export interface DiffReport {
  format: typeof REPORT_FORMAT;
  old: ReportSide;
  new: ReportSide;
  summary: Record<Severity, number>;
  changes: Change[];
  /** Whether any change is breaking. */
  breaking: boolean;
  /** Whether NEW's major version is greater than OLD's. */
  majorBumped: boolean;
  warnings: string[];
  /** 1 when a breaking change comes without a major version bump, else 0. */
  exitCode: 0 | 1;
}

export function buildReport(oldSource: string, oldModel: Model, newSource: string, newModel: Model): DiffReport {
  const changes = diffModels(oldModel, newModel);
  const v = verdict(oldModel.abi, newModel.abi, changes);
  const side = (source: string, m: Model): ReportSide => ({ source, name: m.abi.name, version: m.abi.version.text });
  return {
    format: REPORT_FORMAT,
    old: side(oldSource, oldModel),
    new: side(newSource, newModel),
    summary: countBySeverity(changes),
    changes,
    breaking: v.breaking,
    majorBumped: v.majorBumped,
    warnings: v.warnings,
    exitCode: v.exitCode,
  };
}

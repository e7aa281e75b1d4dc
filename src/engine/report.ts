import type { CheckReport, Report as PluginReport, Summary } from '../plugin-api.js';
import type { Severity } from './check.js';

// The report's shapes have one definition, in the plugin API (src/plugin-api.ts).
export type { CheckReport, Summary } from '../plugin-api.js';

/** What `--fix` did with one planned fix (the JSON report's top-level `fixes`). */
export interface FixReport {
  /** The action as planned; `uid` and `resourceVersion` name the namespace object it was bound to. */
  action: { kind: 'finalize-namespace'; namespace: string; uid?: string; resourceVersion?: string };
  resource: string;
  /** planned: accepted as a dry run; skipped and failed say why in `detail`. */
  status: 'planned' | 'declined' | 'finalized' | 'skipped' | 'failed';
  detail: string;
  /** Whether the finding is gone after the run (finalized here, or by someone else, or no longer Terminating). */
  resolved: boolean;
  /** The backup directory written before the write, or null when none was written. */
  backup: string | null;
  /** Without a backup nothing more is finalized in this run. */
  backupFailed?: boolean;
}

/** The JSON report, version 1 (`--output json`), with what `--fix` adds. */
export interface Report extends PluginReport {
  /** Present after `--fix`: one entry per planned fix. */
  fixes?: FixReport[];
}

export function summarize(checks: readonly CheckReport[]): Summary {
  const summary: Summary = { error: 0, warning: 0, info: 0, passed: 0, failed: 0, incomplete: 0, notApplicable: 0, suppressed: 0 };
  for (const check of checks) {
    for (const finding of check.findings) {
      if (finding.suppressed) summary.suppressed++;
      else summary[finding.severity]++;
    }
    summary[check.status === 'not-applicable' ? 'notApplicable' : check.status]++;
  }
  return summary;
}

/** A check that ran is failed while one of its findings that is not suppressed is above info. */
export function settledStatus(check: CheckReport): CheckReport['status'] {
  if (check.status !== 'failed' && check.status !== 'passed') return check.status;
  return check.findings.some((finding) => !finding.suppressed && finding.severity !== 'info') ? 'failed' : 'passed';
}

export type FailOn = Severity | 'never';
export const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'info', 'never'];

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return RANK[severity] >= RANK[threshold];
}

/**
 * DESIGN.md: 1 when a finding is at or above `failOn`, else 3 when a check is incomplete, else 0. Suppressed findings never count.
 * `never` is 0 whenever the report was written: a scheduler (Job backoffLimit, Cloud Run execution) must not retry or fail a
 * run whose report says what could not be read (issue 26); alerting comes from the report.
 */
export function exitCodeFor(report: Report, failOn: FailOn): number {
  if (failOn === 'never') return 0;
  const findings = report.checks.flatMap((check) => check.findings).filter((finding) => !finding.suppressed);
  if (findings.some((finding) => atOrAbove(finding.severity, failOn))) return 1;
  if (report.checks.some((check) => check.status === 'incomplete')) return 3;
  return 0;
}

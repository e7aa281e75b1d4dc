import type { Target } from '../state/cluster-state.js';
import type { CheckStatus, Finding, Severity } from './check.js';

/** One check's outcome, as the JSON report (version 1) carries it. */
export interface CheckReport {
  id: string;
  title: string;
  status: CheckStatus;
  /** Why the check is incomplete or not applicable; null otherwise. */
  reason: string | null;
  durationMs: number;
  findings: Finding[];
  /** The resources the check looked at (JUnit makes one testcase of each). */
  examined: string[];
}

export interface Summary {
  error: number;
  warning: number;
  info: number;
  passed: number;
  failed: number;
  incomplete: number;
  notApplicable: number;
}

export interface Report {
  version: 1;
  target: Target;
  checks: CheckReport[];
  summary: Summary;
}

export function summarize(checks: readonly CheckReport[]): Summary {
  const summary: Summary = { error: 0, warning: 0, info: 0, passed: 0, failed: 0, incomplete: 0, notApplicable: 0 };
  for (const check of checks) {
    for (const finding of check.findings) summary[finding.severity]++;
    summary[check.status === 'not-applicable' ? 'notApplicable' : check.status]++;
  }
  return summary;
}

export type FailOn = Severity | 'never';
export const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'info', 'never'];

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return RANK[severity] >= RANK[threshold];
}

/** DESIGN.md: 1 when a finding is at or above `failOn`, else 3 when a check is incomplete, else 0. */
export function exitCodeFor(report: Report, failOn: FailOn): number {
  const findings = report.checks.flatMap((check) => check.findings);
  if (failOn !== 'never' && findings.some((finding) => atOrAbove(finding.severity, failOn))) return 1;
  if (report.checks.some((check) => check.status === 'incomplete')) return 3;
  return 0;
}

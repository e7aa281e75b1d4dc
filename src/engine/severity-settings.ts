import type { CheckSettings } from '../config/config.js';
import type { Check, Severity } from './check.js';
import type { Report } from './report.js';
import { settledStatus, summarize } from './report.js';

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/**
 * A check's configured severity replaces its default one: findings at the check's default
 * severity take it, and the lesser findings a check reports (an info note, a warning about
 * what cannot be decided) keep theirs, never above it. `off` checks do not run at all.
 */
export function applySeverities(report: Report, checks: readonly Check[], settings: Readonly<Record<string, CheckSettings>>): void {
  for (const checkReport of report.checks) {
    const configured = settings[checkReport.id]?.severity;
    const check = checks.find((candidate) => candidate.id === checkReport.id);
    if (!configured || configured === 'off' || !check) continue;
    for (const finding of checkReport.findings) {
      if (finding.severity === check.severity || RANK[finding.severity] > RANK[configured]) finding.severity = configured;
    }
    checkReport.status = settledStatus(checkReport);
  }
  report.summary = summarize(report.checks);
}

/** The checks the config does not turn off. */
export function checksNotOff(checks: readonly Check[], settings: Readonly<Record<string, CheckSettings>>): Check[] {
  return checks.filter((check) => settings[check.id]?.severity !== 'off');
}

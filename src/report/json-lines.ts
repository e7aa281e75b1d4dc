import type { Severity } from '../engine/check.js';
import type { FleetReport } from '../engine/fleet-report.js';
import { isFleetReport, listingGaps } from '../engine/fleet-report.js';
import type { Report } from '../engine/report.js';
import type { Renderer } from './format.js';

/** Cloud Logging's LogSeverity names (cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry#LogSeverity). */
const LOG_SEVERITY: Record<Severity, 'ERROR' | 'WARNING' | 'INFO'> = { error: 'ERROR', warning: 'WARNING', info: 'INFO' };

/**
 * One JSON object per line for each finding, and one for each check that could
 * not run, in the shape Cloud Logging parses from a container's stdout
 * (cloud.google.com/logging/docs/structured-logging): `severity` becomes the
 * entry's severity and `message` its summary line; the other fields land in
 * `jsonPayload`, where a log-based alert can match them. Nothing else is printed.
 */
export const renderJsonLines: Renderer = (report) => (isFleetReport(report) ? [...streamJsonLines(report, report.targets)].join('') : lines(report).join(''));

/** The fleet's lines, a cluster at a time. */
export function* streamJsonLines(head: FleetReport, targets: Iterable<Report>): Generator<string> {
  // A project whose clusters, or a folder whose projects, could not all be listed holds clusters no line speaks for.
  yield listingGaps(head)
    .map((gap) => line({ severity: 'WARNING', message: gap.reason, project: gap.project, location: null, cluster: null, check: null, status: gap.status, resource: gap.project ? null : gap.what, reason: gap.reason }))
    .join('');
  for (const target of targets) yield lines(target).join('');
}

function lines(report: Report): string[] {
  const { project, location, cluster } = report.target;
  const where = { project, location, cluster };
  const out: string[] = [];
  for (const check of report.checks) {
    for (const finding of check.findings) {
      out.push(
        line({
          severity: LOG_SEVERITY[finding.severity],
          message: `${check.id}: ${finding.resource}: ${finding.message}`,
          ...where,
          check: check.id,
          status: check.status,
          resource: finding.resource,
          findingSeverity: finding.severity,
          ...('messageId' in finding ? { messageId: (finding as { messageId?: string }).messageId } : {}),
          fix: finding.fix ? { summary: finding.fix.summary, commands: finding.fix.commands } : null,
        }),
      );
    }
    if (check.status === 'incomplete') {
      out.push(line({ severity: 'WARNING', message: `${check.id}: could not check: ${check.reason ?? ''}`, ...where, check: check.id, status: check.status, resource: null, reason: check.reason }));
    }
  }
  return out;
}

function line(entry: Record<string, unknown>): string {
  return `${JSON.stringify(entry)}\n`;
}

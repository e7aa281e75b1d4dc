import type { Severity } from '../engine/check.js';
import { isFleetReport } from '../engine/fleet-report.js';
import type { RenderContext, Renderer } from './format.js';
import type { FleetTargets } from '../engine/fleet-targets.js';
import { targetsOf } from '../engine/fleet-targets.js';
import type { Report } from '../engine/report.js';
import { projectRows, runIdentity } from './fleet-overview.js';

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** One MetricFamily: its metadata and its samples, each a label set and a value. */
interface Family {
  name: string;
  unit?: string;
  help: string;
  /** Read when the family is written: a fleet's clusters, one at a time. */
  samples: () => Iterable<{ labels: Record<string, string>; value: number }>;
}

/**
 * OpenMetrics 1.0 text (`--output openmetrics`; prometheus/docs docs/specs/om/open_metrics_spec.md):
 * per cluster and check, the findings by severity (suppressed ones not counted), whether the
 * check could not run, how long it took and when it last ran to completion, and how long the
 * run took. Every family is a gauge without timestamps, so node-exporter's textfile collector
 * (which refuses client-side timestamps and reads `# UNIT`/`# EOF` as comments) and Managed
 * Service for Prometheus read it as it is. docs/reports.md shows both and the alerts.
 */
export const renderOpenMetrics: Renderer = (report, context) => [...streamOpenMetrics(report, isFleetReport(report) ? targetsOf(report.targets) : targetsOf([report]), context)].join('');

/** The same text, a cluster at a time for a fleet (`targets`: its clusters' reports, or the report itself): one pass per family. */
export function* streamOpenMetrics(report: Report, targets: FleetTargets, context: RenderContext): Generator<string> {
  const now = context.now ?? new Date();
  const run = runIdentity(report);
  const startedAt = run?.startedAt ? Date.parse(run.startedAt) : undefined;
  /** Each check of each cluster, with its labels. */
  const checks = function* () {
    for (const target of targets.all()) {
      const where = { project: target.target.project ?? '', location: target.target.location ?? '', cluster: target.target.cluster ?? '' };
      for (const check of target.checks) yield { check, labels: { ...where, check: check.id } };
    }
  };
  const findings: Family = {
    name: 'gke_doctor_findings',
    help: 'Findings of a check on a cluster by severity (suppressed findings not counted).',
    samples: function* () {
      for (const { check, labels } of checks()) {
        for (const severity of SEVERITIES) yield { labels: { ...labels, severity }, value: check.findings.filter((finding) => finding.severity === severity && !finding.suppressed).length };
      }
    },
  };
  const incomplete: Family = {
    name: 'gke_doctor_check_incomplete',
    help: 'Whether a check could not run on a cluster (1: data could not be read; the report says why).',
    samples: function* () {
      for (const { check, labels } of checks()) yield { labels, value: check.status === 'incomplete' ? 1 : 0 };
    },
  };
  const duration: Family = {
    name: 'gke_doctor_check_duration_seconds',
    unit: 'seconds',
    help: 'How long a check took on a cluster.',
    samples: function* () {
      for (const { check, labels } of checks()) yield { labels, value: check.durationMs / 1000 };
    },
  };
  const success: Family = {
    name: 'gke_doctor_check_last_success_timestamp_seconds',
    unit: 'seconds',
    help: 'When the check last ran to completion on the cluster (passed, failed or not applicable); absent while it is incomplete.',
    samples: function* () {
      for (const { check, labels } of checks()) if (check.status !== 'incomplete') yield { labels, value: (Number.isFinite(startedAt) ? startedAt! : now.getTime()) / 1000 };
    },
  };
  const families = [findings, incomplete, duration, success];
  if (startedAt !== undefined && Number.isFinite(startedAt)) {
    families.push({ name: 'gke_doctor_run_duration_seconds', unit: 'seconds', help: 'How long the run took, from its start to writing this report.', samples: () => [{ labels: {}, value: Math.max(0, now.getTime() - startedAt) / 1000 }] });
  }
  const projects = isFleetReport(report) ? projectRows(report) : [];
  if (projects.length > 0) {
    families.push(
      { name: 'gke_doctor_project_clusters', help: 'Clusters listed in a project to check (0: a project with none).', samples: () => projects.map((project) => ({ labels: { project: project.project }, value: project.clusters })) },
      {
        name: 'gke_doctor_project_incomplete',
        help: "Whether a project's clusters could not all be listed (1: the list was denied or failed, or zones did not answer; its clusters are missing here).",
        samples: () => projects.map((project) => ({ labels: { project: project.project }, value: project.status === 'listed' ? 0 : 1 })),
      },
    );
  }
  if (isFleetReport(report) && report.fleet.shards) {
    const missing = report.fleet.shards.missing.length;
    families.push({ name: 'gke_doctor_shards_missing', help: 'Shards of the run whose reports were not merged: their clusters are not in these metrics.', samples: () => [{ labels: {}, value: missing }] });
  }
  for (const each of families) yield* family(each);
  yield '# EOF\n';
}

function* family({ name, unit, help, samples }: Family): Generator<string> {
  yield `# TYPE ${name} gauge\n${unit ? `# UNIT ${name} ${unit}\n` : ''}# HELP ${name} ${escapeHelp(help)}\n`;
  for (const { labels, value } of samples()) yield `${name}${labelSet(labels)} ${value}\n`;
}

function labelSet(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
  return pairs.length > 0 ? `{${pairs.join(',')}}` : '';
}

/** The spec's escaping of a label value: backslash, double quote and line feed (Text format, Escaping). */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (character) => (character === '\n' ? '\\n' : `\\${character}`));
}

function escapeHelp(help: string): string {
  return help.replace(/[\\\n]/g, (character) => (character === '\n' ? '\\n' : '\\\\'));
}


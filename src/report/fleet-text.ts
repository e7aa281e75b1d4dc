import { Chalk } from 'chalk';
import type { Finding } from '../engine/check.js';
import type { FleetReport } from '../engine/fleet-report.js';
import type { FleetTargets } from '../engine/fleet-targets.js';
import { targetsOf } from '../engine/fleet-targets.js';
import { listingGaps, targetLabel } from '../engine/fleet-report.js';
import type { RenderContext } from './format.js';
import type { ClusterRow } from './fleet-overview.js';
import { clusterRow, projectRows, runIdentity } from './fleet-overview.js';
import { renderText } from './text.js';
import { printableDeep } from '../terminal-text.js';

/** How many of the worst findings the fleet summary lists before the per-cluster reports. */
const WORST_SHOWN = 10;

/** The longest reason the summary table shows; "Could not be checked" gives each in full. */
const REASON_SHOWN = 80;

/** How many distinct reasons "Could not be checked" gives for one cluster before pointing to its report. */
const REASONS_SHOWN = 3;


type ChalkInstance = InstanceType<typeof Chalk>;

/**
 * The fleet report for people: a fleet summary first (clusters checked,
 * failing, incomplete, missing shards), a table with one row per cluster, the
 * worst findings and the clusters that could not be checked, then each project
 * with each of its clusters' reports.
 */
export function renderFleetText(report: FleetReport, context: RenderContext): string {
  return [...streamFleetText(report, targetsOf(report.targets), context)].join('');
}

/** The same text, a cluster at a time: one pass over the clusters for the summary, then each cluster's report. */
export function* streamFleetText(head: FleetReport, targets: FleetTargets, context: RenderContext): Generator<string> {
  const report = printableDeep({ ...head, targets: [] });
  const chalk = new Chalk({ level: context.colorLevel });
  const { fleet } = report;
  const rows: ClusterRow[] = [];
  // The worst findings, errors before warnings, each in the report's order: the first WORST_SHOWN of each are all that can be shown.
  const worst: Record<'error' | 'warning', { cluster: string; check: string; finding: Finding }[]> = { error: [], warning: [] };
  let worstCount = 0;
  for (const read of targets.all()) {
    const target = printableDeep(read);
    rows.push(clusterRow(target));
    for (const check of target.checks) {
      for (const finding of check.findings) {
        if (finding.severity === 'info' || finding.suppressed) continue;
        worstCount++;
        const kept = worst[finding.severity];
        if (kept.length < WORST_SHOWN) kept.push({ cluster: targetLabel(target.target), check: check.id, finding });
      }
    }
  }
  const projects = [...new Set(rows.map((row) => row.project))];
  // A live run names every project it looked in, those with no cluster and those it could not list too.
  const looked = projectRows(report);
  const clean = rows.filter((row) => row.status === 'clean').length;
  const lines = [
    chalk.bold('gke-doctor') + chalk.dim(` · fleet · ${report.target.source} · ${plural(fleet.clusters, 'cluster')} in ${plural(looked.length || projects.length, 'project')}`),
  ];
  lines.push('', `Fleet: ${plural(fleet.clusters, 'cluster')} checked: ${chalk.red(`${fleet.failing} failing`)}, ${chalk.yellow(`${fleet.incomplete} incomplete`)}, ${chalk.green(`${clean} clean`)}`);
  const run = runIdentity(report);
  if (run) lines.push(`Run: ${[run.id, run.startedAt && `started ${run.startedAt}`, run.shard && `shard ${run.shard}`].filter(Boolean).join(', ')}`);
  if (fleet.shards) {
    const { count, present, missing } = fleet.shards;
    lines.push(`Shards: ${present.join(', ')} of ${count}${missing.length ? chalk.yellow(`; missing: ${missing.map((index) => `${index}/${count}`).join(', ')} (their clusters are not in this report)`) : ''}`);
  }
  if (fleet.discovery) {
    const { parent, via, fallback } = fleet.discovery;
    lines.push(`Projects under ${parent}: found with ${via === 'cloud-asset-inventory' ? 'Cloud Asset Inventory' : `Resource Manager (Cloud Asset Inventory not used: ${fallback ?? ''})`}`);
  }
  if (rows.length > 0) lines.push('', ...summaryTable(rows, chalk));
  const empty = looked.filter((project) => project.status === 'listed' && project.clusters === 0);
  if (empty.length > 0) lines.push('', `Projects with 0 clusters: ${empty.map((project) => project.project).join(', ')}`);
  if (worstCount > 0) {
    lines.push('', chalk.bold('Worst findings:'));
    for (const { cluster, check, finding } of [...worst.error, ...worst.warning].slice(0, WORST_SHOWN)) lines.push(`  ${severityLabel(finding, chalk)}  ${cluster}  ${check}  ${finding.resource}`);
    if (worstCount > WORST_SHOWN) lines.push(chalk.dim(`  … and ${worstCount - WORST_SHOWN} more below`));
  }
  const unchecked = rows.filter((row) => row.incomplete > 0);
  // The parent, folders and projects that could not be listed: clusters may be missing from the fleet.
  const gaps = listingGaps(report);
  if (unchecked.length > 0 || gaps.length > 0) {
    lines.push('', chalk.bold('Could not be checked:'));
    for (const gap of gaps) lines.push(`  ${chalk.yellow(gap.what)}: ${gap.reason}`);
    for (const row of unchecked) {
      if (row.reasons.length === 1 && row.unread) {
        lines.push(`  ${chalk.yellow(row.label)}: ${row.reasons[0]!.reason}`);
        continue;
      }
      lines.push(`  ${chalk.yellow(row.label)}: ${row.incomplete} of ${row.checks} checks could not run`);
      for (const { reason, checks } of row.reasons.slice(0, REASONS_SHOWN)) lines.push(`    ${reason}${chalk.dim(` (${checks.join(', ')})`)}`);
      if (row.reasons.length > REASONS_SHOWN) lines.push(chalk.dim(`    … and ${row.reasons.length - REASONS_SHOWN} more reasons in its report below`));
    }
  }
  const sections = function* () {
    yield lines.join('\n');
    for (const project of projects) {
      yield `\n\n${chalk.bold.underline(`Project ${project}`)}\n`;
      for (const [index, row] of rows.entries()) if (row.project === project) yield `\n${renderText(printableDeep(targets.at(index)), context).trimEnd()}\n`;
    }
  };
  // As the whole text joined and trimmed at its end.
  yield* trimmedEnd(sections());
  yield '\n';
}

/** The pieces without the whitespace their joined text ends with. */
function* trimmedEnd(pieces: Iterable<string>): Generator<string> {
  let pending = '';
  for (const piece of pieces) {
    const kept = piece.trimEnd();
    if (kept.length === 0) {
      pending += piece;
      continue;
    }
    yield pending + kept;
    pending = piece.slice(kept.length);
  }
}

/** One row per cluster: where it is, its error and warning findings, and how many checks could not run and why. */
function summaryTable(rows: readonly ClusterRow[], chalk: ChalkInstance): string[] {
  const cells = rows.map((row) => [
    row.cluster ?? '-',
    row.project,
    row.location ?? '-',
    String(row.errors),
    String(row.warnings),
    row.incomplete === 0 ? '-' : `${row.incomplete}: ${shorten(row.reasons[0]!.reason)}${row.reasons.length > 1 ? ` (+${row.reasons.length - 1} other reasons)` : ''}`,
  ]);
  const head = ['CLUSTER', 'PROJECT', 'LOCATION', 'ERRORS', 'WARNINGS', 'INCOMPLETE'];
  const widths = head.map((title, column) => Math.max(title.length, ...cells.map((row) => row[column]!.length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : column === 3 || column === 4 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  const colors = (row: ClusterRow): ChalkInstance => (row.status === 'failing' ? chalk.red : row.status === 'incomplete' ? chalk.yellow : chalk.green);
  return [`  ${chalk.bold(line(head))}`, ...cells.map((row, index) => `  ${colors(rows[index]!)(line(row))}`)];
}

/** A long reason cut in the middle: its start says what could not be read, its end why. */
function shorten(reason: string): string {
  const first = reason.split('\n')[0]!;
  if (first.length <= REASON_SHOWN) return first;
  const head = Math.floor(REASON_SHOWN * 0.4);
  return `${first.slice(0, head)}…${first.slice(first.length - (REASON_SHOWN - head - 1))}`;
}

function severityLabel(finding: Finding, chalk: ChalkInstance): string {
  const label = finding.severity.toUpperCase().padEnd(7);
  return finding.severity === 'error' ? chalk.red.bold(label) : chalk.yellow.bold(label);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

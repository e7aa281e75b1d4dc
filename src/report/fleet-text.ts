import { Chalk } from 'chalk';
import type { Finding, Severity } from '../engine/check.js';
import type { FleetReport } from '../engine/fleet-report.js';
import { listingGaps, targetLabel } from '../engine/fleet-report.js';
import type { RenderContext } from './format.js';
import { renderText } from './text.js';
import { printableDeep } from '../terminal-text.js';

/** How many of the worst findings the fleet summary lists before the per-cluster reports. */
const WORST_SHOWN = 10;

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * The fleet report for people: a fleet summary first (clusters checked,
 * failing, incomplete, missing shards, the worst findings), then each project
 * with each of its clusters' reports.
 */
export function renderFleetText(read: FleetReport, context: RenderContext): string {
  const report = printableDeep(read);
  const chalk = new Chalk({ level: context.colorLevel });
  const { fleet } = report;
  const projects = [...new Set(report.targets.map((target) => target.target.project ?? '-'))];
  const looked = fleet.projects?.length ?? projects.length;
  const lines = [
    chalk.bold('gke-doctor') + chalk.dim(` · fleet · ${report.target.source} · ${plural(fleet.clusters, 'cluster')} in ${plural(looked, 'project')}`),
    '',
    `Fleet: ${plural(fleet.clusters, 'cluster')} checked: ${chalk.red(`${fleet.failing} failing`)}, ${chalk.yellow(`${fleet.incomplete} incomplete`)}, ${chalk.green(`${fleet.clusters - fleet.failing - fleet.incomplete + both(report)} clean`)}`,
  ];
  if (fleet.shards) {
    const { count, present, missing } = fleet.shards;
    lines.push(`Shards: ${present.join(', ')} of ${count}${missing.length ? chalk.yellow(`; missing: ${missing.map((index) => `${index}/${count}`).join(', ')} (their clusters are not in this report)`) : ''}`);
  }
  const worst = report.targets
    .flatMap((target) => target.checks.flatMap((check) => check.findings.map((finding) => ({ cluster: targetLabel(target.target), check: check.id, finding }))))
    .filter(({ finding }) => finding.severity !== 'info')
    .sort((a, b) => RANK[a.finding.severity] - RANK[b.finding.severity]);
  if (worst.length > 0) {
    lines.push('', chalk.bold('Worst findings:'));
    for (const { cluster, check, finding } of worst.slice(0, WORST_SHOWN)) lines.push(`  ${severityLabel(finding, chalk)}  ${cluster}  ${check}  ${finding.resource}`);
    if (worst.length > WORST_SHOWN) lines.push(chalk.dim(`  … and ${worst.length - WORST_SHOWN} more below`));
  }
  if (fleet.discovery) {
    const { parent, via, fallback } = fleet.discovery;
    lines.push(`Projects under ${parent}: found with ${via === 'cloud-asset-inventory' ? 'Cloud Asset Inventory' : `Resource Manager (Cloud Asset Inventory not used: ${fallback ?? ''})`}`);
  }
  const empty = (fleet.projects ?? []).filter((project) => project.status === 'listed' && project.clusters === 0);
  if (empty.length > 0) lines.push(`Projects with 0 clusters: ${empty.map((project) => project.project).join(', ')}`);
  const unread = report.targets.filter((target) => target.checks.length > 0 && target.checks.every((check) => check.status === 'incomplete'));
  const unlisted = listingGaps(report);
  if (unread.length > 0 || unlisted.length > 0) {
    lines.push('', chalk.bold('Could not be checked:'));
    for (const gap of unlisted) lines.push(`  ${chalk.yellow(gap.what)}: ${gap.reason}`);
    for (const target of unread) lines.push(`  ${chalk.yellow(targetLabel(target.target))}: ${target.checks[0]!.reason ?? ''}`);
  }
  for (const project of projects) {
    lines.push('', chalk.bold.underline(`Project ${project}`), '');
    for (const target of report.targets.filter((candidate) => (candidate.target.project ?? '-') === project)) {
      lines.push(renderText(target, context).trimEnd(), '');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Clusters both failing and incomplete, counted once in the clean count. */
function both(report: FleetReport): number {
  return report.targets.filter((target) => target.checks.some((check) => check.status === 'failed') && target.checks.some((check) => check.status === 'incomplete')).length;
}

function severityLabel(finding: Finding, chalk: InstanceType<typeof Chalk>): string {
  const label = finding.severity.toUpperCase().padEnd(7);
  return finding.severity === 'error' ? chalk.red.bold(label) : chalk.yellow.bold(label);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

import { createHash, randomBytes } from 'node:crypto';
import type { Finding } from '../engine/check.js';
import { isFleetReport, targetLabel } from '../engine/fleet-report.js';
import type { CheckReport, Report } from '../engine/report.js';
import type { ClusterRow, ProjectRow } from './fleet-overview.js';
import { clusterRow, projectRows, runIdentity } from './fleet-overview.js';
import type { FleetTargets } from '../engine/fleet-targets.js';
import { targetsOf } from '../engine/fleet-targets.js';
import type { Renderer } from './format.js';
import { healthCheckPath, renderHealthCheckPath } from './health-check-path.js';
import { SCRIPT, STYLE } from './html-assets.js';
import { Markup, html } from './html-markup.js';

/**
 * One self-contained HTML page (`--output html`): the fleet table with status colours,
 * filters by severity, check and project, every finding with its evidence and fix commands
 * to copy, and a diagram of the request paths for each health-check finding. It loads
 * nothing: style and script are inline and allowed by hash, everything else refused by its
 * Content-Security-Policy, so it works from a bucket or an email attachment and a name in
 * a report cannot make it fetch anything.
 */
export const renderHtml: Renderer = (report) => [...streamHtml(report, isFleetReport(report) ? targetsOf(report.targets) : targetsOf([report]))].join('');

/** The same page, a cluster at a time for a fleet (`targets`: its clusters' reports, or the report itself): one pass for the tables and filters, one for the sections. */
export function* streamHtml(report: Report, targets: FleetTargets): Generator<string> {
  const fleet = isFleetReport(report);
  const rows: ClusterRow[] = [];
  const checks = new Set<string>();
  const projects = new Set<string>();
  let findings = 0;
  for (const target of targets.all()) {
    if (fleet) rows.push(clusterRow(target));
    projects.add(target.target.project ?? '-');
    for (const check of target.checks) {
      checks.add(check.id);
      findings += check.findings.length;
    }
  }
  const run = runIdentity(report);
  const title = fleet ? `gke-doctor fleet report: ${rows.length} cluster${rows.length === 1 ? '' : 's'}` : `gke-doctor report: ${label(report)}`;
  const sections = new Markup(SECTIONS);
  const body = html`<header>
  <h1>${title}</h1>
  <p class="meta">source ${report.target.source}${run?.id ? html` · run <b>${run.id}</b>` : ''}${run?.startedAt ? html` · started ${run.startedAt}` : ''}${run?.shard ? html` · shard ${run.shard}` : ''}${fleet && report.fleet.shards ? html` · shards ${report.fleet.shards.present.join(', ')} of ${report.fleet.shards.count}${report.fleet.shards.missing.length > 0 ? html` <b class="reason">(missing: ${report.fleet.shards.missing.join(', ')}; their clusters are not in this report)</b>` : ''}` : ''}</p>
  <p class="totals"><span>${plural(report.summary.error, 'error')}</span><span>${plural(report.summary.warning, 'warning')}</span><span>${report.summary.info} info</span><span>${plural(report.summary.incomplete, 'check')} incomplete</span>${fleet ? html`<span>${report.fleet.failing} of ${report.fleet.clusters} clusters failing</span><span>${report.fleet.incomplete} incomplete</span>` : ''}</p>
</header>
${fleet ? fleetTable(rows) : ''}
${fleet ? projectTable(projectRows(report)) : ''}
${filters([...checks].sort(), [...projects].sort(), findings)}
<main>
${sections}
</main>`;
  const style = STYLE;
  const script = SCRIPT;
  // Nothing from the network: no source is allowed but the inline style and script, named by hash.
  const policy = `default-src 'none'; style-src '${sha256(style)}'; script-src '${sha256(script)}'; base-uri 'none'; form-action 'none'`;
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html`${title}`}</title>
<style>${style}</style>
</head>
<body>
${body}
<script>${script}</script>
</body>
</html>
`;
  const at = page.indexOf(SECTIONS);
  yield page.slice(0, at);
  let index = 0;
  for (const target of targets.all()) yield clusterSection(target, fleet, index++).text;
  yield page.slice(at + SECTIONS.length);
}

/** Where the clusters' sections go: a control character no escaped value can hold, and a nonce. */
const SECTIONS = `\u0000gke-doctor-sections-${randomBytes(8).toString('hex')}\u0000`;

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

function label({ target }: Report): string {
  return targetLabel(target);
}

/** How many distinct reasons a table row gives; the cluster's section has every one, by check. */
const REASONS_SHOWN = 2;

function fleetTable(rows: readonly ClusterRow[]): Markup {
  return html`<h2>Clusters</h2>
<table class="fleet">
<thead><tr><th>Cluster</th><th>Project</th><th>Location</th><th>Errors</th><th>Warnings</th><th>Incomplete</th></tr></thead>
<tbody>
${rows.map(
  (row, index) => html`<tr class="status-${row.status}" data-cluster="${row.label}" data-project="${row.project}">
<td><a href="#cluster-${index}">${row.cluster ?? '(cluster list)'}</a></td><td class="where">${row.project}</td><td class="where">${row.location ?? '-'}</td>
<td class="num">${row.errors}</td><td class="num">${row.warnings}</td>
<td>${row.incomplete === 0 ? '-' : html`${row.incomplete} check${row.incomplete === 1 ? '' : 's'}: ${row.reasons.slice(0, REASONS_SHOWN).map((reason, at) => html`${at > 0 ? html`<br>` : ''}${reason.reason}`)}${row.reasons.length > REASONS_SHOWN ? html`<br><a href="#cluster-${index}">… and ${row.reasons.length - REASONS_SHOWN} more reasons</a>` : ''}`}</td>
</tr>`,
)}
</tbody>
</table>`;
}

/** The projects a live run looked in: those with no cluster, and those whose clusters it could not all list, stand out. */
function projectTable(projects: readonly ProjectRow[]): Markup {
  if (projects.length === 0) return html``;
  const status = (project: ProjectRow) => (project.status !== 'listed' ? 'incomplete' : project.clusters === 0 ? 'empty' : 'clean');
  return html`<h2>Projects</h2>
<table class="fleet projects">
<thead><tr><th>Project</th><th>Clusters</th><th>Listed</th></tr></thead>
<tbody>
${projects.map(
  (project) => html`<tr class="status-${status(project)}" data-project="${project.project}">
<td class="where">${project.project}</td><td class="num">${project.clusters}</td>
<td>${project.status === 'listed' ? (project.clusters === 0 ? 'every cluster: none' : 'every cluster') : html`not all: ${project.reason ?? ''}${project.missingZones.length > 0 ? html` (zones that did not answer: ${project.missingZones.join(', ')})` : ''}`}</td>
</tr>`,
)}
</tbody>
</table>`;
}

function filters(checks: readonly string[], projects: readonly string[], count: number): Markup {
  const options = (values: readonly string[]) => values.map((value) => html`<option value="${value}">${value}</option>`);
  return html`<form id="filters" class="filters">
<label>Severity<select name="severity"><option value="">all</option>${options(['error', 'warning', 'info'])}</select></label>
<label>Check<select name="check"><option value="">all</option>${options(checks)}</select></label>
<label>Project<select name="project"><option value="">all</option>${options(projects)}</select></label>
<output id="shown">${count} finding${count === 1 ? '' : 's'} shown</output>
</form>`;
}

function clusterSection(report: Report, fleet: boolean, index: number): Markup {
  const project = report.target.project ?? '-';
  return html`<section class="cluster" id="cluster-${index}" data-cluster="${label(report)}" data-project="${project}">
${fleet ? html`<h2>${label(report)}</h2>` : ''}
${report.checks.map((check) => checkSection(check, project))}
</section>`;
}

function checkSection(check: CheckReport, project: string): Markup {
  return html`<article class="check" data-check="${check.id}">
<header><span class="status ${check.status}">${check.status}</span><b>${check.id}</b><span>${check.title}</span><small>${check.durationMs} ms</small></header>
${check.reason ? html`<p class="reason">${check.status === 'incomplete' ? 'Could not check: ' : 'Skipped: '}${check.reason}</p>` : ''}
${check.findings.map((finding) => findingBlock(check.id, finding, project))}
</article>`;
}

function findingBlock(checkId: string, finding: Finding, project: string): Markup {
  const path = healthCheckPath(checkId, finding);
  const { fix } = finding;
  return html`<div class="finding${finding.suppressed ? ' suppressed' : ''}" data-severity="${finding.severity}" data-check="${checkId}" data-project="${project}">
<div><span class="severity ${finding.severity}">${finding.severity}</span><span class="resource">${finding.resource}</span>${finding.suppressed ? html` <small>suppressed (${finding.suppressed.by}: ${finding.suppressed.reason})</small>` : ''}</div>
<p class="message">${finding.message}</p>
${path ? renderHealthCheckPath(path) : ''}
${fix ? html`<p><b>Fix:</b> ${fix.summary}</p>
${fix.commands.length > 0 ? html`<div class="commands"><button type="button" class="copy">Copy</button><pre>${fix.commands.join('\n')}</pre></div>` : ''}
${fix.terraform ? html`<details><summary>Terraform</summary><div class="commands"><button type="button" class="copy">Copy</button><pre>${fix.terraform}</pre></div></details>` : ''}` : ''}
${Object.keys(finding.evidence ?? {}).length > 0 ? html`<details><summary>Evidence</summary><pre>${JSON.stringify(finding.evidence, null, 2)}</pre></details>` : ''}
</div>`;
}

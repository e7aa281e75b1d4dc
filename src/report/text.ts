import { Chalk } from 'chalk';
import type { ChalkInstance } from 'chalk';
import type { CheckStatus, Finding, Severity } from '../engine/check.js';
import type { CheckReport, Report } from '../engine/report.js';
import type { Renderer } from './format.js';
import { firstLine } from '../first-line.js';
import { printableDeep } from '../terminal-text.js';

const STATUS_LABEL: Record<CheckStatus, string> = {
  passed: '✔ passed',
  failed: '✖ failed',
  'not-applicable': '– not applicable',
  incomplete: '? incomplete',
};

/** The report for people: grouped by check, each finding with its fix. */
export const renderText: Renderer = (read, { colorLevel }) => {
  // What the API, a file or a plugin wrote is shown, never obeyed by the terminal.
  const report = printableDeep(read);
  const chalk = new Chalk({ level: colorLevel });
  const lines = [header(report, chalk), ''];
  for (const check of report.checks) lines.push(...renderCheck(check, chalk));
  lines.push(summaryLine(report, chalk));
  return `${lines.join('\n')}\n`;
};

function header({ target }: Report, chalk: ChalkInstance): string {
  const parts = [
    target.project && `project ${target.project}`,
    target.cluster && `cluster ${target.location ? `${target.location}/` : ''}${target.cluster}`,
  ].filter(Boolean);
  return chalk.bold('gke-doctor') + chalk.dim(` · ${target.source}${parts.length ? ` · ${parts.join(' · ')}` : ''}`);
}

function statusColor(status: CheckStatus, chalk: ChalkInstance): ChalkInstance {
  return { passed: chalk.green, failed: chalk.red, 'not-applicable': chalk.dim, incomplete: chalk.yellow }[status];
}

function severityColor(severity: Severity, chalk: ChalkInstance): ChalkInstance {
  return { error: chalk.red.bold, warning: chalk.yellow.bold, info: chalk.blue }[severity];
}

function renderCheck(check: CheckReport, chalk: ChalkInstance): string[] {
  const color = statusColor(check.status, chalk);
  const lines = [`${color(STATUS_LABEL[check.status])}  ${chalk.bold(check.id)}  ${check.title}${chalk.dim(` (${check.durationMs} ms)`)}`];
  if (check.reason) lines.push(indent(2, `${color(check.status === 'incomplete' ? 'could not check:' : 'skipped:')} ${check.reason}`));
  for (const finding of check.findings) lines.push(...(finding.suppressed ? renderSuppressed(finding, chalk) : renderFinding(finding, chalk)));
  lines.push('');
  return lines;
}

function renderFinding(finding: Finding, chalk: ChalkInstance): string[] {
  const where = finding.location ? chalk.dim(`  ${finding.location.address ?? `${finding.location.file}${finding.location.line ? `:${finding.location.line}` : ''}`}`) : '';
  const lines = [indent(2, `${severityColor(finding.severity, chalk)(finding.severity.toUpperCase())}  ${chalk.bold(finding.resource)}${where}`)];
  lines.push(...finding.message.split('\n').map((line) => indent(4, line)));
  const { fix } = finding;
  if (fix) {
    lines.push(indent(4, `${chalk.green('Fix:')} ${fix.summary}`));
    for (const command of fix.commands) lines.push(indent(6, command.startsWith('#') ? chalk.dim(command) : `${chalk.dim('$')} ${command}`));
    if (fix.terraform) {
      lines.push(indent(4, chalk.green('Terraform:')));
      lines.push(...fix.terraform.split('\n').map((line) => indent(6, line)));
    }
  }
  return lines;
}

/** An accepted finding: one dim line, so it is seen without drawing the eye. */
function renderSuppressed(finding: Finding, chalk: ChalkInstance): string[] {
  const { by, reason } = finding.suppressed!;
  const first = firstLine(finding.message);
  return [indent(2, chalk.dim(`suppressed (${by}: ${reason})  ${finding.severity.toUpperCase()}  ${finding.resource}: ${first}`))];
}

function summaryLine({ summary }: Report, chalk: ChalkInstance): string {
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const severities = [
    chalk.red(plural(summary.error, 'error')),
    chalk.yellow(plural(summary.warning, 'warning')),
    chalk.blue(`${summary.info} info`),
    ...(summary.suppressed > 0 ? [chalk.dim(`${summary.suppressed} suppressed`)] : []),
  ].join(', ');
  const statuses = [
    chalk.green(`${summary.passed} passed`),
    chalk.red(`${summary.failed} failed`),
    chalk.yellow(`${summary.incomplete} incomplete`),
    chalk.dim(`${summary.notApplicable} not applicable`),
  ].join(', ');
  return `${severities} · ${statuses}`;
}

function indent(spaces: number, text: string): string {
  return `${' '.repeat(spaces)}${text}`;
}

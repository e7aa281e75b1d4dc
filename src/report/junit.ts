import type { Finding } from '../engine/check.js';
import { isFleetReport, listingGaps, targetLabel } from '../engine/fleet-report.js';
import type { CheckReport, Report } from '../engine/report.js';
import type { FleetTargets } from '../engine/fleet-targets.js';
import { targetsOf } from '../engine/fleet-targets.js';
import type { Renderer } from './format.js';
import { fixText } from './fix-text.js';
import { firstLine } from '../first-line.js';

/**
 * JUnit XML as CI systems read it (GitLab `artifacts:reports:junit`, Jenkins):
 * one testsuite per check, one testcase per resource the check examined, a
 * `<failure>` per error or warning finding (info goes to system-out); a resource
 * whose findings are all suppressed is skipped, with why. A check
 * that could not run is one testcase with an `<error>`; a check with nothing to
 * look at is one skipped testcase.
 */
export const renderJunit: Renderer = (report) => [...streamJunit(report, isFleetReport(report) ? targetsOf(report.targets) : targetsOf([report]))].join('');

/** The same text, a cluster at a time for a fleet (`targets`: its clusters' reports, or the report itself): one pass for the totals, one for the suites. */
export function* streamJunit(report: Report, targets: FleetTargets): Generator<string> {
  const fleet = isFleetReport(report);
  // A fleet report has a testsuite per cluster and check, each named after its cluster.
  const suites = function* (): Generator<Suite> {
    // A project whose clusters could not all be listed is one error of its own: the clusters it may hold have no suite.
    if (fleet) {
      for (const gap of listingGaps(report)) {
        yield testsuite({ id: gap.project ? 'cluster-list' : 'project-list', title: 'What it holds is listed', status: 'incomplete', reason: gap.reason, durationMs: 0, findings: [], examined: [] }, gap.project ?? gap.what);
      }
    }
    for (const target of targets.all()) for (const check of target.checks) yield testsuite(check, fleet ? targetLabel(target.target) : undefined);
  };
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  let durationMs = 0;
  for (const suite of suites()) {
    totals.tests += suite.tests;
    totals.failures += suite.failures;
    totals.errors += suite.errors;
    totals.skipped += suite.skipped;
  }
  for (const target of targets.all()) for (const check of target.checks) durationMs += check.durationMs;
  yield ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites ${attributes({ name: 'gke-doctor', ...totals, time: seconds(durationMs) })}>`, ''].join('\n');
  for (const suite of suites()) yield `${suite.xml}\n`;
  yield '</testsuites>\n';
}

interface Suite {
  xml: string;
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function testsuite(check: CheckReport, cluster?: string): Suite {
  const classname = cluster ? `${cluster}: ${check.id}` : check.id;
  const cases: string[] = [];
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  if (check.status === 'incomplete' || check.status === 'not-applicable') {
    const incomplete = check.status === 'incomplete';
    const element = incomplete ? 'error' : 'skipped';
    const message = `${incomplete ? 'could not check' : 'not applicable'}: ${check.reason ?? ''}`;
    cases.push(`    <testcase ${attributes({ name: check.id, classname, time: 0 })}>`, `      <${element} ${attributes({ message, type: check.status })}/>`, '    </testcase>');
    if (incomplete) errors++;
    else skipped++;
  } else {
    for (const resource of resourcesOf(check)) {
      const findings = check.findings.filter((finding) => finding.resource === resource);
      const located = findings.find((finding) => finding.location)?.location;
      const where = located ? { file: located.file, ...(located.line ? { line: located.line } : {}) } : {};
      cases.push(`    <testcase ${attributes({ name: resource, classname, time: 0, ...where })}>`);
      const accepted = findings.filter((finding) => finding.suppressed);
      if (accepted.length > 0 && accepted.length === findings.length) {
        skipped++;
        const message = accepted.map((finding) => `suppressed by ${finding.suppressed!.by}: ${finding.suppressed!.reason}`).join('; ');
        cases.push(`      <skipped ${attributes({ message })}>${text(accepted.map(findingText).join('\n\n'))}</skipped>`);
      }
      for (const finding of findings) {
        if (finding.suppressed) continue;
        if (finding.severity === 'info') {
          cases.push(`      <system-out>${text(findingText(finding))}</system-out>`);
          continue;
        }
        failures++;
        cases.push(`      <failure ${attributes({ message: firstLine(finding.message), type: finding.severity })}>${text(findingText(finding))}</failure>`);
      }
      cases.push('    </testcase>');
    }
  }
  const tests = check.status === 'incomplete' || check.status === 'not-applicable' ? 1 : resourcesOf(check).length;
  const header = `  <testsuite ${attributes({ name: classname, tests, failures, errors, skipped, time: seconds(check.durationMs) })}>`;
  const clusterProperty = cluster ? `<property ${attributes({ name: 'cluster', value: cluster })}/>` : '';
  const properties = `    <properties>${clusterProperty}<property ${attributes({ name: 'title', value: check.title })}/><property ${attributes({ name: 'status', value: check.status })}/></properties>`;
  return { xml: [header, properties, ...cases, '  </testsuite>'].join('\n'), tests, failures, errors, skipped };
}

/** Examined resources first, then any resource a finding names that was not listed as examined. */
function resourcesOf(check: CheckReport): string[] {
  return [...new Set([...check.examined, ...check.findings.map((finding) => finding.resource)])];
}

function findingText(finding: Finding): string {
  const where = finding.location ? `\nAt: ${finding.location.address ?? finding.location.file}${finding.location.line ? `:${finding.location.line}` : ''}` : '';
  return `${finding.severity.toUpperCase()} ${finding.resource}${where}\n${finding.message}${finding.fix ? `\n${fixText(finding.fix)}` : ''}`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}="${text(String(value)).replace(/"/g, '&quot;').replace(/\n/g, '&#10;')}"`)
    .join(' ');
}

/** Escapes text for XML 1.0 and drops the control characters it cannot hold at all. */
function text(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

import { createHash } from 'node:crypto';
import { fingerprintOf } from '../engine/baseline.js';
import type { Check, Finding, Severity } from '../engine/check.js';
import { isFleetReport, listingGaps, targetLabel } from '../engine/fleet-report.js';
import type { Target } from '../state/cluster-state.js';
import { STDIN_FILE } from '../state/plan/manifest-files.js';
import { VERSION } from '../version.js';
import type { RenderContext, Renderer } from './format.js';
import type { FleetTargets } from '../engine/fleet-targets.js';
import { targetsOf } from '../engine/fleet-targets.js';
import type { Report } from '../engine/report.js';
import { slot, streamJsonText } from './json-slots.js';
import { fixText } from './fix-text.js';

/** SARIF levels (SARIF 2.1.0 §3.27.10); `note` is SARIF's word for information. */
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * SARIF 2.1.0 as GitHub code scanning reads it
 * (docs.github.com/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning):
 * one rule per check, one result per finding. A finding from a file points at
 * its line (a plan finding at its resource's entry, with the address as a
 * logical location). Code scanning rejects a whole file if one result lacks a
 * physical location (github/codeql-action#1738), so a finding with no file
 * points at its resource name as a relative URI, next to its logical location.
 */
export const renderSarif: Renderer = (report, context) => [...streamSarif(report, isFleetReport(report) ? targetsOf(report.targets) : targetsOf([report]), context)].join('');

/** The same text, a cluster at a time for a fleet (`targets`: its clusters' reports, or the report itself). */
export function streamSarif(report: Report, targets: FleetTargets, { checks }: RenderContext): Generator<string> {
  // A fleet report is one run whose results each name their cluster (GitHub takes one run per tool and category).
  const fleet = isFleetReport(report);
  const ranIds = new Set<string>();
  for (const target of targets.all()) for (const result of target.checks) ranIds.add(result.id);
  const ran = checks.filter((check) => ranIds.has(check.id));
  const ruleIndex = new Map(ran.map((check, index) => [check.id, index]));
  const results = function* () {
    for (const target of targets.all()) {
      for (const checkReport of target.checks) for (const finding of checkReport.findings) yield result(checkReport.id, ruleIndex.get(checkReport.id), finding, fleet ? target.target : undefined);
    }
  };
  const notifications = function* () {
    if (fleet) for (const gap of listingGaps(report)) yield { level: 'warning', message: { text: `${gap.what}: ${gap.reason}` } };
    for (const target of targets.all()) {
      for (const check of target.checks.filter((candidate) => candidate.status === 'incomplete')) {
        yield {
          level: 'warning',
          message: { text: `${fleet ? `${targetLabel(target.target)}: ` : ''}${check.id}: could not check: ${check.reason}` },
          ...(ruleIndex.has(check.id) ? { associatedRule: { id: check.id, index: ruleIndex.get(check.id) } } : {}),
        };
      }
    }
  };
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'gke-doctor',
            version: VERSION,
            semanticVersion: VERSION,
            rules: ran.map(rule),
          },
        },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: [slot(0)] }],
        results: [slot(1)],
        properties: fleet ? { fleet: report.fleet, summary: report.summary } : { target: report.target, summary: report.summary },
      },
    ],
  };
  return streamJsonText(log, [notifications(), results()]);
}

function rule(check: Check) {
  const [summary = check.title] = check.description.split(/\n\s*\n/);
  const references = check.references.length > 0 ? `\n\nReferences:\n${check.references.map((reference) => `- ${reference}`).join('\n')}` : '';
  return {
    id: check.id,
    name: check.id.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, letter: string) => letter.toUpperCase()),
    shortDescription: { text: check.title },
    fullDescription: { text: unwrap(summary) },
    help: { text: `${check.description}${references}`, markdown: `${check.description}${references}` },
    ...(check.url ?? check.references[0] ? { helpUri: check.url ?? check.references[0] } : {}),
    defaultConfiguration: { level: LEVEL[check.severity] },
    properties: { tags: ['gke', 'kubernetes'] },
  };
}

function result(checkId: string, index: number | undefined, finding: Finding, cluster?: Target) {
  const fix = finding.fix ? `\n\n${fixText(finding.fix)}` : '';
  const label = cluster ? targetLabel(cluster) : undefined;
  return {
    ruleId: checkId,
    ...(index === undefined ? {} : { ruleIndex: index }),
    level: LEVEL[finding.severity],
    message: { text: `${label ? `${label}: ` : ''}${finding.resource}: ${finding.message}${fix}` },
    locations: [location(finding, label)],
    // Code scanning matches a result across runs by these; a resource has no line of its own.
    // The same fingerprint as a baseline's: check, resource and message id, not the wording; in a fleet, the cluster's too.
    partialFingerprints: { 'gkeDoctorFinding/v2': label ? createHash('sha256').update(`${label}\0${fingerprintOf(checkId, finding)}`).digest('hex').slice(0, 32) : fingerprintOf(checkId, finding) },
    // SARIF 2.1.0 §3.34: an annotation on the object is in source; config and baselines are external.
    ...(finding.suppressed
      ? { suppressions: [{ kind: finding.suppressed.by === 'annotation' ? 'inSource' : 'external', status: 'accepted', justification: `${finding.suppressed.by}: ${finding.suppressed.reason}` }] }
      : {}),
    properties: {
      ...(cluster ? { cluster: { project: cluster.project, location: cluster.location, cluster: cluster.cluster } } : {}),
      resource: finding.resource,
      severity: finding.severity,
      evidence: finding.evidence,
      fix: finding.fix,
    },
  };
}

/** In a fleet, a finding with no file points at CLUSTER-LABEL/RESOURCE, so the same resource in two clusters is two places. */
function location(finding: Finding, cluster?: string) {
  const logicalLocations = [{ name: finding.resource, fullyQualifiedName: cluster ? `${cluster}/${finding.resource}` : finding.resource, kind: 'resource' }];
  const { location: source } = finding;
  if (source?.address) logicalLocations.unshift({ name: source.address, fullyQualifiedName: source.address, kind: 'resource' });
  if (!source || source.file === STDIN_FILE) {
    return { physicalLocation: { artifactLocation: { uri: relativeUri(cluster ? `${cluster}/${finding.resource}` : finding.resource) } }, logicalLocations };
  }
  return {
    physicalLocation: {
      artifactLocation: { uri: relativeUri(source.file) },
      ...(source.line ? { region: { startLine: source.line } } : {}),
    },
    logicalLocations,
  };
}

/** A relative path (or a resource name) as a relative URI reference: `/`-separated, each segment percent-encoded. */
function relativeUri(path: string): string {
  return path.split(/[\\/]/).map(encodeURIComponent).join('/');
}

function unwrap(paragraph: string): string {
  return paragraph.replace(/\s*\n\s*/g, ' ').trim();
}

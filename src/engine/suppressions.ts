import picomatch from 'picomatch';
import type { IgnoreRule } from '../config/config.js';
import { endOfDay } from '../config/ignore-dates.js';
import type { ClusterState } from '../state/cluster-state.js';
import type { KubernetesKind } from '../state/kubernetes-types.js';
import type { Baseline } from './baseline.js';
import { fingerprintOf } from './baseline.js';
import type { Finding, Suppression } from './check.js';
import type { Report } from './report.js';
import { settledStatus, summarize } from './report.js';

/** The annotation an object's owner sets to accept findings of some checks on it: `gke-doctor.io/ignore: "CHECK[,CHECK]"`. */
export const IGNORE_ANNOTATION = 'gke-doctor.io/ignore';
export const IGNORE_REASON_ANNOTATION = 'gke-doctor.io/ignore-reason';

export interface SuppressionRules {
  /** `ignore` entries of the config, and the file they come from (for messages). */
  ignores: readonly IgnoreRule[];
  configFile: string | null;
  /** Whether `gke-doctor.io/ignore` annotations count (`--no-inline-ignores` turns them off). */
  inlineIgnores: boolean;
  baseline?: { file: string; baseline: Baseline };
  /** Today, for `expires`: the real clock, not a snapshot's time. */
  now: Date;
  /** Every check id gke-doctor knows (built-in and plugins): an annotation naming another is a typo to point at. */
  knownChecks?: ReadonlySet<string>;
}

/** What the user should hear about their ignores: expired ones that would have matched, ones that matched nothing. */
export interface IgnoreNotes {
  expired: string[];
  unused: string[];
  /** `gke-doctor.io/ignore` annotations naming a check that does not exist: they suppress nothing. */
  unknown: string[];
}

/**
 * Marks the findings the user accepted (config, annotation, baseline: the first that applies),
 * then settles each check's status and the summary: a suppressed finding stays in the report
 * and never fails the run.
 */
export function applySuppressions(report: Report, state: ClusterState, rules: SuppressionRules): IgnoreNotes {
  const used = new Set<IgnoreRule>();
  const expired = new Map<IgnoreRule, Set<string>>();
  const matchers = new Map(rules.ignores.map((rule) => [rule, picomatch(rule.resource, { dot: true })]));
  const baseline = new Set(rules.baseline?.baseline.findings.map((entry) => `${entry.check}\0${entry.resource}\0${entry.fingerprint}`));
  for (const check of report.checks) {
    for (const finding of check.findings) {
      const matching = rules.ignores.filter((rule) => rule.check === check.id && matchers.get(rule)!(finding.resource));
      const live = matching.find((rule) => !hasExpired(rule, rules.now));
      for (const rule of matching.filter((candidate) => hasExpired(candidate, rules.now))) {
        expired.set(rule, (expired.get(rule) ?? new Set()).add(finding.resource));
      }
      let suppressed: Suppression | undefined;
      if (live) {
        used.add(live);
        suppressed = { by: 'config', reason: live.reason };
      }
      suppressed ??= rules.inlineIgnores ? annotationSuppression(check.id, finding, state) : undefined;
      if (!suppressed && rules.baseline && baseline.has(`${check.id}\0${finding.resource}\0${fingerprintOf(check.id, finding)}`)) {
        suppressed = { by: 'baseline', reason: `in the baseline ${rules.baseline.file}` };
      }
      if (suppressed) finding.suppressed = suppressed;
    }
    check.status = settledStatus(check);
  }
  report.summary = summarize(report.checks);
  const where = rules.configFile ?? 'the config';
  const ran = new Set(report.checks.map((check) => check.id));
  return {
    expired: [...expired].map(
      ([rule, resources]) =>
        `${where}: the ignore of ${rule.check} on ${rule.resource} expired on ${rule.expires} and no longer suppresses ${[...resources].join(', ')} (its reason was: ${rule.reason})`,
    ),
    unused: rules.ignores
      .filter((rule) => !used.has(rule) && !expired.has(rule) && ran.has(rule.check))
      .map((rule) => `${where}: the ignore of ${rule.check} on ${rule.resource} matched no finding${rule.expires && hasExpired(rule, rules.now) ? ` (it expired on ${rule.expires})` : ''}; remove it`),
    unknown: rules.inlineIgnores && rules.knownChecks ? unknownAnnotatedChecks(state, rules.knownChecks) : [],
  };
}

/** One note per object whose ignore annotation names a check gke-doctor does not have. */
function unknownAnnotatedChecks(state: ClusterState, known: ReadonlySet<string>): string[] {
  return state.kubernetes.all().flatMap((object) => {
    const value = object.metadata?.annotations?.[IGNORE_ANNOTATION];
    if (typeof value !== 'string') return [];
    const unknown = ignoredCheckIds(value).filter((id) => !known.has(id));
    if (unknown.length === 0) return [];
    const name = [object.kind, object.metadata?.namespace, object.metadata?.name].filter(Boolean).join('/');
    return [`${name}: ${IGNORE_ANNOTATION} names ${unknown.map((id) => `"${id}"`).join(', ')}, which is no check, so it suppresses nothing (known checks: ${[...known].join(', ')})`];
  });
}

/** The check ids an ignore annotation lists: comma-separated, blanks ignored. */
function ignoredCheckIds(value: string): string[] {
  return value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
}

function hasExpired(rule: IgnoreRule, now: Date): boolean {
  return rule.expires !== undefined && now > endOfDay(rule.expires);
}

/** The owner's opt-out on the Kubernetes object the finding is about, if it names this check. */
function annotationSuppression(checkId: string, finding: Finding, state: ClusterState): Suppression | undefined {
  const parts = finding.resource.split('/');
  if (parts.length !== 2 && parts.length !== 3) return undefined;
  const [kind, namespace, name] = parts.length === 3 ? parts : [parts[0], undefined, parts[1]];
  const object = state.kubernetes.get(kind as KubernetesKind, namespace, name!);
  const annotations = object?.metadata?.annotations ?? {};
  if (!ignoredCheckIds(annotations[IGNORE_ANNOTATION] ?? '').includes(checkId)) return undefined;
  const reason = annotations[IGNORE_REASON_ANNOTATION]?.trim();
  return { by: 'annotation', reason: reason || `${IGNORE_ANNOTATION} on ${finding.resource}, with no ${IGNORE_REASON_ANNOTATION}` };
}

import { performance } from 'node:perf_hooks';
import type { ClusterState, DataKey } from '../state/cluster-state.js';
import type { Check, CheckResult, RunContext, Severity } from './check.js';
import { SEVERITIES, checkContext } from './check.js';
import type { CheckReport, Report } from './report.js';
import { summarize } from './report.js';

/** Everything the selected checks need or can use: what a source is asked to collect. */
export function dataKeysFor(checks: readonly Check[]): Set<DataKey> {
  return new Set(checks.flatMap((check) => [...check.needs, ...(check.optionalNeeds ?? [])]));
}

/** Runs each check on collected state, isolated and timed. */
export async function runChecksOn(state: ClusterState, checks: readonly Check[], context: RunContext): Promise<Report> {
  // A snapshot is judged as of when it was taken, not when it is replayed.
  const runContext = state.observedAt ? { ...context, now: state.observedAt } : context;
  const reports: CheckReport[] = [];
  for (const check of checks) {
    const started = performance.now();
    const report = await runOne(check, context.deadline, async () => {
      const absent = notInInputs(check, state);
      if (absent) return { notApplicable: absent };
      const missing = uniqueReasons(check.needs.map((key) => state.unavailable.get(key)));
      if (missing.length > 0) return { incomplete: missing.join('; ') };
      return check.run(state, checkContext(check, runContext));
    });
    report.durationMs = Math.round(performance.now() - started);
    for (const finding of report.findings) finding.location ??= state.locations.get(finding.resource);
    reports.push(report);
  }
  return { version: 1, target: state.target, checks: reports, summary: summarize(reports) };
}

type Outcome = CheckResult | { incomplete: string } | { notApplicable: string };

async function runOne(check: Check, deadline: RunContext['deadline'], run: () => Promise<Outcome>): Promise<CheckReport> {
  const base = { id: check.id, title: check.title, durationMs: 0 };
  let result: Outcome;
  try {
    result = await withinDeadline(run(), deadline);
    const malformed = isRecord(result) && ('incomplete' in result || 'notApplicable' in result) ? undefined : resultProblem(result as CheckResult);
    if (malformed) result = { incomplete: `the check returned a malformed result: ${malformed}` };
  } catch (error) {
    // One broken check must not hide what the others found.
    result = { incomplete: error instanceof DidNotFinish ? error.message : `the check failed: ${(error as Error)?.message ?? String(error)}` };
  }
  if ('notApplicable' in result) return { ...base, status: 'not-applicable', reason: result.notApplicable, findings: [], examined: [] };
  if ('incomplete' in result) return { ...base, status: 'incomplete', reason: result.incomplete, findings: [], examined: [] };
  const { findings, examined, unread = [] } = result;
  if (findings.some((finding) => finding.severity !== 'info')) return { ...base, status: 'failed', reason: null, findings, examined };
  if (unread.length > 0) return { ...base, status: 'incomplete', reason: uniqueReasons(unread).join('; '), findings, examined };
  if (findings.length === 0 && examined.length === 0) {
    return { ...base, status: 'not-applicable', reason: check.notApplicable, findings, examined };
  }
  return { ...base, status: 'passed', reason: null, findings, examined };
}

/** Why the check is not applicable when the preflight's inputs hold none of what it judges; undefined otherwise. */
function notInInputs(check: Check, state: ClusterState): string | undefined {
  const judged = check.appliesTo ?? [];
  if (judged.length === 0 || !judged.every((key) => state.notInInputs?.has(key))) return undefined;
  return uniqueReasons(judged.map((key) => state.notInInputs?.get(key))).join('; ');
}

function uniqueReasons(reasons: (string | undefined)[]): string[] {
  return [...new Set(reasons.filter((reason): reason is string => reason !== undefined))];
}

class DidNotFinish extends Error {}

/**
 * A check (a plugin's: built-in checks are synchronous) that has not finished by the run's
 * deadline (`--timeout`) is incomplete, and the run goes on: a `run()` that never settles must
 * not hang the run, nor end it silently (Node exits 13 when nothing is left to wait on).
 */
async function withinDeadline<T>(work: Promise<T>, deadline: RunContext['deadline']): Promise<T> {
  if (!deadline) return work;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DidNotFinish(`the check did not finish within ${formatMs(deadline.ms)} (--timeout)`)), deadline.remainingMs());
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

function formatMs(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStrings = (value: unknown): boolean => Array.isArray(value) && value.every((item) => typeof item === 'string');

/** What is wrong with a result a check returned (a plugin's, as written by hand), in the plugin API's terms; undefined when it is well-formed. */
function resultProblem(result: CheckResult): string | undefined {
  if (!isRecord(result)) return 'not an object with examined and findings';
  if (!isStrings(result.examined)) return 'examined must be a list of strings';
  if (!Array.isArray(result.findings)) return 'findings must be a list';
  if (result.unread !== undefined && !isStrings(result.unread)) return 'unread must be a list of strings';
  for (const [index, finding] of (result.findings as unknown[]).entries()) {
    const at = `findings[${index}]`;
    if (!isRecord(finding)) return `${at} must be an object`;
    if (!SEVERITIES.includes(finding.severity as Severity)) return `${at}.severity must be error, warning or info`;
    if (typeof finding.resource !== 'string') return `${at}.resource must be a string`;
    if (typeof finding.message !== 'string') return `${at}.message must be a string`;
    if (finding.evidence !== undefined && !isRecord(finding.evidence)) return `${at}.evidence must be an object`;
    const fix = finding.fix;
    if (fix !== undefined && fix !== null && (!isRecord(fix) || typeof fix.summary !== 'string' || !isStrings(fix.commands) || !(fix.terraform == null || typeof fix.terraform === 'string'))) {
      return `${at}.fix must be null or { summary, commands, terraform }`;
    }
  }
  return undefined;
}

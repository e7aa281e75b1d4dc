import { performance } from 'node:perf_hooks';
import type { ClusterState, DataKey } from '../state/cluster-state.js';
import type { Check, CheckResult, RunContext } from './check.js';
import { checkContext } from './check.js';
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
    const report = await runOne(check, async () => {
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

async function runOne(check: Check, run: () => Promise<Outcome>): Promise<CheckReport> {
  const base = { id: check.id, title: check.title, durationMs: 0 };
  let result: Outcome;
  try {
    result = await run();
  } catch (error) {
    // One broken check must not hide what the others found.
    result = { incomplete: `the check failed: ${(error as Error).message ?? String(error)}` };
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

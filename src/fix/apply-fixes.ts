import type { FixAction } from '../engine/check.js';
import type { Report } from '../engine/report.js';
import type { ClusterState } from '../state/cluster-state.js';
import type { KubernetesClient } from '../state/source.js';
import type { FixOptions, FixOutcome } from './fix-outcome.js';
import { FixInterrupted, outcome } from './fix-outcome.js';
import { fixerFor } from './fixers.js';

export type { FixOptions, FixOutcome, FixStatus } from './fix-outcome.js';
export { FixInterrupted } from './fix-outcome.js';

/** The actions of the report's automatic fixes, in report order, whichever check asked for them. */
export function plannedFixes(report: Report): FixAction[] {
  return report.checks
    .flatMap((check) => check.findings)
    // A finding the user accepted (config, annotation, baseline) is left as it is.
    .filter((finding) => !finding.suppressed)
    .flatMap((finding) => (finding.fix?.automatic && finding.fix.action ? [finding.fix.action] : []));
}

/**
 * Prints each action's plan, then has its fixer apply it; one failing does not
 * stop the others, but a backup that cannot be written or a Ctrl-C at a prompt
 * stops everything after it.
 */
export async function applyFixActions(
  api: KubernetesClient,
  actions: readonly FixAction[],
  state: ClusterState,
  options: FixOptions,
): Promise<{ outcomes: FixOutcome[]; interrupted: boolean }> {
  const outcomes: FixOutcome[] = [];
  const environment = { api, state, options };
  let stop: string | null = null;
  let interrupted = false;
  for (const action of actions) {
    if (options.stop?.aborted) {
      outcomes.push(boundTo(action, outcome(action.namespace, 'skipped', `not started: the run was stopped (${String(options.stop.reason)})`)));
      continue;
    }
    if (stop) {
      outcomes.push(boundTo(action, outcome(action.namespace, 'skipped', `not attempted: ${stop}`)));
      continue;
    }
    const fixer = fixerFor(action);
    fixer.describe(action, environment);
    let result: FixOutcome;
    try {
      result = (await untilStopped(fixer.apply(action, environment), options.stop)) ?? (await fixer.abandoned(action, environment));
    } catch (error) {
      if (!(error instanceof FixInterrupted)) throw error;
      interrupted = true;
      stop = 'the run was interrupted (Ctrl-C)';
      result = outcome(action.namespace, 'declined', 'interrupted (Ctrl-C): nothing written');
    }
    result = boundTo(action, result);
    options.log(`  ${result.status}: ${result.detail}`);
    options.log('');
    outcomes.push(result);
    if (result.backupFailed) stop = 'an earlier backup could not be written';
  }
  return { outcomes, interrupted };
}

/** How long the action in flight may go on after SIGINT/SIGTERM before it is abandoned (it sends no new write meanwhile). */
export const STOP_GRACE_MS = 3_000;

/** `work`'s result; null when `stop` aborted and `work` did not settle within STOP_GRACE_MS after. */
async function untilStopped<T>(work: Promise<T>, stop: AbortSignal | undefined): Promise<T | null> {
  if (!stop) return work;
  let timer: NodeJS.Timeout | undefined;
  let onStop: (() => void) | undefined;
  const abandoned = new Promise<null>((resolve) => {
    onStop = () => (timer = setTimeout(() => resolve(null), STOP_GRACE_MS));
    if (stop.aborted) onStop();
    else stop.addEventListener('abort', onStop, { once: true });
  });
  try {
    return await Promise.race([work, abandoned]);
  } finally {
    clearTimeout(timer);
    if (onStop) stop.removeEventListener('abort', onStop);
  }
}

/** The report names the namespace object the action was bound to (uid, resourceVersion), whatever the fixer's outcome says. */
function boundTo(action: FixAction, result: FixOutcome): FixOutcome {
  const { kind, namespace, uid, resourceVersion } = action;
  return { ...result, action: { kind, namespace, ...(uid ? { uid } : {}), ...(resourceVersion ? { resourceVersion } : {}) } };
}

/**
 * DESIGN.md with `--fix`: the exit code of the report as it stands after fixing
 * (a finding whose fix resolved it no longer counts), and 1 when a planned fix
 * failed or was declined.
 */
export function exitCodeAfterFixes(report: Report, outcomes: readonly FixOutcome[], exitCodeFor: (report: Report) => number): number {
  const resolved = new Set(outcomes.filter((entry) => entry.resolved).map((entry) => entry.resource));
  const remaining: Report = {
    ...report,
    checks: report.checks.map((check) => ({
      ...check,
      findings: check.findings.filter((finding) => !(finding.fix?.action && resolved.has(finding.resource))),
    })),
  };
  const code = exitCodeFor(remaining);
  return code === 0 && outcomes.some((entry) => entry.status === 'failed' || entry.status === 'declined') ? 1 : code;
}

import type { CoreV1Api } from '@kubernetes/client-node';
import type { FixAction } from '../engine/check.js';
import type { Report } from '../engine/report.js';
import type { ClusterState } from '../state/cluster-state.js';
import type { FixOptions, FixOutcome, FixStatus } from './fix-outcome.js';
import { fixerFor } from './fixers.js';

export type { FixOptions, FixOutcome, FixStatus } from './fix-outcome.js';

const SUCCEEDED: readonly FixStatus[] = ['finalized', 'dry-run', 'gone', 'not-terminating'];

/** DESIGN.md with `--fix`: 0 when every planned fix succeeded, 1 when any failed or was declined. */
export function fixExitCode(outcomes: readonly FixOutcome[]): number {
  return outcomes.every((outcome) => SUCCEEDED.includes(outcome.status)) ? 0 : 1;
}

/** The actions of the report's automatic fixes, in report order, whichever check asked for them. */
export function plannedFixes(report: Report): FixAction[] {
  return report.checks
    .flatMap((check) => check.findings)
    // A finding the user accepted (config, annotation, baseline) is left as it is.
    .filter((finding) => !finding.suppressed)
    .flatMap((finding) => (finding.fix?.automatic && finding.fix.action ? [finding.fix.action] : []));
}

/** Prints each action's plan, then has its fixer apply it; one failing does not stop the others, a failed backup does. */
export async function applyFixActions(core: CoreV1Api, actions: readonly FixAction[], state: ClusterState, options: FixOptions): Promise<FixOutcome[]> {
  const outcomes: FixOutcome[] = [];
  const environment = { core, state, options };
  for (const action of actions) {
    if (outcomes.some((outcome) => outcome.backupFailed)) {
      outcomes.push({ namespace: action.namespace, status: 'failed', detail: 'not attempted: an earlier backup could not be written' });
      continue;
    }
    const fixer = fixerFor(action);
    fixer.describe(action, environment);
    const outcome = await fixer.apply(action, environment);
    options.log(`  ${outcome.status}: ${outcome.detail}`);
    options.log('');
    outcomes.push(outcome);
  }
  return outcomes;
}

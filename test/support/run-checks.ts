import type { Check, RunContext } from '../../src/engine/check.js';
import type { Report } from '../../src/engine/report.js';
import { dataKeysFor, runChecksOn } from '../../src/engine/runner.js';
import type { StateSource } from '../../src/state/source.js';

/** Collects exactly what `checks` need from `source`, then runs them, as `check` does. */
export async function runChecks(checks: readonly Check[], source: StateSource, context: RunContext): Promise<Report> {
  return runChecksOn(await source.collect(dataKeysFor(checks)), checks, context);
}

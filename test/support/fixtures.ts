import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { builtinChecks } from '../../checks/index.js';
import type { Check, RunContext } from '../../src/engine/check.js';
import type { Report } from '../../src/engine/report.js';
import { runChecks } from './run-checks.js';
import { selectChecks } from '../../src/engine/select.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
}

/** A fixed clock, so ages in messages do not drift: 2024-01-15, weeks after the seed incidents. */
export const FIXTURE_NOW = new Date('2024-01-15T00:00:00Z');

/** When a fixture's snapshot was taken (its snapshot.json), else FIXTURE_NOW: the moment a live read of it happens. */
export function fixtureTime(name: string): Date {
  try {
    return new Date((JSON.parse(readFileSync(`${fixturePath(name)}/snapshot.json`, 'utf8')) as { takenAt: string }).takenAt);
  } catch {
    return FIXTURE_NOW;
  }
}

/** Runs checks (all built-ins by default) on a fixture snapshot directory, as `check --snapshot` does. */
export async function runFixture(
  name: string,
  options: { only?: string[]; checks?: readonly Check[]; context?: Partial<RunContext> } = {},
): Promise<Report> {
  const checks = selectChecks(options.checks ?? builtinChecks, options.only ?? []);
  return runChecks(checks, new SnapshotSource(fixturePath(name)), { now: FIXTURE_NOW, stuckAfterMs: 5 * 60_000, ...options.context });
}

/** The one check report of `id` in a report. */
export function checkReport(report: Report, id: string) {
  const found = report.checks.find((check) => check.id === id);
  if (!found) throw new Error(`no check ${id} in report`);
  return found;
}

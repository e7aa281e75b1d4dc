import { InputError } from '../errors.js';
import { jsonErrorMessage, requireJsonNesting } from '../state/files/input-file.js';
import { reportShapeProblem } from './report-shape.js';
import type { FleetDiscovery, FleetProject, FleetReport, ShardCoverage, SpooledFleet } from '../engine/fleet-report.js';
import { isFleetReport, spooledFleetReport, targetLabel } from '../engine/fleet-report.js';
import { TargetSpool } from '../engine/target-spool.js';
import type { Report } from '../engine/report.js';
import type { RunIdentity } from './run-identity.js';
import { inputsDifference } from './run-identity.js';

/** A report to merge: where it is (a file or a gs:// object), and how to read its text. */
export interface ReportText {
  name: string;
  read(): Promise<string>;
}

/**
 * Combines shard reports (or any fleet and single-cluster JSON reports) into one
 * fleet report. Shards must be of one run (`run.id`) with the same inputs and agree on
 * their count; every index no report covers is named in `fleet.shards.missing`. A cluster
 * or a shard in two reports is bad input: which one holds the truth is not for gke-doctor
 * to guess. Reports are read one at a time, and their clusters spooled (issue 27): memory holds
 * the largest report, not all of them.
 */
export async function mergeReports(inputs: readonly ReportText[]): Promise<SpooledFleet> {
  if (inputs.length === 0) throw new InputError('merge: no reports to merge');
  const spool = new TargetSpool((report) => targetLabel(report.target));
  try {
    return await mergeInto(spool, inputs);
  } catch (error) {
    spool.close();
    throw error;
  }
}

/** Each report's clusters go to `spool` as it is read: memory holds one report at a time (the caller closes the spool). */
async function mergeInto(spool: TargetSpool, inputs: readonly ReportText[]): Promise<SpooledFleet> {
  const seen = new Map<string, string>();
  const sources = new Set<string>();
  let shards: { count: number; present: Map<number, string>; from: string } | null = null;
  let unsharded: string | null = null;
  let run: { identity: RunIdentity | undefined; from: string; startedAt: string } | null = null;
  const projects = new Map<string, FleetProject>();
  let discovery: FleetDiscovery | undefined;
  for (const input of inputs) {
    const report = await parseReport(input.name, await input.read());
    const parts = isFleetReport(report) ? report.targets : [report];
    sources.add(report.target.source);
    const coverage = isFleetReport(report) ? report.fleet.shards : null;
    if (coverage) {
      if (unsharded) throw new InputError(`${input.name} is one shard of ${coverage.count}, but ${unsharded} is not a shard report: merge the shards of one run`);
      if (shards && shards.count !== coverage.count) {
        throw new InputError(`${input.name} is a shard of ${coverage.count}, but ${shards.from} is a shard of ${shards.count}: merge the shards of one run`);
      }
      shards ??= { count: coverage.count, present: new Map(), from: input.name };
      for (const index of coverage.present) {
        const earlier = shards.present.get(index);
        if (earlier !== undefined) throw new InputError(`shard ${index}/${coverage.count} is in both ${earlier} and ${input.name}: merge each shard once`);
        shards.present.set(index, input.name);
      }
      const identity = (report as FleetReport).run;
      if (run) sameRun(run, identity, input.name);
      else run = { identity, from: input.name, startedAt: identity?.startedAt ?? '' };
      if (identity && identity.startedAt < run.startedAt) run.startedAt = identity.startedAt;
    } else {
      if (shards) throw new InputError(`${input.name} is not a shard report, but ${shards.from} is: merge the shards of one run`);
      unsharded = input.name;
    }
    // Every shard lists every project: one entry each, the worst listing when shards saw different ones.
    // Every shard walks the same parent: the first says how; what any shard could not list stays named.
    const found = isFleetReport(report) ? report.fleet.discovery : undefined;
    if (found) discovery = discovery ? { ...discovery, unlisted: unionBy(discovery.unlisted, found.unlisted, (entry) => `${entry.resource} ${entry.reason}`) } : found;
    for (const project of isFleetReport(report) ? (report.fleet.projects ?? []) : []) {
      const earlier = projects.get(project.project);
      if (!earlier || LISTING_RANK[project.status] > LISTING_RANK[earlier.status]) projects.set(project.project, project);
    }
    for (const target of parts) {
      const label = targetLabel(target.target);
      const earlier = seen.get(label);
      if (earlier) throw new InputError(`cluster ${label} is in both ${earlier} and ${input.name}: merge each shard once`);
      seen.set(label, input.name);
      spool.add(target);
    }
  }
  const coverage: ShardCoverage | null = shards
    ? {
        count: shards.count,
        present: [...shards.present.keys()].sort((a, b) => a - b),
        missing: Array.from({ length: shards.count }, (_, index) => index).filter((index) => !shards!.present.has(index)),
      }
    : null;
  // The merge of a run's shards is that run, whole: its coverage is fleet.shards.
  const merged = run?.identity ? { ...run.identity, startedAt: run.startedAt, shard: null } : undefined;
  return spooledFleetReport(sources.size === 1 ? [...sources][0]! : 'merged', spool, coverage, { projects: projects.size > 0 ? [...projects.values()] : undefined, discovery, run: merged });
}

function unionBy<T>(a: readonly T[], b: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set(a.map(key));
  return [...a, ...b.filter((item) => !seen.has(key(item)))];
}

const LISTING_RANK: Record<FleetProject['status'], number> = { listed: 0, incomplete: 1, unlisted: 2 };

/** A shard of another run, or of the same run with other inputs, is refused in one line naming both files. */
function sameRun(first: { identity: RunIdentity | undefined; from: string }, identity: RunIdentity | undefined, name: string): void {
  const merge = 'merge the shards of one run';
  if (!first.identity || !identity) {
    if (first.identity || identity) {
      const [bare, named] = first.identity ? [name, first] : [first.from, { identity: identity!, from: name }];
      throw new InputError(`${bare} has no run id (written before gke-doctor named its runs), but ${named.from} is run ${named.identity!.id}: ${merge}`);
    }
    return;
  }
  if (identity.id !== first.identity.id) throw new InputError(`${name} is run ${identity.id}, but ${first.from} is run ${first.identity.id}: ${merge}`);
  const difference = inputsDifference(first.identity, identity);
  if (difference) throw new InputError(`${first.from} and ${name} are shards of run ${identity.id} with different inputs (${difference}): ${merge}, as it was given`);
}

async function parseReport(name: string, text: string): Promise<Report> {
  requireJsonNesting(name, text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${name}: not a gke-doctor JSON report (invalid JSON: ${jsonErrorMessage(error as Error)})`);
  }
  const problem = await reportShapeProblem(value);
  if (problem) throw new InputError(`${name}: not a gke-doctor JSON report (the output of check --output json): ${problem}`);
  const report = value as FleetReport;
  const count = report.fleet?.shards?.count;
  const outside = count === undefined ? undefined : report.fleet.shards!.present.find((index) => index >= count);
  if (outside !== undefined) throw new InputError(`${name}: shard ${outside} is not below the shard count ${count}`);
  return report;
}

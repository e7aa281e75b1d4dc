import type { RunIdentity } from '../fleet/run-identity.js';
import type { Target } from '../state/cluster-state.js';
import type { Check } from './check.js';
import type { CheckReport, FailOn, Report, Summary } from './report.js';
import type { TargetSpool } from './target-spool.js';
import { exitCodeFor, summarize } from './report.js';

/**
 * Which shards of `count` a fleet report covers. One shard's own report names
 * only itself and misses nothing; `merge` names every shard it did not get.
 */
export interface ShardCoverage {
  count: number;
  present: number[];
  missing: number[];
}

export interface FleetSummary {
  clusters: number;
  /** Clusters with a failed check. */
  failing: number;
  /** Clusters with a check that could not run (data that could not be read, a cluster that could not be reached). */
  incomplete: number;
  /** The shards the report covers, when it came from sharded runs; null for an unsharded run. */
  shards: ShardCoverage | null;
  /**
   * Every project a live run looked in, with how many clusters it has to check (0 for none) or why its
   * clusters could not all be listed; absent for a snapshot tree. A project is never counted as a cluster.
   */
  projects?: FleetProject[];
  /** How a run with `--parent` found its projects; absent without one. */
  discovery?: FleetDiscovery;
}

/** How `--parent` found the projects beneath it. */
export interface FleetDiscovery {
  /** `folders/ID` or `organizations/ID`. */
  parent: string;
  /** Cloud Asset Inventory's `searchAllResources`, or Resource Manager's folders and projects, walked. */
  via: 'cloud-asset-inventory' | 'resource-manager';
  /** Why Cloud Asset Inventory was not used; null when it was. */
  fallback: string | null;
  /** The parent or folders whose children could not be listed: projects beneath them may be missing. */
  unlisted: UnlistedResource[];
}

export interface UnlistedResource {
  resource: string;
  reason: string;
  permission?: string;
  role?: string;
}

/** One project of a live fleet run, as `--all-clusters` listed it. */
export interface FleetProject {
  project: string;
  /** `listed`: every cluster listed; `incomplete`: some zones did not answer; `unlisted`: the list could not be read. */
  status: 'listed' | 'incomplete' | 'unlisted';
  /** Clusters listed there to check (after --location and --cluster-filter, before --shard): 0 is a project with none. */
  clusters: number;
  /** Why the list is not whole; null when it is. */
  reason: string | null;
  /** The permission a 403 named, and a role that grants it. */
  permission?: string;
  role?: string;
  /** The zones the cluster list named as not answering (ListClustersResponse.missingZones). */
  missingZones?: string[];
}

/**
 * A fleet run's report (DESIGN.md, additive to version 1): the version-1 fields
 * with no checks of its own and the summary summed over every cluster, plus
 * `targets` (one version-1 report per cluster) and `fleet`. A single-cluster run
 * keeps the plain version-1 shape.
 */
export interface FleetReport extends Report {
  targets: Report[];
  fleet: FleetSummary;
  /** Which run wrote it (absent in reports of gke-doctor before run identities, and in the merge of such reports). */
  run?: RunIdentity;
}

export function isFleetReport(report: Report): report is FleetReport {
  return Array.isArray((report as Partial<FleetReport>).targets);
}

type FleetExtras = { projects?: readonly FleetProject[] | undefined; discovery?: FleetDiscovery | undefined; run?: RunIdentity | undefined };

/** Builds the fleet report from each cluster's report, in project, location, cluster order. */
export function fleetReport(source: string, targets: readonly Report[], shards: ShardCoverage | null, extras: FleetExtras = {}): FleetReport {
  const sorted = [...targets].sort((a, b) => targetLabel(a.target).localeCompare(targetLabel(b.target)));
  const failing = sorted.filter((report) => report.checks.some((check) => check.status === 'failed')).length;
  const incomplete = sorted.filter((report) => report.checks.some((check) => check.status === 'incomplete')).length;
  return fleetHead(source, summarize(sorted.flatMap((report) => report.checks)), sorted, { failing, incomplete }, shards, extras);
}

/**
 * A fleet report whose clusters' reports are in a spool (written out as each cluster was done),
 * not in memory: `head` is the report with `targets` empty, and its summary over them all.
 * Writers stream `spool.all()` in its place (report/stream.ts); `materialized` is the whole.
 */
export interface SpooledFleet {
  head: FleetReport;
  spool: TargetSpool;
}

export function isSpooledFleet(report: Report | SpooledFleet): report is SpooledFleet {
  return 'spool' in report && 'head' in report;
}

/** The fleet report of the clusters in `spool`: the same as `fleetReport` of them, with the targets left in the spool. */
export function spooledFleetReport(source: string, spool: TargetSpool, shards: ShardCoverage | null, extras: FleetExtras = {}): SpooledFleet {
  const summary = { ...spool.summary };
  return { head: fleetHead(source, summary, [], { failing: spool.failing, incomplete: spool.incomplete, clusters: spool.count }, shards, extras), spool };
}

/** The whole report, every cluster's report read back into memory. */
export function materialized(report: Report | SpooledFleet): Report {
  return isSpooledFleet(report) ? ({ ...report.head, targets: [...report.spool.all()] } as FleetReport) : report;
}

function fleetHead(
  source: string,
  summary: Summary,
  targets: Report[],
  counts: { failing: number; incomplete: number; clusters?: number },
  shards: ShardCoverage | null,
  { projects, discovery, run }: FleetExtras,
): FleetReport {
  return {
    version: 1,
    target: { source, project: null, location: null, cluster: null },
    checks: [],
    summary,
    targets,
    fleet: {
      clusters: counts.clusters ?? targets.length,
      failing: counts.failing,
      incomplete: counts.incomplete,
      shards,
      ...(projects ? { projects: [...projects].sort((a, b) => a.project.localeCompare(b.project)) } : {}),
      ...(discovery ? { discovery } : {}),
    },
    ...(run ? { run } : {}),
  };
}

/** The report of a cluster (or a project) that could not be read at all: every check incomplete, with the reason. */
export function unreadReport(target: Target, checks: readonly Check[], reason: string): Report {
  const reports: CheckReport[] = checks.map((check) => ({
    id: check.id,
    title: check.title,
    status: 'incomplete',
    reason,
    durationMs: 0,
    findings: [],
    examined: [],
  }));
  return { version: 1, target, checks: reports, summary: summarize(reports) };
}

/** The worst exit code over every cluster (1 over 3 over 0); missing shards, and projects not wholly listed, make the fleet incomplete; `never` is 0. */
export function fleetExitCode(fleet: FleetReport | SpooledFleet, failOn: FailOn): number {
  if (failOn === 'never') return 0;
  const report = isSpooledFleet(fleet) ? fleet.head : fleet;
  // A cluster exits 1 on a finding at or above failOn, else 3 when a check could not run: the fleet's worst.
  const failed = isSpooledFleet(fleet) ? fleet.spool.hasFindingAtOrAbove(failOn) : report.targets.some((target) => exitCodeFor(target, failOn) === 1);
  if (failed) return 1;
  const incomplete = isSpooledFleet(fleet) ? fleet.spool.incomplete > 0 : report.targets.some((target) => exitCodeFor(target, failOn) === 3);
  if (incomplete || (report.fleet.shards?.missing.length ?? 0) > 0 || listingGaps(report).length > 0) return 3;
  return 0;
}

/** What could not be listed, so clusters may be missing: the parent or folders whose projects, and the projects whose clusters. */
export interface ListingGap {
  /** `folders/ID`, `organizations/ID`, or `project ID`. */
  what: string;
  project: string | null;
  status: 'incomplete' | 'unlisted';
  reason: string;
}

/** The fleet's listing gaps: the fleet cannot be whole while there is one. */
export function listingGaps(report: FleetReport): ListingGap[] {
  return [
    ...(report.fleet.discovery?.unlisted ?? []).map((entry): ListingGap => ({ what: entry.resource, project: null, status: 'unlisted', reason: entry.reason })),
    ...(report.fleet.projects ?? [])
      .filter((project) => project.status !== 'listed')
      .map((project): ListingGap => ({ what: `project ${project.project}`, project: project.project, status: project.status as ListingGap['status'], reason: project.reason ?? '' })),
  ];
}

/** `project/location/cluster` as reports name a cluster; `project` alone for a project whose clusters could not be listed. */
export function targetLabel(target: Target): string {
  return [target.project ?? '-', target.location, target.cluster].filter((part) => part !== null).join('/');
}

import type { FleetReport } from '../engine/fleet-report.js';
import { targetLabel } from '../engine/fleet-report.js';
import type { Report } from '../engine/report.js';

/** Why some of a cluster's checks could not run: one reason, and the checks it stopped. */
export interface IncompleteReason {
  reason: string;
  checks: string[];
}

/** One row of the fleet's per-cluster summary (text table, HTML table, metrics). */
export interface ClusterRow {
  /** `project/location/cluster`, or the project alone for a project whose clusters could not be listed. */
  label: string;
  project: string;
  location: string | null;
  cluster: string | null;
  errors: number;
  warnings: number;
  /** How many checks could not run. */
  incomplete: number;
  /** Every distinct reason, with the checks it stopped, in check order. */
  reasons: IncompleteReason[];
  /** Whether every check could not run (nothing at all was checked). */
  unread: boolean;
  /** failing: a check failed; incomplete: none failed but one could not run; clean: neither. */
  status: 'failing' | 'incomplete' | 'clean';
  /** How many checks it ran. */
  checks: number;
}

/**
 * The per-cluster rows of a fleet report, in its order. A cluster with any check
 * that could not run counts as not checked, whatever else passed: a check that passed
 * from the cluster list alone (the addon setting) says nothing about what is in it.
 */
export function clusterRows(targets: Iterable<Report>): ClusterRow[] {
  return [...targets].map(clusterRow);
}

/** One cluster's row: only what the table says of it, so the rows of a whole fleet stay small. */
export function clusterRow(target: Report): ClusterRow {
  const reasons: IncompleteReason[] = [];
  for (const check of target.checks.filter((candidate) => candidate.status === 'incomplete')) {
    const reason = check.reason ?? 'no reason given';
    const same = reasons.find((entry) => entry.reason === reason);
    if (same) same.checks.push(check.id);
    else reasons.push({ reason, checks: [check.id] });
  }
  const incomplete = reasons.reduce((sum, entry) => sum + entry.checks.length, 0);
  const failing = target.checks.some((check) => check.status === 'failed');
  return {
    label: targetLabel(target.target),
    project: target.target.project ?? '-',
    location: target.target.location,
    cluster: target.target.cluster,
    errors: target.summary.error,
    warnings: target.summary.warning,
    incomplete,
    reasons,
    unread: target.checks.length > 0 && incomplete === target.checks.length,
    status: failing ? 'failing' : incomplete > 0 ? 'incomplete' : 'clean',
    checks: target.checks.length,
  };
}

/** What a fleet run says of itself (`run`: id, startedAt, shard `{ index, count }`); only what is there and well formed. */
export interface RunIdentity {
  id?: string;
  startedAt?: string;
  shard?: string;
}

export function runIdentity(report: Report): RunIdentity | null {
  const run = (report as { run?: unknown }).run;
  if (run === null || typeof run !== 'object') return null;
  const { id, startedAt, shard } = run as Record<string, unknown>;
  const identity: RunIdentity = {};
  if (typeof id === 'string') identity.id = id;
  if (typeof startedAt === 'string') identity.startedAt = startedAt;
  const { index, count } = (shard ?? {}) as Record<string, unknown>;
  if (typeof index === 'number' && typeof count === 'number') identity.shard = `${index}/${count}`;
  return Object.keys(identity).length > 0 ? identity : null;
}

/** One project a live fleet run looked in (`fleet.projects`): how many clusters it listed there, or why not all. */
export interface ProjectRow {
  project: string;
  /** listed: every cluster listed; incomplete: some zones did not answer; unlisted: the list could not be read. */
  status: 'listed' | 'incomplete' | 'unlisted';
  clusters: number;
  reason: string | null;
  missingZones: string[];
}

/** The projects of a fleet report, when it names them (live runs); empty otherwise. Read defensively: a merged report may come from any version. */
export function projectRows(report: FleetReport): ProjectRow[] {
  const projects = (report.fleet as { projects?: unknown }).projects;
  if (!Array.isArray(projects)) return [];
  return projects
    .filter((entry): entry is Record<string, unknown> => entry !== null && typeof entry === 'object' && typeof (entry as { project?: unknown }).project === 'string')
    .map((entry) => ({
      project: entry.project as string,
      status: entry.status === 'incomplete' || entry.status === 'unlisted' ? entry.status : 'listed',
      clusters: typeof entry.clusters === 'number' ? entry.clusters : 0,
      reason: typeof entry.reason === 'string' ? entry.reason : null,
      missingZones: Array.isArray(entry.missingZones) ? entry.missingZones.filter((zone): zone is string => typeof zone === 'string') : [],
    }));
}

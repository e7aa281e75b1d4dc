import { pathInside } from '../path-component.js';
import { parseDuration } from './duration-flag.js';
import type { DataKey } from '../state/cluster-state.js';
import { Deadline } from '../state/live/deadline.js';
import { GCP_DATA_KEYS } from '../state/cluster-state.js';
import { KUBERNETES_KINDS } from '../state/kubernetes-types.js';
import type { LiveFlags } from './live-options.js';
import { createLiveSource } from './live-options.js';
import type { ProcessIo } from './process-io.js';
import type { FleetFlags } from './fleet-flags.js';
import { allClustersMembers, rejectFleetFlags, scheduleOf } from './fleet-options.js';
import type { FleetMember } from '../fleet/run-fleet.js';
import type { FleetListing } from '../fleet/live-fleet.js';
import { eachWithinShare } from '../fleet/schedule.js';
import { printable } from '../terminal-text.js';

/** Everything any check can read: a snapshot serves every check. */
const ALL_DATA: DataKey[] = [...GCP_DATA_KEYS, ...KUBERNETES_KINDS, 'ObjectsInTerminatingNamespaces'];

/** `gke-doctor snapshot DIR`: writes it and returns the exit code (3 when anything could not be read). */
export async function writeSnapshotOf(directory: string, options: LiveFlags & FleetFlags, io: ProcessIo): Promise<number> {
  const { SnapshotWriter } = await import('../state/snapshot/snapshot-writer.js');
  if (options.allClusters) return snapshotAllClusters(directory, options, io);
  rejectFleetFlags(options);
  const writer = await SnapshotWriter.start(directory);
  const read = async () => {
    try {
      const deadline = new Deadline(parseDuration(options.timeout, '--timeout', { timer: true }));
      try {
        // Each Kubernetes list is written as it is read, while the rest is read.
        const source = await createLiveSource(options, io, deadline, { onObjects: (objects) => writer.read(objects) });
        const takenAt = io.now();
        return { takenAt, state: await source.collect(new Set(ALL_DATA)) };
      } finally {
        deadline.dispose();
      }
    } catch (error) {
      await writer.abandon();
      throw error;
    }
  };
  const { state, takenAt } = await read();
  const written = await writer.finish(state, takenAt);
  for (const [key, reason] of state.unavailable) io.stderr.write(`gke-doctor: not in the snapshot: ${key}: ${printable(reason)}\n`);
  io.stderr.write(
    `gke-doctor: wrote ${directory}: ${written.files.length} files, ${written.objects} Kubernetes objects; ${written.redactions.length} values redacted (see REDACTED.md)\n`,
  );
  // Like an incomplete check: the snapshot is usable, but some data is missing.
  return state.unavailable.size > 0 ? 3 : 0;
}

/**
 * `snapshot DIR --all-clusters`: one snapshot directory per cluster under
 * DIR/PROJECT/LOCATION/CLUSTER/ (what `check --snapshot DIR` reads as a fleet).
 * A cluster read only in part is written with what could be read; a project
 * whose clusters cannot be listed is named. Exit 3 when anything is missing.
 */
async function snapshotAllClusters(directory: string, options: LiveFlags & FleetFlags, io: ProcessIo): Promise<number> {
  const { requireEmptyDirectory } = await import('../state/snapshot/snapshot-writer.js');
  await requireEmptyDirectory(directory);
  const deadline = new Deadline(parseDuration(options.timeout, '--timeout', { timer: true }));
  try {
    return await snapshotMembers(directory, await allClustersMembers(options, io, deadline), options, io, deadline);
  } finally {
    deadline.dispose();
  }
}

/**
 * Each member's snapshot, at most `--concurrency` at once, each within its share of the run
 * (`--cluster-timeout`); a project whose clusters could not all be listed is named. 3 when anything is missing.
 */
async function snapshotMembers(directory: string, listing: FleetListing, options: FleetFlags, io: ProcessIo, deadline: Deadline): Promise<number> {
  const { writeSnapshot } = await import('../state/snapshot/snapshot-writer.js');
  const takenAt = io.now();
  let missing = false;
  const gaps = [
    ...(listing.discovery?.unlisted ?? []).map((entry) => ({ name: entry.resource, reason: entry.reason })),
    ...listing.projects.filter((candidate) => candidate.status !== 'listed').map((project) => ({ name: project.project, reason: project.reason ?? '' })),
  ];
  for (const gap of gaps) {
    missing = true;
    io.stderr.write(`gke-doctor: ${printable(gap.name)}: not in the snapshot: ${printable(gap.reason)}\n`);
  }
  const notWritten = (name: string, reason: string) => {
    missing = true;
    io.stderr.write(`gke-doctor: ${printable(name)}: not in the snapshot: ${printable(reason)}\n`);
  };
  const nameOf = ({ target }: FleetMember) => [target.project, target.location, target.cluster].filter(Boolean).join('/');
  await eachWithinShare(
    listing.members,
    scheduleOf(options, deadline),
    async (member, own) => {
      const { target } = member;
      try {
        const state = await (await member.source(own)).collect(new Set(ALL_DATA));
        // Names from the APIs: plain path components, always inside DIR.
        const path = pathInside(directory, target.project!, target.location!, target.cluster!);
        const written = await writeSnapshot(path, state, takenAt);
        for (const [key, reason] of state.unavailable) io.stderr.write(`gke-doctor: ${printable(nameOf(member))}: not in the snapshot: ${key}: ${printable(reason)}\n`);
        missing ||= state.unavailable.size > 0;
        io.stderr.write(`gke-doctor: wrote ${printable(path)}: ${written.files.length} files, ${written.objects} Kubernetes objects; ${written.redactions.length} values redacted\n`);
      } catch (error) {
        notWritten(nameOf(member), (error as Error).message);
      } finally {
        member.release?.();
      }
    },
    (member, reason) => notWritten(nameOf(member), reason),
  );
  return missing ? 3 : 0;
}

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { KUBERNETES_DIRECTORY, SNAPSHOT_FILES, SNAPSHOT_METADATA_FILE, SNAPSHOT_ROLES_DIRECTORY, SNAPSHOT_UNREAD_FILE } from '../state/snapshot/layout.js';
import { SnapshotSource } from '../state/snapshot/snapshot-source.js';
import type { FleetMember } from './run-fleet.js';

/** What makes a directory one cluster's snapshot rather than a tree of them. */
const SNAPSHOT_ENTRIES = new Set([...Object.values(SNAPSHOT_FILES).map(({ file }) => file.split('/')[0]!), KUBERNETES_DIRECTORY, SNAPSHOT_ROLES_DIRECTORY, SNAPSHOT_METADATA_FILE, SNAPSHOT_UNREAD_FILE]);

/**
 * The clusters of a fleet snapshot, `DIR/PROJECT/LOCATION/CLUSTER/` (what
 * `snapshot DIR --all-clusters` writes), in a stable order; null when `directory`
 * is one cluster's snapshot (it holds snapshot files itself) or holds no such tree.
 */
export async function snapshotTreeMembers(directory: string): Promise<FleetMember[] | null> {
  const top = await directories(directory);
  if (top === null) return null;
  if (await isSnapshot(directory)) return null;
  const members: FleetMember[] = [];
  for (const project of top) {
    for (const location of (await directories(join(directory, project))) ?? []) {
      for (const cluster of (await directories(join(directory, project, location))) ?? []) {
        const path = join(directory, project, location, cluster);
        // A tree only when every leaf is a snapshot: anything else is a directory given by mistake.
        if (!(await isSnapshot(path))) return null;
        members.push({ target: { source: 'snapshot', project, location, cluster }, source: () => new SnapshotSource(path) });
      }
    }
  }
  return members.length > 0 ? members : null;
}

/** Whether `directory` holds at least one file or folder of the snapshot layout. */
export async function isSnapshot(directory: string): Promise<boolean> {
  try {
    return (await readdir(directory)).some((entry) => SNAPSHOT_ENTRIES.has(entry));
  } catch {
    return false;
  }
}

async function directories(path: string): Promise<string[] | null> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .map((entry) => entry.name)
      .sort();
  } catch {
    return null;
  }
}

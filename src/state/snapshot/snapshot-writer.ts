import { chmod, mkdir, mkdtemp, readdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { addToList } from '../../list-map.js';
import { pathComponent } from '../../path-component.js';
import { InputError } from '../../errors.js';
import type { ClusterState, GcpDataKey } from '../cluster-state.js';
import type { UnreadRecord } from './unread-record.js';
import { GCP_DATA_KEYS, kubectlKind, kubernetesResourceName } from '../cluster-state.js';
import type { KubeObject } from '../kubernetes-types.js';
import type { Redaction } from './redaction.js';
import { KEPT_VALUES, redactCluster, redactGcpData, redactObject } from './redaction.js';
import { writeListFiles } from './list-files.js';
import { KindsAsRead } from './kinds-as-read.js';
import { SNAPSHOT_FILES, SNAPSHOT_METADATA_FILE, SNAPSHOT_ROLES_DIRECTORY, SNAPSHOT_UNREAD_FILE } from './layout.js';

export interface WrittenSnapshot {
  files: string[];
  objects: number;
  redactions: Redaction[];
}

/**
 * Writes `state` as a snapshot directory (DESIGN.md: each file what gcloud or
 * kubectl prints), redacted, with REDACTED.md saying what was removed and what
 * could not be read. `check --snapshot DIR` replays it.
 *
 * Everything is written into a new directory of its own beside `directory` and renamed
 * into place at the end: a run that fails half-way leaves `directory` empty, never a
 * snapshot that looks complete, and no file is written through a link someone placed.
 * File names built from API data (kinds, role ids) are plain names (pathComponent).
 */
export async function writeSnapshot(directory: string, state: ClusterState, takenAt: Date): Promise<WrittenSnapshot> {
  return (await SnapshotWriter.start(directory)).finish(state, takenAt);
}

/**
 * writeSnapshot in two steps, so that Kubernetes objects are written as their lists are read
 * (`read`, KindsAsRead): `start` before reading, `finish` with the state read, or `abandon`.
 */
export class SnapshotWriter {
  readonly kindsAsRead: KindsAsRead;

  private constructor(
    private readonly directory: string,
    private readonly target: string,
    private readonly staging: string,
  ) {
    this.kindsAsRead = new KindsAsRead(staging);
  }

  static async start(directory: string): Promise<SnapshotWriter> {
    await requireEmptyDirectory(directory);
    // The directory the user named may be a link they made: the snapshot goes where it points.
    const target = await realpath(directory);
    return new SnapshotWriter(directory, target, await mkdtemp(join(dirname(target), `.${basename(target)}.partial-`)));
  }

  /** Objects as each list of them is read: written now where they can be (KindsAsRead). */
  read(objects: readonly KubeObject[]): void {
    this.kindsAsRead.add(objects);
  }

  async finish(state: ClusterState, takenAt: Date): Promise<WrittenSnapshot> {
    try {
      await this.kindsAsRead.close();
      const written = await writeSnapshotFiles(this.staging, state, takenAt, this.kindsAsRead);
      await chmod(this.staging, (await stat(this.target)).mode & 0o7777);
      // rename(2) replaces an empty directory in one step.
      await rename(this.staging, this.target).catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'ENOTEMPTY' || error.code === 'EEXIST' ? new InputError(`${this.directory}: not empty any more; snapshot writes into a new or empty directory`) : error;
      });
      return written;
    } catch (error) {
      await this.abandon();
      throw error;
    }
  }

  /** Nothing written stays (the read failed). */
  async abandon(): Promise<void> {
    await this.kindsAsRead.close().catch(() => undefined);
    await rm(this.staging, { recursive: true, force: true });
  }
}

async function writeSnapshotFiles(directory: string, state: ClusterState, takenAt: Date, kindsAsRead: KindsAsRead): Promise<WrittenSnapshot> {
  const files: string[] = [];
  const redactions: Redaction[] = [];
  const write = async (file: string, text: string) => {
    await mkdir(dirname(join(directory, file)), { recursive: true });
    // wx: O_CREAT | O_EXCL, which never follows a link (the directory is new and ours anyway).
    await writeFile(join(directory, file), text, { flag: 'wx' });
    files.push(file);
  };

  for (const key of GCP_DATA_KEYS) {
    let value = state[key];
    if (value === undefined) continue;
    if (key === 'cluster' && state.cluster) {
      const redacted = redactCluster(state.cluster, `cluster ${state.cluster.name}`);
      redactions.push(...redacted.redactions);
      value = redacted.cluster;
    } else if (key !== 'cluster') {
      const redacted = redactGcpData(key, value);
      redactions.push(...redacted.redactions);
      value = redacted.value;
    }
    await write(SNAPSHOT_FILES[key as GcpDataKey].file, `${JSON.stringify(value, null, 2)}\n`);
  }

  // Custom roles bound in the policy, as `gcloud iam roles describe ROLE_ID --project=P` prints them.
  for (const [name, role] of [...(state.customRoles ?? [])].sort(([a], [b]) => a.localeCompare(b))) {
    await write(`${SNAPSHOT_ROLES_DIRECTORY}/${pathComponent(name.slice(name.lastIndexOf('/') + 1))}.json`, `${JSON.stringify(role, null, 2)}\n`);
  }

  const objects = state.kubernetes.all();
  // One file per kind, named as kubectl names it: k8s/pod.json, k8s/ingress.networking.k8s.io.json.
  const byKind = new Map<string, { name: string; object: KubeObject }[]>();
  for (const object of objects) addToList(byKind, pathComponent(kubectlKind(object)), { name: kubernetesResourceName(object), object });
  for (const [kind, named] of [...byKind].sort(([a], [b]) => compare(a, b))) {
    named.sort((a, b) => compare(a.name, b.name));
    const asRead = await kindsAsRead.take(
      kind,
      named.map(({ object }) => object),
    );
    if (asRead) {
      files.push(...asRead.files);
      for (const redaction of asRead.redactions) redactions.push(redaction);
      continue;
    }
    // Redacted as written: one redacted copy at a time, not a second copy of the cluster.
    const redacted = function* () {
      for (const { name, object } of named) {
        const result = redactObject(object, name);
        for (const redaction of result.redactions) redactions.push(redaction);
        yield result.object;
      }
    };
    // JSON, not YAML: it reads back about 80 times faster (bench/).
    files.push(...(await writeListFiles(directory, kind, redacted())));
  }
  await kindsAsRead.removeRest();
  // Ages (how long a namespace has been Terminating) are measured to this moment on replay.
  await write(SNAPSHOT_METADATA_FILE, `${JSON.stringify({ takenAt: takenAt.toISOString() }, null, 2)}\n`);
  const unread = unreadRecord(state);
  if (unread) await write(SNAPSHOT_UNREAD_FILE, `${JSON.stringify(unread, null, 2)}\n`);
  await write('REDACTED.md', redactedReadme(redactions, state));
  return { files, objects: objects.length, redactions };
}

/** Code-point order: stable and fast (localeCompare on every pair of 100,000 names is not). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What could not be read, as `SnapshotSource` reads it back; undefined when everything was read. */
function unreadRecord(state: ClusterState): UnreadRecord | undefined {
  const record: UnreadRecord = {
    unavailable: Object.fromEntries([...state.unavailable].sort(([a], [b]) => a.localeCompare(b))),
    unreadInNamespaces: Object.fromEntries([...(state.unreadInNamespaces ?? [])].filter(([, kinds]) => kinds.length > 0)),
    undiscovered: [...(state.undiscovered ?? [])],
    cappedLists: Object.fromEntries([...(state.cappedLists ?? [])].sort(([a], [b]) => a.localeCompare(b))),
  };
  const empty =
    Object.keys(record.unavailable).length === 0 && Object.keys(record.unreadInNamespaces).length === 0 && record.undiscovered.length === 0 && Object.keys(record.cappedLists).length === 0;
  return empty ? undefined : record;
}

function redactedReadme(redactions: Redaction[], state: ClusterState): string {
  const lines = [
    '# What gke-doctor removed from this snapshot',
    '',
    'Written by `gke-doctor snapshot`. What checks do not read, and could hold a secret, was',
    'replaced by `REDACTED` (base64 `UkVEQUNURUQ=` in ConfigMap binaryData): env values,',
    'ConfigMap data, annotation values, probe and lifecycle hook header values, the values of',
    'command-line flags and assignments (container, probe and hook commands), credentials in URLs,',
    'the query values of request paths, CSI volumeAttributes and flexVolume options, route',
    'header-modifier values, custom header values (BackendConfigs, backend services), node',
    'instance metadata, Eventarc trigger labels, destination paths and endpoint URLs, IAM',
    'condition descriptions. Objects of kinds no check reads (Secrets, custom resources left in',
    'Terminating namespaces) keep only their metadata. Keys and names were kept, so the structure',
    'is what the API returned. Kept on purpose, because checks read them: ConfigMap',
    '`argocd-cmd-params-cm` key `server.insecure`, env variable `ARGOCD_SERVER_INSECURE`, the',
    '`--insecure` flag, the probe `Host` header, IAM condition titles and expressions, Eventarc',
    'trigger filters, service accounts, transports and GKE destinations, and annotations under',
    `${KEPT_VALUES.annotationPrefixes.map((prefix) => `\`${prefix}\``).join(', ')}.`,
    '',
  ];
  if (redactions.length === 0) lines.push('Nothing needed redacting.', '');
  const byResource = new Map<string, string[]>();
  for (const { resource, what } of redactions) addToList(byResource, resource, what);
  for (const [resource, whats] of [...byResource].sort(([a], [b]) => compare(a, b))) lines.push(`- ${resource}: ${whats.join('; ')}`);
  const unread = [
    ...[...state.unavailable].map(([key, reason]) => `- ${key}: ${reason}`),
    ...[...(state.unreadInNamespaces ?? [])].flatMap(([namespace, kinds]) => kinds.map((kind) => `- ${kind.resource} in namespace ${namespace}: ${kind.reason}`)),
    ...(state.undiscovered ?? []).map((group) => `- API group ${group.resource} (discovery failed, its kinds are unknown): ${group.reason}`),
  ];
  if (unread.length > 0) lines.push('', '## Not in the snapshot (could not be read)', '', ...unread);
  return `${lines.join('\n')}\n`;
}

/** Snapshot writes into a new or empty directory, never over other files. */
export async function requireEmptyDirectory(directory: string): Promise<void> {
  try {
    const entries = await readdir(directory);
    if (entries.length > 0) throw new InputError(`${directory}: not empty; snapshot writes into a new or empty directory`);
  } catch (error) {
    if (error instanceof InputError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') throw new InputError(`${directory}: is a file; snapshot writes into a directory`);
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new InputError(`${directory}: cannot read: ${(error as NodeJS.ErrnoException).code}`);
  }
  await mkdir(directory, { recursive: true });
}

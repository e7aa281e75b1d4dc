import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError } from '../../errors.js';
import type { ClusterState, GcpDataKey } from '../cluster-state.js';
import type { UnreadRecord } from './unread-record.js';
import { GCP_DATA_KEYS, kubectlKind, kubernetesResourceName } from '../cluster-state.js';
import type { KubeObject } from '../kubernetes-types.js';
import type { Redaction } from './redaction.js';
import { KEPT_VALUES, redactCluster, redactObject } from './redaction.js';
import { KUBERNETES_DIRECTORY, SNAPSHOT_FILES, SNAPSHOT_METADATA_FILE, SNAPSHOT_ROLES_DIRECTORY, SNAPSHOT_UNREAD_FILE } from './layout.js';

export interface WrittenSnapshot {
  files: string[];
  objects: number;
  redactions: Redaction[];
}

/**
 * Writes `state` as a snapshot directory (DESIGN.md: each file what gcloud or
 * kubectl prints), redacted, with REDACTED.md saying what was removed and what
 * could not be read. `check --snapshot DIR` replays it.
 */
export async function writeSnapshot(directory: string, state: ClusterState, takenAt: Date): Promise<WrittenSnapshot> {
  await requireEmptyDirectory(directory);
  const files: string[] = [];
  const redactions: Redaction[] = [];
  const write = async (file: string, text: string) => {
    await mkdir(dirname(join(directory, file)), { recursive: true });
    await writeFile(join(directory, file), text);
    files.push(file);
  };

  for (const key of GCP_DATA_KEYS) {
    let value = state[key];
    if (value === undefined) continue;
    if (key === 'cluster' && state.cluster) {
      const redacted = redactCluster(state.cluster, `cluster ${state.cluster.name}`);
      redactions.push(...redacted.redactions);
      value = redacted.cluster;
    }
    await write(SNAPSHOT_FILES[key as GcpDataKey].file, `${JSON.stringify(value, null, 2)}\n`);
  }

  // Custom roles bound in the policy, as `gcloud iam roles describe ROLE_ID --project=P` prints them.
  for (const [name, role] of [...(state.customRoles ?? [])].sort(([a], [b]) => a.localeCompare(b))) {
    await write(`${SNAPSHOT_ROLES_DIRECTORY}/${name.slice(name.lastIndexOf('/') + 1)}.json`, `${JSON.stringify(role, null, 2)}\n`);
  }

  const byFile = new Map<string, KubeObject[]>();
  for (const object of state.kubernetes.all()) {
    const redacted = redactObject(object, kubernetesResourceName(object));
    redactions.push(...redacted.redactions);
    // One file per kind, named as kubectl names it: k8s/pod.json, k8s/ingress.networking.k8s.io.json.
    const file = `${KUBERNETES_DIRECTORY}/${kubectlKind(object)}.json`;
    byFile.set(file, [...(byFile.get(file) ?? []), redacted.object]);
  }
  for (const [file, objects] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    objects.sort((a, b) => kubernetesResourceName(a).localeCompare(kubernetesResourceName(b)));
    // What `kubectl get KIND -A -o json` prints: a List whose items carry kind and apiVersion.
    // JSON, not YAML: it reads back about 80 times faster (bench/).
    await write(file, `${JSON.stringify({ apiVersion: 'v1', items: objects, kind: 'List', metadata: { resourceVersion: '' } }, null, 4)}\n`);
  }
  // Ages (how long a namespace has been Terminating) are measured to this moment on replay.
  await write(SNAPSHOT_METADATA_FILE, `${JSON.stringify({ takenAt: takenAt.toISOString() }, null, 2)}\n`);
  const unread = unreadRecord(state);
  if (unread) await write(SNAPSHOT_UNREAD_FILE, `${JSON.stringify(unread, null, 2)}\n`);
  await write('REDACTED.md', redactedReadme(redactions, state));
  return { files, objects: state.kubernetes.all().length, redactions };
}

/** What could not be read, as `SnapshotSource` reads it back; undefined when everything was read. */
function unreadRecord(state: ClusterState): UnreadRecord | undefined {
  const record: UnreadRecord = {
    unavailable: Object.fromEntries([...state.unavailable].sort(([a], [b]) => a.localeCompare(b))),
    unreadInNamespaces: Object.fromEntries([...(state.unreadInNamespaces ?? [])].filter(([, kinds]) => kinds.length > 0)),
    undiscovered: [...(state.undiscovered ?? [])],
  };
  const empty = Object.keys(record.unavailable).length === 0 && Object.keys(record.unreadInNamespaces).length === 0 && record.undiscovered.length === 0;
  return empty ? undefined : record;
}

function redactedReadme(redactions: Redaction[], state: ClusterState): string {
  const lines = [
    '# What gke-doctor removed from this snapshot',
    '',
    'Written by `gke-doctor snapshot`. What checks do not read, and could hold a secret, was',
    'replaced by `REDACTED` (base64 `UkVEQUNURUQ=` in ConfigMap binaryData): env values,',
    'ConfigMap data, annotation values, probe header values, the values of command-line flags and',
    'assignments, node instance metadata. Objects of kinds no check reads (Secrets, custom',
    'resources left in Terminating namespaces) keep only their metadata. Keys and names were',
    'kept, so the structure is what the API returned. Kept on purpose, because checks read them:',
    'ConfigMap `argocd-cmd-params-cm` key `server.insecure`, env variable `ARGOCD_SERVER_INSECURE`,',
    'the `--insecure` flag, the probe `Host` header, and annotations under',
    `${KEPT_VALUES.annotationPrefixes.map((prefix) => `\`${prefix}\``).join(', ')}.`,
    '',
  ];
  if (redactions.length === 0) lines.push('Nothing needed redacting.', '');
  const byResource = new Map<string, string[]>();
  for (const { resource, what } of redactions) byResource.set(resource, [...(byResource.get(resource) ?? []), what]);
  for (const [resource, whats] of [...byResource].sort(([a], [b]) => a.localeCompare(b))) lines.push(`- ${resource}: ${whats.join('; ')}`);
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

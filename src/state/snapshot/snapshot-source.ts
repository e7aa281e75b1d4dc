import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import { requireText } from '../files/binary-text.js';
import { displayPath } from '../files/display-path.js';
import { listDocumentFiles } from '../files/document-files.js';
import type { CappedList, ClusterState, DataKey, GcpData, GcpDataKey, Target } from '../cluster-state.js';
import { KubernetesObjects } from '../cluster-state.js';
import type { Cluster, EventarcTrigger, IamRole, Project } from '../gcp-types.js';
import { isRecord, parseKubernetesFile } from '../files/kubernetes-documents.js';
import { parseJsonFile, readInputFile } from '../files/input-file.js';
import { gcpShapeProblem } from '../data-shapes.js';
import type { KubeObject, KubernetesKind } from '../kubernetes-types.js';
import { KUBERNETES_KINDS } from '../kubernetes-types.js';
import type { StateSource } from '../source.js';
import { KUBERNETES_DIRECTORY, SNAPSHOT_FILES, SNAPSHOT_METADATA_FILE, SNAPSHOT_ROLES_DIRECTORY, SNAPSHOT_UNREAD_FILE } from './layout.js';
import type { UnreadRecord } from './unread-record.js';
import { parseUnreadRecord } from './unread-record.js';

/** Reads a snapshot directory: every file optional, each exactly what gcloud or kubectl prints. */
export class SnapshotSource implements StateSource {
  constructor(private readonly directory: string) {}

  async collect(keys: ReadonlySet<DataKey>): Promise<ClusterState> {
    await this.requireDirectory();
    const unavailable = new Map<DataKey, string>();
    const gcp: GcpData = {};
    // project and cluster name the target, so they are read whatever the checks need.
    const wanted = new Set<GcpDataKey>(['project', 'cluster']);
    for (const key of keys) if (key in SNAPSHOT_FILES) wanted.add(key as GcpDataKey);
    const values = await Promise.all([...wanted].map((key) => this.readGcpFile(key)));
    // In a fixed order, whichever file is read first: reports must not depend on I/O timing.
    [...wanted].forEach((key, index) => {
      if (values[index] === undefined) unavailable.set(key, this.missingReason(key));
      else Object.assign(gcp, { [key]: values[index] });
    });

    const kubernetes = new KubernetesObjects();
    const needsKubernetes = [...keys].some((key) => !(key in SNAPSHOT_FILES));
    if (needsKubernetes) {
      const k8sDirectory = join(this.directory, KUBERNETES_DIRECTORY);
      if (await isDirectory(k8sDirectory)) {
        const objects = [];
        for (const file of await listDocumentFiles(k8sDirectory)) {
          const text = await readInputFile(file, this.display(file));
          for (const { object } of await parseKubernetesFile(this.display(file), text)) objects.push(object);
        }
        // In the order the API server lists them (by namespace, then name), so a snapshot and a live read agree.
        objects.sort((a, b) => objectKey(a).localeCompare(objectKey(b)));
        for (const object of objects) kubernetes.add(object);
      } else {
        const reason = `${this.display(k8sDirectory)}/ is not in the snapshot (kubectl get KIND -A -o yaml > ${this.display(k8sDirectory)}/KIND.yaml)`;
        for (const kind of [...KUBERNETES_KINDS, 'ObjectsInTerminatingNamespaces'] as const) unavailable.set(kind, reason);
      }
    }

    const customRoles = wanted.has('iamPolicy') ? await this.readCustomRoles() : undefined;
    const observedAt = await this.readTakenAt();
    // What the live read could not read is unavailable again, for the same reason, not an empty list.
    const unread = await this.readUnread();
    for (const [key, reason] of Object.entries(unread?.unavailable ?? {}) as [DataKey, string][]) if (keys.has(key) || wanted.has(key as GcpDataKey)) unavailable.set(key, reason);
    const recorded = unread
      ? {
          unreadInNamespaces: new Map(Object.entries(unread.unreadInNamespaces)),
          ...(unread.undiscovered.length > 0 ? { undiscovered: unread.undiscovered } : {}),
          ...(Object.keys(unread.cappedLists).length > 0 ? { cappedLists: new Map(Object.entries(unread.cappedLists) as [KubernetesKind, CappedList[]][]) } : {}),
        }
      : {};
    return { ...gcp, ...(customRoles ? { customRoles } : {}), ...recorded, target: snapshotTarget(gcp.project, gcp.cluster), kubernetes, unavailable, observedAt, locations: new Map() };
  }

  /** `roles/*.json` (optional, additive to the layout): custom role definitions, by their full name. */
  private async readCustomRoles(): Promise<Map<string, IamRole>> {
    const directory = join(this.directory, SNAPSHOT_ROLES_DIRECTORY);
    const roles = new Map<string, IamRole>();
    // No roles/ directory: no custom role was read, so each bound one is reported as not read.
    if (!(await isDirectory(directory))) return roles;
    const files = (await readdir(directory)).filter((name) => name.endsWith('.json')).sort();
    for (const name of files) {
      const path = join(directory, name);
      const command = 'gcloud iam roles describe ROLE_ID --project=PROJECT --format=json';
      const text = await readInputFile(path, this.display(path));
      requireText(this.display(path), text, `the output of \`${command}\``);
      const value = parseJsonFile(this.display(path), text);
      const permissions = isRecord(value) ? value.includedPermissions : undefined;
      if (!isRecord(value) || typeof value.name !== 'string' || (permissions !== undefined && !(Array.isArray(permissions) && permissions.every((item) => typeof item === 'string')))) {
        throw new InputError(`${this.display(path)}: expected the output of \`${command}\`: an object with "name" and an "includedPermissions" array of strings`);
      }
      roles.set(value.name, value as unknown as IamRole);
    }
    return roles;
  }

  /** `unread.json` (written by `gke-doctor snapshot` when something could not be read, optional). */
  private async readUnread(): Promise<UnreadRecord | undefined> {
    const path = join(this.directory, SNAPSHOT_UNREAD_FILE);
    const text = await readInputFile(path, this.display(path), { optional: true });
    return text === undefined ? undefined : parseUnreadRecord(this.display(path), parseJsonFile(this.display(path), text));
  }

  /** `snapshot.json` (written by `gke-doctor snapshot`, optional): `{ "takenAt": RFC 3339 }`. */
  private async readTakenAt(): Promise<Date | undefined> {
    const path = join(this.directory, SNAPSHOT_METADATA_FILE);
    const text = await readInputFile(path, this.display(path), { optional: true });
    if (text === undefined) return undefined;
    const value = parseJsonFile(this.display(path), text);
    const takenAt = isRecord(value) ? value.takenAt : undefined;
    if (takenAt === undefined) return undefined;
    const date = typeof takenAt === 'string' ? new Date(takenAt) : undefined;
    if (!date || Number.isNaN(date.getTime())) throw new InputError(`${this.display(path)}: "takenAt" must be an RFC 3339 timestamp`);
    return date;
  }

  private async requireDirectory(): Promise<void> {
    if (!(await isDirectory(this.directory))) throw new InputError(`${this.directory}: not a snapshot directory (it does not exist or is not a directory)`);
  }

  private missingReason(key: GcpDataKey): string {
    const { file, command } = SNAPSHOT_FILES[key];
    return `${this.display(join(this.directory, file))} is not in the snapshot (${command})`;
  }

  private display(path: string): string {
    return displayPath(path);
  }

  private async readGcpFile(key: GcpDataKey): Promise<unknown> {
    const path = join(this.directory, SNAPSHOT_FILES[key].file);
    const text = await readInputFile(path, this.display(path), { optional: true });
    if (text === undefined) return undefined;
    requireText(this.display(path), text, `the output of \`${SNAPSHOT_FILES[key].command}\``);
    const value = validateGcpData(key, parseJsonFile(this.display(path), text), this.display(path));
    const problem = await gcpShapeProblem(key, value);
    if (problem) throw new InputError(`${this.display(path)}: ${problem} (expected the output of \`${SNAPSHOT_FILES[key].command}\`)`);
    return value;
  }
}

function validateGcpData(key: GcpDataKey, value: unknown, file: string): unknown {
  const expected = `expected the output of \`${SNAPSHOT_FILES[key].command}\``;
  switch (key) {
    case 'eventarcTriggers': {
      const triggers = Array.isArray(value) ? value : isRecord(value) ? (value.triggers ?? []) : undefined;
      if (!Array.isArray(triggers) || !triggers.every((t) => isRecord(t) && typeof t.name === 'string')) {
        throw new InputError(`${file}: ${expected}: a JSON array of triggers, each with a "name"`);
      }
      return triggers as EventarcTrigger[];
    }
    case 'healthChecks':
    case 'backendServices':
    case 'subnetworks':
    case 'firewalls': {
      // gcloud prints an array; the REST list (`compute#healthCheckList`) omits `items` when empty.
      const isRestList = isRecord(value) && (Array.isArray(value.items) || (typeof value.kind === 'string' && value.kind.endsWith('List')));
      const items = Array.isArray(value) ? value : isRestList ? (value.items ?? []) : undefined;
      if (!Array.isArray(items) || !items.every((t) => isRecord(t) && typeof t.name === 'string')) {
        throw new InputError(`${file}: ${expected}: a JSON array of objects, each with a "name"`);
      }
      return items;
    }
    case 'backendHealth':
      if (!Array.isArray(value) || !value.every((entry) => isRecord(entry) && typeof entry.backendService === 'string' && Array.isArray(entry.health))) {
        throw new InputError(`${file}: ${expected}: a JSON array of objects, each with a "backendService" name and the "health" list get-health printed for it`);
      }
      return value;
    case 'project':
      if (!isRecord(value) || typeof value.projectId !== 'string') throw new InputError(`${file}: ${expected}: an object with "projectId"`);
      if (value.projectNumber !== undefined && typeof value.projectNumber !== 'string' && typeof value.projectNumber !== 'number') {
        throw new InputError(`${file}: "projectNumber" must be a string`);
      }
      if (value.projectNumber !== undefined) value.projectNumber = String(value.projectNumber);
      return value;
    case 'effectiveFirewalls':
    case 'regionalEffectiveFirewalls':
      if (!isRecord(value) || Array.isArray(value)) throw new InputError(`${file}: ${expected}: an object with "firewalls" and "firewallPolicys"`);
      return value;
    case 'cluster':
    case 'network':
      if (!isRecord(value) || typeof value.name !== 'string') throw new InputError(`${file}: ${expected}: an object with "name"`);
      return value;
    case 'pubsubTopics':
    case 'pubsubSubscriptions': {
      // gcloud prints an array; the REST list answers `{topics: […]}` or `{subscriptions: […]}`, without the field when empty.
      const field = key === 'pubsubTopics' ? 'topics' : 'subscriptions';
      const items = Array.isArray(value) ? value : isRecord(value) ? (value[field] ?? []) : undefined;
      if (!Array.isArray(items) || !items.every((item) => isRecord(item) && typeof item.name === 'string')) {
        throw new InputError(`${file}: ${expected}: a JSON array of ${field}, each with a "name"`);
      }
      return items;
    }
    case 'iamPolicy':
    case 'hostIamPolicy':
      if (!isRecord(value) || (value.bindings !== undefined && !Array.isArray(value.bindings))) {
        throw new InputError(`${file}: ${expected}: an object whose "bindings" is an array`);
      }
      return value;
  }
}

/** The target a snapshot describes: its project and the cluster's name and location. */
export function snapshotTarget(project: Project | undefined, cluster: Cluster | undefined): Target {
  const fromSelfLink = /projects\/([^/]+)\/(?:locations|zones)\/([^/]+)\/clusters\/([^/]+)/.exec(cluster?.selfLink ?? '');
  return {
    source: 'snapshot',
    project: project?.projectId ?? fromSelfLink?.[1] ?? null,
    location: cluster?.location ?? fromSelfLink?.[2] ?? cluster?.zone ?? null,
    cluster: cluster?.name ?? null,
  };
}

function objectKey(object: KubeObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

import type { KubeObject, KubernetesKind } from '../kubernetes-types.js';

/**
 * Fields of listed objects that no built-in check reads, left out while listing for a run of
 * built-in checks only, so that the objects held until the checks run are smaller (issue #27:
 * peak memory at 4x the benchmark cluster, 80,000 Pods). `snapshot` and runs with plugins or
 * `--fix` keep whole objects. A path's `[]` is every item of an array. A field is here only
 * when nothing under checks/ and src/ reads it, and test/state/unread-fields.test.ts runs every
 * check on every fixture with and without these fields and requires the same report: a field a
 * check reads would be a silent wrong diagnosis.
 */
const EVERY_KIND: readonly string[] = [
  // Server-side apply's bookkeeping: on real clusters often the largest part of an object.
  'metadata.managedFields',
];

/** What the kubelet and the scheduler read of a container, and the checks never do. */
const CONTAINER = ['livenessProbe', 'startupProbe', 'resources', 'securityContext', 'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy', 'volumeMounts', 'volumeDevices', 'lifecycle', 'resizePolicy'];
const CONTAINER_STATUS = ['imageID', 'containerID', 'image', 'allocatedResources', 'resources', 'volumeMounts', 'user'];

const UNREAD: Partial<Record<KubernetesKind, readonly string[]>> = {
  Pod: [
    ...['tolerations', 'affinity', 'nodeSelector', 'securityContext', 'dnsPolicy', 'dnsConfig', 'enableServiceLinks', 'preemptionPolicy', 'priority', 'priorityClassName', 'restartPolicy', 'schedulerName', 'terminationGracePeriodSeconds', 'topologySpreadConstraints', 'imagePullSecrets', 'readinessGates', 'runtimeClassName', 'overhead'].map((field) => `spec.${field}`),
    ...['containers', 'initContainers', 'ephemeralContainers'].flatMap((list) => CONTAINER.map((field) => `spec.${list}[].${field}`)),
    ...['podIPs', 'qosClass', 'startTime', 'hostIP', 'hostIPs'].map((field) => `status.${field}`),
    ...['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses'].flatMap((list) => CONTAINER_STATUS.map((field) => `status.${list}[].${field}`)),
  ],
};

/** A path as a tree: each level's field names, and under which the path goes on. */
interface Drop {
  here: Set<string>;
  below: Map<string, Drop>;
}

function dropTree(paths: readonly string[]): Drop {
  const root: Drop = { here: new Set(), below: new Map() };
  for (const path of paths) {
    const segments = path.split('.');
    let at = root;
    for (const [index, segment] of segments.entries()) {
      if (index === segments.length - 1) at.here.add(segment);
      else at = at.below.get(segment) ?? at.below.set(segment, { here: new Set(), below: new Map() }).get(segment)!;
    }
  }
  return root;
}

const DROPS = new Map<string, Drop>();

function dropFor(kind: string): Drop {
  let drop = DROPS.get(kind);
  if (!drop) DROPS.set(kind, (drop = dropTree([...EVERY_KIND, ...(UNREAD[kind as KubernetesKind] ?? [])])));
  return drop;
}

/** `object` without the fields no built-in check reads (a copy of what changes; the rest shared), its common parts held once in `shared`. */
export function withoutUnreadFields(object: KubeObject, shared?: SharedParts): KubeObject {
  const kept = without(object, dropFor(object.kind)) as KubeObject;
  if (shared && object.kind === 'Pod') {
    const spec = kept.spec as Record<string, unknown> | undefined;
    if (spec) for (const part of SHARED_POD_PARTS) if (spec[part] !== undefined) spec[part] = shared.share(spec[part]);
    if (kept.metadata?.ownerReferences) kept.metadata.ownerReferences = shared.share(kept.metadata.ownerReferences);
  }
  return kept;
}

/** What the Pods of one ReplicaSet, StatefulSet or Job have alike: made from one template. */
const SHARED_POD_PARTS = ['containers', 'initContainers', 'volumes'];

/**
 * Parts of listed objects held once when equal: a cluster's Pods are mostly replicas, whose
 * containers (with their probes and environment) and volumes are the same template's, so
 * 80,000 Pods hold a few thousand distinct container lists. Checks only read the state, so
 * objects may share a part. Keyed by a hash of the part's JSON, confirmed by the JSON itself.
 */
export class SharedParts {
  private readonly byHash = new Map<number, { text: string; value: unknown }[]>();

  share<T>(value: T): T {
    const text = JSON.stringify(value);
    const hash = stringHash(text);
    const candidates = this.byHash.get(hash) ?? this.byHash.set(hash, []).get(hash)!;
    const found = candidates.find((candidate) => candidate.text === text);
    if (found) return found.value as T;
    candidates.push({ text, value });
    return value;
  }
}

/** FNV-1a over the UTF-16 code units. */
function stringHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 16777619);
  return hash >>> 0;
}

function without(value: unknown, drop: Drop): unknown {
  if (Array.isArray(value)) return value.map((item) => without(item, drop));
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [field, inner] of Object.entries(value)) {
    if (drop.here.has(field)) continue;
    const below = drop.below.get(field) ?? drop.below.get(`${field}[]`);
    copy[field] = below ? without(inner, below) : inner;
  }
  return copy;
}

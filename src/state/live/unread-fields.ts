import type { KubeObject, KubernetesKind } from '../kubernetes-types.js';

/**
 * What a run of built-in checks only keeps of listed objects, so that the objects held until the
 * checks run are smaller (issue #27: peak memory at 4x the benchmark cluster, 80,000 Pods).
 * `snapshot` and runs with plugins or `--fix` keep whole objects. Pods, most of a cluster's
 * objects, keep only the fields some check reads (READ); every other kind keeps all but the
 * fields in EVERY_KIND. test/state/unread-fields.test.ts runs every check on every fixture with
 * whole objects and with these, requires the same report, and requires that every field a check
 * reads on a fixture is kept: a field a check reads and this leaves out would be a silent wrong
 * diagnosis.
 */
const EVERY_KIND: readonly string[] = [
  // Server-side apply's bookkeeping: on real clusters often the largest part of an object.
  'managedFields',
];

/** Which fields of an object are kept: `true` keeps the value whole; an object keeps only the fields it names (of each item, for an array). */
type Projection = { readonly [field: string]: true | Projection };

/** What podTrouble (src/gke/namespaces/controller-pods.ts) reads of a container's state: the waiting reason, whether it runs, how it ended. */
const CONTAINER_STATE: Projection = { waiting: { reason: true }, running: {}, terminated: { reason: true, exitCode: true } };
const CONTAINER_STATUS: Projection = { name: true, ready: true, restartCount: true, state: CONTAINER_STATE, lastState: CONTAINER_STATE };

/** The fields checks read, by kind; a kind not here keeps every field but EVERY_KIND's. */
const READ: Partial<Record<KubernetesKind, Projection>> = {
  Pod: {
    kind: true,
    apiVersion: true,
    metadata: {
      name: true,
      namespace: true,
      // Services, NetworkPolicies and controllers select Pods by label (src/gke/services/service-pods.ts).
      labels: true,
      // The workload a fix changes (src/gke/services/service-pod-sources.ts ownerOf).
      ownerReferences: true,
      // The controller's oldest-first order of Pods (service-pod-sources.ts olderFirst).
      creationTimestamp: true,
      // What keeps a Terminating namespace (src/gke/namespaces/namespace-deletion.ts describeRemaining).
      deletionTimestamp: true,
      finalizers: true,
      // Config Connector's finalizer on any object (src/gke/namespaces/operator-finalizers.ts configConnectorStripping).
      annotations: { 'cnrm.cloud.google.com/deletion-policy': true },
    },
    spec: {
      // The serving container, its readiness probe and ports (src/gke/load-balancer/health-check-inference.ts),
      // what it runs and its settings (src/gke/load-balancer/known-applications.ts).
      containers: { name: true, image: true, command: true, args: true, env: true, envFrom: true, ports: true, readinessProbe: true },
      // PVC protection waits for the Pods that use a claim (namespace-deletion.ts podsUsingClaim).
      volumes: { name: true, persistentVolumeClaim: true },
    },
    status: {
      phase: true,
      // Where a load balancer's packets go (src/gke/traffic/load-balancer-paths.ts).
      podIP: true,
      // Ready (src/gke/services/service-pods.ts isPodReady).
      conditions: { type: true, status: true },
      containerStatuses: CONTAINER_STATUS,
      initContainerStatuses: CONTAINER_STATUS,
    },
  },
};

/**
 * Parts held once when equal, by kind: a cluster's Pods are mostly replicas, whose containers
 * (with their probes and environment), volumes, labels and owners are one template's, and whose
 * kept status (Ready, containers running) is the same, so 80,000 Pods hold a few thousand
 * distinct parts. Checks only read the state, so objects may share a part.
 */
const SHARED: Partial<Record<KubernetesKind, readonly (readonly [string, string])[]>> = {
  Pod: [
    ['metadata', 'labels'],
    ['metadata', 'ownerReferences'],
    ['spec', 'containers'],
    ['spec', 'volumes'],
    ['status', 'conditions'],
    ['status', 'containerStatuses'],
    ['status', 'initContainerStatuses'],
  ],
};

/** Text fields many objects repeat (a namespace's every Pod names it), held once. */
const REPEATED_TEXT: readonly (readonly [string, string])[] = [['metadata', 'namespace']];

/** `object` with only what built-in checks read of it (a copy of what changes; the rest shared), its common parts held once in `shared`. */
export function withoutUnreadFields(object: KubeObject, shared?: SharedParts): KubeObject {
  const read = READ[object.kind as KubernetesKind];
  const kept = (read ? project(object, read) : withoutEveryKindFields(object)) as KubeObject;
  if (!shared) return kept;
  for (const [parent, field] of SHARED[object.kind as KubernetesKind] ?? []) {
    const holder = kept[parent] as Record<string, unknown> | undefined;
    if (isRecord(holder) && holder[field] !== undefined) holder[field] = shared.share(holder[field]);
  }
  for (const [parent, field] of REPEATED_TEXT) {
    const holder = kept[parent] as Record<string, unknown> | undefined;
    if (isRecord(holder) && typeof holder[field] === 'string') holder[field] = shared.text(holder[field]);
  }
  return kept;
}

function withoutEveryKindFields(object: KubeObject): KubeObject {
  if (!isRecord(object.metadata) || !EVERY_KIND.some((field) => field in object.metadata!)) return object;
  const metadata = { ...object.metadata } as Record<string, unknown>;
  for (const field of EVERY_KIND) delete metadata[field];
  return { ...object, metadata } as KubeObject;
}

/** The fields of `value` that `projection` names (in `value`'s order); a value of another shape than the projection's is kept whole. */
function project(value: unknown, projection: Projection): unknown {
  if (Array.isArray(value)) return value.map((item) => project(item, projection));
  if (!isRecord(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const field of Object.keys(value)) {
    const kept = Object.hasOwn(projection, field) ? projection[field] : undefined;
    if (kept === undefined) continue;
    copy[field] = kept === true ? value[field] : project(value[field], kept);
  }
  return copy;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parts of listed objects held once when equal, found by their JSON text (a Map hashes and compares
 * it natively: hashing it in JavaScript cost as much again, bench/notes.md "Peak memory"). The text
 * of each distinct part is kept: a few thousand templates' worth in a large cluster.
 */
export class SharedParts {
  private readonly byText = new Map<string, unknown>();
  private readonly texts = new Map<string, string>();

  share<T>(value: T): T {
    const text = JSON.stringify(value);
    const found = this.byText.get(text);
    if (found !== undefined) return found as T;
    this.byText.set(text, value);
    return value;
  }

  /** One string for every equal one (JSON.parse makes a new string of each value longer than a few characters). */
  text(value: string): string {
    const found = this.texts.get(value);
    if (found !== undefined) return found;
    this.texts.set(value, value);
    return value;
  }
}

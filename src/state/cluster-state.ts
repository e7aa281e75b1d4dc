import type { DataKey, GcpDataKey, SourceLocation, Target } from '../plugin-api.js';
import type { BackendService, BackendServiceHealth, Cluster, EffectiveFirewalls, EventarcTrigger, Firewall, HealthCheck, IamPolicy, IamRole, Network, Project, PubsubSubscription, PubsubTopic, Subnetwork } from './gcp-types.js';
import type { KindTypes, KubeObject, KubernetesKind } from './kubernetes-types.js';
import { addToList } from '../list-map.js';

// What a check can ask for, the run's target and where data comes from: one definition, in the plugin API (src/plugin-api.ts).
export type { DataKey, GcpDataKey, SourceLocation, Target } from '../plugin-api.js';

export const GCP_DATA_KEYS: readonly GcpDataKey[] = [
  'project',
  'iamPolicy',
  'cluster',
  'eventarcTriggers',
  'healthChecks',
  'backendServices',
  'subnetworks',
  'hostIamPolicy',
  'pubsubTopics',
  'pubsubSubscriptions',
  'firewalls',
  'effectiveFirewalls',
  'backendHealth',
  'network',
  'regionalEffectiveFirewalls',
];

/**
 * A list gke-doctor read only in part, because it caps it (Warning events: at most 500 per namespace and field
 * selector, src/state/live/live-kubernetes.ts EVENTS_PER_NAMESPACE): how many were read, and at most how many were
 * not (absent when the API server could not tell).
 */
export interface CappedList {
  namespace: string;
  fieldSelector: string;
  read: number;
  unreadAtMost?: number;
}

/** A kind that could not be read (`secrets`, `backendconfigs.cloud.google.com`, or a group version), and why. */
export interface UnreadKind {
  resource: string;
  reason: string;
}

export interface GcpData {
  project?: Project;
  iamPolicy?: IamPolicy;
  cluster?: Cluster;
  eventarcTriggers?: EventarcTrigger[];
  healthChecks?: HealthCheck[];
  backendServices?: BackendService[];
  subnetworks?: Subnetwork[];
  /** The Shared VPC host project's allow policy; absent (and not unavailable) when the network is the project's own. */
  hostIamPolicy?: IamPolicy;
  /** The topics and subscriptions Eventarc triggers name that exist (a snapshot may list the project's all). */
  pubsubTopics?: PubsubTopic[];
  pubsubSubscriptions?: PubsubSubscription[];
  /** The VPC firewall rules of the cluster's network, read in the network's project (the host project on a Shared VPC). */
  firewalls?: Firewall[];
  /** The cluster network's effective firewalls: VPC rules and the hierarchical and network firewall policies that apply to it. */
  effectiveFirewalls?: EffectiveFirewalls;
  /** What the load balancer says of each endpoint of the backend services the cluster's Ingresses and Gateways use. */
  backendHealth?: BackendServiceHealth[];
  /** The cluster's VPC network (networks.get, in the network's project): its firewall policy enforcement order. */
  network?: Network;
  /** The effective firewalls in the cluster's region: effectiveFirewalls and the regional network firewall policies. */
  regionalEffectiveFirewalls?: EffectiveFirewalls;
}

/** Everything checks read. Sources fill it; checks never call an API. */
export interface ClusterState extends GcpData {
  target: Target;
  kubernetes: KubernetesObjects;
  /** Data that could not be read, with the reason (API and permission, or file). */
  unavailable: ReadonlyMap<DataKey, string>;
  /**
   * Per namespace being deleted, the kinds (API discovery lists them) that could
   * not be listed in it, and why: what is left there is not fully known. Absent
   * or empty for a namespace when every kind was read.
   */
  unreadInNamespaces?: ReadonlyMap<string, readonly UnreadKind[]>;
  /** Per kind, the lists read only up to gke-doctor's cap: what they hold beyond it was not read. Absent when none was cut. */
  cappedLists?: ReadonlyMap<KubernetesKind, readonly CappedList[]>;
  /** API group versions whose discovery failed: their kinds, in any namespace, are unknown. */
  undiscovered?: readonly UnreadKind[];
  /**
   * Custom role definitions read alongside the IAM policy, by full name (`projects/P/roles/ID`):
   * a snapshot's `roles/ROLE_ID.json`. A custom role absent here was not read.
   */
  customRoles?: ReadonlyMap<string, IamRole>;
  /**
   * In a preflight with no base (only manifests and a plan): the data the inputs hold none
   * of, with why. Nothing of it is planned, so a check that judges it has nothing to look at.
   */
  notInInputs?: ReadonlyMap<DataKey, string>;
  /** When the data was read (a snapshot's `takenAt`); ages are measured to this moment. */
  observedAt?: Date;
  /** Files the data came from, by resource name (manifests, plans); findings on them point there. */
  locations: ReadonlyMap<string, SourceLocation>;
  /**
   * Planned values Terraform knows only after apply (`after_unknown`), by resource
   * name: field paths in the API's shape, e.g. `serviceAccount` on a trigger,
   * `addonsConfig.httpLoadBalancing.disabled` on a cluster, or
   * `bindings[roles/pubsub.subscriber].members` on `projects/P` (a planned grant
   * whose member is unknown: grantMembersField). Such a field is left out of the data, never guessed:
   * a check that needs it says it cannot be decided before apply. Absent outside plans.
   */
  unknownUntilApply?: ReadonlyMap<string, readonly string[]>;
}

/** The field of `projects/P` a plan knows only after apply when it grants `role` to a member it knows only then. */
export type GrantMembersField = `bindings[${string}].members`;

export function grantMembersField(role: string): GrantMembersField {
  return `bindings[${role}].members`;
}

export function kubernetesResourceName(object: { kind?: string; metadata?: { name?: string; namespace?: string } }): string {
  const { name = '?', namespace } = object.metadata ?? {};
  return namespace ? `${object.kind}/${namespace}/${name}` : `${object.kind}/${name}`;
}

/** `pod`, `ingress.networking.k8s.io`: the kind as kubectl names it, qualified by its API group. */
export function kubectlKind(object: { kind: string; apiVersion: string }): string {
  const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
  const kind = object.kind.toLowerCase();
  return group ? `${kind}.${group}` : kind;
}

/** The Kubernetes objects a source read, indexed once by kind and by namespace. */
export class KubernetesObjects {
  private readonly byKind = new Map<string, KubeObject[]>();
  private readonly byNamespace = new Map<string, KubeObject[]>();
  private readonly byName = new Map<string, KubeObject>();

  constructor(objects: Iterable<KubeObject> = []) {
    for (const object of objects) this.add(object);
  }

  add(object: KubeObject): void {
    addToList(this.byKind, object.kind, object);
    const namespace = object.metadata?.namespace;
    if (namespace) addToList(this.byNamespace, namespace, object);
    this.byName.set(nameKey(object.kind, namespace, object.metadata?.name), object);
  }

  list<K extends KubernetesKind>(kind: K): KindTypes[K][] {
    return (this.byKind.get(kind) ?? []) as KindTypes[K][];
  }

  get<K extends KubernetesKind>(kind: K, namespace: string | undefined, name: string): KindTypes[K] | undefined {
    return this.byName.get(nameKey(kind, namespace, name)) as KindTypes[K] | undefined;
  }

  inNamespace(namespace: string): readonly KubeObject[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  all(): KubeObject[] {
    return [...this.byKind.values()].flat();
  }
}

function nameKey(kind: string, namespace: string | undefined, name: string | undefined): string {
  return `${kind}/${namespace ?? ''}/${name ?? ''}`;
}

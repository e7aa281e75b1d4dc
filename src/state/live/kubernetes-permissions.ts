import type { KubernetesKind } from '../kubernetes-types.js';
import { KUBERNETES_KINDS } from '../kubernetes-types.js';
import { DISCOVERED_KINDS, EVENT_RESOURCES, KIND_RESOURCES } from './live-kubernetes.js';
import { FIX_ROLE_NAME, PROBE_ROLE_NAME, READER_ROLE_NAME } from './kubernetes-roles.js';

export { FIX_ROLE_NAME, PROBE_ROLE_NAME, READER_ROLE_NAME } from './kubernetes-roles.js';

/** An RBAC PolicyRule (rbac.authorization.k8s.io/v1), with why it is there. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  /** Printed above the rule in YAML. */
  comment?: string;
}

/** A ClusterRole gke-doctor ships: its name, the mode it is for, and its rules. */
export interface ShippedRole {
  name: string;
  description: string;
  rules: PolicyRule[];
}

/**
 * The namespaced kinds a GKE cluster serves of itself, each API group's plurals: what the
 * namespace controller deletes in every namespace, so what can be left in a Terminating one.
 * Kubernetes' API reference (https://kubernetes.io/docs/reference/kubernetes-api/) and
 * `kubectl api-resources --namespaced=true --verbs=list` on GKE, which adds the metrics API of
 * its metrics-server (`pods.metrics.k8s.io`, listed like any discovered kind), the NEG
 * controller's ServiceNetworkEndpointGroups (ingress-gce, whose neg-finalizer can hold a
 * namespace) and the CSI VolumeSnapshots GKE installs
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/persistent-volumes/volume-snapshots).
 * Secrets are not here: see forbiddenInNamespaceHint. Custom resources of other CRDs are not
 * either: no rule can name kinds a cluster defines later without a wildcard.
 */
const NAMESPACE_CONTENTS: ReadonlyArray<[group: string, plurals: string[]]> = [
  ['', ['configmaps', 'endpoints', 'events', 'limitranges', 'persistentvolumeclaims', 'pods', 'podtemplates', 'replicationcontrollers', 'resourcequotas', 'serviceaccounts', 'services']],
  ['apps', ['controllerrevisions', 'daemonsets', 'deployments', 'replicasets', 'statefulsets']],
  ['autoscaling', ['horizontalpodautoscalers']],
  ['batch', ['cronjobs', 'jobs']],
  ['coordination.k8s.io', ['leases']],
  ['discovery.k8s.io', ['endpointslices']],
  ['events.k8s.io', ['events']],
  ['networking.k8s.io', ['ingresses', 'networkpolicies']],
  ['policy', ['poddisruptionbudgets']],
  ['rbac.authorization.k8s.io', ['rolebindings', 'roles']],
  ['storage.k8s.io', ['csistoragecapacities']],
  ['metrics.k8s.io', ['pods']],
  ['networking.gke.io', ['servicenetworkendpointgroups']],
  ['snapshot.storage.k8s.io', ['volumesnapshots']],
];

/** Where each kind checks ask for is listed: its group and plural (events in both groups that serve them). */
function resourcesOf(kind: KubernetesKind): { group: string; plural: string }[] {
  if (kind === 'Event') return EVENT_RESOURCES.map(({ group, plural }) => ({ group, plural }));
  const known = KIND_RESOURCES[kind] ?? DISCOVERED_KINDS[kind];
  return known ? [{ group: known.group, plural: known.plural }] : [];
}

/**
 * What the live Kubernetes source lists for checks that read `kinds`, as RBAC rules: the one
 * source of truth for the reader ClusterRole in docs/permissions.md and deploy/. Every kind is
 * listed cluster-wide (a GET of a collection is the `list` verb), nothing one object at a
 * time, nothing written. What is left in a Terminating namespace is listed by kind through
 * discovery: the reader names the built-in namespaced kinds and the GKE kinds the checks know,
 * never Secrets, and no wildcard; a kind it does not name is reported unread in that namespace
 * (forbiddenInNamespaceHint). Discovery (`/api`, `/apis`) is a non-resource URL every
 * authenticated user may read (ClusterRole system:discovery).
 */
export function readerRules(kinds: ReadonlySet<string>): PolicyRule[] {
  const byGroup = new Map<string, Set<string>>();
  const add = (group: string, plural: string) => byGroup.set(group, (byGroup.get(group) ?? new Set()).add(plural));
  for (const kind of KUBERNETES_KINDS.filter((candidate) => kinds.has(candidate))) for (const { group, plural } of resourcesOf(kind)) add(group, plural);
  if (kinds.has('ObjectsInTerminatingNamespaces')) for (const [group, plurals] of NAMESPACE_CONTENTS) for (const plural of plurals) add(group, plural);
  return [...byGroup].map(([group, plurals]) => ({ apiGroups: [group], resources: [...plurals].sort(), verbs: ['list'] }));
}

/** `--probe`: one GET through the pod proxy per serving Pod (LiveSource.probe). */
export function probeRules(): PolicyRule[] {
  return [{ apiGroups: [''], resources: ['pods/proxy'], verbs: ['get'], comment: "The load balancer's health-check request, sent to the Pod through the API server." }];
}

/**
 * `--fix` (src/fix/finalize-namespace.ts): it reads the namespace again before and after the
 * finalize, and PUTs it to /finalize. It finalizes only a namespace whose every kind was listed
 * (src/fix/namespace-fixer.ts), so it lists Secrets too, as metadata only: RBAC cannot make
 * that grant metadata-only, which is why the reader leaves Secrets out and this role is bound
 * only for a fix.
 */
export function fixRules(): PolicyRule[] {
  return [
    { apiGroups: [''], resources: ['namespaces'], verbs: ['get'], comment: 'The namespace read again just before and after the finalize.' },
    { apiGroups: [''], resources: ['namespaces/finalize'], verbs: ['update'], comment: 'The finalize itself: the only write gke-doctor makes.' },
    {
      apiGroups: [''],
      resources: ['secrets'],
      verbs: ['list'],
      comment: 'Secrets left in a Terminating namespace, asked for as metadata only (RBAC cannot grant less than their values).',
    },
  ];
}

/** Every ClusterRole gke-doctor ships, for the checks that read `kinds`. */
export function shippedRoles(kinds: ReadonlySet<string>): ShippedRole[] {
  return [
    { name: READER_ROLE_NAME, description: 'check and snapshot: list the kinds the checks read and what can be left in a Terminating namespace; never Secrets, never a write', rules: readerRules(kinds) },
    { name: PROBE_ROLE_NAME, description: '--probe, bound with gke-doctor-reader: get through the pod proxy', rules: probeRules() },
    { name: FIX_ROLE_NAME, description: '--fix, bound with gke-doctor-reader for the fix only: finalize a namespace', rules: fixRules() },
  ];
}

/** A ClusterRole as YAML, in the compact style of docs/permissions.md (flow lists, a comment per special rule). */
export function clusterRoleYaml(role: Pick<ShippedRole, 'name' | 'rules'> & { description?: string }): string {
  const lines = [...(role.description ? [`# ${role.description}`] : []), 'apiVersion: rbac.authorization.k8s.io/v1', 'kind: ClusterRole', 'metadata:', `  name: ${role.name}`, 'rules:'];
  for (const rule of role.rules) {
    if (rule.comment) lines.push(`# ${rule.comment}`);
    lines.push(`- apiGroups: [${rule.apiGroups.map(quoted).join(', ')}]`, `  resources: [${rule.resources.map(quoted).join(', ')}]`, `  verbs: [${rule.verbs.join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

/** The reader ClusterRole as YAML. */
export function readerClusterRoleYaml(kinds: ReadonlySet<string>, name = READER_ROLE_NAME): string {
  return clusterRoleYaml({ name, rules: readerRules(kinds) });
}

/** YAML needs quotes for the core group (""); names like networking.k8s.io do not. */
function quoted(value: string): string {
  return /^[a-z0-9][a-z0-9./-]*$/.test(value) ? value : JSON.stringify(value);
}

import type { Cluster } from '../../state/gcp-types.js';
import type { NetworkPolicy, Pod } from '../../state/kubernetes-types.js';
import type { AddressSet } from './address-ranges.js';
import { addressSet, intersect, subtract, union } from './address-ranges.js';

/**
 * Whether the cluster enforces NetworkPolicies: GKE network policy enforcement (`networkPolicy.enabled`
 * with the NetworkPolicy addon on; the addon shows as `networkPolicyConfig: {}` when enabled) or
 * GKE Dataplane V2 (`networkConfig.datapathProvider: ADVANCED_DATAPATH`), which enforces them built in
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/network-policy,
 * https://cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2). Without either, a NetworkPolicy is stored and ignored.
 */
export function networkPolicyEnforcement(cluster: Cluster): 'dataplane-v2' | 'network-policy' | undefined {
  if (cluster.networkConfig?.datapathProvider === 'ADVANCED_DATAPATH') return 'dataplane-v2';
  const addon = cluster.addonsConfig?.networkPolicyConfig;
  if (cluster.networkPolicy?.enabled === true && addon?.disabled !== true) return 'network-policy';
  return undefined;
}

type LabelSelector = NonNullable<NonNullable<NetworkPolicy['spec']>['podSelector']>;

/** metav1.LabelSelector: every matchLabels pair and every matchExpression (In, NotIn, Exists, DoesNotExist); an empty selector selects all. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) if (have[key] !== value) return false;
  for (const expression of selector?.matchExpressions ?? []) {
    const present = Object.hasOwn(have, expression.key);
    const values = expression.values ?? [];
    const ok =
      expression.operator === 'In' ? present && values.includes(have[expression.key]!)
      : expression.operator === 'NotIn' ? !present || !values.includes(have[expression.key]!)
      : expression.operator === 'Exists' ? present
      : expression.operator === 'DoesNotExist' ? !present
      : false;
    if (!ok) return false;
  }
  return true;
}

/**
 * The NetworkPolicies that isolate `pod` for ingress: in its namespace, whose podSelector selects it,
 * with Ingress among policyTypes (which defaults to Ingress, plus Egress when the policy has egress
 * rules: networking/v1 NetworkPolicySpec.policyTypes).
 */
export function isolatingPolicies(pod: Pod, policies: readonly NetworkPolicy[]): NetworkPolicy[] {
  const namespace = pod.metadata?.namespace ?? 'default';
  return policies.filter((policy) => {
    if ((policy.metadata?.namespace ?? 'default') !== namespace) return false;
    const types = policy.spec?.policyTypes;
    if (types?.length && !types.includes('Ingress')) return false;
    return selectorMatches(policy.spec?.podSelector, pod.metadata?.labels);
  });
}

/** The Pod port traffic arrives at: its number, and the container port's name (a NetworkPolicy may name it). */
export interface PodPort {
  number: number;
  name?: string;
}

/**
 * Which of `sources` the policies let reach `port` (TCP) of a Pod they isolate: the union, over every
 * ingress rule of every policy (policies are additive), of the sources a rule admits on a port it
 * names. A rule with no `from` admits every source; an ipBlock admits its cidr but its `except`s; pod
 * and namespace selectors admit Pods only, never an address outside the cluster. A rule with no
 * `ports` admits every port; a port is a number (with `endPort`, a range), or a container port's name,
 * matched on the Pod; protocol defaults to TCP
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/).
 */
export function admittedSources(policies: readonly NetworkPolicy[], sources: AddressSet, port: PodPort): { admitted: AddressSet; refused: AddressSet } {
  const admitted: AddressSet[] = [];
  for (const policy of policies) {
    for (const rule of policy.spec?.ingress ?? []) {
      if (!admitsPort(rule.ports, port)) continue;
      if (!rule.from?.length) {
        admitted.push(sources);
        continue;
      }
      for (const peer of rule.from) {
        if (!peer.ipBlock) continue;
        admitted.push(subtract(addressSet([peer.ipBlock.cidr]), addressSet(peer.ipBlock.except ?? [])));
      }
    }
  }
  const allowed = intersect(sources, union(admitted));
  return { admitted: allowed, refused: subtract(sources, allowed) };
}

/** Whether any ingress rule on `port` admits any address from outside the cluster (an ipBlock, or no `from`). */
export function admitsAnyAddress(policies: readonly NetworkPolicy[], port: PodPort): boolean {
  return policies.some((policy) => (policy.spec?.ingress ?? []).some((rule) => admitsPort(rule.ports, port) && (!rule.from?.length || rule.from.some((peer) => peer.ipBlock))));
}

type PolicyPort = NonNullable<NonNullable<NonNullable<NetworkPolicy['spec']>['ingress']>[number]['ports']>[number];

function admitsPort(ports: readonly PolicyPort[] | undefined, port: PodPort): boolean {
  if (!ports?.length) return true;
  return ports.some((entry) => {
    if ((entry.protocol ?? 'TCP') !== 'TCP') return false;
    if (entry.port === undefined) return true;
    if (typeof entry.port === 'string') return port.name !== undefined && entry.port === port.name;
    return entry.endPort !== undefined ? port.number >= entry.port && port.number <= entry.endPort : port.number === entry.port;
  });
}

/** The ingress rule that lets `cidrs` reach `port`, as a NetworkPolicy a user can apply beside the others (policies are additive). */
export function allowManifest(name: string, namespace: string, podLabels: Record<string, string>, cidrs: readonly string[], port: PodPort): string {
  const labels = Object.entries(podLabels);
  return [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'spec:',
    '  podSelector:',
    ...(labels.length ? ['    matchLabels:', ...labels.map(([key, value]) => `      ${key}: ${JSON.stringify(value)}`)] : ['    {}']),
    '  policyTypes:',
    '  - Ingress',
    '  ingress:',
    '  - from:',
    ...cidrs.map((cidr) => `    - ipBlock:\n        cidr: ${cidr}`),
    '    ports:',
    '    - protocol: TCP',
    `      port: ${port.number}`,
  ].join('\n');
}

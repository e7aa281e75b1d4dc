import type { ClusterState } from '../../state/cluster-state.js';
import { kubernetesResourceName } from '../../state/cluster-state.js';
import type { Ingress } from '../../state/kubernetes-types.js';
import { INGRESS_CLASS_ANNOTATION, INTERNAL_INGRESS_CLASS } from './ingress-class.js';
import type { LoadBalancerScope } from '../load-balancer/proxy-only-subnets.js';
import { clusterRegion, networkPath, proxyOnlySubnetFix, proxyOnlySubnetFor, proxyOnlySubnetPurposes } from '../load-balancer/proxy-only-subnets.js';

/**
 * The load balancer an Ingress class makes, where it needs a proxy-only subnet: `gce-internal` a
 * regional internal Application Load Balancer, `gce-regional-external` a regional external one
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/internal-load-balance-ingress#prepare-environment:
 * "create a proxy-only subnet"; ingress-gce pkg/loadbalancers/features/l7ilb.go, regional_external.go).
 */
export function ingressLoadBalancerScope(ingress: Ingress): LoadBalancerScope | undefined {
  const ingressClass = ingress.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION];
  if (ingressClass === INTERNAL_INGRESS_CLASS) return { scope: 'regional', internal: true };
  if (ingressClass === 'gce-regional-external') return { scope: 'regional', internal: false };
  return undefined;
}

/** What is missing for an Ingress that needs a proxy-only subnet: none active (Compute refuses the forwarding rule), or the subnets unread. */
export type ProxySubnetProblem =
  | { kind: 'missing'; data: Record<string, string>; fix: ReturnType<typeof proxyOnlySubnetFix>; evidence: Record<string, unknown> }
  | { kind: 'unknown'; data: Record<string, string>; fix: ReturnType<typeof proxyOnlySubnetFix> };

export function ingressProxySubnetProblem(ingress: Ingress, state: ClusterState, fixSummary: string): ProxySubnetProblem | undefined {
  const scope = ingressLoadBalancerScope(ingress);
  if (!scope) return undefined;
  const region = state.cluster ? clusterRegion(state.cluster) : undefined;
  const network = networkPath(state.cluster?.networkConfig?.network);
  const purposes = proxyOnlySubnetPurposes(scope);
  const data = {
    ingress: kubernetesResourceName({ kind: 'Ingress', metadata: ingress.metadata }),
    ingressClass: ingress.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION] ?? '',
    kind: scope.internal ? 'internal' : 'regional external',
    purposes: purposes.join(' or '),
    region: region ?? "the cluster's region",
    network: network ?? "the cluster's network",
  };
  // On a Shared VPC the subnet is the host project's: the command runs there.
  const project = /^projects\/([^/]+)\//.exec(network ?? '')?.[1] ?? state.target.project;
  const fix = proxyOnlySubnetFix(project, scope, region, network, fixSummary);
  // The subnets are read in the network's project (the host project on a Shared VPC, where its proxy-only subnet is).
  const unread = state.unavailable.get('subnetworks') ?? (region ? undefined : state.unavailable.get('cluster'));
  if (unread || (state.subnetworks && !region)) return { kind: 'unknown', data: { ...data, reason: unread ?? "the cluster's region is not known" }, fix };
  // Not asked for (a state built without it): nothing to judge.
  if (!state.subnetworks || !region) return undefined;
  if (proxyOnlySubnetFor(state.subnetworks, scope, region, network)) return undefined;
  return { kind: 'missing', data, fix, evidence: { purposes, region, network: network ?? null } };
}

// Room gateway/ (rank 4): GKE Gateways, routes, policies and reference grants. Imports load-balancer/ and below, never ingress/ or eventarc/ (same rank).
// Ranks are enforced by test/architecture (GKE_ROOM_RANKS in test/support/import-graph.ts).
import type { ClusterState } from '../../state/cluster-state.js';
import type { Gateway, GatewayClass } from '../../state/kubernetes-types.js';

/** Where a GKE GatewayClass puts its load balancer, which decides what it needs from the network. */
export interface GkeGatewayClass {
  name: string;
  /** `global` load balancers need no proxy-only subnet; `regional` need one in the cluster's region, `cross-regional` a GLOBAL_MANAGED_PROXY one. */
  scope: 'global' | 'regional' | 'cross-regional';
  internal: boolean;
  multiCluster: boolean;
}

/**
 * The GatewayClasses GKE installs (https://cloud.google.com/kubernetes-engine/docs/how-to/gatewayclass-capabilities,
 * Architecture table). "If you are using the regional or cross-region GatewayClasses, you must enable a
 * proxy-only subnet" (https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources,
 * GKE Gateway controller requirements).
 */
export const GKE_GATEWAY_CLASSES: readonly GkeGatewayClass[] = [
  { name: 'gke-l7-global-external-managed', scope: 'global', internal: false, multiCluster: false },
  { name: 'gke-l7-global-external-managed-mc', scope: 'global', internal: false, multiCluster: true },
  { name: 'gke-l7-regional-external-managed', scope: 'regional', internal: false, multiCluster: false },
  { name: 'gke-l7-regional-external-managed-mc', scope: 'regional', internal: false, multiCluster: true },
  { name: 'gke-l7-cross-regional-internal-managed-mc', scope: 'cross-regional', internal: true, multiCluster: true },
  { name: 'gke-l7-rilb', scope: 'regional', internal: true, multiCluster: false },
  { name: 'gke-l7-rilb-mc', scope: 'regional', internal: true, multiCluster: true },
  { name: 'gke-l7-gxlb', scope: 'global', internal: false, multiCluster: false },
  { name: 'gke-l7-gxlb-mc', scope: 'global', internal: false, multiCluster: true },
];

/** The controller GKE's GatewayClasses name (`kubectl get gatewayclass` on GKE: CONTROLLER networking.gke.io/gateway). */
export const GKE_GATEWAY_CONTROLLER = 'networking.gke.io/gateway';

/** The Gateway controller's finalizer on every Gateway it manages (seen on GKE Gateways of every class, v1alpha1 to v1). */
export const GKE_GATEWAY_FINALIZER = 'gateway.finalizer.networking.gke.io';

export function gkeGatewayClass(name: string | undefined): GkeGatewayClass | undefined {
  return GKE_GATEWAY_CLASSES.find((candidate) => candidate.name === name);
}

/**
 * Whether GKE's Gateway controller serves this Gateway: its class is one GKE
 * installs, or a GatewayClass whose controllerName is GKE's (a user's own class
 * for the same controller).
 */
export function isGkeGateway(gateway: Gateway, state: ClusterState): boolean {
  const className = gateway.spec?.gatewayClassName;
  if (gkeGatewayClass(className)) return true;
  const gatewayClass: GatewayClass | undefined = className ? state.kubernetes.get('GatewayClass', undefined, className) : undefined;
  return gatewayClass?.spec?.controllerName === GKE_GATEWAY_CONTROLLER;
}

/** The Gateways GKE's Gateway controller serves, which need the HTTP load-balancing addon and the cluster's Gateway API. */
export function gkeGateways(state: ClusterState): Gateway[] {
  return state.kubernetes.list('Gateway').filter((gateway) => isGkeGateway(gateway, state));
}

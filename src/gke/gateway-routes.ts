import type { ClusterState } from '../state/cluster-state.js';
import { kubernetesResourceName } from '../state/cluster-state.js';
import type { Gateway, GatewayObjectReference, Route } from '../state/kubernetes-types.js';
import { isGkeGateway } from './gateway-classes.js';

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
export type RouteKind = 'HTTPRoute' | 'GRPCRoute';
export const ROUTE_KINDS: readonly RouteKind[] = ['HTTPRoute', 'GRPCRoute'];

/** A route and the GKE Gateways among its parents. */
export interface AttachedRoute {
  route: Route;
  kind: RouteKind;
  resource: string;
  namespace: string;
  gateways: Gateway[];
}

/** One `backendRefs` entry of a route, with the defaults the API gives it. */
export interface GatewayBackendRef {
  route: AttachedRoute;
  /** `spec.rules[0].backendRefs[1]`. */
  field: string;
  group: string;
  kind: string;
  namespace: string;
  name: string;
  port?: number;
}

/**
 * The Gateways a route names in `spec.parentRefs`. A ParentReference defaults to
 * group gateway.networking.k8s.io, kind Gateway, and the route's own namespace
 * (kubernetes-sigs/gateway-api apis/v1/shared_types.go ParentReference).
 */
export function parentGateways(route: Route, state: ClusterState): Gateway[] {
  const namespace = route.metadata?.namespace ?? 'default';
  const gateways: Gateway[] = [];
  for (const ref of route.spec?.parentRefs ?? []) {
    if ((ref.group ?? GATEWAY_API_GROUP) !== GATEWAY_API_GROUP || (ref.kind ?? 'Gateway') !== 'Gateway') continue;
    const gateway = state.kubernetes.get('Gateway', ref.namespace ?? namespace, ref.name);
    if (gateway && !gateways.includes(gateway)) gateways.push(gateway);
  }
  return gateways;
}

/** Every HTTPRoute and GRPCRoute with at least one parent Gateway that GKE's controller serves. */
export function routesOfGkeGateways(state: ClusterState): AttachedRoute[] {
  const attached: AttachedRoute[] = [];
  for (const kind of ROUTE_KINDS) {
    for (const route of state.kubernetes.list(kind)) {
      const gateways = parentGateways(route, state).filter((gateway) => isGkeGateway(gateway, state));
      if (gateways.length === 0) continue;
      attached.push({ route, kind, resource: kubernetesResourceName({ kind, metadata: route.metadata }), namespace: route.metadata?.namespace ?? 'default', gateways });
    }
  }
  return attached;
}

/**
 * Every backend a route names, in order. A BackendObjectReference defaults to the
 * core group (""), kind Service, and the route's namespace (apis/v1/object_reference_types.go).
 */
export function backendRefsOf(attached: AttachedRoute): GatewayBackendRef[] {
  const refs: GatewayBackendRef[] = [];
  (attached.route.spec?.rules ?? []).forEach((rule, ruleIndex) => {
    (rule.backendRefs ?? []).forEach((ref: GatewayObjectReference, refIndex) => {
      refs.push({
        route: attached,
        field: `spec.rules[${ruleIndex}].backendRefs[${refIndex}]`,
        group: ref.group ?? '',
        kind: ref.kind ?? 'Service',
        namespace: ref.namespace ?? attached.namespace,
        name: ref.name,
        port: ref.port,
      });
    });
  });
  return refs;
}

/** A backendRef to a core Service (what GKE's single-cluster Gateways serve). */
export function isServiceRef(ref: Pick<GatewayBackendRef, 'group' | 'kind'>): boolean {
  return ref.group === '' && ref.kind === 'Service';
}

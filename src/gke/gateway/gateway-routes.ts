import type { ClusterState } from '../../state/cluster-state.js';
import { kubernetesResourceName } from '../../state/cluster-state.js';
import type { Condition, Gateway, GatewayObjectReference, Route, Service } from '../../state/kubernetes-types.js';
import { isGkeGateway } from './gateway-classes.js';
import type { ServicePort } from '../load-balancer/ingress-backends.js';
import { findServicePort } from '../load-balancer/ingress-backends.js';

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

/** One Service port that routes of GKE Gateways send traffic to: one load balancer backend, with every ref that names it. */
export interface GatewayBackend {
  service: Service;
  servicePort: ServicePort;
  refs: GatewayBackendRef[];
}

/** The Service ports behind GKE Gateways that exist (a missing Service or port is gateway-config's to report). */
export function gatewayBackends(state: ClusterState): GatewayBackend[] {
  const backends = new Map<string, GatewayBackend>();
  for (const attached of routesOfGkeGateways(state)) {
    for (const ref of backendRefsOf(attached)) {
      if (!isServiceRef(ref) || ref.port === undefined) continue;
      const service = state.kubernetes.get('Service', ref.namespace, ref.name);
      const servicePort = service ? findServicePort(service, { number: ref.port }) : undefined;
      if (!service || !servicePort) continue;
      const key = `${ref.namespace}/${ref.name}/${servicePort.port}`;
      const backend = backends.get(key) ?? { service, servicePort, refs: [] };
      backend.refs.push(ref);
      backends.set(key, backend);
    }
  }
  return [...backends.values()];
}

/** The conditions among `types` that are False: what a Gateway API controller writes when it cannot accept, resolve or program. */
export function falseConditions(conditions: Condition[] | undefined, types: string[]): Condition[] {
  return (conditions ?? []).filter((condition) => types.includes(condition.type) && condition.status === 'False');
}

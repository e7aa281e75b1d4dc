import type { ClusterState } from '../../state/cluster-state.js';
import { kubernetesResourceName } from '../../state/cluster-state.js';
import type { Condition, Gateway, GatewayObjectReference, Route, Service } from '../../state/kubernetes-types.js';
import { isGkeGateway } from './gateway-classes.js';
import type { ParentAttachment } from './route-attachment.js';
import { parentAttachments } from './route-attachment.js';
import type { RouteKind } from './route-kinds.js';
import { ROUTE_KINDS } from './route-kinds.js';
import type { ServicePort } from '../load-balancer/ingress-backends.js';
import { findServicePort } from '../load-balancer/ingress-backends.js';


/** A route that names GKE Gateways, and those it attaches to. */
export interface AttachedRoute {
  route: Route;
  kind: RouteKind;
  resource: string;
  namespace: string;
  /** The GKE Gateways it attaches to (route-attachment.ts parentAttachments): only their load balancers send it traffic. */
  gateways: Gateway[];
  /** Every existing GKE Gateway it names in spec.parentRefs, attached or not. */
  named: Gateway[];
  /** Its parentRefs to GKE Gateways whose attachment could not be decided, with why. */
  undecided: { gateway: Gateway; reason: string }[];
  parents: ParentAttachment[];
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
 * Every HTTPRoute and GRPCRoute that names at least one existing Gateway GKE's controller serves, with the
 * Gateways it really attaches to: parentRef group/kind/namespace/name, sectionName and port, the listeners'
 * allowedRoutes and hostnames, and the controller's own Accepted condition over all of these (parentAttachments).
 */
export function routesOfGkeGateways(state: ClusterState): AttachedRoute[] {
  const routes: AttachedRoute[] = [];
  for (const kind of ROUTE_KINDS) {
    for (const route of state.kubernetes.list(kind)) {
      const parents = parentAttachments(state, route, kind).filter((parent) => parent.gateway && isGkeGateway(parent.gateway, state));
      if (parents.length === 0) continue;
      const unique = (gateways: Gateway[]) => [...new Set(gateways)];
      routes.push({
        route,
        kind,
        resource: kubernetesResourceName({ kind, metadata: route.metadata }),
        namespace: route.metadata?.namespace ?? 'default',
        gateways: unique(parents.filter((parent) => parent.attached === true).map((parent) => parent.gateway!)),
        named: unique(parents.map((parent) => parent.gateway!)),
        undecided: parents.flatMap((parent) => (parent.attached === 'unknown' && parent.inferred.attached === 'unknown' ? [{ gateway: parent.gateway!, reason: parent.inferred.reason }] : [])),
        parents,
      });
    }
  }
  return routes;
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

/**
 * The Service ports behind GKE Gateways that exist (a missing Service or port is gateway-config's to report), through
 * routes that attach to them: a route attached to no Gateway sends its backends nothing.
 */
export function gatewayBackends(state: ClusterState): GatewayBackend[] {
  const backends = new Map<string, GatewayBackend>();
  for (const attached of routesOfGkeGateways(state)) {
    if (attached.gateways.length === 0) continue;
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

/**
 * Routes with Service backends, attached to no GKE Gateway for sure, whose attachment to one could not be decided
 * (a namespace selector without the namespace's labels): their backends are not judged, and a check that would
 * judge them says so.
 */
export function undecidedGatewayRoutes(state: ClusterState): string[] {
  return routesOfGkeGateways(state).flatMap((attached) =>
    attached.gateways.length === 0 && backendRefsOf(attached).some(isServiceRef)
      ? attached.undecided.map(({ gateway, reason }) => `whether ${attached.resource} attaches to ${kubernetesResourceName({ kind: 'Gateway', metadata: gateway.metadata })} is not known (${reason}), so its backends were not judged for it`)
      : [],
  );
}

/** The conditions among `types` that are False: what a Gateway API controller writes when it cannot accept, resolve or program. */
export function falseConditions(conditions: Condition[] | undefined, types: string[]): Condition[] {
  return (conditions ?? []).filter((condition) => types.includes(condition.type) && condition.status === 'False');
}

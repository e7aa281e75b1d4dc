import type { ClusterState } from '../../state/cluster-state.js';
import type { Condition, Gateway, GatewayObjectReference, Route } from '../../state/kubernetes-types.js';
import { GKE_GATEWAY_CONTROLLER } from './gateway-classes.js';
import type { RouteKind } from './route-kinds.js';
import { GATEWAY_API_GROUP } from './route-kinds.js';
import { hostnamesIntersect, listenerMatchesHostnames } from './route-hostnames.js';

type Listener = NonNullable<NonNullable<Gateway['spec']>['listeners']>[number];

/** Listener.allowedRoutes (kubernetes-sigs/gateway-api apis/v1/gateway_types.go AllowedRoutes, RouteNamespaces, RouteGroupKind). */
interface AllowedRoutes {
  namespaces?: { from?: string; selector?: LabelSelector };
  kinds?: { group?: string; kind: string }[];
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/**
 * Why one parentRef of a route attaches to nothing, with the `Accepted` reason the spec gives it
 * (apis/v1/shared_types.go RouteConditionReason).
 */
export type AttachmentProblem =
  | { problem: 'gatewayMissing'; reason: 'NoMatchingParent'; gateway: string }
  | { problem: 'noMatchingListener'; reason: 'NoMatchingParent'; gateway: string; listeners: string[] }
  | { problem: 'notAllowedByListeners'; reason: 'NotAllowedByListeners'; gateway: string; refusals: string[] }
  | { problem: 'noMatchingListenerHostname'; reason: 'NoMatchingListenerHostname'; gateway: string; hostnames: string[]; listenerHostnames: string[] };

/** The outcome for one parentRef: attached, a problem, or undecided (data missing), with the Gateway when it exists. */
export type Attachment = { gateway?: Gateway } & ({ attached: true } | { attached: false; problem: AttachmentProblem } | { attached: 'unknown'; reason: string });

export function isGatewayParentRef(ref: GatewayObjectReference): boolean {
  return (ref.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP && (ref.kind ?? 'Gateway') === 'Gateway';
}

/**
 * Whether a route's parentRef (a Gateway) attaches to any of its listeners, decided as the Gateway API does:
 * - ParentReference (apis/v1/shared_types.go): namespace defaults to the route's; `sectionName` selects the listener
 *   of that name, `port` the listeners on that port, both set means both must match; a parentRef matching no
 *   listener gets Accepted=False NoMatchingParent (conformance: httproute-invalid-parentref-not-matching-section-name,
 *   httproute-invalid-parentref-not-matching-listener-port).
 * - Listener.allowedRoutes (apis/v1/gateway_types.go): namespaces.from defaults to Same; Selector matches the route
 *   namespace's labels; `kinds` empty means the listener protocol's kinds. A route no matching listener admits gets
 *   Accepted=False NotAllowedByListeners (conformance: gateway-with-attached-routes, httproute-disallowed-kind).
 * - Hostnames (apis/v1/httproute_types.go HTTPRouteSpec.Hostnames, route-hostnames.ts): of the listeners that admit
 *   the route, one whose hostname intersects the route's must exist, or the route gets Accepted=False
 *   NoMatchingListenerHostname ("the Gateway has no compatible Listeners whose Hostname matches the route",
 *   apis/v1/shared_types.go RouteReasonNoMatchingListenerHostname; conformance: httproute-hostname-intersection,
 *   route no-intersecting-hosts).
 */
export function parentRefAttachment(state: ClusterState, route: Route, kind: RouteKind, ref: GatewayObjectReference): Attachment {
  const routeNamespace = route.metadata?.namespace ?? 'default';
  const gatewayNamespace = ref.namespace ?? routeNamespace;
  const name = `${gatewayNamespace}/${ref.name}`;
  const gateway = state.kubernetes.get('Gateway', gatewayNamespace, ref.name);
  if (!gateway) return { attached: false, problem: { problem: 'gatewayMissing', reason: 'NoMatchingParent', gateway: name } };
  const listeners = (gateway.spec?.listeners ?? []).filter(
    (listener) => (ref.sectionName === undefined || listener.name === ref.sectionName) && (ref.port === undefined || listener.port === ref.port),
  );
  if (listeners.length === 0) {
    const all = (gateway.spec?.listeners ?? []).map((listener) => `${listener.name} (port ${listener.port})`);
    return { gateway, attached: false, problem: { problem: 'noMatchingListener', reason: 'NoMatchingParent', gateway: name, listeners: all } };
  }
  const refusals: string[] = [];
  const compatible: Listener[] = [];
  let undecided: string | undefined;
  for (const listener of listeners) {
    const verdict = listenerAdmits(state, listener, gatewayNamespace, routeNamespace, kind);
    const hostnameMatches = !listenerMatchesHostnames(listener.protocol) || hostnamesIntersect(listener.hostname, route.spec?.hostnames);
    if (verdict === true && hostnameMatches) return { gateway, attached: true };
    if (verdict === true) compatible.push(listener);
    else if (typeof verdict === 'object') {
      compatible.push(listener);
      // A listener the route could attach to, but whether it admits the route is not known.
      if (hostnameMatches) undecided = verdict.unknown;
    } else refusals.push(`listener ${listener.name} ${verdict}`);
  }
  if (undecided) return { gateway, attached: 'unknown', reason: undecided };
  if (compatible.length > 0) {
    const listenerHostnames = compatible.map((listener) => `${listener.name} (${listener.hostname ?? 'any hostname'})`);
    return { gateway, attached: false, problem: { problem: 'noMatchingListenerHostname', reason: 'NoMatchingListenerHostname', gateway: name, hostnames: route.spec?.hostnames ?? [], listenerHostnames } };
  }
  return { gateway, attached: false, problem: { problem: 'notAllowedByListeners', reason: 'NotAllowedByListeners', gateway: name, refusals } };
}

/** One Gateway parentRef of a route: what the spec reads as, what GKE's controller says, and the verdict. */
export interface ParentAttachment {
  ref: GatewayObjectReference;
  /** Its index in spec.parentRefs. */
  index: number;
  /** The Gateway it names, when it exists. */
  gateway?: Gateway;
  /** What the spec reads as (parentRefAttachment). */
  inferred: Attachment;
  /** GKE's controller's Accepted condition for this parent, written for the route's current generation. */
  accepted?: Condition;
  /** An Accepted condition written for an older generation of the route: out of date, so not taken. */
  staleAccepted?: Condition;
  /** The verdict: the controller's current Accepted condition when there is one, else the spec reading. */
  attached: true | false | 'unknown';
}

/**
 * Every Gateway parentRef of a route, decided. The controller that serves a Gateway is the authority on
 * whether a route attaches to it: the spec reading can miss what the controller refuses (reasons the spec
 * leaves to implementations: "Controllers may raise this condition with other reasons", apis/v1/shared_types.go
 * RouteConditionAccepted). So GKE's Accepted condition on the matching `status.parents[]` entry
 * (RouteParentStatus: parentRef "corresponds with a ParentRef in the spec", controllerName
 * networking.gke.io/gateway) decides when it is True or False, unless it is out of date: metav1.Condition
 * observedGeneration older than metadata.generation means "the condition is out of date with respect to the
 * current state of the instance" (k8s.io/apimachinery pkg/apis/meta/v1/types.go Condition). Without a current
 * condition (Unknown, e.g. Pending, or none), the spec reading decides.
 */
export function parentAttachments(state: ClusterState, route: Route, kind: RouteKind): ParentAttachment[] {
  const routeNamespace = route.metadata?.namespace ?? 'default';
  const generation = route.metadata?.generation;
  return (route.spec?.parentRefs ?? []).flatMap((ref, index) => {
    if (!isGatewayParentRef(ref)) return [];
    const inferred = parentRefAttachment(state, route, kind, ref);
    const status = (route.status?.parents ?? []).find((parent) => parent.controllerName === GKE_GATEWAY_CONTROLLER && sameParentRef(parent.parentRef, ref, routeNamespace));
    const condition = status?.conditions?.find((each) => each.type === 'Accepted');
    const stale = condition?.observedGeneration !== undefined && generation !== undefined && condition.observedGeneration < generation;
    const decisive = condition && !stale && (condition.status === 'True' || condition.status === 'False') ? condition : undefined;
    const attached = decisive ? decisive.status === 'True' : inferred.attached;
    return [{ ref, index, gateway: inferred.gateway, inferred, attached, ...(decisive ? { accepted: decisive } : {}), ...(condition && stale ? { staleAccepted: condition } : {}) }];
  });
}

/** Two ParentReferences to the same parent, with the API's defaults (group, kind, the route's namespace). */
function sameParentRef(a: GatewayObjectReference, b: GatewayObjectReference, routeNamespace: string): boolean {
  return (
    (a.group ?? GATEWAY_API_GROUP) === (b.group ?? GATEWAY_API_GROUP) &&
    (a.kind ?? 'Gateway') === (b.kind ?? 'Gateway') &&
    (a.namespace ?? routeNamespace) === (b.namespace ?? routeNamespace) &&
    a.name === b.name &&
    a.sectionName === b.sectionName &&
    a.port === b.port
  );
}

/** true, a refusal ("admits only …"), or what could not be decided. */
function listenerAdmits(state: ClusterState, listener: Listener, gatewayNamespace: string, routeNamespace: string, kind: RouteKind): true | string | { unknown: string } {
  const allowed = (listener.allowedRoutes ?? {}) as AllowedRoutes;
  const kinds = allowed.kinds ?? [];
  // An empty kinds list means the kinds the protocol supports; GKE's HTTP/HTTPS listeners take HTTPRoute and GRPCRoute.
  if (kinds.length > 0 && !kinds.some((allowedKind) => (allowedKind.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP && allowedKind.kind === kind)) {
    return `admits only kinds ${kinds.map((allowedKind) => allowedKind.kind).join(', ')}`;
  }
  const from = allowed.namespaces?.from ?? 'Same';
  if (from === 'All') return true;
  if (from === 'Same') {
    return routeNamespace === gatewayNamespace ? true : `admits routes from its own namespace ${gatewayNamespace} only (allowedRoutes.namespaces.from ${allowed.namespaces?.from ? 'Same' : 'defaults to Same'})`;
  }
  if (from === 'Selector') {
    const selector = allowed.namespaces?.selector ?? {};
    if (state.unavailable.has('Namespace')) return { unknown: `Namespace could not be read (${state.unavailable.get('Namespace')}), so listener ${listener.name}'s namespace selector was not checked` };
    const namespace = state.kubernetes.get('Namespace', undefined, routeNamespace);
    if (!namespace) return { unknown: `namespace ${routeNamespace} is not in the data, so listener ${listener.name}'s namespace selector was not checked` };
    return selectorMatches(selector, namespace.metadata?.labels ?? {}) ? true : `admits namespaces matching ${JSON.stringify(selector)} only, and namespace ${routeNamespace}'s labels do not match`;
  }
  return { unknown: `listener ${listener.name} has allowedRoutes.namespaces.from ${from}, which is not judged` };
}

/** metav1.LabelSelector semantics (k8s.io/apimachinery pkg/apis/meta/v1 LabelSelectorAsSelector): every term must hold. */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  return (
    byLabels &&
    (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      if (operator === 'In') return key in labels && values.includes(labels[key]!);
      if (operator === 'NotIn') return !(key in labels) || !values.includes(labels[key]!);
      if (operator === 'Exists') return key in labels;
      if (operator === 'DoesNotExist') return !(key in labels);
      return false;
    })
  );
}

import { describe, expect, it } from 'vitest';
import { parentAttachments, parentRefAttachment, selectorMatches } from '../../../src/gke/gateway/route-attachment.js';
import type { Gateway, KubeObject, Route } from '../../../src/state/kubernetes-types.js';
import { clusterState } from '../../support/state.js';

// Listener shapes from kubernetes-sigs/gateway-api conformance/tests/gateway-with-attached-routes.yaml and httproute-disallowed-kind.yaml.
function gateway(allowedRoutes?: unknown): Gateway {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'same-namespace', namespace: 'gateway-conformance-infra' },
    spec: { gatewayClassName: 'gke-l7-global-external-managed', listeners: [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes }] },
  };
}

const route = (namespace: string): Route => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace } });
const namespace = (name: string, labels: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } });
const parent = { name: 'same-namespace', namespace: 'gateway-conformance-infra' };

describe('parentRefAttachment', () => {
  it.each([
    ['from defaults to Same: the Gateway\'s namespace is admitted', undefined, 'gateway-conformance-infra', parent, 'HTTPRoute', true],
    ['from defaults to Same: another namespace is not', undefined, 'gateway-conformance-web-backend', parent, 'HTTPRoute', false],
    ['from All', { namespaces: { from: 'All' } }, 'gateway-conformance-web-backend', parent, 'HTTPRoute', true],
    ['kinds lists only HTTPRoute: a GRPCRoute is refused', { kinds: [{ kind: 'HTTPRoute' }] }, 'gateway-conformance-infra', parent, 'GRPCRoute', false],
    ['kinds empty: the protocol\'s kinds, GRPCRoute included', { kinds: [] }, 'gateway-conformance-infra', parent, 'GRPCRoute', true],
    ['port 8080 matches no listener', undefined, 'gateway-conformance-infra', { ...parent, port: 8080 }, 'HTTPRoute', false],
    ['sectionName and port both matching', undefined, 'gateway-conformance-infra', { ...parent, sectionName: 'http', port: 80 }, 'HTTPRoute', true],
    ['parentRef namespace defaults to the route\'s', undefined, 'gateway-conformance-infra', { name: 'same-namespace' }, 'HTTPRoute', true],
  ] as const)('%s', (_name, allowedRoutes, routeNamespace, ref, kind, attached) => {
    const state = clusterState({}, [gateway(allowedRoutes)]);
    expect(parentRefAttachment(state, route(routeNamespace), kind, ref).attached).toBe(attached);
  });

  it('Selector: decided on the route namespace\'s labels, unknown when Namespaces are unread', () => {
    const allowed = { namespaces: { from: 'Selector', selector: { matchLabels: { 'shared-gateway-access': 'true' } } } };
    const labelled = clusterState({}, [gateway(allowed), namespace('store', { 'shared-gateway-access': 'true' }), namespace('site', {})]);
    expect(parentRefAttachment(labelled, route('store'), 'HTTPRoute', parent).attached).toBe(true);
    expect(parentRefAttachment(labelled, route('site'), 'HTTPRoute', parent).attached).toBe(false);
    const unread = clusterState({}, [gateway(allowed)], [['Namespace', '403']]);
    expect(parentRefAttachment(unread, route('store'), 'HTTPRoute', parent).attached).toBe('unknown');
  });

  // conformance/tests/httproute-hostname-intersection.yaml: Gateway httproute-hostname-intersection's listeners.
  const hostnameGateway: Gateway = {
    ...gateway(),
    spec: {
      gatewayClassName: 'gke-l7-global-external-managed',
      listeners: [
        { name: 'listener-1', port: 80, protocol: 'HTTP', hostname: 'very.specific.com' },
        { name: 'listener-2', port: 80, protocol: 'HTTP', hostname: '*.wildcard.io' },
        { name: 'listener-3', port: 80, protocol: 'HTTP', hostname: '*.anotherwildcard.io' },
      ],
    },
  };
  const withHostnames = (hostnames: string[]): Route => ({ ...route('gateway-conformance-infra'), spec: { hostnames } });
  it.each([
    ['specific-host-matches-listener-wildcard-host', ['non.matching.com', 'wildcard.io', 'foo.wildcard.io'], undefined, true],
    ['wildcard-host-matches-listener-specific-host', ['non.matching.com', '*.specific.com'], undefined, true],
    ['no-intersecting-hosts', ['specific.but.wrong.com', 'wildcard.io'], undefined, false],
    ['sectionName listener-1 and a host only listener-2 takes', ['foo.wildcard.io'], 'listener-1', false],
  ] as const)('hostnames: %s', (_name, hostnames, sectionName, attached) => {
    const state = clusterState({}, [hostnameGateway]);
    const result = parentRefAttachment(state, withHostnames([...hostnames]), 'HTTPRoute', { ...parent, sectionName });
    expect(result.attached).toBe(attached);
    if (!attached) expect(result).toMatchObject({ problem: { problem: 'noMatchingListenerHostname', reason: 'NoMatchingListenerHostname' } });
  });

  it('hostnames: a listener that refuses the route is not where its hostname is judged', () => {
    const refusing: Gateway = { ...hostnameGateway, metadata: { ...hostnameGateway.metadata, namespace: 'other' } };
    const state = clusterState({}, [refusing]);
    const result = parentRefAttachment(state, withHostnames(['specific.but.wrong.com']), 'HTTPRoute', { name: 'same-namespace', namespace: 'other' });
    expect(result).toMatchObject({ attached: false, problem: { problem: 'notAllowedByListeners' } });
  });

  it('a Gateway that does not exist', () => {
    expect(parentRefAttachment(clusterState({}, []), route('default'), 'HTTPRoute', { name: 'missing' })).toMatchObject({ attached: false, problem: { problem: 'gatewayMissing', gateway: 'default/missing' } });
  });
});

describe('selectorMatches', () => {
  it.each([
    [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, { env: 'prod' }, true],
    [{ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, {}, true],
    [{ matchExpressions: [{ key: 'env', operator: 'Exists' }] }, {}, false],
    [{ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, {}, true],
    [{ matchLabels: { env: 'prod' }, matchExpressions: [{ key: 'team', operator: 'Exists' }] }, { env: 'prod' }, false],
    [{}, {}, true],
  ])('%j on %j: %s', (selector, labels, matches) => {
    expect(selectorMatches(selector, labels)).toBe(matches);
  });
});

describe('parentAttachments', () => {
  // Conformance httproute-invalid-cross-namespace-parent-ref: the route in the web-backend namespace is not admitted by default (Same).
  const statusRoute = (parents: NonNullable<Route['status']>['parents'], generation = 1): Route => ({ ...route('gateway-conformance-web-backend'), metadata: { name: 'r', namespace: 'gateway-conformance-web-backend', generation }, spec: { parentRefs: [parent] }, status: { parents } });
  const accepted = (status: string, reason: string, observedGeneration = 1) => [{ type: 'Accepted', status, reason, observedGeneration }];
  const gke = 'networking.gke.io/gateway';
  const state = clusterState({}, [gateway()]);
  it.each([
    ['no status: the spec reading', undefined, 1, false, false],
    ['GKE\'s current Accepted=True wins over the reading', [{ controllerName: gke, parentRef: { ...parent, group: 'gateway.networking.k8s.io', kind: 'Gateway' }, conditions: accepted('True', 'Accepted') }], 1, true, true],
    ['another controller\'s status is not GKE\'s word', [{ controllerName: 'example.net/gateway', parentRef: parent, conditions: accepted('True', 'Accepted') }], 1, false, false],
    ['Accepted=True for an older generation is out of date', [{ controllerName: gke, parentRef: parent, conditions: accepted('True', 'Accepted', 1) }], 2, false, false],
    ['Unknown (Pending) decides nothing', [{ controllerName: gke, parentRef: parent, conditions: accepted('Unknown', 'Pending') }], 1, false, false],
    ['a status entry for another listener (sectionName) is not this parent\'s', [{ controllerName: gke, parentRef: { ...parent, sectionName: 'http' }, conditions: accepted('True', 'Accepted') }], 1, false, false],
  ] as const)('%s', (_name, parents, generation, attached, byStatus) => {
    const [decided] = parentAttachments(state, statusRoute(parents as never, generation), 'HTTPRoute');
    expect(decided!.attached).toBe(attached);
    expect(decided!.accepted !== undefined).toBe(byStatus);
    expect(decided!.inferred.attached).toBe(false);
  });
});

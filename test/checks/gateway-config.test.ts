import { expect } from 'vitest';
import gatewayConfig from '../../checks/gateway-config.js';
import type { DataKey } from '../../src/state/cluster-state.js';
import { GCP_DATA_KEYS, KubernetesObjects } from '../../src/state/cluster-state.js';
import { KUBERNETES_KINDS } from '../../src/state/kubernetes-types.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';
import { testCheck } from '../support/check-tester.js';
import { fixturePath } from '../support/fixtures.js';
import { fixtureStateWith, withAccepted } from '../support/route-status.js';
import type { Route } from '../../src/state/kubernetes-types.js';

/** A fixture whose HTTPRoutes carry GKE's Accepted condition as given. */
const withRouteAccepted = (fixture: string, accepted: Parameters<typeof withAccepted>[1], generations?: Parameters<typeof withAccepted>[2]) =>
  fixtureStateWith(fixture, (object) => (object.kind === 'HTTPRoute' ? withAccepted(object as Route, accepted, generations) : object));

/** The internal-class fixture as a snapshot without compute/subnetworks.json reads it. */
async function withoutSubnetList() {
  const state = await new SnapshotSource(fixturePath('gateway-internal-no-proxy-subnet')).collect(new Set<DataKey>([...GCP_DATA_KEYS, ...KUBERNETES_KINDS]));
  const unavailable = new Map(state.unavailable);
  unavailable.set('subnetworks', 'compute/subnetworks.json is not in the snapshot (gcloud compute networks subnets list --format=json)');
  return { ...state, subnetworks: undefined, unavailable };
}

/** The healthy Gateway as a live read sees it when HTTPRoutes cannot be listed (403). */
async function withoutRoutes() {
  const state = await new SnapshotSource(fixturePath('gateway-argocd-healthy')).collect(new Set<DataKey>([...GCP_DATA_KEYS, ...KUBERNETES_KINDS]));
  const unavailable = new Map(state.unavailable);
  unavailable.set('HTTPRoute', '403 httproutes.gateway.networking.k8s.io is forbidden: User "ci@acme-platform.iam.gserviceaccount.com" cannot list resource "httproutes"');
  const kubernetes = new KubernetesObjects(state.kubernetes.all().filter((object) => object.kind !== 'HTTPRoute'));
  return { ...state, kubernetes, unavailable };
}

/** gateway-route-selector as a live read sees it when Namespaces cannot be listed (403); with `statuses: false`, before the controller wrote any route status. */
async function withoutNamespaces({ statuses }: { statuses: boolean }) {
  const state = await new SnapshotSource(fixturePath('gateway-route-selector')).collect(new Set<DataKey>([...GCP_DATA_KEYS, ...KUBERNETES_KINDS]));
  const unavailable = new Map(state.unavailable);
  unavailable.set('Namespace', '403 namespaces is forbidden');
  const objects = state.kubernetes.all().filter((object) => object.kind !== 'Namespace');
  const kubernetes = new KubernetesObjects(statuses ? objects : objects.map((object) => (object.kind === 'HTTPRoute' ? { ...object, status: undefined } : object)));
  return { ...state, kubernetes, unavailable };
}

const CLUSTER = 'projects/acme-platform/locations/asia-northeast1/clusters/platform-cluster';

testCheck(gatewayConfig, {
  valid: [
    'gateway-argocd',
    'gateway-argocd-healthy',
    'gateway-whereami',
    // The twin of gateway-route-not-attached: a Selector listener, namespaces labelled for it, sectionName and port matching.
    'gateway-route-selector',
    // The twin of gateway-route-hostname-mismatch: route hostnames that intersect a listener's (conformance httproute-hostname-intersection).
    'gateway-route-hostname-intersection',
    {
      name: 'the Selector listener with Namespaces unread, the routes accepted by the controller: its current status decides',
      state: await withoutNamespaces({ statuses: true }),
    },
    {
      name: 'the Selector listener with Namespaces unread and no route status yet: incomplete, not a guess',
      state: await withoutNamespaces({ statuses: false }),
      status: 'incomplete',
      then: (report) => expect(report.reason).toContain('listener http\'s namespace selector was not checked'),
    },
    { fixture: 'seed-argocd-unhealthy', examined: [] },
    // The twin of gateway-route-namespace-not-selected: the route's namespace carries the label the listener selects.
    'gateway-route-namespace-selected',
    {
      name: 'a controller\'s Accepted=False for an older generation of a route the spec reads as attached: out of date, nothing reported',
      state: await withRouteAccepted('gateway-argocd', { status: 'False', reason: 'UnsupportedValue' }, { generation: 2, observedGeneration: 1 }),
    },
    {
      // The passing twin is gateway-argocd-healthy itself: with its routes unread, it must not pass on the Gateway alone.
      name: 'the healthy Gateway with HTTPRoutes unread (403): incomplete, naming them',
      state: await withoutRoutes(),
      status: 'incomplete',
      then: (report) => expect(report.reason).toMatch(/^HTTPRoute could not be read \(403 httproutes.gateway.networking.k8s.io is forbidden.*\), so what depends on it was not checked$/),
    },
    // Preflight (appliesTo Gateway): the manifests and the plan that fixes them pass; inputs without a Gateway have nothing to judge.
    { name: 'the Gateway manifests with the plan that applies the fix', manifests: ['preflight/gateway-argocd-manifests'], plan: 'preflight/gateway-argocd-fix.tfplan.json' },
    { name: 'a plan alone holding a HealthCheckPolicy but no Gateway: not applicable, its target is not judged', plan: 'preflight/gateway-argocd-fix.tfplan.json', examined: [] },
    { name: 'a plan without Kubernetes objects: not applicable rather than incomplete', plan: 'preflight/seed-eventarc.tfplan.json', examined: [] },
    { name: 'Ingress manifests alone', manifests: ['preflight/argocd-manifests'], examined: [] },
  ],
  invalid: [
    {
      name: 'Gateway API off on the cluster: the Gateway waits for a controller that never comes',
      fixture: 'gateway-api-disabled',
      findings: [{ messageId: 'gatewayApiDisabled', resource: CLUSTER, severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('Gateway/default/external-http');
        expect(finding!.fix!.commands).toEqual(['gcloud container clusters update platform-cluster --location asia-northeast1 --project acme-platform --gateway-api=standard']);
        expect(finding!.fix!.terraform).toContain('channel = "CHANNEL_STANDARD"');
      },
    },
    {
      name: 'the same Gateway from --manifests on that cluster',
      fixture: 'gateway-api-disabled',
      manifests: ['preflight/gateway-argocd-manifests'],
      findings: [{ messageId: 'gatewayApiDisabled', resource: CLUSTER, severity: 'error' }],
    },
    {
      name: 'an HTTPRoute to a Service that does not exist: the controller\'s ResolvedRefs condition and the missing Service',
      fixture: 'gateway-route-missing-service',
      findings: [
        { messageId: 'conditionFalse', resource: 'HTTPRoute/gxlb-demo-ns2/bar', severity: 'error' },
        { messageId: 'backendMissing', resource: 'HTTPRoute/gxlb-demo-ns2/bar', severity: 'error' },
      ],
      then: ({ findings: [condition, missing] }) => {
        expect(condition!.message).toContain('ResolvedRefs is False: BackendNotFound');
        expect(missing!.message).toContain('Service gxlb-demo-ns2/bar-v2, which does not exist');
      },
    },
    {
      name: 'routes that attach to nothing: not admitted (from defaults to Same), no such listener, no such Gateway',
      fixture: 'gateway-route-not-attached',
      findings: [
        { messageId: 'notAllowedByListeners', resource: 'HTTPRoute/gxlb-demo-ns1/foo', severity: 'error' },
        { messageId: 'parentListenerMissing', resource: 'HTTPRoute/gxlb-demo-ns2/bar', severity: 'error' },
        { messageId: 'parentGatewayMissing', resource: 'HTTPRoute/gxlb-demo-ns2/bar-canary', severity: 'error' },
      ],
      then: ({ findings: [foo, bar, canary] }) => {
        expect(foo!.message).toContain('listener http admits routes from its own namespace default only (allowedRoutes.namespaces.from defaults to Same)');
        expect(foo!.message).toContain('says the same (False, NotAllowedByListeners)');
        expect(bar!.message).toContain('names listener https of Gateway default/external-http');
        expect(bar!.message).toContain('(it has http (port 80))');
        expect(bar!.message).toContain('(False, NoMatchingParent)');
        expect(canary!.message).toContain('Gateway default/external-http-canary in spec.parentRefs[0], which does not exist');
      },
    },
    {
      name: 'a route in a namespace the shared Gateway\'s listener does not select (conformance httproute-invalid-cross-namespace-parent-ref)',
      fixture: 'gateway-route-namespace-not-selected',
      findings: [{ messageId: 'notAllowedByListeners', resource: 'HTTPRoute/argocd/argocd-server', severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('admits namespaces matching {"matchLabels":{"shared-gateway-access":"true"}} only, and namespace argocd\'s labels do not match');
        expect(finding!.message).toContain('(False, NotAllowedByListeners). It attaches to no Gateway at all, so it serves no traffic.');
        expect(finding!.fix!.commands).toEqual(['kubectl label namespace argocd shared-gateway-access=true']);
      },
    },
    {
      name: 'GKE\'s controller says Accepted=False where the spec reads as attached: the controller is trusted, and that is said',
      state: await withRouteAccepted('gateway-argocd', { status: 'False', reason: 'UnsupportedValue', message: 'a value the controller does not support' }),
      findings: [{ messageId: 'rejectedByController', resource: 'HTTPRoute/argocd/argocd-server', severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('reads as attached to Gateway argocd/argocd (spec.parentRefs[0]), but GKE\'s Gateway controller says it is not: Accepted is False, UnsupportedValue (a value the controller does not support)');
        expect(finding!.message).toContain('taken over gke-doctor\'s reading of the spec');
      },
    },
    {
      name: 'a stale Accepted=False where the spec reading also refuses: reported from the spec, the stale condition named as not taken',
      state: await withRouteAccepted('gateway-route-namespace-not-selected', { status: 'False', reason: 'NotAllowedByListeners' }, { generation: 3, observedGeneration: 2 }),
      findings: [{ messageId: 'notAllowedByListeners', resource: 'HTTPRoute/argocd/argocd-server', severity: 'error' }],
      then: ({ findings: [finding] }) => expect(finding!.message).toContain('is for generation 2 of the route, which is now at 3, so it is out of date and not taken'),
    },
    {
      name: 'GKE\'s controller accepted a route the spec reading refuses: its status is taken, and the disagreement is a note',
      state: await withRouteAccepted('gateway-route-namespace-not-selected', { status: 'True', reason: 'Accepted' }),
      findings: [{ messageId: 'acceptedOverSpec', resource: 'HTTPRoute/argocd/argocd-server', severity: 'info' }],
    },
    {
      name: 'a route whose hostnames intersect no listener\'s hostname (conformance no-intersecting-hosts)',
      fixture: 'gateway-route-hostname-mismatch',
      findings: [{ messageId: 'noMatchingListenerHostname', resource: 'HTTPRoute/gxlb-demo-ns1/foo', severity: 'error' }],
      then: ({ findings: [foo] }) => {
        expect(foo!.message).toContain('has hostnames specific.but.wrong.com, wildcard.io');
        expect(foo!.message).toContain('listener-2 (*.wildcard.io)');
        expect(foo!.message).toContain('(False, NoMatchingListenerHostname)');
        expect(foo!.evidence).toMatchObject({ acceptedReason: 'NoMatchingListenerHostname' });
      },
    },
    {
      name: 'a HealthCheckPolicy targeting nothing, and a second GCPBackendPolicy on one Service',
      fixture: 'gateway-policy-orphan',
      findings: [
        { messageId: 'policyTargetMissing', resource: 'HealthCheckPolicy/gxlb-demo-ns2/bar-svc-health-check', severity: 'warning' },
        { messageId: 'backendPolicyConflict', resource: 'GCPBackendPolicy/gxlb-demo-ns1/foo-timeouts', severity: 'warning' },
      ],
      then: ({ findings: [, conflict] }) => {
        expect(conflict!.message).toContain('only the oldest, GCPBackendPolicy/gxlb-demo-ns1/foo-backend-policy, is attached');
      },
    },
    {
      name: 'an internal class without a proxy-only subnet in the cluster\'s region (one exists in another region)',
      fixture: 'gateway-internal-no-proxy-subnet',
      findings: [{ messageId: 'proxySubnetMissing', resource: 'Gateway/default/internal-http', severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('purpose REGIONAL_MANAGED_PROXY or INTERNAL_HTTPS_LOAD_BALANCER) in region asia-northeast1 of network projects/acme-platform/global/networks/default');
        expect(finding!.fix!.commands[1]).toContain('--purpose=REGIONAL_MANAGED_PROXY --role=ACTIVE --region=asia-northeast1 --network=default');
      },
    },
    {
      name: 'the internal class offline without the subnet list: cannot check, said as a warning',
      state: await withoutSubnetList(),
      findings: [{ messageId: 'proxySubnetUnknown', resource: 'Gateway/default/internal-http', severity: 'warning' }],
      then: ({ findings: [finding] }) => expect(finding!.message).toContain('subnets could not be read (compute/subnetworks.json is not in the snapshot'),
    },
  ],
});

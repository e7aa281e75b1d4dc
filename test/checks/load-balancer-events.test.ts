import { expect } from 'vitest';
import loadBalancerEvents from '../../checks/load-balancer-events.js';
import type { Event, KubeObject } from '../../src/state/kubernetes-types.js';
import { testCheck } from '../support/check-tester.js';
import { clusterState } from '../support/state.js';

const INGRESS = 'Ingress/shop/web';

/** A Gateway event as events.k8s.io/v1 serves it (regarding, note, series), quoting the Gateway controller's words from a public `kubectl describe gateway`. */
const gatewayEvent: Event = {
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name: 'exercises-gateway.17b2c3d4e5f60718', namespace: 'exercises', creationTimestamp: '2024-01-14T23:10:00Z' },
  eventTime: '2024-01-14T23:10:00.000000Z',
  reportingController: 'sc-gateway-controller',
  reportingInstance: 'sc-gateway-controller',
  action: 'SYNC',
  reason: 'SYNC',
  type: 'Warning',
  regarding: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: 'exercises-gateway', namespace: 'exercises' },
  note: 'failed to translate Gateway "exercises/exercises-gateway": Error GWCER104: HTTPRoute "exercises/pingpong-route" is misconfigured, err: classic GXLB (GatewayClass gke-l7-gxlb) does not support rule filters',
  series: { count: 4, lastObservedTime: '2024-01-14T23:40:00.000000Z' },
};

const ingressWithoutAddress = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace: 'shop', creationTimestamp: '2024-01-14T20:00:00Z', annotations: { 'kubernetes.io/ingress.class': 'gce' } },
  spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } },
  status: { loadBalancer: {} },
} as KubeObject;

/** The live read stopped at 500 Warning events in namespace shop; the namespace holds at most 1,234 events more. */
const cappedShop = (objects: KubeObject[]) => ({
  ...clusterState({}, objects),
  cappedLists: new Map([['Event' as const, [{ namespace: 'shop', fieldSelector: 'type=Warning', read: 500, unreadAtMost: 1234 }]]]),
});

const ingressWithAddress = { ...ingressWithoutAddress, status: { loadBalancer: { ingress: [{ ip: '34.120.45.67' }] } } } as KubeObject;

testCheck(loadBalancerEvents, {
  valid: [
    // The fixed twins: Normal events only (Sync, Attach), nothing failing.
    'ingress-translation-ok',
    'ingress-controller-events-quiet',
    'managed-certificate-active',
    { fixture: 'seed-eventarc-stuck-namespace', examined: [] },
    // A healthy Ingress (an address, no UNHEALTHY backend) gets no note about expired events.
    { name: 'a served Ingress with no event: nothing to say', state: clusterState({}, [ingressWithAddress]) },
  ],
  invalid: [
    {
      // ingress-gce pkg/controller/controller.go "Translation failed: invalid ingress spec: failed to validate prefix path /v1/* due to invalid wildcard".
      fixture: 'ingress-translation-failed',
      findings: [{ messageId: 'translationWildcard', resource: INGRESS, severity: 'error' }],
      then: (report) => {
        expect(report.findings[0]!.message).toMatch(/reported Translate 17 times .*In a prefix path a \* is no wildcard, so the controller refuses \/v1\/\*/s);
        expect(report.findings[0]!.fix?.summary).toMatch(/path \/v1 with pathType Prefix/);
      },
    },
    {
      // A Shared VPC firewall change (Normal XPN), a NEG quota on the Service, and a message nobody maps: shown verbatim, control characters escaped.
      fixture: 'ingress-controller-events',
      findings: [
        { messageId: 'unmapped', resource: INGRESS, severity: 'warning' },
        { messageId: 'firewallChangeRequired', resource: INGRESS, severity: 'error' },
        { messageId: 'quotaExceeded', resource: 'Service/shop/web', severity: 'error' },
      ],
      then: (report) => {
        const [unmapped, firewall, quota] = report.findings;
        expect(firewall!.fix?.commands[0]).toMatch(/^gcloud compute firewall-rules update k8s-fw-l7--6048d433d4280f11 .*--source-ranges 130\.211\.0\.0\/22,35\.191\.0\.0\/16 .*--project acme-network-host$/);
        expect(unmapped!.message).toContain('"Could not parse frontend \\x1b[31mred\\x1b[0m\\r\\nfake line: ERROR everything"');
        // eslint-disable-next-line no-control-regex -- none may be left
        expect(unmapped!.message).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
        expect(quota!.message).toMatch(/quota NETWORK_ENDPOINT_GROUPS \(limit 100\.0 in region asia-northeast1\)/);
        expect(quota!.fix?.commands[0]).toMatch(/^gcloud compute regions describe asia-northeast1 --project acme-platform/);
      },
    },
    {
      // Failing (no certificate) with no event left: said, as a note.
      fixture: 'managed-certificate-not-visible',
      findings: [{ messageId: 'noEventsLeft', resource: 'ManagedCertificate/shop/shop-cert', severity: 'info' }],
    },
    {
      name: 'a Gateway controller error, as events.k8s.io/v1 serves it',
      state: clusterState({}, [gatewayEvent as KubeObject]),
      findings: [{ messageId: 'gatewayTranslationFailed', resource: 'Gateway/exercises/exercises-gateway', severity: 'error' }],
      then: (report) => expect(report.findings[0]!.message).toMatch(/sc-gateway-controller reported SYNC 4 times \(last 2024-01-14T23:40:00.000000Z\).*\(GWCER104\)/s),
    },
    {
      name: 'an Ingress without an address for hours and no event left',
      state: clusterState({}, [ingressWithoutAddress]),
      findings: [{ messageId: 'noEventsLeft', resource: INGRESS, severity: 'info' }],
      then: (report) => expect(report.findings[0]!.message).toMatch(/has no load-balancer address, and no Warning event about it is left: .*one hour/),
    },
    {
      name: 'events cut at the cap in the namespace of a served Ingress: the check says how many were not read, never passes silently',
      state: cappedShop([ingressWithAddress]),
      findings: [{ messageId: 'eventsCapped', resource: 'Namespace/shop', severity: 'info' }],
      then: ({ findings: [capped] }) => {
        expect(capped!.message).toMatch(/500 were read, and at most 1234 more \(the namespace holds 1734 events of every type at most\) were not/);
        expect(capped!.evidence).toMatchObject({ namespace: 'shop', fieldSelector: 'type=Warning', read: 500, unreadAtMost: 1234 });
        expect(capped!.fix?.commands).toEqual(['kubectl -n shop get events --field-selector type=Warning --sort-by=.lastTimestamp']);
      },
    },
    {
      name: 'a failing Ingress in a namespace cut at the cap: not "no events left", but none among those read',
      state: cappedShop([ingressWithoutAddress]),
      findings: [
        { messageId: 'eventsCapped', resource: 'Namespace/shop', severity: 'info' },
        { messageId: 'noEventsAmongRead', resource: INGRESS, severity: 'info' },
      ],
      then: ({ findings: [, ingress] }) => expect(ingress!.message).toMatch(/has no load-balancer address, and none of the events read in namespace shop is about it; at most 1234 more .* were not read/),
    },
    {
      name: 'a cut list whose remaining count the server did not give: an unknown number, said so',
      state: { ...clusterState({}, [ingressWithAddress]), cappedLists: new Map([['Event' as const, [{ namespace: 'shop', fieldSelector: 'type=Warning', read: 500 }]]]) },
      findings: [{ messageId: 'eventsCapped', resource: 'Namespace/shop', severity: 'info' }],
      then: ({ findings: [capped] }) => expect(capped!.message).toContain('an unknown number more (the API server does not count what is left of a list read with a field selector)'),
    },
    {
      name: 'events unread (403): incomplete, naming them',
      state: clusterState({}, [ingressWithoutAddress], [['Event', 'cannot list Event objects: Kubernetes RBAC denies it (events is forbidden)']]),
      findings: [],
      status: 'incomplete',
      then: (report) => expect(report.reason).toMatch(/cannot list Event objects: Kubernetes RBAC denies it/),
    },
  ],
});

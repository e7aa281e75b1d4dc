import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DataKey } from '../../src/state/cluster-state.js';
import { LiveSource } from '../../src/state/live/live-source.js';
import { permissionDenied } from '../support/fake-gcp.js';
import { fixturePath } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture, temporaryFixture } from '../support/live.js';

let served: ServedFixture | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

const collect = (fixture: ServedFixture, keys: DataKey[]) => new LiveSource({ env: fixture.env, kubeconfig: fixture.kubeconfig }).collect(new Set(keys));

describe('backend health, live', () => {
  it('reads getHealth for each backend group of the backend services the Ingresses name: what gcloud get-health prints, as the snapshot holds it', async () => {
    served = await serveFixture('ingress-backend-health-unhealthy');
    const state = await collect(served, ['backendHealth']);
    const expected = JSON.parse(await readFile(join(fixturePath('ingress-backend-health-unhealthy'), 'compute/backend-health.json'), 'utf8')) as unknown;
    expect(state.backendHealth).toEqual(expected);
    expect(state.unavailable.size).toBe(0);
    const computeRequests = served.gcp.requests.filter((request) => request.path.includes('/backendServices/')).map((request) => `${request.method} ${request.path.replace(/^.*\/projects\/[^/]+\//, '')}`);
    // The default backend's service is named too: global first (404 here), then the cluster's region.
    expect(computeRequests).toEqual(
      expect.arrayContaining([
        'GET global/backendServices/k8s1-7c1a2b3d-shop-web-80-626c200e',
        'POST global/backendServices/k8s1-7c1a2b3d-shop-web-80-626c200e/getHealth',
        'GET global/backendServices/k8s1-7c1a2b3d-kube-system-default-http-backend-80-c8f47979',
        'GET regions/asia-northeast1/backendServices/k8s1-7c1a2b3d-kube-system-default-http-backend-80-c8f47979',
      ]),
    );
    expect(served.gcp.requests.filter((request) => request.method === 'POST').map((request) => request.body)).toHaveLength(3);
  });

  it('reads the backend services a Gateway names, by the scope its annotation gives', async () => {
    served = await serveFixture('gateway-whereami');
    const state = await collect(served, ['backendHealth']);
    expect(state.backendHealth?.map((entry) => entry.backendService).sort()).toEqual(['gkegw1-x3lf-gxlb-demo-ns1-foo-8080-0kq3va1s9ybx', 'gkegw1-x3lf-gxlb-demo-ns2-bar-8080-8ge5ik0rmfu3']);
    expect(served.gcp.requests.every((request) => !request.path.includes('/regions/'))).toBe(true);
  });

  it('a 403 makes backend health unavailable, naming the permission and a role; the checks that use it as evidence say so', async () => {
    served = await serveFixture('ingress-backend-health-unhealthy');
    served.gcp.inject({ method: 'POST', path: /getHealth$/, status: 403, body: permissionDenied('compute.backendServices.get', 'compute.googleapis.com', 'projects/acme-platform/global/backendServices/k8s1-7c1a2b3d-shop-web-80-626c200e') });
    const state = await collect(served, ['backendHealth']);
    expect(state.backendHealth).toBeUndefined();
    expect(state.unavailable.get('backendHealth')).toMatch(/permission compute\.backendServices\.get denied; roles\/compute\.viewer grants it/);
  });

  it('without the Ingresses, which backend services to read is not known: unavailable, never an empty list', async () => {
    served = await serveFixture('ingress-backend-health-unhealthy');
    served.kube.inject({ path: '/apis/networking.k8s.io/v1/ingresses', status: 403, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'ingresses.networking.k8s.io is forbidden', reason: 'Forbidden', code: 403 } });
    const state = await collect(served, ['backendHealth']);
    expect(state.backendHealth).toBeUndefined();
    expect(state.unavailable.get('backendHealth')).toMatch(/which backend services .* cannot list Ingress objects: Kubernetes RBAC denies it/);
  });
});

describe('events, live', () => {
  it('reads Warning events (and XPN notices) only in the namespaces of Ingresses, Gateways, routes and ManagedCertificates, through a field selector', async () => {
    served = await serveFixture('ingress-controller-events');
    const state = await collect(served, ['Event']);
    const listed = served.kube.requests.filter((request) => request.path.endsWith('/events'));
    expect(listed.map((request) => `${request.path} ${request.query.fieldSelector}`).sort()).toEqual(['/api/v1/namespaces/shop/events type=Normal,reason=XPN', '/api/v1/namespaces/shop/events type=Warning']);
    expect(listed.every((request) => Number(request.query.limit) === 500)).toBe(true);
    expect(state.kubernetes.list('Event').map((event) => (event as { reason?: string }).reason).sort()).toEqual(['Sync', 'SyncNetworkEndpointGroupFailed', 'XPN']);
  });

  it('falls back to events.k8s.io/v1 where core v1 events are not served', async () => {
    const directory = await temporaryFixture({
      'k8s/objects.yaml': [
        'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: shop, annotations: {kubernetes.io/ingress.class: gce}}\nspec: {defaultBackend: {service: {name: web, port: {number: 80}}}}',
        'apiVersion: events.k8s.io/v1\nkind: Event\nmetadata: {name: web.17a9f0c2b4d6e8c1, namespace: shop}\neventTime: "2024-01-14T23:40:00.000000Z"\nreportingController: loadbalancer-controller\nreportingInstance: ""\naction: Translate\nreason: Translate\ntype: Warning\nregarding: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: web, namespace: shop}\nnote: "Translation failed: invalid ingress spec: could not find service \\"shop/web\\""',
        'apiVersion: events.k8s.io/v1\nkind: Event\nmetadata: {name: web.17a9f0c2b4d6e8c2, namespace: shop}\neventTime: "2024-01-14T23:40:00.000000Z"\nreportingController: loadbalancer-controller\nreportingInstance: ""\naction: Sync\nreason: Sync\ntype: Normal\nregarding: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: web, namespace: shop}\nnote: Scheduled for sync',
      ].join('\n---\n'),
    });
    served = await serveFixture(directory);
    served.kube.inject({ path: /^\/api\/v1\/namespaces\/[^/]+\/events$/, status: 404, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 } });
    const state = await collect(served, ['Event']);
    expect(state.unavailable.has('Event')).toBe(false);
    expect(state.kubernetes.list('Event').map((event) => (event as { note?: string }).note)).toEqual(['Translation failed: invalid ingress spec: could not find service "shop/web"']);
  });

  it('stops at 500 Warning events in a namespace and records the cut, with at most how many were not read', { timeout: 30_000 }, async () => {
    const event = (index: number, type: string) =>
      `apiVersion: v1\nkind: Event\nmetadata: {name: web.${String(index).padStart(16, '0')}, namespace: shop}\ninvolvedObject: {apiVersion: v1, kind: Service, name: web, namespace: shop}\nreason: ${type === 'Warning' ? 'SyncNetworkEndpointGroupFailed' : 'Attach'}\nmessage: "event ${index}"\ntype: ${type}\ncount: 1\nlastTimestamp: "2024-01-14T23:40:00Z"`;
    const directory = await temporaryFixture({
      'k8s/objects.yaml': [
        'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: shop, annotations: {kubernetes.io/ingress.class: gce}}\nspec: {defaultBackend: {service: {name: web, port: {number: 80}}}}',
        ...Array.from({ length: 503 }, (_, index) => event(index, 'Warning')),
        ...Array.from({ length: 7 }, (_, index) => event(1000 + index, 'Normal')),
      ].join('\n---\n'),
    });
    served = await serveFixture(directory);
    const state = await collect(served, ['Event']);
    expect(state.kubernetes.list('Event')).toHaveLength(500);
    // 510 events in all, 500 read: the 3 Warnings left are among the 10 others.
    expect(state.cappedLists?.get('Event')).toEqual([{ namespace: 'shop', fieldSelector: 'type=Warning', read: 500, unreadAtMost: 10 }]);
    const counted = served.kube.requests.filter((request) => request.path.endsWith('/events') && request.query.fieldSelector === undefined);
    expect(counted.map((request) => request.query.limit)).toEqual(['1']);
    // The count is only a bound for the report: when it cannot be had, the cut is still recorded, the bound left unknown.
    // Per namespace: the Warning list, then the count, then the XPN list.
    served.kube.inject({ path: /\/events$/, after: 1, times: 1, status: 403, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'events is forbidden', reason: 'Forbidden', code: 403 } });
    const uncounted = await collect(served, ['Event']);
    expect(uncounted.unavailable.has('Event')).toBe(false);
    expect(uncounted.cappedLists?.get('Event')).toEqual([{ namespace: 'shop', fieldSelector: 'type=Warning', read: 500 }]);
  });

  it('a 403 makes Event unavailable, naming the RBAC denial; no namespace to look in is no request at all', async () => {
    served = await serveFixture('ingress-controller-events');
    served.kube.inject({ path: /\/events$/, status: 403, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'events is forbidden: User "ci" cannot list resource "events" in API group "" in the namespace "shop"', reason: 'Forbidden', code: 403 } });
    const state = await collect(served, ['Event']);
    expect(state.unavailable.get('Event')).toMatch(/^cannot list Event objects: Kubernetes RBAC denies it \(events is forbidden/);
    await served.close();
    served = await serveFixture('seed-eventarc-stuck-namespace');
    await collect(served, ['Event']);
    expect(served.kube.requests.filter((request) => request.path.endsWith('/events'))).toEqual([]);
  });
});

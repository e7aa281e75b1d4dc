import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { routesOfGkeGateways } from '../../src/gke/gateway/gateway-routes.js';
import type { DataKey } from '../../src/state/cluster-state.js';
import type { KubeObject } from '../../src/state/kubernetes-types.js';
import { EVENTS_PER_NAMESPACE } from '../../src/state/live/live-kubernetes.js';
import { LiveSource } from '../../src/state/live/live-source.js';
import { googleError, permissionDenied } from '../support/fake-gcp.js';
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
    const computeRequests = served.gcp.requests.filter((request) => /backendServices/.test(request.path)).map((request) => `${request.method} ${request.path.replace(/^.*\/projects\/[^/]+\//, '')}`);
    // One list of every scope's backend services, then getHealth per backend group; the default backend's
    // service, named by the Ingress but in no scope (deleted since), has no entry and costs no request.
    expect(computeRequests).toEqual([
      'GET aggregated/backendServices',
      'POST global/backendServices/k8s1-7c1a2b3d-shop-web-80-626c200e/getHealth',
      'POST global/backendServices/k8s1-7c1a2b3d-shop-web-80-626c200e/getHealth',
      'POST global/backendServices/k8s1-7c1a2b3d-shop-web-80-626c200e/getHealth',
    ]);
    expect(served.gcp.requests.find((request) => request.path.endsWith('/aggregated/backendServices'))!.query).toMatchObject({ maxResults: '500', returnPartialSuccess: 'true' });
  });

  it('follows the aggregated list page by page, and reads each backend group at once', async () => {
    served = await serveFixture('gateway-whereami', { gcp: { pageSize: 1 } });
    const state = await collect(served, ['backendHealth']);
    expect(state.backendHealth?.map((entry) => entry.backendService).sort()).toEqual(['gkegw1-x3lf-gxlb-demo-ns1-foo-8080-0kq3va1s9ybx', 'gkegw1-x3lf-gxlb-demo-ns2-bar-8080-8ge5ik0rmfu3']);
    const pages = served.gcp.requests.filter((request) => request.path.endsWith('/aggregated/backendServices'));
    expect(pages.map((request) => request.query.pageToken ?? '')).toEqual(['', '1']);
    // The Gateway names its services with their scope: global ones are asked for globally.
    expect(served.gcp.requests.filter((request) => request.method === 'POST').every((request) => /\/global\/backendServices\/[^/]+\/getHealth$/.test(request.path))).toBe(true);
  });

  it('a regional backend service is read in its region, whatever page of the list it is on', async () => {
    const directory = await temporaryFixture({});
    await cp(fixturePath('ingress-backend-health-unhealthy'), directory, { recursive: true });
    const health = JSON.parse(await readFile(join(directory, 'compute/backend-health.json'), 'utf8')) as { backendService: string; region?: string }[];
    await writeFile(join(directory, 'compute/backend-health.json'), JSON.stringify(health.map((entry) => ({ ...entry, region: 'asia-northeast1' }))));
    served = await serveFixture(directory, { gcp: { pageSize: 1 } });
    const state = await collect(served, ['backendHealth']);
    expect(state.backendHealth?.map((entry) => [entry.backendService, entry.region, entry.health.length])).toEqual([['k8s1-7c1a2b3d-shop-web-80-626c200e', 'asia-northeast1', 3]]);
    expect(served.gcp.requests.filter((request) => request.method === 'POST').map((request) => request.path.replace(/^.*\/projects\/[^/]+\//, ''))).toEqual(Array(3).fill('regions/asia-northeast1/backendServices/k8s1-7c1a2b3d-shop-web-80-626c200e/getHealth'));
  });

  it('a scope Compute could not list fails the read only when a backend service in use may be there', async () => {
    const page = (unreachable: string) => ({
      kind: 'compute#backendServiceAggregatedList',
      id: 'projects/acme-platform/aggregated/backendServices',
      items: {
        global: { backendServices: [{ kind: 'compute#backendService', name: 'k8s1-7c1a2b3d-shop-web-80-626c200e', backends: [{ group: 'https://www.googleapis.com/compute/v1/projects/acme-platform/zones/asia-northeast1-a/networkEndpointGroups/k8s1-7c1a2b3d-shop-web-80-626c200e' }] }] },
        [unreachable]: { warning: { code: 'UNREACHABLE', message: `The resource '${unreachable}' is unreachable.`, data: [{ key: 'scope', value: unreachable }] } },
      },
      unreachables: [unreachable],
    });
    served = await serveFixture('ingress-backend-health-unhealthy');
    // The default backend's service is in no listed scope; the cluster's region, where it could be, did not answer.
    served.gcp.inject({ path: /\/aggregated\/backendServices$/, status: 200, body: page('regions/asia-northeast1') });
    const unreachable = await collect(served, ['backendHealth']);
    expect(unreachable.backendHealth).toBeUndefined();
    expect(unreachable.unavailable.get('backendHealth')).toMatch(/cannot read backend health \(compute\.googleapis\.com\): compute\.googleapis\.com could not list the backend services of region asia-northeast1 \(unreachable\), where backend service k8s1-7c1a2b3d-kube-system-default-http-backend-80-c8f47979 may be/);
    await served.close();
    // Another region not answering changes nothing: neither service could be there.
    served = await serveFixture('ingress-backend-health-unhealthy');
    served.gcp.inject({ path: /\/aggregated\/backendServices$/, status: 200, body: page('regions/us-east1') });
    const elsewhere = await collect(served, ['backendHealth']);
    expect(elsewhere.backendHealth?.map((entry) => entry.backendService)).toEqual(['k8s1-7c1a2b3d-shop-web-80-626c200e']);
  });

  it.each([
    ['the list', 'GET', /\/aggregated\/backendServices$/, 'compute.backendServices.list'],
    ['getHealth', 'POST', /getHealth$/, 'compute.backendServices.get'],
  ])('a 403 on %s whose body names no permission names the one that step needs', async (_, method, path, permission) => {
    served = await serveFixture('ingress-backend-health-unhealthy');
    served.gcp.inject({ method, path, status: 403, body: googleError(403, 'Required permission denied.') });
    const state = await collect(served, ['backendHealth']);
    expect(state.backendHealth).toBeUndefined();
    expect(state.unavailable.get('backendHealth')).toContain(`permission ${permission} denied; roles/compute.viewer grants it`);
  });

  it('no Ingress or Gateway names a backend service: nothing to read, whatever the list answers', async () => {
    served = await serveFixture('seed-eventarc-stuck-namespace');
    served.gcp.inject({ path: /\/aggregated\/backendServices$/, status: 403, body: permissionDenied('compute.backendServices.list', 'compute.googleapis.com', 'projects/acme-jobs-prod') });
    const state = await collect(served, ['backendHealth']);
    expect(state.backendHealth).toEqual([]);
    expect(state.unavailable.has('backendHealth')).toBe(false);
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

  describe('in more namespaces than requests in flight', () => {
    /** ingress-controller-events' Ingress and events in `count` namespaces (shop-0…), and `noisy` Warning events in a namespace with no Ingress. */
    async function manyNamespaces(count: number, noisy = 1): Promise<string> {
      const read = async (file: string) => (load(await readFile(join(fixturePath('ingress-controller-events'), 'k8s', file), 'utf8')) as { items: KubeObject[] }).items;
      const [ingresses, events] = await Promise.all([read('ingresses.yaml'), read('events.yaml')]);
      // Each copy its own namespace and uids (objects are told apart by uid).
      const inNamespace = (object: KubeObject, namespace: string, index: number): KubeObject =>
        JSON.parse(JSON.stringify(object).replaceAll('"namespace":"shop"', `"namespace":"${namespace}"`).replace(/"uid":"[0-9a-f]{8}/g, `"uid":"${index.toString(16).padStart(8, '0')}`)) as KubeObject;
      const items = Array.from({ length: count }, (_, index) => [...ingresses!, ...events!].map((object) => inNamespace(object, `shop-${index}`, index))).flat();
      const warning = events!.find((event) => event.type === 'Warning')!;
      for (let index = 0; index < noisy; index++) {
        const event = inNamespace(warning, 'batch', count + index);
        items.push({ ...event, metadata: { ...event.metadata, name: `job.${String(index).padStart(6, '0')}` } });
      }
      return temporaryFixture({ 'k8s/objects.json': JSON.stringify({ apiVersion: 'v1', kind: 'List', items }) });
    }
    const reasonsIn = (events: KubeObject[], namespace: string) => events.filter((event) => event.metadata?.namespace === namespace).map((event) => (event as { reason?: string }).reason).sort();
    const eventLists = (fixture: ServedFixture) => fixture.kube.requests.filter((request) => request.path.endsWith('/events')).map((request) => `${request.path} ${request.query.fieldSelector}`);

    it('reads one list per selector cluster-wide, keeping the events of those namespaces only', async () => {
      served = await serveFixture(await manyNamespaces(10));
      const state = await collect(served, ['Event']);
      expect(eventLists(served).sort()).toEqual(['/api/v1/events type=Normal,reason=XPN', '/api/v1/events type=Warning']);
      const events = state.kubernetes.list('Event');
      for (let index = 0; index < 10; index++) expect(reasonsIn(events, `shop-${index}`)).toEqual(['Sync', 'SyncNetworkEndpointGroupFailed', 'XPN']);
      expect(reasonsIn(events, 'batch')).toEqual([]);
    });

    it('lists each namespace when the cluster-wide list fails (RBAC may allow only some namespaces, a server may fail)', async () => {
      served = await serveFixture(await manyNamespaces(10));
      served.kube.inject({ path: '/api/v1/events', status: 403, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'events is forbidden: User "ci" cannot list resource "events" in API group "" at the cluster scope', reason: 'Forbidden', code: 403 } });
      const state = await collect(served, ['Event']);
      expect(eventLists(served).filter((list) => list.startsWith('/api/v1/namespaces/'))).toHaveLength(20);
      expect(reasonsIn(state.kubernetes.list('Event'), 'shop-3')).toEqual(['Sync', 'SyncNetworkEndpointGroupFailed', 'XPN']);
      await served.close();
      served = await serveFixture(await manyNamespaces(10));
      served.kube.inject({ path: '/api/v1/events', fault: 'reset' });
      expect(reasonsIn((await collect(served, ['Event'])).kubernetes.list('Event'), 'shop-9')).toEqual(['Sync', 'SyncNetworkEndpointGroupFailed', 'XPN']);
    });

    it('one of those namespaces with more than its cap: each namespace is listed, so its list says what it left unread', async () => {
      const directory = await manyNamespaces(9);
      const list = JSON.parse(await readFile(join(directory, 'k8s/objects.json'), 'utf8')) as { items: KubeObject[] };
      const warning = list.items.find((object) => object.kind === 'Event' && object.type === 'Warning' && object.metadata?.namespace === 'shop-0')!;
      for (let index = 0; index < EVENTS_PER_NAMESPACE; index++) list.items.push({ ...warning, metadata: { ...warning.metadata, name: `web.${String(index).padStart(6, '0')}`, uid: `ffffffff-0000-4000-8000-${String(index).padStart(12, '0')}` } });
      served = await serveFixture(await temporaryFixture({ 'k8s/objects.json': JSON.stringify(list) }));
      const state = await collect(served, ['Event']);
      // Two per namespace, and the count of shop-0's events.
      expect(eventLists(served).filter((listed) => listed.startsWith('/api/v1/namespaces/'))).toHaveLength(19);
      expect(state.cappedLists?.get('Event')).toEqual([expect.objectContaining({ namespace: 'shop-0', fieldSelector: 'type=Warning', read: EVENTS_PER_NAMESPACE })]);
    });

    it('reads no more events cluster-wide than the lists per namespace could: a noisy namespace elsewhere, and each namespace is listed', async () => {
      served = await serveFixture(await manyNamespaces(9, EVENTS_PER_NAMESPACE * 9 + 1));
      const state = await collect(served, ['Event']);
      expect(eventLists(served).filter((list) => list.startsWith('/api/v1/namespaces/'))).toHaveLength(18);
      expect(reasonsIn(state.kubernetes.list('Event'), 'shop-0')).toEqual(['Sync', 'SyncNetworkEndpointGroupFailed', 'XPN']);
      expect(reasonsIn(state.kubernetes.list('Event'), 'batch')).toEqual([]);
    });
  });
});

describe('route attachment, live', () => {
  it('reads the Namespace labels a Selector listener matches and the route status GKE writes: the same verdict as the snapshot', async () => {
    served = await serveFixture('gateway-route-namespace-not-selected');
    const state = await collect(served, ['Namespace', 'HTTPRoute', 'Gateway']);
    expect(state.kubernetes.get('Namespace', undefined, 'argocd')?.metadata?.labels).toEqual({ 'kubernetes.io/metadata.name': 'argocd' });
    const route = state.kubernetes.get('HTTPRoute', 'argocd', 'argocd-server') as KubeObject & { status?: { parents?: { conditions?: { type: string; reason?: string }[] }[] } };
    expect(route.status?.parents?.[0]?.conditions?.find((condition) => condition.type === 'Accepted')?.reason).toBe('NotAllowedByListeners');
    expect(routesOfGkeGateways(state).map((attached) => [attached.resource, attached.gateways.length, attached.named.length])).toEqual([['HTTPRoute/argocd/argocd-server', 0, 1]]);
  });
});

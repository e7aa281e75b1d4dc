import { afterEach, describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import { runChecks } from '../support/run-checks.js';
import type { DataKey } from '../../src/state/cluster-state.js';
import { LiveSource } from '../../src/state/live/live-source.js';
import { permissionDenied, serviceDisabled } from '../support/fake-gcp.js';
import { forbidden } from '../support/fake-kube-apiserver.js';
import { FIXTURE_NOW, checkReport, fixtureTime, runFixture } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { comparable, serveFixture, snapshotFixtures, temporaryFixture } from '../support/live.js';

const CONTEXT = { now: FIXTURE_NOW, stuckAfterMs: 5 * 60_000 };

let served: ServedFixture | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

function liveSource(fixture: ServedFixture): LiveSource {
  return new LiveSource({ env: fixture.env, kubeconfig: fixture.kubeconfig });
}

async function runLive(fixture: ServedFixture, now = FIXTURE_NOW) {
  return runChecks(builtinChecks, liveSource(fixture), { ...CONTEXT, now });
}

describe('live source against the fakes', async () => {
  const fixtures = await snapshotFixtures();

  it.each(fixtures)('%s: live gives the same report as the snapshot', async (name) => {
    served = await serveFixture(name, { gcp: { pageSize: 1 }, kube: { maxPageSize: 2 } });
    const [live, snapshot] = await Promise.all([runLive(served, fixtureTime(name)), runFixture(name)]);
    expect(live.target.source).toBe('live');
    // A file missing from a snapshot is `incomplete` there; the API answers (an empty list, a 404) live.
    const missingFromSnapshot = (id: string) => /is not in the snapshot/.test(checkReport(snapshot, id).reason ?? '');
    const strip = (report: typeof live) => ({ ...report, summary: undefined, checks: report.checks.filter((check) => !missingFromSnapshot(check.id)) });
    expect(comparable(strip(live))).toEqual(comparable(strip(snapshot)));
  });

  it('reads only: the fakes see GET and LIST (and getIamPolicy, a POST by API design), no proxy request without --probe', async () => {
    served = await serveFixture('seed-eventarc-stuck-namespace', { kube: { maxPageSize: 2 } });
    await liveSource(served).collect(new Set<DataKey>(['project', 'iamPolicy', 'cluster', 'eventarcTriggers', 'healthChecks', 'backendServices', 'Namespace', 'Pod', 'ObjectsInTerminatingNamespaces', 'APIService', 'BackendConfig']));
    expect(served.kube.requests.length).toBeGreaterThan(5);
    expect(served.kube.requests.filter((request) => request.method !== 'GET')).toEqual([]);
    expect(served.kube.requests.filter((request) => request.path.includes('/proxy'))).toEqual([]);
    expect(served.gcp.requests.filter((request) => request.method !== 'GET').map((request) => request.path)).toEqual(['/v3/projects/acme-jobs-prod:getIamPolicy']);
    // paginated: the namespace list took more than one page
    expect(served.kube.requests.filter((request) => request.path === '/api/v1/namespaces').map((request) => request.query.continue ?? '')).toHaveLength(2);
  });

  it('keeps only the fields built-in checks read only when told to (a check run of built-in checks), as each page arrives', async () => {
    served = await serveFixture('seed-argocd-unhealthy', { kube: { maxPageSize: 2 } });
    const podOf = async (leaveOutUnreadFields: boolean) =>
      (await new LiveSource({ env: served!.env, kubeconfig: served!.kubeconfig, leaveOutUnreadFields }).collect(new Set<DataKey>(['Pod']))).kubernetes.list('Pod')[0]!;
    const [whole, listed] = await Promise.all([podOf(false), podOf(true)]);
    expect(whole.spec?.containers[0]?.livenessProbe).toBeDefined();
    expect(listed.spec?.containers[0]?.livenessProbe).toBeUndefined();
    expect(listed.spec?.tolerations).toBeUndefined();
    expect(listed.spec?.containers[0]?.readinessProbe).toEqual(whole.spec?.containers[0]?.readinessProbe);
    const { name, namespace, labels, ownerReferences, creationTimestamp } = whole.metadata!;
    expect(listed.metadata).toEqual({ name, namespace, labels, ownerReferences, creationTimestamp });
    expect(whole.metadata?.uid).toBeDefined();
    expect(listed.status?.conditions).toEqual(whole.status?.conditions?.map(({ type, status }) => ({ type, status })));
  });

  it('asks getIamPolicy for version 3, so conditional bindings keep their conditions', async () => {
    served = await serveFixture('seed-eventarc-stuck-namespace');
    await liveSource(served).collect(new Set<DataKey>(['iamPolicy']));
    expect(served.gcp.requests.find((request) => request.path.endsWith(':getIamPolicy'))?.body).toEqual({ options: { requestedPolicyVersion: 3 } });
  });

  it('hands back GCP data exactly as gcloud prints it (what a snapshot holds)', async () => {
    served = await serveFixture('seed-eventarc-stuck-namespace');
    const state = await liveSource(served).collect(new Set<DataKey>(['project', 'iamPolicy', 'cluster', 'eventarcTriggers']));
    const snapshot = await import('../../src/state/snapshot/snapshot-source.js').then(({ SnapshotSource }) =>
      new SnapshotSource(served!.directory).collect(new Set<DataKey>(['project', 'iamPolicy', 'cluster', 'eventarcTriggers'])),
    );
    expect(state.cluster).toEqual(snapshot.cluster);
    expect(state.project).toEqual(snapshot.project);
    expect(state.iamPolicy).toEqual(snapshot.iamPolicy);
    expect(state.eventarcTriggers).toEqual(snapshot.eventarcTriggers);
  });

  it('a 403 on the cluster makes only the checks that need the cluster incomplete, naming the permission and a role', async () => {
    served = await serveFixture('seed-eventarc-stuck-namespace');
    served.gcp.inject({
      path: /\/clusters\//,
      status: 403,
      body: permissionDenied('container.clusters.get', 'container.googleapis.com', 'projects/acme-jobs-prod/locations/asia-northeast1/clusters/prod-cluster'),
    });
    const report = await runLive(served);
    const addon = checkReport(report, 'http-load-balancing-addon');
    expect(addon.status).toBe('incomplete');
    expect(addon.reason).toContain('container.clusters.get');
    expect(addon.reason).toContain('roles/container.clusterViewer');
    expect(checkReport(report, 'terminating-namespace').status).toBe('failed');
  });

  it('a 403 on namespaces makes only terminating-namespace incomplete, naming the RBAC rule', async () => {
    served = await serveFixture('seed-eventarc-stuck-namespace');
    served.kube.inject({ path: '/api/v1/namespaces', status: 403, body: forbidden('list', 'namespaces') });
    const report = await runLive(served);
    const terminating = checkReport(report, 'terminating-namespace');
    expect(terminating.status).toBe('incomplete');
    expect(terminating.reason).toMatch(/cannot list Namespace objects: Kubernetes RBAC denies it .*gke-doctor-reader/);
    expect(checkReport(report, 'http-load-balancing-addon').status).toBe('passed');
  });

  it('names a disabled API with the command that enables it', async () => {
    served = await serveFixture('seed-argocd-unhealthy');
    served.gcp.inject({ path: /\/healthChecks$/, status: 403, body: serviceDisabled('compute.googleapis.com', '408127365914') });
    const state = await liveSource(served).collect(new Set<DataKey>(['healthChecks', 'project']));
    expect(state.unavailable.get('healthChecks')).toContain('gcloud services enable compute.googleapis.com --project acme-platform');
    expect(state.project?.projectNumber).toBe('408127365914');
  });

  it('takes a disabled Eventarc API as no triggers: the Eventarc checks have nothing to look at', async () => {
    served = await serveFixture('seed-eventarc-stuck-namespace');
    served.gcp.inject({ path: /\/triggers$/, status: 403, body: serviceDisabled('eventarc.googleapis.com', '123456789012') });
    const report = await runLive(served);
    expect(checkReport(report, 'eventarc-gke-iam').status).toBe('not-applicable');
    expect(checkReport(report, 'eventarc-gke-trigger').status).toBe('not-applicable');
  });

  it.each([
    ['gcp', 429],
    ['gcp', 503],
    ['kube', 429],
    ['kube', 503],
  ] as const)('retries a %s %d, honouring Retry-After', async (server, status) => {
    served = await serveFixture('seed-eventarc-stuck-namespace');
    const fake = server === 'gcp' ? served.gcp : served.kube;
    const path = server === 'gcp' ? /\/triggers$/ : '/api/v1/namespaces';
    fake.inject({ path, status, headers: { 'retry-after': '0' }, times: 1 });
    const state = await liveSource(served).collect(new Set<DataKey>(server === 'gcp' ? ['eventarcTriggers'] : ['Namespace']));
    expect(state.unavailable.size).toBe(0);
    expect(fake.requests.filter((request) => (typeof path === 'string' ? request.path === path : path.test(request.path))).map((request) => request.status)).toEqual([status, 200]);
  });

  it('retries the Container API REST read too (cluster 503 once)', async () => {
    served = await serveFixture('seed-eventarc-stuck-namespace');
    served.gcp.inject({ path: /\/clusters\//, status: 503, times: 1 });
    const state = await liveSource(served).collect(new Set<DataKey>(['cluster']));
    expect(state.cluster?.name).toBe('prod-cluster');
    expect(served.gcp.requests.filter((request) => request.path.includes('/clusters/')).map((request) => request.status)).toEqual([503, 200]);
  });

  it('reads every page of Eventarc triggers and of compute aggregated lists', async () => {
    const trigger = (n: number, location: string) => ({ name: `projects/p/locations/${location}/triggers/t${n}`, destination: { gke: { cluster: 'c', location: 'l', namespace: 'n', service: 's' } } });
    const healthCheck = (n: number, region?: string) => ({
      kind: 'compute#healthCheck',
      id: String(1000 + n),
      name: `k8s1-hc-${n}`,
      type: 'HTTP',
      checkIntervalSec: 15,
      httpHealthCheck: { port: 8080, requestPath: '/healthz', portSpecification: 'USE_FIXED_PORT', proxyHeader: 'NONE' },
      selfLink: `https://www.googleapis.com/compute/v1/projects/p/${region ? `regions/${region}` : 'global'}/healthChecks/k8s1-hc-${n}`,
      ...(region ? { region: `https://www.googleapis.com/compute/v1/projects/p/regions/${region}` } : {}),
    });
    const triggers = [trigger(1, 'us-central1'), trigger(2, 'asia-northeast1'), trigger(3, 'global')];
    const healthChecks = [healthCheck(1), healthCheck(2, 'us-east1'), healthCheck(3)];
    const directory = await temporaryFixture({
      'project.json': JSON.stringify({ projectId: 'p', projectNumber: '42' }),
      'eventarc-triggers.json': JSON.stringify(triggers),
      'compute/health-checks.json': JSON.stringify(healthChecks),
    });
    served = await serveFixture(directory, { gcp: { pageSize: 1 } });
    const state = await new LiveSource({ env: served.env, project: 'p' }).collect(new Set<DataKey>(['eventarcTriggers', 'healthChecks']));
    expect(state.eventarcTriggers).toEqual(triggers);
    expect(new Set(state.healthChecks)).toEqual(new Set(healthChecks));
    expect(served.gcp.requests.filter((request) => request.path.endsWith('/triggers'))).toHaveLength(3);
    expect(served.gcp.requests.filter((request) => request.path.includes('/locations/-/'))).toHaveLength(3);
  });

  it('treats an absent CRD as no objects of its kind', async () => {
    served = await serveFixture('seed-eventarc-stuck-namespace');
    const state = await liveSource(served).collect(new Set<DataKey>(['BackendConfig', 'FrontendConfig']));
    expect(state.unavailable.size).toBe(0);
    expect(state.kubernetes.list('BackendConfig')).toEqual([]);
    expect(served.kube.requests.filter((request) => request.path.startsWith('/apis/cloud.google.com/')).map((request) => request.status)).toEqual([404]);
  });

  it('lists every namespaced kind in a terminating namespace through discovery, skipping groups whose discovery fails', async () => {
    const directory = await temporaryFixture({
      'k8s/objects.yaml': [
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: doomed, deletionTimestamp: "2024-01-01T00:00:00Z", uid: ns-1}\nspec: {finalizers: [kubernetes]}',
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: alive, uid: ns-2}',
        'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: doomed, uid: i-1, finalizers: [networking.gke.io/ingress-finalizer-V2]}',
        'apiVersion: v1\nkind: Secret\nmetadata: {name: token, namespace: doomed, uid: s-1}\ndata: {token: c2VjcmV0}',
        'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: doomed, uid: w-1}',
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other, namespace: alive, uid: c-1}',
      ].join('\n---\n'),
    });
    served = await serveFixture(directory);
    const state = await new LiveSource({ env: served.env, kubeconfig: served.kubeconfig }).collect(new Set<DataKey>(['ObjectsInTerminatingNamespaces']));
    expect(state.kubernetes.inNamespace('doomed').map((object) => `${object.apiVersion} ${object.kind}/${object.metadata?.name}`).sort()).toEqual([
      'example.com/v1 Widget/w',
      'networking.k8s.io/v1 Ingress/web',
      'v1 Secret/token',
    ]);
    expect(state.kubernetes.inNamespace('alive')).toEqual([]);
  });

  it('probes a Pod through the API server proxy without following redirects', async () => {
    served = await serveFixture('seed-eventarc-stuck-namespace', {
      kube: {
        podProxy: ({ path, scheme, port }) =>
          path === '/healthz' && scheme === 'http' && port === 8080 ? { status: 307, headers: { location: 'https://jobapp/healthz' } } : { status: 200, body: 'ok' },
      },
    });
    const source = liveSource(served);
    expect(await source.probe({ namespace: 'jobapp', pod: 'jobapp-6d8f7b9c5d-x2k4q', port: 8080, path: '/healthz', scheme: 'HTTP' })).toEqual({
      statusCode: 307,
      location: 'https://jobapp/healthz',
    });
    expect(await source.probe({ namespace: 'jobapp', pod: 'jobapp-6d8f7b9c5d-x2k4q', port: 8443, path: '/', scheme: 'HTTPS' })).toEqual({ statusCode: 200 });
    // The API server's own 404 (a Status) is no answer from the application.
    expect(await source.probe({ namespace: 'jobapp', pod: 'missing', port: 8080, path: '/', scheme: 'HTTP' })).toEqual({
      statusCode: 0,
      error: expect.stringMatching(/^Pod jobapp\/missing is gone: the API server answered 404/),
    });
    expect(served.kube.requests.map((request) => request.path)).toEqual([
      '/api/v1/namespaces/jobapp/pods/jobapp-6d8f7b9c5d-x2k4q:8080/proxy/healthz',
      '/api/v1/namespaces/jobapp/pods/https:jobapp-6d8f7b9c5d-x2k4q:8443/proxy/',
      '/api/v1/namespaces/jobapp/pods/missing:8080/proxy/',
    ]);
  });
});

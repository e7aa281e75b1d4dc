import { afterEach, describe, expect, it } from 'vitest';
import type { DataKey } from '../../src/state/cluster-state.js';
import { LiveSource } from '../../src/state/live/live-source.js';
import { forbidden } from '../support/fake-kube-apiserver.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture, temporaryFixture } from '../support/live.js';

/** `count` Terminating namespaces, each holding a Pod, a Service, an Ingress with the GCE finalizer and a Secret; one live namespace. */
function cluster(count: number): Record<string, string> {
  const documents = ['apiVersion: v1\nkind: Namespace\nmetadata: {name: alive, uid: ns-alive}\nspec: {finalizers: [kubernetes]}\nstatus: {phase: Active}'];
  for (let n = 0; n < count; n++) {
    const ns = `doomed-${n}`;
    documents.push(
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}, uid: ns-${n}, deletionTimestamp: "2024-01-01T00:00:00Z"}\nspec: {finalizers: [kubernetes]}\nstatus: {phase: Terminating}`,
      `apiVersion: v1\nkind: Pod\nmetadata: {name: web-0, namespace: ${ns}, uid: pod-${n}}\nspec: {containers: [{name: web, image: nginx}]}`,
      `apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: ${ns}, uid: svc-${n}}\nspec: {ports: [{port: 80}]}`,
      `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: ${ns}, uid: ing-${n}, finalizers: [networking.gke.io/ingress-finalizer-V2]}\nspec: {defaultBackend: {service: {name: web, port: {number: 80}}}}`,
      `apiVersion: v1\nkind: Secret\nmetadata: {name: token, namespace: ${ns}, uid: secret-${n}}\ndata: {token: c2VjcmV0}`,
    );
  }
  documents.push('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: alive, uid: cm-alive}\ndata: {a: b}');
  return { 'k8s/objects.yaml': documents.join('\n---\n') };
}

const KEYS = new Set<DataKey>(['Namespace', 'Pod', 'Service', 'Ingress', 'ObjectsInTerminatingNamespaces']);

let served: ServedFixture | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

async function collect(count: number, setup: (fixture: ServedFixture) => void = () => undefined) {
  served = await serveFixture(await temporaryFixture(cluster(count)));
  setup(served);
  const state = await new LiveSource({ env: served.env, kubeconfig: served.kubeconfig }).collect(KEYS);
  const lists = served.kube.requests.filter((request) => request.method === 'GET' && !/^\/(api(\/v1)?|apis(\/[^/]+){0,2})$/.test(request.path));
  return { state, lists, served };
}

const remaining = (state: Awaited<ReturnType<typeof collect>>['state'], namespace: string) =>
  state.kubernetes
    .inNamespace(namespace)
    .map((object) => `${object.kind}/${object.metadata?.name}`)
    .sort();

describe('objects in Terminating namespaces', () => {
  it('takes the kinds the run lists cluster-wide from those lists, and lists only the other kinds in the namespace, as metadata', async () => {
    const { state, lists } = await collect(1);
    expect(remaining(state, 'doomed-0')).toEqual(['Ingress/web', 'Pod/web-0', 'Secret/token', 'Service/web']);
    const inNamespace = lists.filter((request) => request.path.includes('/namespaces/doomed-0/'));
    expect(inNamespace.map((request) => request.path)).not.toContainEqual(expect.stringMatching(/\/(pods|services|ingresses)$/));
    expect(inNamespace.map((request) => request.path)).toContain('/api/v1/namespaces/doomed-0/secrets');
    for (const request of inNamespace) expect(request.headers.accept).toMatch(/^application\/json;as=PartialObjectMetadataList;g=meta\.k8s\.io;v=v1/);
    // Each kind the checks need is listed once, cluster-wide.
    expect(lists.filter((request) => request.path === '/api/v1/pods')).toHaveLength(1);
  });

  it('lists no kind per namespace when many are Terminating: the requests do not grow with their number', async () => {
    const few = await collect(4);
    expect(few.lists.filter((request) => request.path.includes('/namespaces/doomed-'))).toEqual([]);
    expect(remaining(few.state, 'doomed-3')).toEqual(['Ingress/web', 'Pod/web-0', 'Secret/token', 'Service/web']);
    expect(remaining(few.state, 'alive')).toEqual([]);
    const fewRequests = few.lists.length;
    await served!.close();
    const many = await collect(12);
    expect(many.lists.length).toBe(fewRequests);
    expect(remaining(many.state, 'doomed-11')).toEqual(['Ingress/web', 'Pod/web-0', 'Secret/token', 'Service/web']);
  });

  it('falls back to listing a kind in each Terminating namespace when its cluster-wide list failed', async () => {
    const { state, lists } = await collect(1, (fixture) => fixture.kube.inject({ path: '/api/v1/pods', status: 403, body: forbidden('list', 'pods') }));
    expect(state.unavailable.get('Pod')).toMatch(/Kubernetes RBAC denies it/);
    expect(remaining(state, 'doomed-0')).toEqual(['Ingress/web', 'Pod/web-0', 'Secret/token', 'Service/web']);
    const podLists = lists.filter((request) => request.path === '/api/v1/namespaces/doomed-0/pods');
    expect(podLists).toHaveLength(1);
    // The checks read Pods in full: the fallback lists them in full, not as metadata.
    expect(podLists[0]!.headers.accept).toBe('application/json');
  });
});

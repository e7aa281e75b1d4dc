import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { DataKey } from '../../src/state/cluster-state.js';
import { Deadline } from '../../src/state/live/deadline.js';
import { KubernetesApi, MAX_KUBERNETES_BODY_BYTES } from '../../src/state/live/kubernetes-api.js';
import { KUBERNETES_LIST_CAPS, LiveKubernetes } from '../../src/state/live/live-kubernetes.js';
import { silentProgress } from '../../src/state/live/progress.js';
import { LiveSource } from '../../src/state/live/live-source.js';
import { WRONG_DISCOVERY, wrongListShapes } from '../support/fake-kube-apiserver.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture } from '../support/live.js';

/**
 * Answers in the wrong shape (issue #21): each is a failed read that names the endpoint,
 * never an empty or partial list, and never a raw TypeError.
 */
let served: ServedFixture | undefined;
let server: Server | undefined;
afterEach(async () => {
  await served?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  served = server = undefined;
});

/** An API server of our own making, for answers the fake does not give (bodies made as they are sent). */
async function apiServer(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<KubeConfig> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const config = new KubeConfig();
  config.loadFromClusterAndUser({ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }, { name: 'u', token: 't' });
  return config;
}

const LIMITS = { idleMs: 10_000, totalMs: 20_000 };

async function listFailure(list: Promise<unknown>): Promise<string> {
  return list.then(
    () => 'listed',
    (error: Error) => error.message,
  );
}

const collect = (fixture: ServedFixture, keys: DataKey[]) => new LiveSource({ env: fixture.env, kubeconfig: fixture.kubeconfig, retry: { retries: 0 } }).collect(new Set(keys));

const RAW_ERROR = /TypeError|is not a function|is not iterable|Cannot read properties|undefined|\[object Object\]/;

describe('a Kubernetes list in the wrong shape is a failed read naming the endpoint', () => {
  const cases = [
    ['Pod', '/api/v1/pods'],
    ['Namespace', '/api/v1/namespaces'],
    ['Ingress', '/apis/networking.k8s.io/v1/ingresses'],
    ['BackendConfig', '/apis/cloud.google.com/v1/backendconfigs'],
  ] as const;
  it.each(cases.flatMap(([kind, path]) => Object.entries(wrongListShapes(kind)).map(([shape, body]) => [kind, shape, path, body] as const)))('%s: %s', async (kind, _shape, path, body) => {
    served = await serveFixture('ingress-backendconfig-mismatch');
    served.kube.inject({ method: 'GET', path, status: 200, body });
    const state = await collect(served, [kind]);
    expect(state.kubernetes.list(kind)).toEqual([]);
    const reason = state.unavailable.get(kind);
    expect(reason).toContain(`GET ${path}: the answer is not a List`);
    expect(reason).not.toMatch(RAW_ERROR);
  });

  it('a later page in the wrong shape fails the whole list (never a partial one)', async () => {
    served = await serveFixture('ingress-backendconfig-mismatch', { kube: { maxPageSize: 1 } });
    served.kube.inject({ method: 'GET', path: '/api/v1/pods', status: 200, body: wrongListShapes('Pod')['some items that are not objects'], after: 1 });
    const state = await collect(served, ['Pod']);
    expect(served.kube.requests.filter((request) => request.path === '/api/v1/pods')).toHaveLength(2);
    expect(state.kubernetes.list('Pod')).toEqual([]);
    expect(state.unavailable.get('Pod')).toMatch(/GET \/api\/v1\/pods: the answer is not a List \(items\[1\] must be an object\)/);
  });
});

describe('a discovery document in the wrong shape is a failed read naming it', () => {
  it.each(WRONG_DISCOVERY.map(([path, body]) => [path, JSON.stringify(body), body] as const))('%s answering %s', async (path, _text, body) => {
    served = await serveFixture('seed-eventarc-stuck-namespace');
    served.kube.inject({ method: 'GET', path, status: 200, body });
    const state = await collect(served, ['Namespace', 'ObjectsInTerminatingNamespaces']);
    const said = [state.unavailable.get('ObjectsInTerminatingNamespaces') ?? '', ...(state.undiscovered ?? []).map((failure) => `${failure.resource}: ${failure.reason}`)].join('\n');
    expect(said).toContain(`GET ${path}: the answer is not an`);
    expect(said).not.toMatch(RAW_ERROR);
  });
});

describe('Kubernetes answers and lists are capped', () => {
  it('a page is capped below V8\'s longest string (2^29 - 24 characters), so it never crashes the run', () => {
    expect(MAX_KUBERNETES_BODY_BYTES).toBeLessThan(2 ** 29 - 24);
    expect(KUBERNETES_LIST_CAPS).toEqual({ items: 500_000, bytes: 512 * 2 ** 20, pages: 10_000 });
  });

  it('a page served forever stops at the cap, naming the endpoint and the cap', async () => {
    let sent = 0;
    const config = await apiServer((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.from(`{"metadata":{"name":"${'p'.repeat(60_000)}"}},`);
      new Readable({
        read() {
          sent += chunk.length;
          this.push(sent === chunk.length ? Buffer.concat([Buffer.from('{"kind":"PodList","items":['), chunk]) : chunk);
        },
      }).pipe(response);
    });
    const api = new KubernetesApi(config, Deadline.none(), { ...LIMITS, maxBodyBytes: 8 * 2 ** 20 });
    const started = performance.now();
    expect(await listFailure(new LiveKubernetes(api, silentProgress).listKind('Pod'))).toBe('GET /api/v1/pods: the answer is larger than the 8 MiB one answer may have (more was sent)');
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(sent).toBeLessThan(16 * 2 ** 20 + 8 * 2 ** 20);
    api.close();
  });

  it('a Content-Length over the cap is refused before the body is read', async () => {
    const config = await apiServer((_, response) => void response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2 ** 31) }).write('{'));
    const api = new KubernetesApi(config, Deadline.none(), LIMITS);
    expect(await listFailure(new LiveKubernetes(api, silentProgress).listKind('Pod'))).toBe(`GET /api/v1/pods: the answer is larger than the 256 MiB one answer may have (its Content-Length is ${2 ** 31})`);
    api.close();
  });

  it('a compressed answer nobody asked for is refused, not read as text', async () => {
    const config = await apiServer((_, response) => void response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(Buffer.from([0x1f, 0x8b, 8, 0])));
    const api = new KubernetesApi(config, Deadline.none(), LIMITS);
    expect(await listFailure(new LiveKubernetes(api, silentProgress).listKind('Pod'))).toBe('GET /api/v1/pods: the API server answered with Content-Encoding gzip, which was not asked for');
    api.close();
  });

  /** A list with a new continue token on every page, forever. */
  const endless = (itemsPerPage: number, padding = 0) =>
    apiServer((request, response) => {
      const page = Number(new URL(request.url!, 'http://x').searchParams.get('continue') ?? 0);
      const items = Array.from({ length: itemsPerPage }, (_, index) => ({ metadata: { name: `p${page}-${index}`, namespace: 'default', annotations: { pad: 'x'.repeat(padding) } } }));
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { continue: String(page + 1) }, items }));
    });

  it('a list served forever with a new continue token each page stops at the cap on objects', async () => {
    const api = new KubernetesApi(await endless(500), Deadline.none(), LIMITS);
    expect(await listFailure(new LiveKubernetes(api, silentProgress, { items: 5_000, bytes: 2 ** 30, pages: 10_000 }).listKind('Pod'))).toBe('GET /api/v1/pods: more than 5000 objects over 11 pages, the most one list may hold');
    api.close();
  });

  it('… and at the cap on bytes', async () => {
    const api = new KubernetesApi(await endless(1, 2 ** 20), Deadline.none(), LIMITS);
    expect(await listFailure(new LiveKubernetes(api, silentProgress, { items: 5_000, bytes: 8 * 2 ** 20, pages: 10_000 }).listKind('Pod'))).toBe('GET /api/v1/pods: more than 8 MiB over 8 pages, the most one list may take');
    api.close();
  });

  it('… and, empty pages with a new token each time, at the cap on pages', async () => {
    const api = new KubernetesApi(await endless(0), Deadline.none(), LIMITS);
    expect(await listFailure(new LiveKubernetes(api, silentProgress, { items: 5_000, bytes: 2 ** 30, pages: 50 }).listKind('Pod'))).toBe('GET /api/v1/pods: more than 50 pages, the most one list may take');
    api.close();
  });

  it('the same continue token again is refused at once, not listed until the deadline', async () => {
    served = await serveFixture('ingress-backendconfig-mismatch');
    served.kube.inject({ method: 'GET', path: '/api/v1/pods', status: 200, body: { kind: 'PodList', apiVersion: 'v1', metadata: { continue: 'again' }, items: [] } });
    const state = await collect(served, ['Pod']);
    expect(state.unavailable.get('Pod')).toMatch(/GET \/api\/v1\/pods: the API server answered a continue token it had answered before \(it would list forever\)/);
    expect(served.kube.requests.filter((request) => request.path === '/api/v1/pods')).toHaveLength(2);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { DataKey } from '../../src/state/cluster-state.js';
import { LiveSource } from '../../src/state/live/live-source.js';
import { WRONG_DISCOVERY, wrongListShapes } from '../support/fake-kube-apiserver.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture } from '../support/live.js';

/**
 * Answers in the wrong shape (issue #21): each is a failed read that names the endpoint,
 * never an empty or partial list, and never a raw TypeError.
 */
let served: ServedFixture | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

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

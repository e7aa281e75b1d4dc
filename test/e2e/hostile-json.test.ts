import { describe, expect, it } from 'vitest';
import type { DataKey } from '../../src/state/cluster-state.js';
import { GCP_DATA_KEYS } from '../../src/state/cluster-state.js';
import { KUBERNETES_KINDS } from '../../src/state/kubernetes-types.js';
import { LiveSource } from '../../src/state/live/live-source.js';
import type { LoggedRequest } from '../support/fake-http.js';
import { serveFixture } from '../support/live.js';

/**
 * Wrong JSON at every endpoint the live sources call (issue #21: 17 reasons were raw TypeErrors):
 * each answer in turn is a 200 whose body is valid JSON of the wrong shape. What it carried is
 * unavailable with a reason that names the API or the path, never a TypeError, never a crash.
 */
const FIXTURES = ['seed-eventarc-stuck-namespace', 'eventarc-custom-role', 'gateway-whereami', 'ingress-backendconfig-mismatch'];
const KEYS = new Set<DataKey>([...GCP_DATA_KEYS, ...KUBERNETES_KINDS, 'ObjectsInTerminatingNamespaces']);

const WRONG: [string, unknown][] = [
  ['null', null],
  ['a bare array', [{ name: 'x', metadata: { name: 'x' } }]],
  ['a string', 'items'],
  ['every list a number', { kind: 'List', items: 7, groups: 7, resources: 7, versions: 7, triggers: 7, bindings: 7, metadata: 7, preferredVersion: 7, nextPageToken: 7 }],
  ['every list of numbers', { kind: 'PodList', items: [7], groups: [7], resources: [7], versions: [7], triggers: [7], bindings: [7], name: 7, projectId: 7 }],
];

const RAW = /TypeError|is not (a function|iterable)|Cannot read properties|Cannot convert|undefined is not|\[object Object\]/;

async function endpoints(fixture: string): Promise<{ server: 'gcp' | 'kube'; request: LoggedRequest }[]> {
  const served = await serveFixture(fixture);
  try {
    await new LiveSource({ env: served.env, kubeconfig: served.kubeconfig }).collect(KEYS);
    const seen = new Set<string>();
    return [...served.gcp.requests.map((request) => ({ server: 'gcp' as const, request })), ...served.kube.requests.map((request) => ({ server: 'kube' as const, request }))].filter(
      ({ server, request }) => request.status < 400 && !seen.has(`${server} ${request.method} ${request.path}`) && Boolean(seen.add(`${server} ${request.method} ${request.path}`)),
    );
  } finally {
    await served.close();
  }
}

const cases = (await Promise.all(FIXTURES.map(async (fixture) => (await endpoints(fixture)).map((endpoint) => ({ fixture, ...endpoint }))))).flat();

describe('wrong JSON at every endpoint: a failed read, named, never a TypeError', () => {
  it('covers the Google and the Kubernetes endpoints', () => {
    expect(cases.filter((testCase) => testCase.server === 'gcp').length).toBeGreaterThan(5);
    expect(cases.filter((testCase) => testCase.server === 'kube').length).toBeGreaterThan(15);
  });

  // Concurrent: each case has fakes of its own, and waits on sockets more than it computes.
  it.concurrent.for(cases.map((testCase) => [`${testCase.server} ${testCase.request.method} ${testCase.request.path} (${testCase.fixture})`, testCase] as const))('%s', async ([, testCase], { expect }) => {
    for (const [name, body] of WRONG) {
      const served = await serveFixture(testCase.fixture);
      try {
        (testCase.server === 'gcp' ? served.gcp : served.kube).inject({ method: testCase.request.method, path: testCase.request.path, status: 200, body });
        const state = await new LiveSource({ env: served.env, kubeconfig: served.kubeconfig, retry: { retries: 0 } }).collect(KEYS);
        const reasons = [...state.unavailable.values(), ...(state.undiscovered ?? []).map((failure) => failure.reason), ...[...(state.unreadInNamespaces?.values() ?? [])].flat().map((failure) => failure.reason)];
        for (const reason of reasons) expect(reason, `${name}: ${reason}`).not.toMatch(RAW);
      } finally {
        await served.close();
      }
    }
  });
});

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finalizeCommand } from '../../src/gke/namespaces/namespace-deletion.js';
import { FakeKubeApiServer, kubectlFlags } from '../support/fake-kube-apiserver.js';
import { fixturePath } from '../support/fixtures.js';

/** A fake serving the seed snapshot, and a kubeconfig pointing kubectl at it. */
async function serveSeed(): Promise<{ fake: FakeKubeApiServer; kubeconfig: string }> {
  const fake = await FakeKubeApiServer.serve(fixturePath('seed-eventarc-stuck-namespace'));
  const kubeconfig = await fake.writeKubeconfig(join(await mkdtemp(join(tmpdir(), 'gke-doctor-')), 'kubeconfig'), 'fake');
  return { fake, kubeconfig };
}

describe('fake kube-apiserver', () => {
  let fake: FakeKubeApiServer;
  let kubeconfig: string;
  beforeAll(async () => ({ fake, kubeconfig } = await serveSeed()));
  afterAll(() => fake.close());

  it('answers kubectl like a real API server', async () => {
    const result = await promisify(execFile)('kubectl', [...kubectlFlags(kubeconfig), 'get', 'ns,pods,ingress', '-A'], { timeout: 20_000 });
    expect(result.stdout).toMatch(/namespace\/events-system/);
    expect(result.stdout).toMatch(/jobapp\s+pod\/jobapp-6d8f7b9c5d-x2k4q/);
    expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual(
      expect.arrayContaining(['GET /api', 'GET /apis', 'GET /api/v1/namespaces', 'GET /api/v1/pods', 'GET /apis/networking.k8s.io/v1/ingresses']),
    );
  });
});

describe('fake kube-apiserver write semantics (for --fix)', () => {
  let fake: FakeKubeApiServer;
  let kubeconfig: string;
  beforeAll(async () => ({ fake, kubeconfig } = await serveSeed()));
  afterAll(() => fake.close());

  const put = (path: string, body: unknown) => fetch(`${fake.url}${path}`, { method: 'PUT', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  it('answers a stale resourceVersion with 409, a dry run changes nothing, then finalize makes the namespace disappear', async () => {
    const namespace = structuredClone(fake.object('Namespace', undefined, 'events-system')!);
    (namespace.spec as { finalizers: string[] }).finalizers = [];
    const stale = await put('/api/v1/namespaces/events-system/finalize', { ...namespace, metadata: { ...namespace.metadata, resourceVersion: '1' } });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { reason: string }).reason).toBe('Conflict');
    const dryRun = await put('/api/v1/namespaces/events-system/finalize?dryRun=All', namespace);
    expect(dryRun.status).toBe(200);
    expect(fake.object('Namespace', undefined, 'events-system')).toBeDefined();
    const finalized = await put('/api/v1/namespaces/events-system/finalize', namespace);
    expect(finalized.status).toBe(200);
    expect(fake.object('Namespace', undefined, 'events-system')).toBeUndefined();
    expect((await fetch(`${fake.url}/api/v1/namespaces/events-system`)).status).toBe(404);
  });

  it('the finalize command the terminating-namespace check prints works with kubectl', async () => {
    const run = promisify(execFile);
    await run('kubectl', [...kubectlFlags(kubeconfig), 'delete', 'namespace', 'jobapp', '--wait=false']);
    expect(fake.object('Namespace', undefined, 'jobapp')?.metadata?.deletionTimestamp).toBeDefined();
    // The fake serves no OpenAPI document, so kubectl replace runs without client-side validation.
    const wrapper = `kubectl() { if [ "$1" = replace ]; then shift; set -- replace --validate=false "$@"; fi; command kubectl ${kubectlFlags(kubeconfig).map((flag) => `'${flag}'`).join(' ')} "$@"; }`;
    await run('sh', ['-c', `${wrapper}; ${finalizeCommand('jobapp')}`]);
    expect(fake.object('Namespace', undefined, 'jobapp')).toBeUndefined();
    expect(fake.requests.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.path}`)).toEqual(
      expect.arrayContaining(['DELETE /api/v1/namespaces/jobapp', 'PUT /api/v1/namespaces/jobapp/finalize']),
    );
  });

  it('serves injected statuses and logs them', async () => {
    fake.inject({ method: 'GET', path: '/api/v1/pods', status: 403, times: 1 });
    expect((await fetch(`${fake.url}/api/v1/pods`)).status).toBe(403);
    expect((await fetch(`${fake.url}/api/v1/pods`)).status).toBe(200);
    expect(fake.requests.slice(-2).map((request) => request.status)).toEqual([403, 200]);
  });
});

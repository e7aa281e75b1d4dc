import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeKubeApiServer } from '../support/fake-kube-apiserver.js';
import { fixturePath } from '../support/fixtures.js';

describe('fake kube-apiserver', () => {
  let fake: FakeKubeApiServer;
  let kubeconfig: string;
  beforeAll(async () => {
    fake = await FakeKubeApiServer.serve(fixturePath('seed-eventarc-stuck-namespace'));
    kubeconfig = await fake.writeKubeconfig(join(await mkdtemp(join(tmpdir(), 'gke-doctor-')), 'kubeconfig'), 'fake');
  });
  afterAll(() => fake.close());

  it('answers kubectl like a real API server', async () => {
    const result = await promisify(execFile)('kubectl', ['--kubeconfig', kubeconfig, 'get', 'ns,pods,ingress', '-A'], { timeout: 20_000 });
    expect(result.stdout).toMatch(/namespace\/events-system/);
    expect(result.stdout).toMatch(/jobapp\s+pod\/jobapp-6d8f7b9c5d-x2k4q/);
    expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual(
      expect.arrayContaining(['GET /api', 'GET /apis', 'GET /api/v1/namespaces', 'GET /api/v1/pods', 'GET /apis/networking.k8s.io/v1/ingresses']),
    );
  });
});

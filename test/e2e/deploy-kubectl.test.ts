import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeKubeApiServer, kubectlFlags } from '../support/fake-kube-apiserver.js';
import { REPO_ROOT } from '../support/fixtures.js';

const run = promisify(execFile);

describe('deploy/ with kubectl', () => {
  let fake: FakeKubeApiServer;
  let kubeconfig: string;
  beforeAll(async () => {
    fake = await new FakeKubeApiServer([]).start();
    kubeconfig = await fake.writeKubeconfig(join(await mkdtemp(join(tmpdir(), 'gke-doctor-')), 'kubeconfig'), 'fake');
  });
  afterAll(() => fake.close());

  it('kubectl apply -k deploy/ --dry-run=client takes every object and writes nothing', async () => {
    // The fake serves no OpenAPI document, so kubectl's schema validation is off; discovery maps every kind.
    const { stdout } = await run('kubectl', [...kubectlFlags(kubeconfig), 'apply', '-k', `${REPO_ROOT}deploy`, '--dry-run=client', '--validate=false'], { timeout: 30_000 });
    expect(stdout.trim().split('\n').sort()).toEqual([
      'clusterrole.rbac.authorization.k8s.io/gke-doctor-reader created (dry run)',
      'clusterrolebinding.rbac.authorization.k8s.io/gke-doctor-reader created (dry run)',
      'cronjob.batch/gke-doctor created (dry run)',
      'namespace/gke-doctor created (dry run)',
      'serviceaccount/gke-doctor created (dry run)',
    ]);
    expect(fake.requests.filter((request) => request.method !== 'GET')).toEqual([]);
  });

  it('the sharded fleet check as an Indexed Job passes the same dry run', async () => {
    const { stdout } = await run('kubectl', [...kubectlFlags(kubeconfig), 'apply', '-f', `${REPO_ROOT}deploy/fleet/indexed-job.yaml`, '--dry-run=client', '--validate=false'], { timeout: 30_000 });
    expect(stdout.trim()).toBe('job.batch/gke-doctor-fleet created (dry run)');
  });
});

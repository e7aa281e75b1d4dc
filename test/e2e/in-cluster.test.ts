import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import { runChecks } from '../support/run-checks.js';
import { Deadline } from '../../src/state/live/deadline.js';
import { LiveSource } from '../../src/state/live/live-source.js';
import { TEST_TLS } from '../support/fake-http.js';
import { FakeMetadataServer } from '../support/fake-metadata.js';
import { FIXTURE_NOW, fixtureTime } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { comparable, serveFixture } from '../support/live.js';

const FIXTURE = 'seed-eventarc-stuck-namespace';

let served: ServedFixture;
let metadata: FakeMetadataServer;
let serviceAccountDir: string;
let env: NodeJS.ProcessEnv;
const savedMetadataHost = process.env.GCE_METADATA_HOST;

/** A Pod of the fixture's cluster: the fake API server over HTTPS, the service-account files in a temp dir, the metadata server. */
beforeEach(async () => {
  served = await serveFixture(FIXTURE, { kube: { tls: true } });
  metadata = await new FakeMetadataServer({
    'project/project-id': served.target.project,
    'instance/attributes/cluster-name': served.target.cluster,
    'instance/attributes/cluster-location': served.target.location,
  }).start();
  // google-auth-library's metadata client reads the process environment, as it would in the Pod.
  process.env.GCE_METADATA_HOST = `127.0.0.1:${metadata.port}`;
  serviceAccountDir = await mkdtemp(join(tmpdir(), 'gke-doctor-sa-'));
  await writeFile(join(serviceAccountDir, 'token'), 'pod-service-account-token');
  await writeFile(join(serviceAccountDir, 'ca.crt'), TEST_TLS.ca);
  await writeFile(join(serviceAccountDir, 'namespace'), 'gke-doctor');
  env = {
    ...served.env,
    // No kubeconfig in the Pod.
    KUBECONFIG: join(serviceAccountDir, 'no-kubeconfig'),
    KUBERNETES_SERVICE_HOST: '127.0.0.1',
    KUBERNETES_SERVICE_PORT: String(served.kube.port),
  };
});

afterEach(async () => {
  if (savedMetadataHost === undefined) delete process.env.GCE_METADATA_HOST;
  else process.env.GCE_METADATA_HOST = savedMetadataHost;
  await Promise.all([served.close(), metadata.close()]);
});

describe('in a Pod (KUBERNETES_SERVICE_HOST, the mounted service account, the GKE metadata server)', () => {
  it('reads the cluster it runs in, named by the metadata server, through its service account: the same report as with a kubeconfig', async () => {
    const inPod = await runChecks(builtinChecks, new LiveSource({ env, serviceAccountDir }), { now: fixtureTime(FIXTURE), stuckAfterMs: 300_000 });
    const withKubeconfig = await runChecks(builtinChecks, new LiveSource({ env: served.env, kubeconfig: served.kubeconfig }), { now: fixtureTime(FIXTURE), stuckAfterMs: 300_000 });
    expect(inPod.target).toEqual({ source: 'live', ...served.target });
    expect(comparable(inPod)).toEqual(comparable(withKubeconfig));
    expect(inPod.summary.error).toBeGreaterThan(0);
    const kubeRequests = served.kube.requests.filter((request) => request.headers.authorization === 'Bearer pod-service-account-token');
    expect(kubeRequests.length).toBeGreaterThan(0);
    expect(metadata.requests.map((request) => request.path).sort()).toEqual([
      '/computeMetadata/v1/instance/attributes/cluster-location',
      '/computeMetadata/v1/instance/attributes/cluster-name',
      '/computeMetadata/v1/project/project-id',
    ]);
  });

  it('verifies the API server against the mounted CA', async () => {
    await writeFile(join(serviceAccountDir, 'ca.crt'), TEST_TLS.cert);
    const report = await runChecks(builtinChecks, new LiveSource({ env, serviceAccountDir }), { now: FIXTURE_NOW, stuckAfterMs: 300_000 });
    const reasons = report.checks.filter((check) => check.status === 'incomplete').map((check) => check.reason ?? '');
    expect(reasons.some((reason) => /cannot list Namespace objects .*(certificate|SELF_SIGNED|UNABLE_TO_VERIFY)/i.test(reason))).toBe(true);
    expect(served.kube.requests).toEqual([]);
  });

  it('flags name the target without asking the metadata server', async () => {
    const report = await runChecks(builtinChecks, new LiveSource({ env, serviceAccountDir, ...served.target }), { now: FIXTURE_NOW, stuckAfterMs: 300_000 });
    expect(report.target).toEqual({ source: 'live', ...served.target });
    expect(metadata.requests).toEqual([]);
  });

  it('--timeout counts from the start: a metadata server that never answers leaves every check timed out, and the run ends', async () => {
    metadata.inject({ path: /./, fault: 'hang' });
    const deadline = new Deadline(1000);
    const report = await runChecks(builtinChecks, new LiveSource({ env, serviceAccountDir, deadline }), { now: FIXTURE_NOW, stuckAfterMs: 300_000 });
    deadline.dispose();
    for (const check of report.checks) {
      expect(check).toMatchObject({ status: 'incomplete', reason: 'timed out reading which cluster this Pod runs in from the GKE metadata server (--timeout 1s)' });
    }
    expect(served.kube.requests).toEqual([]);
  });

  it('says what is missing in one line: no token mounted, no metadata server', async () => {
    const noToken = await mkdtemp(join(tmpdir(), 'gke-doctor-sa-'));
    await expect(new LiveSource({ env, serviceAccountDir: noToken }).collect(new Set(['Namespace']))).rejects.toThrow(
      `${join(noToken, 'token')}: no service-account token mounted in this Pod (automountServiceAccountToken: false?)`,
    );
    await metadata.close();
    await expect(new LiveSource({ env, serviceAccountDir }).collect(new Set(['Namespace']))).rejects.toThrow(
      /^in a Pod, but the GKE metadata server did not say which cluster this is \(.*\): pass --project, --location and --cluster$/,
    );
  });
});

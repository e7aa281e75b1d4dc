import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/engine/report.js';
import { runCli } from '../support/cli.js';
import { forbidden } from '../support/fake-kube-apiserver.js';
import { fixturePath } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture, temporaryFixture } from '../support/live.js';

let served: ServedFixture | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

const FIXTURE = 'namespace-conversion-webhook-gone';

/**
 * The cluster namespace-conversion-webhook-gone was taken from, as the API server holds it: with the
 * Certificate that is still stored at v1alpha2 (a user's CA, cert-manager's SelfSigned bootstrapping).
 * Listing it goes through the conversion webhook, whose Service is gone; the fake answers as the API server does.
 */
async function cluster(): Promise<string> {
  const files: Record<string, string> = {};
  for (const file of ['project.json', 'cluster.json', 'k8s/namespaces.yaml', 'k8s/crds.yaml', 'k8s/webhooks.yaml']) files[file] = await readFile(join(fixturePath(FIXTURE), file), 'utf8');
  files['k8s/certificate.yaml'] = [
    'apiVersion: cert-manager.io/v1alpha2',
    'kind: Certificate',
    'metadata: {name: selfsigned-ca, namespace: cert-manager, uid: 7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a, creationTimestamp: "2021-03-02T09:20:00Z"}',
    'spec: {isCA: true, commonName: selfsigned-ca, secretName: root-secret, issuerRef: {name: selfsigned-issuer, kind: ClusterIssuer, group: cert-manager.io}}',
  ].join('\n');
  return temporaryFixture(files);
}

const checkOutput = async (args: string[], env: NodeJS.ProcessEnv) => JSON.parse((await runCli(['check', '--only', 'terminating-namespace', '--output', 'json', ...args], { env })).stdout) as Report;

describe('a namespace stuck behind a CRD whose conversion webhook is gone, live through the fakes', () => {
  it('as a new user: `snapshot`, then `check --snapshot`, names the CRD first, as the live run does', async () => {
    served = await serveFixture(await cluster());
    const directory = join(await mkdtemp(join(tmpdir(), 'gke-doctor-snapshot-')), 'snap');
    const taken = await runCli(['snapshot', directory], { env: served.env });
    // 17: compute/backend-health.json is written too (an empty list: no Ingress or Gateway names a backend service), and compute/firewalls.json,
    // compute/effective-firewalls.json, compute/network.json and compute/regional-effective-firewalls.json.
    expect(taken.stderr).toMatch(/wrote .*: 17 files/);
    expect(taken.stderr).not.toContain('WebhookConfiguration');
    expect(taken.stderr).toContain('cannot list certificates.cert-manager.io in namespace cert-manager: 500 conversion webhook for cert-manager.io/v1alpha2, Kind=Certificate failed');
    expect(await readdir(join(directory, 'k8s'))).toEqual(expect.arrayContaining(['customresourcedefinition.apiextensions.k8s.io.json', 'validatingwebhookconfiguration.admissionregistration.k8s.io.json']));

    const [finding] = (await checkOutput(['--snapshot', directory], served.env)).checks[0]!.findings;
    expect(finding!.message.split('\n')[1]).toMatch(/^CustomResourceDefinition certificates\.cert-manager\.io is the root cause: its conversion webhook \(Service cert-manager\/cert-manager-webhook\) cannot be called \(service "cert-manager-webhook" not found\)/);
    // The list that failed is recorded, in the API server's words, and replayed as unread.
    const unread = JSON.parse(await readFile(join(directory, 'unread.json'), 'utf8'));
    expect(unread.unreadInNamespaces).toEqual({
      'cert-manager': [
        {
          resource: 'certificates.cert-manager.io',
          reason:
            '500 conversion webhook for cert-manager.io/v1alpha2, Kind=Certificate failed: Post "https://cert-manager-webhook.cert-manager.svc:443/convert?timeout=30s": service "cert-manager-webhook" not found',
        },
      ],
    });
    expect(finding!.message).toContain('These kinds could not be read in the namespace, so what is left in it is not fully known: certificates.cert-manager.io (500 conversion webhook');

    const live = (await checkOutput([], served.env)).checks[0]!.findings;
    expect(live.map((found) => found.message.split('\n')[1])).toEqual([finding!.message.split('\n')[1]]);
  });

  it('CRDs forbidden: the finding says so, and --fix does not finalize what it could not judge', async () => {
    served = await serveFixture(await cluster());
    served.kube.inject({ path: /\/customresourcedefinitions$/, status: 403, body: forbidden('list', 'customresourcedefinitions', 'apiextensions.k8s.io') });
    const result = await runCli(['check', '--only', 'terminating-namespace', '--fix', '--yes', '--backup-dir', join(await mkdtemp(join(tmpdir(), 'gke-doctor-backup-')), 'b')], { env: served.env });
    expect(result.stdout).toContain('CRDs or admission webhook configurations could not be read (CustomResourceDefinition (cannot list CustomResourceDefinition objects: Kubernetes RBAC denies it');
    expect(result.stderr).toContain('skipped: what may hold it could not be read: CustomResourceDefinition');
    expect(served.kube.requests.filter((request) => request.method !== 'GET')).toEqual([]);
  });
});

it('with no namespace Terminating, neither CRDs nor webhook configurations are listed', async () => {
  served = await serveFixture('healthy');
  await runCli(['check', '--only', 'terminating-namespace', '--quiet'], { env: served.env });
  expect(served.kube.requests.map((request) => request.path).filter((path) => /customresourcedefinitions|webhookconfigurations/.test(path))).toEqual([]);
  expect(served.kube.requests.map((request) => request.path)).toContain('/api/v1/namespaces');
});

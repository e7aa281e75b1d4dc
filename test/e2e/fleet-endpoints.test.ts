import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetReport } from '../../src/engine/fleet-report.js';
import { spawnCli } from '../support/cli.js';
import { FakeGcpFleet } from '../support/fake-gcp-fleet.js';
import { REPO_ROOT } from '../support/fixtures.js';

/**
 * `--all-clusters --endpoint dns|connect-gateway` end to end. Both endpoints
 * present a publicly trusted certificate, not the cluster CA, so the binary runs
 * in its own process with the test CA added to Node's trusted roots
 * (NODE_EXTRA_CA_CERTS, read only at process start), as a user behind a
 * TLS-inspecting proxy would run it.
 */
let fleet: FakeGcpFleet;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  fleet = await FakeGcpFleet.serve([{ fixture: 'seed-eventarc-stuck-namespace', clusters: [{ location: 'asia-northeast1', name: 'prod-cluster', fixture: 'seed-eventarc-stuck-namespace' }] }]);
  const home = await mkdtemp(join(tmpdir(), 'gke-doctor-home-'));
  env = { ...fleet.clientEnv(home), NODE_EXTRA_CA_CERTS: join(REPO_ROOT, 'test/support/tls/ca.crt') };
});
afterAll(() => fleet.close());

async function checkAll(endpoint: string) {
  const result = await spawnCli(['check', '--all-clusters', '--project', 'acme-jobs-prod', '--endpoint', endpoint, '--output', 'json', '--quiet'], { env });
  const report = JSON.parse(result.stdout) as FleetReport;
  const namespaces = report.targets[0]!.checks.find((check) => check.id === 'terminating-namespace')!;
  return { code: result.code, namespaces };
}

describe('check --all-clusters --endpoint', () => {
  const kube = () => fleet.kube.get('acme-jobs-prod/asia-northeast1/prod-cluster')!;

  it('dns: the DNS-based endpoint (controlPlaneEndpointsConfig.dnsEndpointConfig), trusted by its public certificate', async () => {
    kube().requests.length = 0;
    const { code, namespaces } = await checkAll('dns');
    expect(namespaces.findings.map((finding) => finding.resource)).toEqual(['Namespace/events-system']);
    expect(code).toBe(1);
    expect(new Set(kube().requests.map((request) => request.headers.host))).toEqual(new Set([`localhost:${kube().port}`]));
    expect(new Set(kube().requests.map((request) => request.headers.authorization))).toEqual(new Set(['Bearer fake-google-token']));
  });

  it('connect-gateway: the gkeMemberships URL of the GKE Hub membership, by project number, with the Google token', async () => {
    fleet.requests.length = 0;
    fleet.gateway.requests.length = 0;
    const { code, namespaces } = await checkAll('connect-gateway');
    expect(namespaces.findings.map((finding) => finding.resource)).toEqual(['Namespace/events-system']);
    expect(code).toBe(1);
    expect(fleet.requests.filter((request) => request.path === '/v1/projects/acme-jobs-prod/locations/-/memberships')).toHaveLength(1);
    // The membership is named by project id; the gateway URL takes the project number (project.json).
    const paths = fleet.gateway.requests.map((request) => request.path);
    expect(paths).toContain('/v1/projects/123456789012/locations/global/gkeMemberships/prod-cluster/api/v1/namespaces');
    expect(paths.every((path) => path.startsWith('/v1/projects/123456789012/locations/global/gkeMemberships/prod-cluster/'))).toBe(true);
    expect(new Set(fleet.gateway.requests.map((request) => request.headers.authorization))).toEqual(new Set(['Bearer fake-google-token']));
  });

  it('connect-gateway refused by IAM: the Google permission and the role that grants it, not RBAC', async () => {
    fleet.denied = { gateway: true };
    try {
      const { code, namespaces } = await checkAll('connect-gateway');
      expect(namespaces.status).toBe('incomplete');
      expect(namespaces.reason).toContain('the Connect gateway (connectgateway.googleapis.com) denies it: permission gkehub.gateway.get denied; roles/gkehub.gatewayReader grants it');
      expect(namespaces.reason).not.toContain('RBAC');
      // The Google checks still found the seed's problems: findings outrank incomplete checks.
      expect(code).toBe(1);
    } finally {
      fleet.denied = {};
    }
  });

  it('connect-gateway without gkehub.memberships.list: the cluster is unreachable, naming the permission and role', async () => {
    fleet.denied = { memberships: true };
    try {
      const result = await spawnCli(['check', '--all-clusters', '--project', 'acme-jobs-prod', '--endpoint', 'connect-gateway', '--output', 'json', '--quiet'], { env });
      const report = JSON.parse(result.stdout) as FleetReport;
      expect(JSON.stringify(report.targets[0])).toContain('permission gkehub.memberships.list denied; roles/gkehub.viewer grants it');
    } finally {
      fleet.denied = {};
    }
  });
});

import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DataKey } from '../../src/state/cluster-state.js';
import { LiveSource } from '../../src/state/live/live-source.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';
import { permissionDenied } from '../support/fake-gcp.js';
import { forbidden } from '../support/fake-kube-apiserver.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture } from '../support/live.js';
import { runCli } from '../support/cli.js';

const KEYS = new Set<DataKey>(['cluster', 'firewalls', 'effectiveFirewalls', 'network', 'regionalEffectiveFirewalls', 'NetworkPolicy']);

let served: ServedFixture | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

const live = (fixture: ServedFixture) => new LiveSource({ env: fixture.env, kubeconfig: fixture.kubeconfig, project: fixture.target.project, location: fixture.target.location, cluster: fixture.target.cluster });

describe("the cluster network's firewall, read live in the network's project", () => {
  it('Shared VPC: the VPC rules (filtered to the network, every page) and the effective firewalls come from the host project, as the snapshot holds them', async () => {
    served = await serveFixture('lb-firewall-shared-vpc-no-allow', { gcp: { pageSize: 2 } });
    const state = await live(served).collect(KEYS);
    const snapshot = await new SnapshotSource(served.directory).collect(KEYS);
    expect(state.unavailable).toEqual(new Map());
    expect(state.firewalls).toEqual(snapshot.firewalls);
    expect(state.effectiveFirewalls).toEqual(snapshot.effectiveFirewalls);
    expect(state.network).toEqual(snapshot.network);
    expect(state.regionalEffectiveFirewalls).toEqual(snapshot.regionalEffectiveFirewalls);
    const paths = served.gcp.requests.map((request) => request.path);
    expect(paths).toContain('/compute/v1/projects/acme-net-host/global/networks/shared-vpc');
    // The cluster's region (regional cluster europe-west4), the network by its URL.
    const regional = served.gcp.requests.find((request) => request.path === '/compute/v1/projects/acme-net-host/regions/europe-west4/firewallPolicies/getEffectiveFirewalls');
    expect(regional?.query.network).toBe('https://www.googleapis.com/compute/v1/projects/acme-net-host/global/networks/shared-vpc');
    expect(paths).toContain('/compute/v1/projects/acme-net-host/global/firewalls');
    expect(paths).toContain('/compute/v1/projects/acme-net-host/global/networks/shared-vpc/getEffectiveFirewalls');
    expect(served.gcp.requests.find((request) => request.path.endsWith('/global/firewalls'))?.query.filter).toBe(
      'network = "https://www.googleapis.com/compute/v1/projects/acme-net-host/global/networks/shared-vpc"',
    );
  });

  it('a 403 in the host project names the permission, the role and the host project; only that data is unavailable', async () => {
    served = await serveFixture('lb-firewall-shared-vpc-no-allow');
    served.gcp.inject({ path: /\/getEffectiveFirewalls$/, status: 403, body: permissionDenied('compute.networks.getEffectiveFirewalls', 'compute.googleapis.com', 'projects/acme-net-host/global/networks/shared-vpc') });
    const state = await live(served).collect(KEYS);
    expect(state.unavailable.get('effectiveFirewalls')).toMatch(/permission compute\.networks\.getEffectiveFirewalls denied in project acme-net-host, which holds the cluster's Shared VPC network; roles\/compute\.networkViewer grants it/);
    expect(state.firewalls).toHaveLength(4);
  });

  it('Shared VPC: the subnets, the proxy-only one included, are listed in the host project, as the snapshot holds them', async () => {
    served = await serveFixture('ingress-internal-shared-vpc-proxy-subnet');
    const state = await live(served).collect(new Set<DataKey>(['cluster', 'subnetworks']));
    expect(state.unavailable).toEqual(new Map());
    // The aggregated list groups them by region.
    const bySelfLink = (subnets: { selfLink?: string | null }[] | undefined) => [...(subnets ?? [])].sort((a, b) => (a.selfLink ?? '').localeCompare(b.selfLink ?? ''));
    expect(bySelfLink(state.subnetworks)).toEqual(bySelfLink((await new SnapshotSource(served.directory).collect(new Set<DataKey>(['subnetworks']))).subnetworks));
    expect(state.subnetworks?.map((subnet) => subnet.name)).toContain('proxy-only-asia-northeast1');
    expect(served.gcp.requests.map((request) => request.path)).toContain('/compute/v1/projects/acme-net-host/aggregated/subnetworks');
    expect(served.gcp.requests.map((request) => request.path)).not.toContain('/compute/v1/projects/acme-platform/aggregated/subnetworks');
  });

  it('the regional effective firewalls and the network refused: each names its permission, only it is unavailable', async () => {
    served = await serveFixture('lb-firewall-regional-policy-before-classic');
    served.gcp.inject({ path: /\/firewallPolicies\/getEffectiveFirewalls$/, status: 403, body: permissionDenied('compute.networks.getRegionEffectiveFirewalls', 'compute.googleapis.com', 'projects/gcpdiag-gke1-aaaa/regions/europe-west4') });
    served.gcp.inject({ path: /\/global\/networks\/default$/, status: 403, body: permissionDenied('compute.networks.get', 'compute.googleapis.com', 'projects/gcpdiag-gke1-aaaa/global/networks/default') });
    const state = await live(served).collect(KEYS);
    expect(state.unavailable.get('regionalEffectiveFirewalls')).toMatch(/compute\.networks\.getRegionEffectiveFirewalls.*roles\/compute\.networkViewer/);
    expect(state.unavailable.get('network')).toMatch(/compute\.networks\.get\b.*roles\/compute\.networkViewer/);
    expect(state.effectiveFirewalls?.firewalls).toHaveLength(5);
  });

  it('the cluster unreadable: the network reads say so rather than naming a firewall permission', async () => {
    served = await serveFixture('lb-firewall-shared-vpc-no-allow');
    served.gcp.inject({ path: /\/clusters\/shop$/, status: 403, body: permissionDenied('container.clusters.get', 'container.googleapis.com', 'projects/acme-shop-prod/locations/europe-west4/clusters/shop') });
    const state = await live(served).collect(KEYS);
    expect(state.unavailable.get('firewalls')).toMatch(/the cluster could not be read, so neither could its network's \(403 /);
    expect(state.unavailable.get('firewalls')).not.toContain('compute.firewalls.list');
  });

  it('NetworkPolicies are listed cluster-wide; RBAC refusing them names the kind', async () => {
    served = await serveFixture('lb-networkpolicy-blocks-health-checks');
    expect((await live(served).collect(KEYS)).kubernetes.list('NetworkPolicy').map((policy) => policy.metadata?.name)).toEqual(['default-deny-ingress', 'web-allow-frontend']);
    served.kube.inject({ path: /networkpolicies/, status: 403, body: forbidden('networkpolicies', 'networking.k8s.io') });
    expect((await live(served).collect(KEYS)).unavailable.get('NetworkPolicy')).toMatch(/^cannot list NetworkPolicy objects: Kubernetes RBAC denies it/);
  });

  it('gke-doctor snapshot writes both files, and records a refused read so the replay says the same', async () => {
    served = await serveFixture('lb-firewall-shared-vpc-no-allow');
    served.gcp.inject({ path: /\/getEffectiveFirewalls$/, status: 403, body: permissionDenied('compute.networks.getEffectiveFirewalls', 'compute.googleapis.com', 'projects/acme-net-host/global/networks/shared-vpc') });
    const directory = join(await mkdtemp(join(tmpdir(), 'gke-doctor-snap-')), 'out');
    expect((await runCli(['snapshot', directory], { env: served.env })).code).toBe(3);
    expect(JSON.parse(await readFile(join(directory, 'compute/firewalls.json'), 'utf8'))).toHaveLength(4);
    const unread = JSON.parse(await readFile(join(directory, 'unread.json'), 'utf8')) as { unavailable: Record<string, string> };
    expect(unread.unavailable.effectiveFirewalls).toContain('compute.networks.getEffectiveFirewalls');
    const args = ['check', '--only', 'load-balancer-firewall', '--output', 'json'];
    const fromLive = await runCli(args, { env: served.env });
    const replay = await runCli([...args, '--snapshot', directory]);
    const findings = (result: { stdout: string }) => (JSON.parse(result.stdout) as { checks: { status: string; findings: { messageId: string }[] }[] }).checks[0]!;
    expect(findings(replay)).toMatchObject({ status: 'failed', findings: [{ messageId: 'vpcRulesOnly' }] });
    expect(findings(replay).findings).toEqual(findings(fromLive).findings);
  });

  it('live and offline give the same findings for each fixture', async () => {
    for (const fixture of ['lb-firewall-health-checks-denied', 'lb-firewall-shared-vpc-no-allow', 'lb-networkpolicy-blocks-health-checks', 'lb-firewall-regional-policy-before-classic', 'lb-firewall-health-check-port-blocked']) {
      served = await serveFixture(fixture);
      const fromLive = await runCli(['check', '--only', 'load-balancer-firewall', '--output', 'json', '--project', served.target.project, '--location', served.target.location, '--cluster', served.target.cluster], { env: served.env });
      const fromSnapshot = await runCli(['check', '--only', 'load-balancer-firewall', '--output', 'json', '--snapshot', served.directory]);
      const findings = (result: { stdout: string }) => (JSON.parse(result.stdout) as { checks: { findings: { messageId: string; message: string }[] }[] }).checks[0]!.findings.map(({ messageId, message }) => ({ messageId, message }));
      expect(findings(fromLive)).toEqual(findings(fromSnapshot));
      expect(findings(fromLive)).toHaveLength(1);
      expect(fromLive.code).toBe(1);
      await served.close();
      served = undefined;
    }
  });
});

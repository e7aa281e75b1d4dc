import { afterEach, describe, expect, it } from 'vitest';
import type { DataKey } from '../../src/state/cluster-state.js';
import { LiveSource } from '../../src/state/live/live-source.js';
import { terraformPlanLayer } from '../../src/state/plan/terraform-layer.js';
import { parseTerraformPlan } from '../../src/state/plan/terraform-plan.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';
import { forbidden } from '../support/fake-kube-apiserver.js';
import { fixturePath } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture, temporaryFixture } from '../support/live.js';

const GATEWAY_KINDS: DataKey[] = ['GatewayClass', 'Gateway', 'HTTPRoute', 'GRPCRoute', 'ReferenceGrant', 'HealthCheckPolicy', 'GCPBackendPolicy', 'GCPGatewayPolicy'];

let served: ServedFixture | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

const names = (objects: { metadata?: { namespace?: string; name?: string } }[]) => objects.map((object) => `${object.metadata?.namespace ?? ''}/${object.metadata?.name}`).sort();

describe('Gateway API and GKE policy objects', () => {
  it('come from a snapshot\'s k8s/ like any other object, with the cluster\'s Gateway API channel', async () => {
    const state = await new SnapshotSource(fixturePath('gateway-argocd')).collect(new Set<DataKey>(['cluster', ...GATEWAY_KINDS]));
    expect(state.cluster?.networkConfig?.gatewayApiConfig?.channel).toBe('CHANNEL_STANDARD');
    expect(names(state.kubernetes.list('Gateway'))).toEqual(['argocd/argocd']);
    expect(names(state.kubernetes.list('HTTPRoute'))).toEqual(['argocd/argocd-server']);
    expect(state.kubernetes.list('GatewayClass').map((gatewayClass) => gatewayClass.metadata?.name)).toContain('gke-l7-global-external-managed');
  });

  it('are listed live where discovery finds them, the same objects as the snapshot', async () => {
    served = await serveFixture('gateway-argocd', { kube: { maxPageSize: 1 } });
    const live = await new LiveSource({ env: served.env, kubeconfig: served.kubeconfig }).collect(new Set(GATEWAY_KINDS));
    const snapshot = await new SnapshotSource(served.directory).collect(new Set(GATEWAY_KINDS));
    for (const kind of ['GatewayClass', 'Gateway', 'HTTPRoute'] as const) {
      expect(live.kubernetes.list(kind)).toEqual(expect.arrayContaining(snapshot.kubernetes.list(kind)));
      expect(live.kubernetes.list(kind)).toHaveLength(snapshot.kubernetes.list(kind).length);
    }
    expect([...live.unavailable.keys()]).toEqual([]);
    expect(served.kube.requests.map((request) => request.path)).toContain('/apis/gateway.networking.k8s.io');
  });

  it('a cluster without the CRDs (Gateway API off) simply has none: not unavailable', async () => {
    served = await serveFixture('seed-argocd-unhealthy');
    const state = await new LiveSource({ env: served.env, kubeconfig: served.kubeconfig }).collect(new Set(GATEWAY_KINDS));
    for (const kind of GATEWAY_KINDS) expect(state.kubernetes.list(kind as 'Gateway')).toEqual([]);
    expect([...state.unavailable.keys()]).toEqual([]);
  });

  it('finds a kind at whichever version the group serves it (ReferenceGrant only at v1beta1, behind a preferred v1)', async () => {
    const directory = await temporaryFixture({
      'k8s/grants.yaml': [
        'apiVersion: gateway.networking.k8s.io/v1beta1',
        'kind: ReferenceGrant',
        'metadata: {name: from-web, namespace: backend}',
        'spec:',
        '  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: web}]',
        '  to: [{group: "", kind: Service}]',
      ].join('\n'),
    });
    served = await serveFixture(directory);
    const state = await new LiveSource({ env: served.env, kubeconfig: served.kubeconfig }).collect(new Set<DataKey>(['ReferenceGrant', 'Gateway']));
    expect(names(state.kubernetes.list('ReferenceGrant'))).toEqual(['backend/from-web']);
    expect(state.kubernetes.list('ReferenceGrant')[0]?.apiVersion).toBe('gateway.networking.k8s.io/v1beta1');
  });

  it('a failed discovery is a failure to read, naming the RBAC rule, not "none"', async () => {
    served = await serveFixture('gateway-argocd');
    served.kube.inject({ path: '/apis/gateway.networking.k8s.io', status: 403, body: forbidden('get', 'gateway.networking.k8s.io') });
    const state = await new LiveSource({ env: served.env, kubeconfig: served.kubeconfig }).collect(new Set<DataKey>(['Gateway', 'HealthCheckPolicy']));
    expect(state.unavailable.get('Gateway')).toMatch(/RBAC/);
    expect(state.unavailable.has('HealthCheckPolicy')).toBe(false);
  });

  it('a hung discovery (503) is unavailable, not none', async () => {
    served = await serveFixture('gateway-argocd');
    served.kube.inject({ path: /^\/apis\/networking\.gke\.io/, status: 503, body: { kind: 'Status', code: 503, message: 'unavailable' } });
    // Retried as every 503 is, with short backoffs: what is tested is the answer after the retries.
    const source = new LiveSource({ env: served.env, kubeconfig: served.kubeconfig, retry: { baseDelayMs: 5 } });
    const state = await source.collect(new Set<DataKey>(['HealthCheckPolicy', 'Gateway']));
    expect(state.unavailable.get('HealthCheckPolicy')).toMatch(/503/);
    expect(names(state.kubernetes.list('Gateway'))).toEqual(['argocd/argocd']);
  });

  it('come from a plan: gateway_api_config, and kubernetes_manifest HealthCheckPolicy and HTTPRoute', () => {
    const cluster = {
      address: 'google_container_cluster.platform',
      mode: 'managed',
      type: 'google_container_cluster',
      name: 'platform',
      change: { actions: ['create'], before: null, after: { name: 'platform-cluster', location: 'asia-northeast1', gateway_api_config: [{ channel: 'CHANNEL_STANDARD' }] }, after_unknown: {} },
    };
    const policy = {
      address: 'kubernetes_manifest.argocd_health_check',
      mode: 'managed',
      type: 'kubernetes_manifest',
      name: 'argocd_health_check',
      change: {
        actions: ['create'],
        before: null,
        after: {
          manifest: {
            apiVersion: 'networking.gke.io/v1',
            kind: 'HealthCheckPolicy',
            metadata: { name: 'argocd-server-health-check', namespace: 'argocd' },
            spec: { default: { config: { type: 'HTTP', httpHealthCheck: { requestPath: '/healthz' } } }, targetRef: { group: '', kind: 'Service', name: 'argocd-server' } },
          },
        },
        after_unknown: {},
      },
    };
    const layer = terraformPlanLayer(parseTerraformPlan('plan.json', JSON.stringify({ format_version: '1.2', resource_changes: [cluster, policy] })));
    expect(layer.clusters[0]?.networkConfig?.gatewayApiConfig?.channel).toBe('CHANNEL_STANDARD');
    expect(layer.kubernetes.map((object) => `${object.kind}/${object.metadata?.namespace}/${object.metadata?.name}`)).toEqual(['HealthCheckPolicy/argocd/argocd-server-health-check']);
  });
});

describe('compute subnetworks (proxy-only subnets)', () => {
  it('are read live from compute\'s aggregated list in the network\'s project, as gcloud compute networks subnets list prints them', async () => {
    const directory = await temporaryFixture({
      'project.json': JSON.stringify({ projectId: 'acme-platform', projectNumber: '408127365914' }),
      // The subnets are listed in the project of the cluster's network (the host project on a Shared VPC).
      'cluster.json': JSON.stringify({ name: 'platform-cluster', location: 'asia-northeast1', networkConfig: { network: 'projects/acme-platform/global/networks/default' } }),
      'compute/subnetworks.json': JSON.stringify([
        { name: 'default', region: 'https://www.googleapis.com/compute/v1/projects/acme-platform/regions/asia-northeast1', purpose: 'PRIVATE' },
        { name: 'proxy-only', region: 'https://www.googleapis.com/compute/v1/projects/acme-platform/regions/us-central1', purpose: 'REGIONAL_MANAGED_PROXY', role: 'ACTIVE' },
      ]),
    });
    served = await serveFixture(directory, { gcp: { pageSize: 1 } });
    const live = await new LiveSource({ env: served.env, kubeconfig: served.kubeconfig, project: 'acme-platform', location: 'asia-northeast1', cluster: 'platform-cluster' }).collect(new Set<DataKey>(['subnetworks']));
    const snapshot = await new SnapshotSource(directory).collect(new Set<DataKey>(['subnetworks']));
    expect(live.subnetworks).toEqual(expect.arrayContaining(snapshot.subnetworks!));
    expect(live.subnetworks).toHaveLength(2);
  });

  it('a snapshot without the file says so, with the command that prints it', async () => {
    const state = await new SnapshotSource(fixturePath('gateway-argocd')).collect(new Set<DataKey>(['subnetworks']));
    expect(state.unavailable.get('subnetworks')).toMatch(/gcloud compute networks subnets list --project NETWORK_PROJECT --format=json/);
  });
});

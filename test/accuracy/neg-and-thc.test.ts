import { describe, expect, it } from 'vitest';
import type { PodSource } from '../../src/gke/load-balancer/ingress-backends.js';
import { inferLoadBalancerHealthCheck } from '../../src/gke/load-balancer/health-check-inference.js';
import { compareGkeVersions, negDecisionFor, whyNoDefaultNeg } from '../../src/gke/services/service-annotations.js';
import type { Cluster } from '../../src/state/gcp-types.js';
import type { BackendConfig, Service } from '../../src/state/kubernetes-types.js';
import { clusterState } from '../support/state.js';

// Cluster fields as `gcloud container clusters describe --format=json` prints them.
const VPC_NATIVE: Cluster = {
  name: 'shop',
  location: 'us-central1',
  selfLink: 'https://container.googleapis.com/v1/projects/acme-shop/locations/us-central1/clusters/shop',
  currentMasterVersion: '1.29.4-gke.1043002',
  ipAllocationPolicy: { useIpAliases: true },
  networkConfig: { network: 'projects/acme-shop/global/networks/default', subnetwork: 'projects/acme-shop/regions/us-central1/subnetworks/default' },
  addonsConfig: { networkPolicyConfig: { disabled: true } },
};

function service(annotations: Record<string, string> = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop', annotations },
    spec: { type: 'ClusterIP', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  };
}

function planned(cluster: Cluster | undefined) {
  const state = clusterState({ cluster });
  (state.locations as Map<string, { file: string }>).set('Service/shop/web', { file: 'k8s/web.yaml' });
  return state;
}

describe('NEG by default: the conditions of GKE container-native load balancing', () => {
  it.each([
    ['VPC-native, own network, no network policy, recent', VPC_NATIVE, null],
    ['routes-based', { ...VPC_NATIVE, ipAllocationPolicy: { useIpAliases: false } }, /routes-based/],
    ['Shared VPC', { ...VPC_NATIVE, networkConfig: { network: 'projects/acme-host/global/networks/shared' } }, /Shared VPC .*acme-host/],
    ['GKE network policy (networkPolicy.enabled)', { ...VPC_NATIVE, networkPolicy: { provider: 'CALICO', enabled: true } }, /network policy/],
    ['GKE network policy (addon enabled)', { ...VPC_NATIVE, addonsConfig: { networkPolicyConfig: {} } }, /network policy/],
    ['before 1.17.6-gke.7', { ...VPC_NATIVE, currentMasterVersion: '1.17.6-gke.6' }, /before 1\.17\.6-gke\.7/],
  ] as const)('%s', (_name, cluster, expected) => {
    const why = whyNoDefaultNeg(cluster as Cluster, 'acme-shop');
    if (expected === null) expect(why).toBeNull();
    else expect(why).toMatch(expected);
  });

  it('orders GKE versions by their numbers', () => {
    expect(compareGkeVersions('1.17.6-gke.7', '1.17.6-gke.7')).toBe(0);
    expect(compareGkeVersions('1.17.6-gke.11', '1.17.6-gke.7')).toBeGreaterThan(0);
    expect(compareGkeVersions('1.9.0', '1.17.6-gke.7')).toBeLessThan(0);
  });

  it('a Service read from the cluster without the annotation uses instance groups (GKE writes it when NEG is the default)', () => {
    const decision = negDecisionFor(service(), clusterState({ cluster: VPC_NATIVE }), false);
    expect(decision).toMatchObject({ enabled: false, certain: true });
  });

  it('a Service read from the cluster with GKE\'s annotation uses NEGs', () => {
    expect(negDecisionFor(service({ 'cloud.google.com/neg': '{"ingress":true}' }), clusterState({ cluster: VPC_NATIVE }), false)).toMatchObject({ enabled: true, certain: true });
  });

  it('before apply: decided from the cluster configuration when it was read', () => {
    expect(negDecisionFor(service(), planned(VPC_NATIVE), false)).toMatchObject({ enabled: true, certain: true });
    const shared = planned({ ...VPC_NATIVE, networkConfig: { network: 'projects/acme-host/global/networks/shared' } });
    expect(negDecisionFor(service(), shared, false)).toMatchObject({ enabled: false, certain: true });
  });

  it('before apply without the cluster: cannot be decided', () => {
    const decision = negDecisionFor(service(), planned(undefined), false);
    expect(decision).toMatchObject({ enabled: false, certain: false });
    expect(decision.origin).toMatch(/cannot be decided before apply/);
  });
});

describe('transparent health checks (ingress-gce translator.go setThcOptInOnSvc, healthchecks.go OverwriteWithTHC)', () => {
  const source: PodSource = {
    resource: 'Pod/shop/web-0',
    spec: { containers: [{ name: 'web', image: 'web:1', ports: [{ containerPort: 8080, name: 'http' }], readinessProbe: { httpGet: { path: '/ready', port: 8080 } } }] },
  };
  const THC = { 'networking.gke.io/transparent-health-checker': '{"enabled":true}' };
  const NEG = { enabled: true, certain: true, origin: 'test' };
  const infer = (svc: Service, neg = NEG, backendConfig?: BackendConfig) =>
    inferLoadBalancerHealthCheck({ service: svc, servicePort: svc.spec!.ports![0]!, podSources: [source], neg, backendConfig });

  it('on a NEG backend: GET /api/podhealth on port 7877, every 5 s, the probe not copied', () => {
    const check = infer(service(THC));
    expect(check.transparent).toBe(true);
    expect([check.type.value, check.requestPath.value, check.port.value, check.portSpecification.value]).toEqual(['HTTP', '/api/podhealth', 7877, 'USE_FIXED_PORT']);
    expect([check.checkIntervalSec.value, check.timeoutSec.value, check.healthyThreshold.value, check.unhealthyThreshold.value]).toEqual([5, 5, 1, 10]);
    expect(check.probe).toMatchObject({ used: false, exclusion: 'transparent' });
  });

  it.each([
    ['{"enabled":false}', 'disabled'],
    ['enabled', 'not JSON'],
  ])('annotation %j (%s): the usual check from the readinessProbe', (value) => {
    const check = infer(service({ 'networking.gke.io/transparent-health-checker': value }));
    expect(check.transparent).toBe(false);
    expect(check.requestPath.value).toBe('/ready');
  });

  it('on instance groups the annotation does nothing', () => {
    expect(infer(service(THC), { enabled: false, certain: true, origin: 'test' }).transparent).toBe(false);
  });

  it('a BackendConfig healthCheck wins over the annotation', () => {
    const backendConfig: BackendConfig = { apiVersion: 'cloud.google.com/v1', kind: 'BackendConfig', metadata: { name: 'hc', namespace: 'shop' }, spec: { healthCheck: { requestPath: '/healthz' } } };
    const check = infer(service(THC), NEG, backendConfig);
    expect(check.transparent).toBe(false);
    expect(check.requestPath.value).toBe('/healthz');
  });
});

import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import httpLoadBalancingAddon from '../../checks/http-load-balancing-addon.js';
import { runChecks } from '../support/run-checks.js';
import type { ClusterState } from '../../src/state/cluster-state.js';
import { KubernetesObjects } from '../../src/state/cluster-state.js';
import type { KubeObject } from '../../src/state/kubernetes-types.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';
import { testCheck } from '../support/check-tester.js';
import { FIXTURE_NOW } from '../support/fixtures.js';

const CLUSTER = 'projects/p/locations/europe-west1/clusters/c';
const SEED_CLUSTER = 'projects/acme-platform/locations/asia-northeast1-a/clusters/tools';

function state(disabled: boolean | undefined, ingresses: KubeObject[], unavailable: [string, string][] = []): ClusterState {
  return {
    target: { source: 'test', project: 'p', location: 'europe-west1', cluster: 'c' },
    cluster: { name: 'c', location: 'europe-west1', addonsConfig: { httpLoadBalancing: disabled === undefined ? {} : { disabled } } },
    kubernetes: new KubernetesObjects(ingresses),
    unavailable: new Map(unavailable) as ClusterState['unavailable'],
    locations: new Map(),
  };
}

function gateway(name: string, gatewayClassName: string): KubeObject {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name, namespace: 'web' }, spec: { gatewayClassName, listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] } };
}

/** A user's own GatewayClass for GKE's controller (what `kubectl get gatewayclass` shows as CONTROLLER networking.gke.io/gateway). */
const ownGkeClass: KubeObject = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'platform-l7' }, spec: { controllerName: 'networking.gke.io/gateway' } };

function ingress(name: string, annotationClass?: string, ingressClassName?: string): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'web', annotations: annotationClass ? { 'kubernetes.io/ingress.class': annotationClass } : undefined },
    spec: ingressClassName ? { ingressClassName } : {},
  };
}

const withIngresses = (resource = CLUSTER) => ({ messageId: 'disabledWithIngresses', resource, severity: 'error' as const });
const withGateways = (resource = CLUSTER) => ({ messageId: 'disabledWithGateways', resource, severity: 'error' as const });
const noGceIngress = { messageId: 'disabled', resource: CLUSTER, severity: 'warning' as const };

testCheck(httpLoadBalancingAddon, {
  valid: [
    'healthy',
    'seed-eventarc-stuck-namespace',
    // The twin of addon-disabled-with-gateway: the same Gateway, the addon on.
    'gateway-argocd-healthy',
    'gateway-whereami',
    { name: 'enabled (no disabled field)', state: state(undefined, [ingress('a')]), examined: [CLUSTER] },
    { name: 'enabled explicitly', state: state(false, [ingress('a')]), examined: [CLUSTER] },
    { name: 'a plan that leaves the addon to the provider, without Ingresses', plan: 'preflight/eventarc-unknown.tfplan.json' },
    { name: 'the seed plan with the Argo CD manifests', plan: 'preflight/seed-eventarc.tfplan.json', manifests: ['preflight/argocd-manifests'] },
    // Preflight inputs without a cluster (appliesTo cluster): the addon setting is not there to judge, even with Ingresses or Gateways.
    { name: 'Ingress manifests alone', manifests: ['preflight/argocd-manifests'], examined: [], then: ({ reason }) => expect(reason).toBe('the inputs hold no cluster (a google_container_cluster in --terraform-plan)') },
    { name: 'healthy Gateway manifests and their plan, without a cluster', manifests: ['preflight/gateway-argocd-manifests'], plan: 'preflight/gateway-argocd-fix.tfplan.json', examined: [] },
  ],
  invalid: [
    {
      // The seed report: its wording is what the user reads first.
      name: 'seed: names the Ingress, says nothing will log why, and prints the real gcloud command and Terraform',
      fixture: 'seed-ingress-addon-disabled',
      findings: [withIngresses(SEED_CLUSTER)],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('Ingress/argocd/argocd-server will never get a load balancer');
        expect(finding!.message).toContain('nothing logs why');
        expect(finding!.fix!.commands).toEqual([
          'gcloud container clusters update tools --location asia-northeast1-a --project acme-platform --update-addons=HttpLoadBalancing=ENABLED',
        ]);
        expect(finding!.fix!.terraform).toMatch(/addons_config \{\s+http_load_balancing \{\s+disabled = false/);
      },
    },
    { fixture: 'remaining-finalizers', findings: [withIngresses(SEED_CLUSTER)] },
    {
      name: 'a GKE Gateway with the addon disabled: named, with the same fix as for Ingresses',
      fixture: 'addon-disabled-with-gateway',
      findings: [withGateways('projects/acme-platform/locations/asia-northeast1/clusters/platform-cluster')],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('the GKE Gateway controller does not run: Gateway/argocd/argocd will never get a load balancer');
        expect(finding!.fix!.commands).toEqual([
          'gcloud container clusters update platform-cluster --location asia-northeast1 --project acme-platform --update-addons=HttpLoadBalancing=ENABLED',
        ]);
        expect(finding!.evidence).toMatchObject({ gkeGateways: ['Gateway/argocd/argocd'], gceIngresses: [] });
      },
    },
    ...['gke-l7-global-external-managed', 'gke-l7-regional-external-managed', 'gke-l7-rilb', 'gke-l7-cross-regional-internal-managed-mc', 'gke-l7-gxlb-mc'].map((className) => ({
      name: `disabled, a Gateway of ${className}`,
      state: state(true, [gateway('a', className)]),
      findings: [withGateways()],
    })),
    { name: 'disabled, a Gateway of a GatewayClass for GKE\'s controller', state: state(true, [ownGkeClass, gateway('a', 'platform-l7')]), findings: [withGateways()] },
    {
      name: 'disabled, a GCE Ingress and a GKE Gateway: one error naming both',
      state: state(true, [ingress('a'), gateway('b', 'gke-l7-rilb')]),
      findings: [{ messageId: 'disabledWithIngressesAndGateways', resource: CLUSTER, severity: 'error' }],
      then: ({ findings: [finding] }) => expect(finding!.message).toContain('Ingress/web/a, Gateway/web/b will never get a load balancer'),
    },
    { name: 'disabled, only a Gateway of another controller (istio)', state: state(true, [gateway('a', 'istio')]), findings: [noGceIngress] },
    {
      name: 'disabled, no Ingress, Gateways unreadable: says what could not be read',
      state: state(true, [], [['Gateway', 'gateways.gateway.networking.k8s.io: 403 Forbidden']]),
      findings: [{ messageId: 'disabledIngressesUnknown', resource: CLUSTER, severity: 'warning' }],
      then: ({ findings: [finding] }) => expect(finding!.message).toContain('Gateways could not be read (gateways.gateway.networking.k8s.io: 403 Forbidden)'),
    },
    { name: 'disabled, Ingresses unreadable but a GKE Gateway found: the Gateway is named', state: state(true, [gateway('a', 'gke-l7-gxlb')], [['Ingress', 'forbidden']]), findings: [withGateways()] },
    { name: 'disabled, Ingress without class', state: state(true, [ingress('a')]), findings: [withIngresses()] },
    { name: 'disabled, gce-internal Ingress', state: state(true, [ingress('a', 'gce-internal')]), findings: [withIngresses()] },
    { name: 'disabled, gce-regional-external Ingress', state: state(true, [ingress('a', 'gce-regional-external')]), findings: [withIngresses()] },
    { name: 'disabled, only nginx Ingresses', state: state(true, [ingress('a', 'nginx')]), findings: [noGceIngress] },
    { name: 'disabled, only ingressClassName Ingresses', state: state(true, [ingress('a', undefined, 'nginx')]), findings: [noGceIngress] },
    { name: 'disabled, no Ingress', state: state(true, []), findings: [noGceIngress] },
    {
      name: 'disabled, Ingresses unreadable',
      state: state(true, [], [['Ingress', 'forbidden']]),
      findings: [{ messageId: 'disabledIngressesUnknown', resource: CLUSTER, severity: 'warning' }],
    },
    {
      name: 'a plan that disables the addon, with the Argo CD Ingress',
      plan: 'preflight/argocd-cluster.tfplan.json',
      manifests: ['preflight/argocd-manifests'],
      findings: [withIngresses('projects/acme-platform/locations/asia-northeast1/clusters/tools-cluster')],
      then: ({ findings: [finding] }) => expect(finding!.location?.address).toBe('google_container_cluster.prod'),
    },
    {
      name: 'a plan that leaves the addon to the provider, with the Argo CD Ingress: known only after apply',
      plan: 'preflight/eventarc-unknown.tfplan.json',
      manifests: ['preflight/argocd-manifests'],
      findings: [{ messageId: 'unknownUntilApply', resource: 'projects/acme-jobs-prod/locations/asia-northeast1/clusters/prod-cluster', severity: 'warning' }],
      then: ({ findings: [finding] }) => expect(finding!.fix!.commands).toEqual([]),
    },
  ],
});

describe('http-load-balancing-addon without its data', () => {
  it('is incomplete without cluster.json, naming the file and the command that writes it', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-'));
    await mkdir(join(directory, 'k8s'));
    const report = await runChecks([httpLoadBalancingAddon], new SnapshotSource(directory), { now: FIXTURE_NOW, stuckAfterMs: 300_000 });
    expect(report.checks[0]!.status).toBe('incomplete');
    expect(report.checks[0]!.reason).toMatch(/cluster\.json is not in the snapshot \(gcloud container clusters describe CLUSTER --location LOCATION --format=json\)/);
  });
});

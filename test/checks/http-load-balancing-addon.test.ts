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

function ingress(name: string, annotationClass?: string, ingressClassName?: string): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'web', annotations: annotationClass ? { 'kubernetes.io/ingress.class': annotationClass } : undefined },
    spec: ingressClassName ? { ingressClassName } : {},
  };
}

const withIngresses = (resource = CLUSTER) => ({ messageId: 'disabledWithIngresses', resource, severity: 'error' as const });
const noGceIngress = { messageId: 'disabled', resource: CLUSTER, severity: 'warning' as const };

testCheck(httpLoadBalancingAddon, {
  valid: [
    'healthy',
    'seed-eventarc-stuck-namespace',
    { name: 'enabled (no disabled field)', state: state(undefined, [ingress('a')]), examined: [CLUSTER] },
    { name: 'enabled explicitly', state: state(false, [ingress('a')]), examined: [CLUSTER] },
    { name: 'a plan that leaves the addon to the provider, without Ingresses', plan: 'preflight/eventarc-unknown.tfplan.json' },
    { name: 'the seed plan with the Argo CD manifests', plan: 'preflight/seed-eventarc.tfplan.json', manifests: ['preflight/argocd-manifests'] },
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

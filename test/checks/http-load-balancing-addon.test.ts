import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/engine/runner.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';
import httpLoadBalancingAddon from '../../checks/http-load-balancing-addon.js';
import type { ClusterState } from '../../src/state/cluster-state.js';
import { KubernetesObjects } from '../../src/state/cluster-state.js';
import type { KubeObject } from '../../src/state/kubernetes-types.js';
import { runCheck } from '../support/state.js';
import { FIXTURE_NOW, checkReport, runFixture } from '../support/fixtures.js';

const run = async (fixture: string) => checkReport(await runFixture(fixture, { only: ['http-load-balancing-addon'] }), 'http-load-balancing-addon');

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

describe('http-load-balancing-addon on fixtures', () => {
  it.each([
    { fixture: 'healthy', status: 'passed', severities: [] },
    { fixture: 'seed-eventarc-stuck-namespace', status: 'passed', severities: [] },
    { fixture: 'seed-ingress-addon-disabled', status: 'failed', severities: ['error'] },
    { fixture: 'remaining-finalizers', status: 'failed', severities: ['error'] },
  ])('$fixture -> $status', async ({ fixture, status, severities }) => {
    const report = await run(fixture);
    expect(report.status).toBe(status);
    expect(report.findings.map((f) => f.severity)).toEqual(severities);
  });

  it('names the Ingress, says nothing will log why, and prints the real gcloud command and Terraform', async () => {
    const [finding] = (await run('seed-ingress-addon-disabled')).findings;
    expect(finding!.resource).toBe('projects/acme-platform/locations/asia-northeast1-a/clusters/tools');
    expect(finding!.message).toContain('Ingress/argocd/argocd-server will never get a load balancer');
    expect(finding!.message).toContain('nothing logs why');
    expect(finding!.fix!.commands).toEqual([
      'gcloud container clusters update tools --location asia-northeast1-a --project acme-platform --update-addons=HttpLoadBalancing=ENABLED',
    ]);
    expect(finding!.fix!.terraform).toMatch(/addons_config \{\s+http_load_balancing \{\s+disabled = false/);
  });
});

describe('http-load-balancing-addon rules', () => {
  const context = { now: FIXTURE_NOW, stuckAfterMs: 300_000 };
  it.each([
    { name: 'enabled (no disabled field)', state: state(undefined, [ingress('a')]), severities: [] },
    { name: 'enabled explicitly', state: state(false, [ingress('a')]), severities: [] },
    { name: 'disabled, Ingress without class', state: state(true, [ingress('a')]), severities: ['error'] },
    { name: 'disabled, gce-internal Ingress', state: state(true, [ingress('a', 'gce-internal')]), severities: ['error'] },
    { name: 'disabled, gce-regional-external Ingress', state: state(true, [ingress('a', 'gce-regional-external')]), severities: ['error'] },
    { name: 'disabled, only nginx Ingresses', state: state(true, [ingress('a', 'nginx')]), severities: ['warning'] },
    { name: 'disabled, only ingressClassName Ingresses', state: state(true, [ingress('a', undefined, 'nginx')]), severities: ['warning'] },
    { name: 'disabled, no Ingress', state: state(true, []), severities: ['warning'] },
    { name: 'disabled, Ingresses unreadable', state: state(true, [], [['Ingress', 'forbidden']]), severities: ['warning'] },
  ])('$name -> $severities', async ({ state, severities }) => {
    const result = await runCheck(httpLoadBalancingAddon, state, context);
    expect(result.findings.map((f) => f.severity)).toEqual(severities);
    expect(result.examined).toEqual(['projects/p/locations/europe-west1/clusters/c']);
  });

  it('is incomplete without cluster.json, naming the file and the command that writes it', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-'));
    await mkdir(join(directory, 'k8s'));
    const report = await runChecks([httpLoadBalancingAddon], new SnapshotSource(directory), context);
    expect(report.checks[0]!.status).toBe('incomplete');
    expect(report.checks[0]!.reason).toMatch(/cluster\.json is not in the snapshot \(gcloud container clusters describe CLUSTER --location LOCATION --format=json\)/);
  });
});

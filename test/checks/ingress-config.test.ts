import { describe, expect, it } from 'vitest';
import ingressConfig from '../../checks/ingress-config.js';
import { dataKeysFor } from '../../src/engine/runner.js';
import type { KubeObject } from '../../src/state/kubernetes-types.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';
import { FIXTURE_NOW, checkReport, fixturePath, runFixture } from '../support/fixtures.js';
import { clusterState, runCheck } from '../support/state.js';

const ID = 'ingress-config';

// Each rule has a failing fixture here and passes on ingress-config-valid (and on the ingress-* health-check fixtures).
describe('ingress-config on fixtures', () => {
  const cases: { fixture: string; findings: [severity: string, resource: string, message: RegExp, fix: RegExp][] }[] = [
    { fixture: 'ingress-config-valid', findings: [] },
    { fixture: 'seed-argocd-unhealthy', findings: [] },
    { fixture: 'ingress-backendconfig-fix', findings: [] },
    {
      fixture: 'ingress-config-rules',
      findings: [
        ['warning', 'Ingress/store/store', /spec.rules\[1\] \(host "www.example.com"\) has no `http`/, /edit ingress store/],
        ['error', 'Ingress/store/store', /Rules spec.rules\[0\], spec.rules\[2\] have the same host "store.example.com"/, /merge the paths/],
      ],
    },
    {
      fixture: 'ingress-config-backends',
      findings: [
        ['error', 'Service/store/web', /Service\/store\/web is of type ClusterIP and does not use NEGs \(no cloud.google.com\/neg annotation on a routes-based/, /patch service web -p '\{"spec":\{"type":"NodePort"\}\}'/],
        ['error', 'Ingress/store/store', /routes to port 8080 of Service\/store\/api, which has no such port \(its ports: http \(80\)\)/, /edit ingress store/],
        ['error', 'Ingress/store/store', /routes to Service\/store\/cart, which does not exist/, /edit ingress store/],
      ],
    },
    {
      fixture: 'ingress-config-backendconfig',
      findings: [
        ['error', 'Service/store/web', /cloud.google.com\/backend-config is not valid JSON/, /edit service web/],
        ['error', 'Service/store/api', /has neither "default" nor "ports"/, /edit service api/],
        ['error', 'Service/store/cart', /names BackendConfig cart-backend \(beta.cloud.google.com\/backend-config\), which does not exist in namespace store \(it has cart-backnd, search-backend\)/, /get backendconfigs/],
        ['error', 'BackendConfig/store/search-backend', /timeoutSec 10 above checkIntervalSec 5/, /patch backendconfig search-backend --type merge -p '\{"spec":\{"healthCheck":\{"timeoutSec":5\}\}\}'/],
      ],
    },
    {
      fixture: 'ingress-config-app-protocols',
      findings: [
        ['error', 'Service/store/web', /port "https" has protocol "https", which must be one of HTTP, HTTPS, HTTP2/, /cloud.google.com\/app-protocols='\{"https":"HTTPS"\}'/],
        ['error', 'Service/store/api', /port "grpc" has protocol "GRPC"/, /edit service api/],
      ],
    },
    {
      fixture: 'ingress-config-internal',
      findings: [
        ['warning', 'Ingress/store/admin', /internal .* but names FrontendConfig admin-frontend/, /FrontendConfig-$/m],
        ['error', 'Ingress/store/admin', /does not use NEGs \(cloud.google.com\/neg without "ingress": true\)/, /cloud.google.com\/neg='\{"ingress": true\}'/],
      ],
    },
    {
      fixture: 'ingress-config-frontendconfig-missing',
      findings: [['error', 'Ingress/store/store', /names FrontendConfig store-frontent .* which does not exist/, /annotate ingress store networking.gke.io\/v1beta1.FrontendConfig-/]],
    },
    {
      fixture: 'ingress-config-ingress-class-name',
      findings: [
        ['error', 'Ingress/store/store', /spec.ingressClassName: gce and no kubernetes.io\/ingress.class annotation/, /annotate ingress store kubernetes.io\/ingress.class=gce/],
        ['info', 'Ingress/store/store-legacy', /reads only the annotation: if it is removed .* deletes its load balancer/, /"op":"remove","path":"\/spec\/ingressClassName"/],
      ],
    },
  ];

  it.each(cases)('$fixture', async ({ fixture, findings }) => {
    const report = checkReport(await runFixture(fixture, { only: [ID] }), ID);
    expect(report.status).toBe(findings.length === 0 ? 'passed' : 'failed');
    expect(report.findings.map(({ severity, resource }) => [severity, resource])).toEqual(findings.map(([severity, resource]) => [severity, resource]));
    report.findings.forEach((finding, index) => {
      const [, , message, fix] = findings[index]!;
      expect(finding.message).toMatch(message);
      expect([finding.fix!.summary, ...finding.fix!.commands].join('\n')).toMatch(fix);
    });
  });

  it('does not claim a BackendConfig or FrontendConfig is missing when those kinds could not be read', async () => {
    for (const [fixture, kind] of [['ingress-config-backendconfig', 'BackendConfig'], ['ingress-config-frontendconfig-missing', 'FrontendConfig']] as const) {
      const state = await new SnapshotSource(fixturePath(fixture)).collect(dataKeysFor([ingressConfig]));
      const blind = { ...state, unavailable: new Map([[kind, `${kind}s could not be listed`]]) };
      const result = await runCheck(ingressConfig, blind, { now: FIXTURE_NOW, stuckAfterMs: 0 });
      expect(result.findings.filter((finding) => /does not exist/.test(finding.message))).toEqual([]);
    }
  });
});

describe('ingress-config: Ingress classes whose load balancers reach Pods only through NEGs', () => {
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'admin', namespace: 'store', annotations: { 'cloud.google.com/neg': '{"exposed_ports": {"80": {}}}' } },
    spec: { type: 'ClusterIP', selector: { app: 'admin' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  };
  const ingress = (ingressClass: string): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'admin', namespace: 'store', annotations: { 'kubernetes.io/ingress.class': ingressClass } },
    spec: { defaultBackend: { service: { name: 'admin', port: { number: 80 } } } },
  });
  const CLUSTER = { name: 'c', location: 'us-central1', ipAllocationPolicy: { useIpAliases: true } };

  it.each([
    ['gce-internal', [['error', 'Ingress/store/admin']], /is internal \(gce-internal\) and its backend Service\/store\/admin does not use NEGs .*: internal Application Load Balancers reach Pods only through NEGs/],
    ['gce-regional-external', [['error', 'Ingress/store/admin']], /is regional external \(gce-regional-external\) and its backend Service\/store\/admin does not use NEGs .*: regional external Application Load Balancers reach Pods only through NEGs/],
    ['gce', [['error', 'Service/store/admin']], /is of type ClusterIP and does not use NEGs/],
  ] as const)('%s', async (ingressClass, expected, message) => {
    const result = await runCheck(ingressConfig, clusterState({ cluster: CLUSTER }, [ingress(ingressClass), service]));
    expect(result.findings.map((finding) => [finding.severity, finding.resource])).toEqual(expected);
    expect(result.findings[0]!.message).toMatch(message);
  });
});

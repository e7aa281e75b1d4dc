import { describe, expect, it } from 'vitest';
import { checkReport } from './support/fixtures.js';
import { runPreflight } from './support/preflight.js';

const MANIFESTS = ['preflight/argocd-manifests'];

describe('http-load-balancing-addon before apply', () => {
  it.each([
    ['preflight/argocd-cluster.tfplan.json', MANIFESTS, 'failed', ['error', 'google_container_cluster.prod', /Ingress\/argocd\/argocd-server will never get a load balancer/]],
    ['preflight/eventarc-unknown.tfplan.json', MANIFESTS, 'failed', ['warning', 'google_container_cluster.prod', /known only after apply .* cannot be decided before apply; Ingress\/argocd\/argocd-server need it/]],
    ['preflight/eventarc-unknown.tfplan.json', [], 'passed', undefined],
    ['preflight/seed-eventarc.tfplan.json', MANIFESTS, 'passed', undefined],
  ] as const)('%s with %j: %s', async (plan, manifests, status, expected) => {
    const check = checkReport(await runPreflight({ plan, manifests: [...manifests] }, { only: ['http-load-balancing-addon'] }), 'http-load-balancing-addon');
    expect(check.status).toBe(status);
    if (!expected) return expect(check.findings).toEqual([]);
    const [severity, address, message] = expected;
    expect(check.findings.map((finding) => [finding.severity, finding.location?.address])).toEqual([[severity, address]]);
    expect(check.findings[0]?.message).toMatch(message);
  });

  it('locates Kubernetes objects from manifests at their file and line', async () => {
    const report = await runPreflight({ manifests: ['-'], stdin: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: gone\n  deletionTimestamp: "2024-01-01T00:00:00Z"\nstatus:\n  phase: Terminating\n' }, { only: ['terminating-namespace'] });
    const check = checkReport(report, 'terminating-namespace');
    expect(check.findings.map((finding) => [finding.resource, finding.location])).toEqual([['Namespace/gone', { file: '<stdin>', line: 1 }]]);
  });
});

import { describe, expect, it } from 'vitest';
import terminatingNamespace from '../../checks/terminating-namespace.js';
import { checkReport, runFixture } from '../support/fixtures.js';

const run = async (fixture: string) => checkReport(await runFixture(fixture, { only: ['terminating-namespace'] }), 'terminating-namespace');

describe('terminating-namespace', () => {
  it.each([
    { fixture: 'healthy', status: 'passed', findings: [] },
    { fixture: 'seed-ingress-addon-disabled', status: 'passed', findings: [] },
    { fixture: 'seed-eventarc-stuck-namespace', status: 'failed', findings: [['error', 'Namespace/events-system']] },
    {
      fixture: 'remaining-finalizers',
      status: 'failed',
      findings: [
        ['error', 'Namespace/shop'],
        ['info', 'Namespace/scratch'],
      ],
    },
  ])('$fixture -> $status', async ({ fixture, status, findings }) => {
    const report = await run(fixture);
    expect(report.status).toBe(status);
    expect(report.findings.map((f) => [f.severity, f.resource])).toEqual(findings);
  });

  it('names the discovery failure, the unavailable APIService and its Service, measured to the snapshot time', async () => {
    const [finding] = (await run('seed-eventarc-stuck-namespace')).findings;
    expect(finding!.message).toContain('Terminating for 3d 5h');
    expect(finding!.message).toContain('NamespaceDeletionDiscoveryFailure: Discovery failed for some groups');
    expect(finding!.message).toContain('APIService v1beta1.metrics.k8s.io is unavailable (served by Service kube-system/metrics-server): FailedDiscoveryCheck');
    expect(finding!.message).toContain('can be orphaned');
    expect(finding!.evidence.unavailableApiServices).toEqual([expect.objectContaining({ name: 'v1beta1.metrics.k8s.io', managedByGke: true })]);
  });

  it('orders the fix: repair the APIService, then finalize with the exact PUT to /finalize, marked automatic', async () => {
    const { fix } = (await run('seed-eventarc-stuck-namespace')).findings[0]!;
    expect(fix!.automatic).toBe(true);
    const commands = fix!.commands;
    const repair = commands.findIndex((c) => c.includes('describe service metrics-server'));
    const finalize = commands.indexOf(
      "kubectl get namespace events-system -o json | jq '.spec.finalizers = []' | kubectl replace --raw /api/v1/namespaces/events-system/finalize -f -",
    );
    expect(repair).toBeGreaterThanOrEqual(0);
    expect(finalize).toBe(commands.length - 1);
    // The metrics APIService is reconciled by GKE's addon manager: deleting it would be undone.
    expect(commands).not.toContain('kubectl delete apiservice v1beta1.metrics.k8s.io');
  });

  it('lists the objects that remain with their finalizers and owners, and says the ingress controller never runs', async () => {
    const shop = (await run('remaining-finalizers')).findings.find((f) => f.resource === 'Namespace/shop')!;
    expect(shop.evidence.remainingObjects).toEqual([
      { resource: 'Ingress/shop/storefront', finalizers: ['networking.gke.io/ingress-finalizer-V2'] },
      {
        resource: 'ServiceNetworkEndpointGroup/shop/k8s1-3c4d5e6f-shop-storefront-80-7a8b9c0d',
        finalizers: ['networking.gke.io/neg-finalizer'],
      },
    ]);
    expect(shop.message).toContain('never runs while the HTTP load-balancing addon is disabled');
    expect(shop.fix!.commands).toContain(
      `kubectl -n shop patch ingress.networking.k8s.io/storefront --type=merge -p '{"metadata":{"finalizers":null}}'`,
    );
    const patch = shop.fix!.commands.findIndex((c) => c.includes('patch ingress'));
    const finalize = shop.fix!.commands.findIndex((c) => c.includes('/finalize'));
    expect(patch).toBeLessThan(finalize);
  });

  it('counts a namespace as stuck only after --stuck-after', async () => {
    const report = await runFixture('remaining-finalizers', { only: ['terminating-namespace'], context: { stuckAfterMs: 60_000 } });
    const scratch = checkReport(report, 'terminating-namespace').findings.find((f) => f.resource === 'Namespace/scratch')!;
    expect(scratch.severity).toBe('error');
  });

  it('declares what it reads', () => {
    expect(terminatingNamespace.needs).toEqual(['Namespace', 'ObjectsInTerminatingNamespaces']);
  });
});

import { describe, expect, it } from 'vitest';
import { checkReport, runFixture } from '../support/fixtures.js';

const ID = 'terminating-namespace';
const run = async (fixture: string) => checkReport(await runFixture(fixture, { only: [ID] }), ID);

// Each fixture's README names its source and its twin.
describe('terminating-namespace decides waiting or stuck as the namespace controller does', () => {
  it('namespace-waiting: a Pod in its grace period and pvc-protection are waiting: info, until when, no fix', async () => {
    const report = await run('namespace-waiting');
    expect(report.findings).toHaveLength(1);
    const [finding] = report.findings;
    expect(finding).toMatchObject({ severity: 'info', resource: 'Namespace/ledger', messageId: 'waiting', fix: null });
    expect(finding!.message).toContain('has been Terminating for 20m and is waiting, not stuck');
    expect(finding!.message).toContain('Pod/ledger/ledger-0 is in its termination grace period until 2024-01-15T00:40:00Z (in 40m)');
    expect(finding!.message).toContain('PersistentVolumeClaim/ledger/data-ledger-0 waits for kubernetes.io/pvc-protection while Pod/ledger/ledger-0 still use it');
  });

  it('namespace-grace-period-over (twin): stuck, an error', async () => {
    const report = await run('namespace-grace-period-over');
    expect(report.findings).toMatchObject([{ severity: 'error', resource: 'Namespace/ledger', messageId: 'stuck' }]);
    expect(report.findings[0]!.message).toContain('has been Terminating for 2d');
    expect(report.findings[0]!.message).toContain('its grace period ended at 2024-01-13T00:40:00Z');
  });

  it('namespace-argocd-controller-gone: says the controller is gone, and strips only that finalizer', async () => {
    const report = await run('namespace-argocd-controller-gone');
    const [finding] = report.findings;
    expect(finding).toMatchObject({ severity: 'error', resource: 'Namespace/argocd', messageId: 'stuck' });
    expect(finding!.message).toContain('Application/argocd/guestbook waits for resources-finalizer.argocd.argoproj.io, but argocd-application-controller');
    expect(finding!.message).toContain("argo-cd's application controller is gone");
    expect(finding!.fix!.commands).toContain(`kubectl -n argocd patch application.argoproj.io/guestbook --type=merge -p '{"metadata":{"finalizers":null}}'`);
  });

  it('namespace-argocd-controller-running (twin): waiting on the running controller, info only, no fix', async () => {
    const report = await run('namespace-argocd-controller-running');
    expect(report.findings).toMatchObject([{ severity: 'info', resource: 'Namespace/apps', messageId: 'waiting', fix: null }]);
    expect(report.findings[0]!.message).toContain('removed by argocd-application-controller');
  });

  it('namespaces-shared-apiservice: the unavailable APIService is said once, and the protected namespace needs --force', async () => {
    const report = await run('namespaces-shared-apiservice');
    const shared = report.findings.filter((finding) => finding.messageId === 'sharedApiService');
    expect(shared).toHaveLength(1);
    expect(shared[0]).toMatchObject({ severity: 'error', resource: 'APIService/v1beta1.metrics.k8s.io' });
    expect(shared[0]!.message).toContain('events-system, gmp-public');
    for (const finding of report.findings.filter((candidate) => candidate.messageId === 'stuck')) {
      expect(finding.message).not.toMatch(/Until it answers, no namespace can finish deleting/);
      expect(finding.message).toContain('reported once, on APIService/v1beta1.metrics.k8s.io');
    }
    const protectedOne = report.findings.find((finding) => finding.resource === 'Namespace/gmp-public');
    expect(protectedOne!.fix!.summary).toContain('`gke-doctor check --fix --force` finalizes it');
    const ordinary = report.findings.find((finding) => finding.resource === 'Namespace/events-system');
    expect(ordinary!.fix!.summary).not.toContain('--force');
  });
});

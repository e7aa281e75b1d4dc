import { describe, expect, it } from 'vitest';
import { checkReport, runFixture } from '../support/fixtures.js';

const run = async (fixture: string, id: string) => checkReport(await runFixture(fixture, { only: [id] }), id);

// Each fixture's README names its source and its twin.
describe('ingress rules as ingress-gce decides them', () => {
  it('ingress-config-clusterip-no-neg: a ClusterIP Service read from the cluster without cloud.google.com/neg is refused (instance groups)', async () => {
    const report = await run('ingress-config-clusterip-no-neg', 'ingress-config');
    expect(report.findings.filter((finding) => finding.resource === 'Service/store/web')).toMatchObject([{ severity: 'error' }]);
    expect(report.findings.find((finding) => finding.resource === 'Service/store/web')!.message).toContain('does not use NEGs');
  });

  it('ingress-config-valid (twin): with the annotation GKE writes, it passes', async () => {
    expect((await run('ingress-config-valid', 'ingress-config')).status).toBe('passed');
  });

  it('ingress-deleting: an Ingress being deleted is not reported for missing Services or ports', async () => {
    const report = await run('ingress-deleting', 'ingress-config');
    expect(report.findings.filter((finding) => /does not exist|has no such port|does not use NEGs/.test(finding.message))).toEqual([]);
  });

  it('ingress-config-backends (twin): the same Ingress not being deleted has the three backend errors', async () => {
    const report = await run('ingress-config-backends', 'ingress-config');
    expect(report.findings.filter((finding) => /does not exist|has no such port|does not use NEGs/.test(finding.message))).toHaveLength(3);
  });

  it('no report says "port ?"', async () => {
    for (const fixture of ['ingress-config-backends', 'ingress-no-readiness-probe', 'ingress-tcp-probe', 'seed-argocd-unhealthy']) {
      const report = await runFixture(fixture, { only: ['ingress-health-check', 'ingress-config'] });
      for (const check of report.checks) for (const finding of check.findings) expect(finding.message).not.toMatch(/port \?/);
    }
  });
});

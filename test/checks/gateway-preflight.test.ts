import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/engine/report.js';
import { runPreflight } from '../support/preflight.js';

// The checks of the gateway area, each with its appliesTo: before apply, inputs that hold nothing a check
// judges leave it not applicable, so healthy manifests and plans alone exit 0 as far as these checks go.
const CHECKS = ['http-load-balancing-addon', 'terminating-namespace', 'gateway-config', 'gateway-health-check'];

describe('healthy preflight inputs alone exit 0 (http-load-balancing-addon, terminating-namespace, gateway checks)', () => {
  it.each([
    [{ manifests: ['preflight/gateway-argocd-manifests'], plan: 'preflight/gateway-argocd-fix.tfplan.json' }],
    [{ plan: 'preflight/gateway-argocd-fix.tfplan.json' }],
    [{ plan: 'preflight/seed-eventarc.tfplan.json' }],
    [{ plan: 'preflight/eventarc-granted.tfplan.json' }],
  ])('%j', async (inputs) => {
    const report = await runPreflight(inputs, { only: CHECKS });
    expect(report.checks.filter((check) => check.status === 'incomplete' || check.status === 'failed').map((check) => [check.id, check.reason])).toEqual([]);
    expect(exitCodeFor(report, 'error')).toBe(0);
  });

  it('still fails what is wrong: the Argo CD Gateway manifests before the fix', async () => {
    const report = await runPreflight({ manifests: ['preflight/gateway-argocd-manifests'] }, { only: CHECKS });
    expect(exitCodeFor(report, 'error')).toBe(1);
    expect(report.checks.map((check) => [check.id, check.status])).toEqual([
      ['http-load-balancing-addon', 'not-applicable'],
      ['terminating-namespace', 'not-applicable'],
      ['gateway-config', 'passed'],
      ['gateway-health-check', 'failed'],
    ]);
  });
});

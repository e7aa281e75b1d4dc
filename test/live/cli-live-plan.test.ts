import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/engine/report.js';
import { runCli } from '../support/cli.js';
import { fixturePath } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture } from '../support/live.js';

let served: ServedFixture | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

const TRIGGER_ACCOUNT = 'serviceAccount:jobapp-events@acme-jobs-prod.iam.gserviceaccount.com';

/** `check --terraform-plan PLAN --context CTX`: the plan laid on the live project and cluster the context names. */
async function checkPlanOnLive(plan: string | null): Promise<{ code: number; report: Report; stderr: string }> {
  served ??= await serveFixture('seed-eventarc-stuck-namespace');
  const context = `gke_${served.target.project}_${served.target.location}_${served.target.cluster}`;
  const planArgs = plan ? ['--terraform-plan', fixturePath(plan)] : [];
  const result = await runCli(['check', ...planArgs, '--context', context, '--only', 'eventarc-gke-iam', '--output', 'json'], { env: served.env });
  return { code: result.code, report: JSON.parse(result.stdout) as Report, stderr: result.stderr };
}

describe('check --terraform-plan on the live project (--context names the cluster)', () => {
  it('a plan that grants the trigger account its missing roles: the finding about it disappears', async () => {
    const live = await checkPlanOnLive(null);
    expect(live.report.checks[0]!.findings.map((finding) => finding.resource)).toContain(TRIGGER_ACCOUNT);
    const { report } = await checkPlanOnLive('preflight/eventarc-granted.tfplan.json');
    expect(report.target).toEqual({ source: 'live+terraform-plan', project: 'acme-jobs-prod', location: 'asia-northeast1', cluster: 'prod-cluster' });
    // The live policy was read: the base is the fake project, not the plan alone.
    expect(served!.gcp.requests.some((request) => request.path.endsWith(':getIamPolicy'))).toBe(true);
    const findings = report.checks[0]!.findings;
    expect(findings.map((finding) => finding.resource)).not.toContain(TRIGGER_ACCOUNT);
  });

  it('a plan without them: the finding stays, located at the plan resource that makes the trigger', async () => {
    const { code, report } = await checkPlanOnLive('preflight/seed-eventarc.tfplan.json');
    expect(code).toBe(1);
    expect(report.target.source).toBe('live+terraform-plan');
    const finding = report.checks[0]!.findings.find((candidate) => candidate.resource === TRIGGER_ACCOUNT);
    expect(finding?.severity).toBe('error');
    expect(finding?.evidence.roles).toEqual(['roles/pubsub.subscriber', 'roles/monitoring.metricWriter']);
    expect(finding?.location).toMatchObject({ file: expect.stringContaining('seed-eventarc.tfplan.json'), address: 'google_eventarc_trigger.jobapp_push' });
  });
});

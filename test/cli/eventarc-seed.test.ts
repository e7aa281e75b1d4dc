import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { fixturePath } from '../support/fixtures.js';

const AGENT = 'serviceAccount:service-123456789012@gcp-sa-eventarc.iam.gserviceaccount.com';
const TRIGGER_SA = 'serviceAccount:jobapp-events@acme-jobs-prod.iam.gserviceaccount.com';

describe('gke-doctor check on the Eventarc seed', () => {
  it('names each missing role for each principal with the command that grants it, and exits 1', async () => {
    const { code, stdout, stderr } = await runCli(['check', '--snapshot', fixturePath('seed-eventarc-stuck-namespace')]);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    for (const [member, role] of [
      [AGENT, 'roles/compute.viewer'],
      [AGENT, 'roles/container.developer'],
      [AGENT, 'roles/iam.serviceAccountAdmin'],
      [TRIGGER_SA, 'roles/pubsub.subscriber'],
      [TRIGGER_SA, 'roles/monitoring.metricWriter'],
    ]) {
      expect(stdout).toContain(`- ${role} is not granted directly`);
      expect(stdout).toContain(`$ gcloud projects add-iam-policy-binding acme-jobs-prod --member=${member} --role=${role}\n`);
    }
    expect(stdout).toContain('$ gcloud eventarc gke-destinations init --project=acme-jobs-prod');
    expect(stdout).toContain('resource "google_project_iam_member" "jobapp_events_pubsub_subscriber" {');
    expect(stdout).not.toContain('roles/eventarc.eventReceiver is not granted');
    expect(stdout).toContain('most likely the namespace Eventarc created for the event forwarder of trigger jobapp-push');
  });

  it('the JSON report carries the same findings', async () => {
    const { code, stdout } = await runCli(['check', '--snapshot', fixturePath('seed-eventarc-stuck-namespace'), '--only', 'eventarc-gke-iam', '--output', 'json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { checks: { id: string; findings: { resource: string; evidence: { roles: string[] } }[] }[] };
    expect(report.checks[0]!.findings.map((finding) => [finding.resource, finding.evidence.roles])).toEqual([
      [AGENT, ['roles/compute.viewer', 'roles/container.developer', 'roles/iam.serviceAccountAdmin']],
      [TRIGGER_SA, ['roles/pubsub.subscriber', 'roles/monitoring.metricWriter']],
    ]);
  });

  it('a correctly initialised project passes, exit 0', async () => {
    const { code, stdout } = await runCli(['check', '--snapshot', fixturePath('eventarc-initialised')]);
    // The info: its cluster.json lists no nodePools, so their metadata mode was not checked.
    expect(stdout).toContain('0 errors, 0 warnings, 1 info · 6 passed, 0 failed');
    expect(code).toBe(0);
  });
});

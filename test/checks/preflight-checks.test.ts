import { describe, expect, it } from 'vitest';
import { checkReport } from '../support/fixtures.js';
import { runPreflight } from '../support/preflight.js';

const MANIFESTS = ['preflight/argocd-manifests'];

describe('http-load-balancing-addon before apply', () => {
  it.each([
    ['preflight/argocd-cluster.tfplan.json', MANIFESTS, 'failed', ['error', 'google_container_cluster.prod', /Ingress\/argocd\/argocd-server will never get a load balancer/]],
    ['preflight/eventarc-unknown.tfplan.json', MANIFESTS, 'failed', ['warning', 'google_container_cluster.prod', /cannot be decided before apply: .* is known only after apply\. It must be, for Ingress\/argocd\/argocd-server\./]],
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

describe('eventarc-gke-iam before apply', () => {
  const SA = 'serviceAccount:jobapp-events@acme-jobs-prod.iam.gserviceaccount.com';
  const TRIGGER = 'projects/acme-jobs-prod/locations/asia-northeast1/triggers/jobapp-push';
  const AGENT = 'serviceAccount:service-123456789012@gcp-sa-eventarc.iam.gserviceaccount.com';
  const run = async (plan: string) => checkReport(await runPreflight({ plan }, { only: ['eventarc-gke-iam'] }), 'eventarc-gke-iam');
  const summary = (findings: { severity: string; resource: string; location?: { address?: string } }[]) =>
    findings.filter((finding) => finding.resource !== 'serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com').map((finding) => [finding.severity, finding.resource, finding.location?.address]);

  it('names the roles the seed plan does not grant, at the trigger', async () => {
    const check = await run('preflight/seed-eventarc.tfplan.json');
    expect(summary(check.findings)).toEqual([['error', SA, 'google_eventarc_trigger.jobapp_push']]);
    expect(check.findings.find((finding) => finding.resource === SA)?.evidence.roles).toEqual(['roles/pubsub.subscriber', 'roles/monitoring.metricWriter']);
  });

  it('passes the account once the plan grants the roles', async () => {
    expect(summary((await run('preflight/eventarc-granted.tfplan.json')).findings)).toEqual([]);
  });

  it('says what cannot be decided before apply instead of guessing', async () => {
    const check = await run('preflight/eventarc-unknown.tfplan.json');
    expect(summary(check.findings)).toEqual([
      ['warning', AGENT, undefined],
      ['warning', TRIGGER, 'google_eventarc_trigger.jobapp_push'],
    ]);
    expect(check.findings.every((finding) => finding.severity !== 'error')).toBe(true);
    expect(check.findings.filter((finding) => finding.resource !== 'serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com').map((finding) => finding.message)).toEqual([
      expect.stringContaining('cannot be decided before apply: the plan grants them to a member known only after apply'),
      expect.stringContaining('is known only after apply (it is created in the same plan)'),
    ]);
  });
});

describe('values known only after apply are never guessed', () => {
  const run = async (plan: string, only: string[]) => {
    const report = await runPreflight({ plan }, { only });
    return only.map((id) => checkReport(report, id).findings.map((finding) => [finding.severity, finding.resource, finding.location?.address, finding.message]));
  };

  it('eventarc-gke-trigger: a trigger service account and a workload pool known only after apply', async () => {
    const [findings] = await run('preflight/eventarc-trigger-unknown.tfplan.json', ['eventarc-gke-trigger']);
    expect(findings).toEqual([
      // The plan holds no Kubernetes objects, so the destination Service is said not to be checked.
      [
        'info',
        'projects/acme-jobs-prod/locations/asia-northeast1/triggers/jobapp-push',
        'google_eventarc_trigger.jobapp_push',
        expect.stringMatching(/^The destination of trigger jobapp-push \(Service jobapp\/jobapp\) was not checked: no Kubernetes objects were given/),
      ],
      [
        'warning',
        'projects/acme-jobs-prod/locations/asia-northeast1/triggers/jobapp-push',
        'google_eventarc_trigger.jobapp_push',
        expect.stringMatching(/cannot be decided before apply: serviceAccount of .* \(google_eventarc_trigger\.jobapp_push\) is known only after apply/),
      ],
      [
        'warning',
        'projects/acme-jobs-prod/locations/asia-northeast1/clusters/prod-cluster',
        'google_container_cluster.prod',
        expect.stringMatching(/Workload Identity .* cannot be decided before apply: workloadIdentityConfig\.workloadPool of .* \(google_container_cluster\.prod\) is known only after apply/),
      ],
    ]);
  });

  it('ingress checks: kubernetes_manifest objects with paths known only after apply', async () => {
    const [config, healthCheck] = await run('preflight/ingress-manifest-unknown.tfplan.json', ['ingress-config', 'ingress-health-check']);
    const backendConfig = /cannot be decided before apply: metadata\.annotations\.cloud\.google\.com\/backend-config of Service\/jobapp\/jobapp \(kubernetes_manifest\.service\) is known only after apply/;
    const backendName = /cannot be decided before apply: spec\.defaultBackend\.service\.name of Ingress\/jobapp\/jobapp-admin \(kubernetes_manifest\.ingress_admin\) is known only after apply/;
    for (const findings of [config, healthCheck]) {
      expect(findings).toHaveLength(2);
      expect(findings).toEqual(
        expect.arrayContaining([
          ['warning', 'Service/jobapp/jobapp', 'kubernetes_manifest.service', expect.stringMatching(backendConfig)],
          ['warning', 'Ingress/jobapp/jobapp-admin', 'kubernetes_manifest.ingress_admin', expect.stringMatching(backendName)],
        ]),
      );
    }
  });
});

import { describe, expect, it } from 'vitest';
import eventarcGkeIam from '../../checks/eventarc-gke-iam.js';
import eventarcGkeTrigger from '../../checks/eventarc-gke-trigger.js';
import { testCheck } from '../support/check-tester.js';
import { runFixture } from '../support/fixtures.js';

const EVENTARC_AGENT = 'serviceAccount:service-123456789012@gcp-sa-eventarc.iam.gserviceaccount.com';
const JOBAPP = 'serviceAccount:jobapp-events@acme-jobs-prod.iam.gserviceaccount.com';
const ORDERS = 'serviceAccount:orders-events@acme-orders-prod.iam.gserviceaccount.com';
const ORDERS_TRIGGER = 'projects/acme-orders-prod/locations/us-central1/triggers/orders-uploads';

/** The roles a finding says are missing or uncertain. */
const roles = (expected: string[][]) => ({ findings }: { findings: { evidence: Record<string, unknown> }[] }) =>
  expect(findings.map((finding) => finding.evidence.roles)).toEqual(expected);

// Each fixture, and what each Eventarc check must say about it.
testCheck(eventarcGkeIam, {
  valid: ['eventarc-initialised', 'eventarc-direct-pubsub', 'eventarc-failed-trigger', 'eventarc-missing-service', 'eventarc-no-ready-pods', 'eventarc-workload-identity-off', 'eventarc-compute-default-sa'],
  invalid: [
    {
      fixture: 'seed-eventarc-stuck-namespace',
      findings: [
        { messageId: 'agentMissing', resource: EVENTARC_AGENT, severity: 'error' },
        { messageId: 'accountMissing', resource: JOBAPP, severity: 'error' },
      ],
      then: roles([
        ['roles/compute.viewer', 'roles/container.developer', 'roles/iam.serviceAccountAdmin'],
        ['roles/pubsub.subscriber', 'roles/monitoring.metricWriter'],
      ]),
    },
    { fixture: 'eventarc-conditional-binding', findings: [{ messageId: 'accountUncertain', resource: ORDERS, severity: 'warning' }], then: roles([['roles/pubsub.subscriber']]) },
    { fixture: 'eventarc-group-grant', findings: [{ messageId: 'accountUncertain', resource: ORDERS, severity: 'warning' }], then: roles([['roles/monitoring.metricWriter']]) },
  ],
});

testCheck(eventarcGkeTrigger, {
  valid: ['seed-eventarc-stuck-namespace', 'eventarc-initialised', 'eventarc-direct-pubsub', 'eventarc-conditional-binding', 'eventarc-group-grant'],
  invalid: [
    { fixture: 'eventarc-failed-trigger', findings: [{ messageId: 'conditions', resource: ORDERS_TRIGGER, severity: 'error' }] },
    { fixture: 'eventarc-missing-service', findings: [{ messageId: 'missingService', resource: ORDERS_TRIGGER, severity: 'error' }] },
    { fixture: 'eventarc-no-ready-pods', findings: [{ messageId: 'noPodReady', resource: 'Service/orders/orders-events', severity: 'warning' }] },
    {
      fixture: 'eventarc-workload-identity-off',
      findings: [{ messageId: 'workloadIdentityOff', resource: 'projects/acme-orders-prod/locations/us-central1/clusters/orders-cluster', severity: 'error' }],
    },
    { fixture: 'eventarc-compute-default-sa', findings: [{ messageId: 'computeDefault', resource: ORDERS_TRIGGER, severity: 'warning' }] },
  ],
});

describe('every Eventarc fixture other than the seed leaves the other checks passing', () => {
  const fixtures = ['initialised', 'direct-pubsub', 'conditional-binding', 'group-grant', 'failed-trigger', 'missing-service', 'no-ready-pods', 'workload-identity-off', 'compute-default-sa'];
  it.each(fixtures.map((name) => `eventarc-${name}`))('%s', async (fixture) => {
    const report = await runFixture(fixture, { only: ['terminating-namespace', 'http-load-balancing-addon'] });
    expect(report.checks.map((check) => check.status)).toEqual(['passed', 'passed']);
  });

  it('eventarc-initialised passes every check', async () => {
    const report = await runFixture('eventarc-initialised');
    expect(report.summary).toMatchObject({ error: 0, warning: 0, failed: 0, incomplete: 0 });
  });
});

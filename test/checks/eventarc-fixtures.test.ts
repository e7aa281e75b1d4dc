import { describe, expect, it } from 'vitest';
import eventarcGkeIam from '../../checks/eventarc-gke-iam.js';
import eventarcGkeTrigger from '../../checks/eventarc-gke-trigger.js';
import { testCheck } from '../support/check-tester.js';
import { runFixture } from '../support/fixtures.js';

const EVENTARC_AGENT = 'serviceAccount:service-123456789012@gcp-sa-eventarc.iam.gserviceaccount.com';
const JOBAPP = 'serviceAccount:jobapp-events@acme-jobs-prod.iam.gserviceaccount.com';
const ORDERS = 'serviceAccount:orders-events@acme-orders-prod.iam.gserviceaccount.com';
const STORAGE_AGENT = 'serviceAccount:service-987654321098@gs-project-accounts.iam.gserviceaccount.com';
const PUBSUB_AGENT = 'serviceAccount:service-987654321098@gcp-sa-pubsub.iam.gserviceaccount.com';
const ORDERS_CLUSTER = 'projects/acme-orders-prod/locations/us-central1/clusters/orders-cluster';
const ORDERS_TRIGGER = 'projects/acme-orders-prod/locations/us-central1/triggers/orders-uploads';

/** The roles a finding says are missing or uncertain. */
const roles = (expected: string[][]) => ({ findings }: { findings: { evidence: Record<string, unknown> }[] }) =>
  expect(findings.map((finding) => finding.evidence.roles)).toEqual(expected);

// Each fixture, and what each Eventarc check must say about it.
testCheck(eventarcGkeIam, {
  valid: [
    'eventarc-initialised',
    'eventarc-direct-pubsub',
    'eventarc-failed-trigger',
    'eventarc-missing-service',
    'eventarc-no-ready-pods',
    'eventarc-workload-identity-off',
    'eventarc-compute-default-sa',
    // Passing twins: a condition that holds now and from then on grants the role; the Pub/Sub agent rule ends with 2021-04-08.
    'eventarc-condition-holds',
    'eventarc-pubsub-agent-after',
    'eventarc-trigger-condition-ok',
    'eventarc-node-pool-gce-metadata',
    'eventarc-node-pools-gke-metadata',
  ],
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
    // request.time < timestamp("2024-01-01T00:00:00Z") has expired at the fixture's time: not granted (src/gke/iam/iam-condition.ts).
    { fixture: 'eventarc-conditional-binding', findings: [{ messageId: 'accountMissing', resource: ORDERS, severity: 'error' }], then: roles([['roles/pubsub.subscriber']]) },
    // Decided by permissions: the custom role carries all three (an info note: least privilege is better), lacks one (error), was not read (warning).
    {
      fixture: 'eventarc-custom-role',
      findings: [{ messageId: 'throughOtherRoles', resource: ORDERS, severity: 'info' }],
      then: roles([['roles/pubsub.subscriber', 'roles/monitoring.metricWriter', 'roles/eventarc.eventReceiver']]),
    },
    {
      fixture: 'eventarc-custom-role-lacking',
      findings: [
        { messageId: 'accountMissing', resource: ORDERS, severity: 'error' },
        { messageId: 'throughOtherRoles', resource: ORDERS, severity: 'info' },
      ],
      then: roles([['roles/monitoring.metricWriter'], ['roles/pubsub.subscriber', 'roles/eventarc.eventReceiver']]),
    },
    {
      fixture: 'eventarc-custom-role-unread',
      findings: [{ messageId: 'accountUncertain', resource: ORDERS, severity: 'warning' }],
      then: (report) => {
        roles([['roles/pubsub.subscriber', 'roles/monitoring.metricWriter', 'roles/eventarc.eventReceiver']])(report);
        expect(report.findings[0]!.message).toContain('custom role projects/acme-orders-prod/roles/eventarcGkeForwarder is: its definition was not read, so whether it holds pubsub.subscriptions.consume');
      },
    },
    {
      fixture: 'eventarc-storage-agent-missing',
      findings: [{ messageId: 'storageAgentMissing', resource: STORAGE_AGENT, severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.fix!.commands).toEqual([`gcloud projects add-iam-policy-binding acme-orders-prod --member=${STORAGE_AGENT} --role=roles/pubsub.publisher`]);
        expect(finding!.fix!.terraform).toContain(`role    = "roles/pubsub.publisher"\n  member  = "${STORAGE_AGENT}"`);
      },
    },
    { fixture: 'eventarc-pubsub-agent-last-day', findings: [{ messageId: 'pubsubAgent', resource: PUBSUB_AGENT, severity: 'warning' }] },
    { fixture: 'eventarc-group-grant', findings: [{ messageId: 'accountUncertain', resource: ORDERS, severity: 'warning' }], then: roles([['roles/monitoring.metricWriter']]) },
  ],
});

// These snapshots' cluster.json list no nodePools: the check says once that it could not judge them.
const poolsUnread = (cluster = ORDERS_CLUSTER) => ({ messageId: 'nodePoolsUnread', resource: cluster, severity: 'info' as const });
const onlyPoolsUnread = (fixture: string, cluster?: string) => ({ fixture, findings: [poolsUnread(cluster)] });

testCheck(eventarcGkeTrigger, {
  // Passing twin of eventarc-node-pool-gce-metadata.
  valid: ['eventarc-node-pools-gke-metadata'],
  invalid: [
    onlyPoolsUnread('seed-eventarc-stuck-namespace', 'projects/acme-jobs-prod/locations/asia-northeast1/clusters/prod-cluster'),
    onlyPoolsUnread('eventarc-initialised'),
    onlyPoolsUnread('eventarc-direct-pubsub'),
    onlyPoolsUnread('eventarc-conditional-binding'),
    onlyPoolsUnread('eventarc-group-grant'),
    // Passing twin of eventarc-failed-trigger (a condition with code OK).
    onlyPoolsUnread('eventarc-trigger-condition-ok'),
    { fixture: 'eventarc-failed-trigger', findings: [{ messageId: 'conditions', resource: ORDERS_TRIGGER, severity: 'error' }, poolsUnread()] },
    { fixture: 'eventarc-missing-service', findings: [{ messageId: 'missingService', resource: ORDERS_TRIGGER, severity: 'error' }, poolsUnread()] },
    { fixture: 'eventarc-no-ready-pods', findings: [{ messageId: 'noPodReady', resource: 'Service/orders/orders-events', severity: 'warning' }, poolsUnread()] },
    {
      fixture: 'eventarc-workload-identity-off',
      findings: [{ messageId: 'workloadIdentityOff', resource: 'projects/acme-orders-prod/locations/us-central1/clusters/orders-cluster', severity: 'error' }],
    },
    { fixture: 'eventarc-compute-default-sa', findings: [{ messageId: 'computeDefault', resource: ORDERS_TRIGGER, severity: 'warning' }, poolsUnread()] },
    {
      fixture: 'eventarc-node-pool-gce-metadata',
      findings: [{ messageId: 'nodePoolWithoutGkeMetadata', resource: ORDERS_CLUSTER, severity: 'error' }],
      then: ({ findings: [finding] }) =>
        expect(finding!.fix!.commands).toEqual(['gcloud container node-pools update batch-pool --cluster=orders-cluster --location=us-central1 --workload-metadata=GKE_METADATA']),
    },
  ],
});

describe('every Eventarc fixture other than the seed leaves the other checks passing', () => {
  const fixtures = [
    ...['initialised', 'direct-pubsub', 'conditional-binding', 'group-grant', 'failed-trigger', 'missing-service', 'no-ready-pods', 'workload-identity-off', 'compute-default-sa'],
    ...['condition-holds', 'custom-role', 'custom-role-lacking', 'custom-role-unread', 'storage-agent-missing', 'pubsub-agent-after', 'pubsub-agent-last-day'],
    ...['trigger-condition-ok', 'node-pool-gce-metadata', 'node-pools-gke-metadata'],
  ];
  it.each(fixtures.map((name) => `eventarc-${name}`))('%s', async (fixture) => {
    const report = await runFixture(fixture, { only: ['terminating-namespace', 'http-load-balancing-addon'] });
    expect(report.checks.map((check) => check.status)).toEqual(['passed', 'passed']);
  });

  it('eventarc-initialised passes every check', async () => {
    const report = await runFixture('eventarc-initialised');
    expect(report.summary).toMatchObject({ error: 0, warning: 0, failed: 0, incomplete: 0 });
  });
});

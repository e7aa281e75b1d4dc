import { describe, expect, it } from 'vitest';
import type { CheckStatus, Severity } from '../../src/engine/check.js';
import { checkReport, runFixture } from '../support/fixtures.js';

const EVENTARC_AGENT = 'serviceAccount:service-123456789012@gcp-sa-eventarc.iam.gserviceaccount.com';
const JOBAPP = 'serviceAccount:jobapp-events@acme-jobs-prod.iam.gserviceaccount.com';
const ORDERS = 'serviceAccount:orders-events@acme-orders-prod.iam.gserviceaccount.com';
const STORAGE_AGENT = 'serviceAccount:service-987654321098@gs-project-accounts.iam.gserviceaccount.com';
const PUBSUB_AGENT = 'serviceAccount:service-987654321098@gcp-sa-pubsub.iam.gserviceaccount.com';
const ORDERS_TRIGGER = 'projects/acme-orders-prod/locations/us-central1/triggers/orders-uploads';

interface Expected {
  status: CheckStatus;
  findings?: { severity: Severity; resource: string; roles?: string[] }[];
}

/** Each fixture, and what each Eventarc check must say about it. */
const TABLE: [fixture: string, iam: Expected, trigger: Expected][] = [
  [
    'seed-eventarc-stuck-namespace',
    {
      status: 'failed',
      findings: [
        { severity: 'error', resource: EVENTARC_AGENT, roles: ['roles/compute.viewer', 'roles/container.developer', 'roles/iam.serviceAccountAdmin'] },
        { severity: 'error', resource: JOBAPP, roles: ['roles/pubsub.subscriber', 'roles/monitoring.metricWriter'] },
      ],
    },
    { status: 'passed' },
  ],
  ['eventarc-initialised', { status: 'passed' }, { status: 'passed' }],
  ['eventarc-direct-pubsub', { status: 'passed' }, { status: 'passed' }],
  // request.time < timestamp("2024-01-01T00:00:00Z") has expired at the fixture time: not granted (src/gke/iam-condition.ts).
  ['eventarc-conditional-binding', { status: 'failed', findings: [{ severity: 'error', resource: ORDERS, roles: ['roles/pubsub.subscriber'] }] }, { status: 'passed' }],
  ['eventarc-condition-holds', { status: 'passed' }, { status: 'passed' }],
  ['eventarc-custom-role', { status: 'passed' }, { status: 'passed' }],
  ['eventarc-custom-role-lacking', { status: 'failed', findings: [{ severity: 'error', resource: ORDERS, roles: ['roles/monitoring.metricWriter'] }] }, { status: 'passed' }],
  [
    'eventarc-custom-role-unread',
    { status: 'failed', findings: [{ severity: 'warning', resource: ORDERS, roles: ['roles/pubsub.subscriber', 'roles/monitoring.metricWriter', 'roles/eventarc.eventReceiver'] }] },
    { status: 'passed' },
  ],
  ['eventarc-storage-agent-missing', { status: 'failed', findings: [{ severity: 'error', resource: STORAGE_AGENT, roles: ['roles/pubsub.publisher'] }] }, { status: 'passed' }],
  ['eventarc-pubsub-agent-last-day', { status: 'failed', findings: [{ severity: 'warning', resource: PUBSUB_AGENT }] }, { status: 'passed' }],
  ['eventarc-pubsub-agent-after', { status: 'passed' }, { status: 'passed' }],
  ['eventarc-trigger-condition-ok', { status: 'passed' }, { status: 'passed' }],
  ['eventarc-node-pool-gce-metadata', { status: 'passed' }, { status: 'failed', findings: [{ severity: 'error', resource: 'projects/acme-orders-prod/locations/us-central1/clusters/orders-cluster' }] }],
  ['eventarc-node-pools-gke-metadata', { status: 'passed' }, { status: 'passed' }],
  ['eventarc-group-grant', { status: 'failed', findings: [{ severity: 'warning', resource: ORDERS, roles: ['roles/monitoring.metricWriter'] }] }, { status: 'passed' }],
  ['eventarc-failed-trigger', { status: 'passed' }, { status: 'failed', findings: [{ severity: 'error', resource: ORDERS_TRIGGER }] }],
  ['eventarc-missing-service', { status: 'passed' }, { status: 'failed', findings: [{ severity: 'error', resource: ORDERS_TRIGGER }] }],
  ['eventarc-no-ready-pods', { status: 'passed' }, { status: 'failed', findings: [{ severity: 'warning', resource: 'Service/orders/orders-events' }] }],
  [
    'eventarc-workload-identity-off',
    { status: 'passed' },
    { status: 'failed', findings: [{ severity: 'error', resource: 'projects/acme-orders-prod/locations/us-central1/clusters/orders-cluster' }] },
  ],
  ['eventarc-compute-default-sa', { status: 'passed' }, { status: 'failed', findings: [{ severity: 'warning', resource: ORDERS_TRIGGER }] }],
];

describe.each(TABLE)('fixture %s', (fixture, iam, trigger) => {
  it.each([
    ['eventarc-gke-iam', iam],
    ['eventarc-gke-trigger', trigger],
  ] as const)('%s', async (id, expected) => {
    const check = checkReport(await runFixture(fixture, { only: [id] }), id);
    expect(check.status).toBe(expected.status);
    expect(
      check.findings.map((finding) => ({
        severity: finding.severity,
        resource: finding.resource,
        ...(expected.findings?.some((f) => f.roles) ? { roles: finding.evidence.roles } : {}),
      })),
    ).toEqual(expected.findings ?? []);
  });
});

describe('every Eventarc fixture other than the seed leaves the other checks passing', () => {
  it.each(TABLE.map(([fixture]) => fixture).filter((fixture) => fixture.startsWith('eventarc-')))('%s', async (fixture) => {
    const report = await runFixture(fixture, { only: ['terminating-namespace', 'http-load-balancing-addon'] });
    expect(report.checks.map((check) => check.status)).toEqual(['passed', 'passed']);
  });

  it('eventarc-initialised passes every check', async () => {
    const report = await runFixture('eventarc-initialised');
    expect(report.summary).toMatchObject({ error: 0, warning: 0, failed: 0, incomplete: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import type { RoleGrant } from '../../../src/gke/iam/iam.js';
import { dedicatedAccountId, describeGrant, evaluateRole, grantCommand, grantTerraform, memberMatches, terraformName } from '../../../src/gke/iam/iam.js';
import type { IamPolicy } from '../../../src/state/gcp-types.js';

const SA = 'serviceAccount:trigger@p.iam.gserviceaccount.com';
const USER = 'user:dana@example.com';
const WI = 'principal://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/p.svc.id.goog/subject/ns/app/sa/web';

function policy(...bindings: IamPolicy['bindings'] & object): IamPolicy {
  return { version: 3, etag: 'BwY=', bindings };
}

describe('memberMatches: every member form of an allow policy', () => {
  it.each([
    ['user:dana@example.com', USER, 'yes'],
    ['user:Dana@Example.com', USER, 'yes'],
    ['user:other@example.com', USER, 'no'],
    ['serviceAccount:trigger@p.iam.gserviceaccount.com', SA, 'yes'],
    ['serviceAccount:trigger@p.iam.gserviceaccount.com', 'user:trigger@p.iam.gserviceaccount.com', 'no'],
    ['group:ops@example.com', SA, 'possibly'],
    ['group:ops@example.com', USER, 'possibly'],
    ['domain:example.com', USER, 'possibly'],
    ['domain:example.com', 'user:eve@other.example', 'no'],
    ['domain:p.iam.gserviceaccount.com', SA, 'no'],
    ['deleted:serviceAccount:trigger@p.iam.gserviceaccount.com?uid=123456789', SA, 'no'],
    ['deleted:user:dana@example.com?uid=987', USER, 'no'],
    ['deleted:group:ops@example.com?uid=5', SA, 'no'],
    [WI, WI, 'yes'],
    [WI, SA, 'no'],
    ['principalSet://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/p.svc.id.goog/namespace/app', WI, 'possibly'],
    ['principalSet://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/other.svc.id.goog/namespace/app', WI, 'no'],
    ['principalSet://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/p.svc.id.goog/namespace/app', SA, 'no'],
    ['principalSet://cloudresourcemanager.googleapis.com/projects/123/type/ServiceAccount', SA, 'possibly'],
    ['allUsers', SA, 'yes'],
    ['allAuthenticatedUsers', SA, 'yes'],
    ['allAuthenticatedUsers', USER, 'yes'],
    ['allAuthenticatedUsers', WI, 'possibly'],
    ['projectOwner:p', SA, 'no'],
  ] as const)('%s for %s: %s', (member, principal, expected) => {
    expect(memberMatches(member, principal)).toBe(expected);
  });
});

const CONDITION = { title: 'until-2024', expression: 'request.time < timestamp("2024-01-01T00:00:00Z")' };

describe('evaluateRole', () => {
  it.each<[string, IamPolicy, string, string, Partial<RoleGrant>]>([
    ['a plain binding', policy({ role: 'roles/pubsub.subscriber', members: [SA] }), SA, 'roles/pubsub.subscriber', { status: 'granted', member: SA }],
    ['no binding at all', policy(), SA, 'roles/pubsub.subscriber', { status: 'not-granted', notes: [] }],
    ['a policy without bindings', { version: 1 }, SA, 'roles/pubsub.subscriber', { status: 'not-granted' }],
    ['another role only', policy({ role: 'roles/pubsub.publisher', members: [SA] }), SA, 'roles/pubsub.subscriber', { status: 'not-granted' }],
    ['another principal', policy({ role: 'roles/pubsub.subscriber', members: [USER] }), SA, 'roles/pubsub.subscriber', { status: 'not-granted' }],
    [
      'a conditional binding',
      policy({ role: 'roles/pubsub.subscriber', members: [SA], condition: CONDITION }),
      SA,
      'roles/pubsub.subscriber',
      { status: 'conditional', conditions: [{ member: SA, role: 'roles/pubsub.subscriber', ...CONDITION, verdict: { verdict: 'depends', why: 'no time to decide it at' } }] },
    ],
    [
      'a policy read at version 1 (_withcond_)',
      { version: 1, bindings: [{ role: 'roles/pubsub.subscriber_withcond_2b17cc25d2cd9e2c54d8', members: [SA] }] },
      SA,
      'roles/pubsub.subscriber',
      { status: 'conditional', conditions: [{ member: SA, role: 'roles/pubsub.subscriber', title: null, expression: null, verdict: { verdict: 'depends', why: 'the policy was read below version 3, which hides conditions' } }] },
    ],
    [
      'a plain binding wins over a conditional one',
      policy({ role: 'roles/pubsub.subscriber', members: [SA], condition: CONDITION }, { role: 'roles/pubsub.subscriber', members: [SA] }),
      SA,
      'roles/pubsub.subscriber',
      { status: 'granted' },
    ],
    ['a group', policy({ role: 'roles/monitoring.metricWriter', members: ['group:ops@example.com'] }), SA, 'roles/monitoring.metricWriter', { status: 'possibly', members: ['group:ops@example.com'] }],
    ['a domain', policy({ role: 'roles/viewer', members: ['domain:example.com'] }), USER, 'roles/viewer', { status: 'possibly', members: ['domain:example.com'] }],
    [
      'a conditional group binding is conditional, and names the group',
      policy({ role: 'roles/pubsub.subscriber', members: ['group:ops@example.com'], condition: CONDITION }),
      SA,
      'roles/pubsub.subscriber',
      { status: 'conditional', conditions: [{ member: 'group:ops@example.com', role: 'roles/pubsub.subscriber', ...CONDITION, verdict: { verdict: 'depends', why: 'no time to decide it at' } }] },
    ],
    [
      'a predefined role that holds the permission',
      policy({ role: 'roles/pubsub.admin', members: [SA] }),
      SA,
      'roles/pubsub.subscriber',
      { status: 'granted-through-role', throughRole: 'roles/pubsub.admin', reference: 'https://cloud.google.com/iam/docs/roles-permissions, as of 2026-08-22' },
    ],
    ['roles/monitoring.editor holds monitoring.timeSeries.create', policy({ role: 'roles/monitoring.editor', members: [SA] }), SA, 'roles/monitoring.metricWriter', { status: 'granted-through-role' }],
    ['roles/editor holds pubsub.subscriptions.consume', policy({ role: 'roles/editor', members: [SA] }), SA, 'roles/pubsub.subscriber', { status: 'granted-through-role', throughRole: 'roles/editor' }],
    ['roles/viewer does not hold pubsub.subscriptions.consume', policy({ role: 'roles/viewer', members: [SA] }), SA, 'roles/pubsub.subscriber', { status: 'not-granted' }],
    [
      'a conditional containing role is conditional',
      policy({ role: 'roles/pubsub.admin', members: [SA], condition: CONDITION }),
      SA,
      'roles/pubsub.subscriber',
      { status: 'conditional', conditions: [{ member: SA, role: 'roles/pubsub.admin', ...CONDITION, verdict: { verdict: 'depends', why: 'no time to decide it at' } }] },
    ],
    ['roles/eventarc.admin includes roles/eventarc.eventReceiver', policy({ role: 'roles/eventarc.admin', members: [SA] }), SA, 'roles/eventarc.eventReceiver', { status: 'granted-through-role' }],
    [
      'roles/editor does not hold every permission of roles/container.developer',
      policy({ role: 'roles/editor', members: [SA] }),
      SA,
      'roles/container.developer',
      { status: 'not-granted', notes: [expect.stringContaining('it holds roles/editor, which does not hold every permission roles/container.developer is needed for') as unknown as string] },
    ],
    ['roles/owner holds every permission of roles/iam.serviceAccountAdmin', policy({ role: 'roles/owner', members: [SA] }), SA, 'roles/iam.serviceAccountAdmin', { status: 'granted-through-role', throughRole: 'roles/owner' }],
    [
      'a deleted account of the same name',
      policy({ role: 'roles/pubsub.subscriber', members: [`deleted:${SA}?uid=112233`] }),
      SA,
      'roles/pubsub.subscriber',
      { status: 'not-granted', notes: [expect.stringContaining('deleted account (uid 112233)') as unknown as string] },
    ],
    ['allUsers', policy({ role: 'roles/pubsub.subscriber', members: ['allUsers'] }), SA, 'roles/pubsub.subscriber', { status: 'granted', member: 'allUsers' }],
    ['allAuthenticatedUsers', policy({ role: 'roles/pubsub.subscriber', members: ['allAuthenticatedUsers'] }), SA, 'roles/pubsub.subscriber', { status: 'granted', member: 'allAuthenticatedUsers' }],
    ['a workload identity principal', policy({ role: 'roles/pubsub.subscriber', members: [WI] }), WI, 'roles/pubsub.subscriber', { status: 'granted', member: WI }],
  ])('%s', (_name, iamPolicy, principal, role, expected) => {
    expect(evaluateRole(iamPolicy, principal, role)).toMatchObject({ role, ...expected });
  });
});

describe('describeGrant', () => {
  it.each<[RoleGrant, string]>([
    [{ status: 'granted', role: 'roles/x', member: SA }, 'roles/x is granted'],
    [{ status: 'granted', role: 'roles/x', member: 'allUsers' }, 'roles/x is granted to allUsers'],
    [
      { status: 'conditional', role: 'roles/x', conditions: [{ member: SA, role: 'roles/x', title: 'on-buckets', expression: 'e', verdict: { verdict: 'depends', why: 'it reads attributes known only when a request is made' } }] },
      'roles/x is granted only under IAM condition "on-buckets", which depends on attributes known only when a request is made; while it is false the role is not granted',
    ],
    [
      { status: 'conditional', role: 'roles/x', conditions: [{ member: SA, role: 'roles/x', title: 'until-2025', expression: 'e', verdict: { verdict: 'until', until: '2025-01-01T00:00:00.000Z' } }] },
      'roles/x is granted only under IAM condition "until-2025", which holds until 2025-01-01T00:00:00.000Z, and then the role is no longer granted',
    ],
    [
      { status: 'conditional', role: 'roles/x', conditions: [{ member: 'group:ops@example.com', role: 'roles/x', title: null, expression: null, verdict: { verdict: 'depends', why: 'the policy was read below version 3, which hides conditions' } }] },
      'roles/x is granted only under IAM condition (hidden: the policy was read below version 3, role roles/x_withcond_…) on group:ops@example.com, which cannot be decided: the policy was read below version 3, which hides conditions; while it is false the role is not granted',
    ],
    [
      { status: 'custom-role-unread', role: 'roles/pubsub.subscriber', member: SA, customRole: 'projects/p/roles/eventReader', permissions: ['pubsub.subscriptions.consume'] },
      'roles/pubsub.subscriber is not bound, and custom role projects/p/roles/eventReader is: its definition was not read, so whether it holds pubsub.subscriptions.consume is not known',
    ],
    [{ status: 'possibly', role: 'roles/x', members: ['group:ops@example.com'] }, 'roles/x is possibly granted through group:ops@example.com, whose members cannot be listed offline'],
    [{ status: 'not-granted', role: 'roles/x', notes: [] }, 'roles/x is not granted directly'],
  ])('%j', (grant, text) => {
    expect(describeGrant(grant)).toBe(text);
  });
});

describe('fix text', () => {
  it('prints the gcloud command and the Terraform block with real names', () => {
    expect(grantCommand('acme', SA, 'roles/pubsub.subscriber')).toBe(
      'gcloud projects add-iam-policy-binding acme --member=serviceAccount:trigger@p.iam.gserviceaccount.com --role=roles/pubsub.subscriber',
    );
    expect(grantTerraform('acme', SA, 'roles/pubsub.subscriber', 'trigger_pubsub_subscriber')).toBe(
      [
        'resource "google_project_iam_member" "trigger_pubsub_subscriber" {',
        '  project = "acme"',
        '  role    = "roles/pubsub.subscriber"',
        '  member  = "serviceAccount:trigger@p.iam.gserviceaccount.com"',
        '}',
      ].join('\n'),
    );
  });

  it.each([
    ['jobapp-events', 'roles/monitoring.metricWriter', 'jobapp_events_monitoring_metric_writer'],
    ['eventarc_agent', 'roles/iam.serviceAccountAdmin', 'eventarc_agent_iam_service_account_admin'],
    ['pubsub_agent', 'roles/iam.serviceAccountTokenCreator', 'pubsub_agent_iam_service_account_token_creator'],
  ])('terraformName(%s, %s) = %s', (label, role, name) => {
    expect(terraformName(label, role)).toBe(name);
  });
});

describe('dedicatedAccountId: a valid service account ID (6-30 of a-z, 0-9, -, starting with a letter)', () => {
  it.each([
    ['orders-uploads', 'orders-uploads-events'],
    ['42_Orders.Uploads', 'orders-uploads-events'],
    ['a-trigger-with-a-name-far-too-long-for-an-account', 'a-trigger-with-a-name-f-events'],
    ['9', 'eventarc-events'],
  ])('%s -> %s', (trigger, id) => {
    expect(dedicatedAccountId(trigger)).toBe(id);
    expect(id).toMatch(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
  });
});

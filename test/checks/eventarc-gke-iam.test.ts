import { expect } from 'vitest';
import eventarcGkeIam from '../../checks/eventarc-gke-iam.js';
import type { EventarcTrigger, IamPolicy, Project } from '../../src/state/gcp-types.js';
import { testCheck } from '../support/check-tester.js';
import { clusterState } from '../support/state.js';

const PROJECT: Project = { projectId: 'p', projectNumber: '42', createTime: '2022-01-01T00:00:00Z' };
const OLD_PROJECT: Project = { ...PROJECT, createTime: '2020-06-01T00:00:00Z' };
const AGENT = 'serviceAccount:service-42@gcp-sa-eventarc.iam.gserviceaccount.com';
const PUBSUB_AGENT = 'serviceAccount:service-42@gcp-sa-pubsub.iam.gserviceaccount.com';
const SA = 'sa@p.iam.gserviceaccount.com';

function trigger(name: string, overrides: Partial<EventarcTrigger> = {}): EventarcTrigger {
  return {
    name: `projects/p/locations/us-central1/triggers/${name}`,
    serviceAccount: SA,
    eventFilters: [{ attribute: 'type', value: 'google.cloud.storage.object.v1.finalized' }, { attribute: 'bucket', value: 'b' }],
    destination: { gke: { cluster: 'c', location: 'us-central1', namespace: 'app', service: 'web', path: '/' } },
    ...overrides,
  };
}

const INITIALISED = ['roles/compute.viewer', 'roles/container.developer', 'roles/iam.serviceAccountAdmin'].map((role) => ({ role, members: [AGENT] }));
const TRIGGER_ROLES = ['roles/pubsub.subscriber', 'roles/monitoring.metricWriter', 'roles/eventarc.eventReceiver'].map((role) => ({ role, members: [`serviceAccount:${SA}`] }));

// The Cloud Storage agent publishes direct storage events (its own rule, in test/checks/eventarc-fixtures.test.ts): granted here.
const STORAGE_AGENT = 'serviceAccount:service-42@gs-project-accounts.iam.gserviceaccount.com';
const state = (triggers: EventarcTrigger[], bindings: IamPolicy['bindings'], project: Project = PROJECT) =>
  clusterState({ project, iamPolicy: { version: 3, bindings: [...(bindings ?? []), { role: 'roles/pubsub.publisher', members: [STORAGE_AGENT] }] }, eventarcTriggers: triggers });
const PUBSUB_TRIGGER = { eventFilters: [{ attribute: 'type', value: 'google.cloud.pubsub.topic.v1.messagePublished' }] };
const TRIGGER_T = 'projects/p/locations/us-central1/triggers/t';
const SA_MEMBER = `serviceAccount:${SA}`;

/** A trigger account missing `roles`: one finding, and one grant command per role. */
function accountMissing(name: string, triggers: EventarcTrigger[], roles: string[], messageId = 'accountMissing') {
  return {
    name: `trigger service account: ${name}`,
    state: state(triggers, INITIALISED),
    findings: [{ messageId, resource: SA_MEMBER, severity: 'error' as const }],
    then: ({ findings: [finding] }: { findings: { evidence: Record<string, unknown>; fix: { commands: string[] } | null }[] }) => {
      expect(finding!.evidence.roles).toEqual(roles);
      expect(finding!.fix!.commands).toEqual(roles.map((role) => `gcloud projects add-iam-policy-binding p --member=${SA_MEMBER} --role=${role}`));
    },
  };
}

const pubsubAgentFinding = (messageId = 'pubsubAgent') => ({ messageId, resource: PUBSUB_AGENT, severity: 'warning' as const });

testCheck(eventarcGkeIam, {
  valid: [
    {
      name: 'not applicable without GKE triggers',
      state: state([trigger('run', { destination: { cloudRun: { service: 's', region: 'us-central1' } } })], []),
      examined: [],
    },
    {
      name: 'examines triggers into any cluster, and the principals',
      state: state([trigger('elsewhere', { destination: { gke: { cluster: 'other', location: 'europe-west1', namespace: 'x', service: 'y' } } })], [...INITIALISED, ...TRIGGER_ROLES]),
      examined: ['projects/p/locations/us-central1/triggers/elsewhere', AGENT, STORAGE_AGENT, SA_MEMBER],
    },
    { name: 'Pub/Sub service agent: a project from 2022 does not need the rule', state: state([trigger('t')], [...INITIALISED, ...TRIGGER_ROLES]) },
    {
      name: 'Pub/Sub service agent: a project from 2020 with roles/pubsub.serviceAgent passes',
      state: state([trigger('t')], [...INITIALISED, ...TRIGGER_ROLES, { role: 'roles/pubsub.serviceAgent', members: [PUBSUB_AGENT] }], OLD_PROJECT),
    },
    {
      name: 'Pub/Sub service agent: a project from 2020 with roles/iam.serviceAccountTokenCreator passes',
      state: state([trigger('t')], [...INITIALISED, ...TRIGGER_ROLES, { role: 'roles/iam.serviceAccountTokenCreator', members: [PUBSUB_AGENT] }], OLD_PROJECT),
    },
  ],
  invalid: [
    {
      name: 'names the Eventarc agent, what gke-destinations init grants, and a command and Terraform block per missing role',
      state: state([trigger('t')], [...TRIGGER_ROLES, { role: 'roles/compute.viewer', members: [AGENT] }]),
      findings: [{ messageId: 'agentMissing', resource: AGENT, severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.evidence.roles).toEqual(['roles/container.developer', 'roles/iam.serviceAccountAdmin']);
        expect(finding!.message).toContain('- roles/container.developer is not granted directly');
        expect(finding!.fix!.commands).toEqual([
          '# Either initialise GKE destinations (grants all three roles to the Eventarc service agent):',
          'gcloud eventarc gke-destinations init --project=p',
          '# or grant the missing roles one by one:',
          `gcloud projects add-iam-policy-binding p --member=${AGENT} --role=roles/container.developer`,
          `gcloud projects add-iam-policy-binding p --member=${AGENT} --role=roles/iam.serviceAccountAdmin`,
        ]);
        expect(finding!.fix!.terraform).toContain(
          `resource "google_project_iam_member" "eventarc_agent_container_developer" {\n  project = "p"\n  role    = "roles/container.developer"\n  member  = "${AGENT}"\n}`,
        );
      },
    },
    accountMissing('a storage trigger needs roles/eventarc.eventReceiver', [trigger('t')], ['roles/pubsub.subscriber', 'roles/monitoring.metricWriter', 'roles/eventarc.eventReceiver']),
    accountMissing('a direct Pub/Sub trigger does not', [trigger('t', PUBSUB_TRIGGER)], ['roles/pubsub.subscriber', 'roles/monitoring.metricWriter']),
    accountMissing(
      'one account shared by both needs it once',
      [trigger('a', PUBSUB_TRIGGER), trigger('b')],
      ['roles/pubsub.subscriber', 'roles/monitoring.metricWriter', 'roles/eventarc.eventReceiver'],
      'sharedAccountMissing',
    ),
    {
      name: 'splits not granted (error) from conditional (warning), and adds --condition=None on a policy with conditions',
      state: state(
        [trigger('t')],
        [
          ...INITIALISED,
          { role: 'roles/pubsub.subscriber', members: [SA_MEMBER], condition: { title: 'weekdays', expression: 'request.time.getDayOfWeek() < 5' } },
          { role: 'roles/eventarc.eventReceiver', members: [SA_MEMBER] },
        ],
      ),
      findings: [
        { messageId: 'accountMissing', resource: SA_MEMBER, severity: 'error' },
        { messageId: 'accountUncertain', resource: SA_MEMBER, severity: 'warning' },
      ],
      then: ({ findings }) => {
        expect(findings.map((finding) => finding.evidence.roles)).toEqual([['roles/monitoring.metricWriter'], ['roles/pubsub.subscriber']]);
        expect(findings[1]!.message).toContain('granted only under IAM condition "weekdays"');
        expect(findings[1]!.fix!.commands[0]).toMatch(/--role=roles\/pubsub\.subscriber --condition=None$/);
      },
    },
    {
      name: 'a trigger without a service account is an error',
      state: state([trigger('t', { serviceAccount: undefined })], INITIALISED),
      findings: [{ messageId: 'noServiceAccount', resource: TRIGGER_T, severity: 'error' }],
    },
    {
      name: 'Pub/Sub service agent: a project from 2020 without either role warns',
      state: state([trigger('t')], [...INITIALISED, ...TRIGGER_ROLES], OLD_PROJECT),
      findings: [pubsubAgentFinding()],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('before 2021-04-08 (this project: 2020-06-01T00:00:00Z)');
        expect(finding!.fix!.commands).toEqual([`gcloud projects add-iam-policy-binding p --member=${PUBSUB_AGENT} --role=roles/iam.serviceAccountTokenCreator`]);
      },
    },
    {
      name: 'Pub/Sub service agent: a project without createTime warns',
      state: state([trigger('t')], [...INITIALISED, ...TRIGGER_ROLES], { projectId: 'p', projectNumber: '42' }),
      findings: [pubsubAgentFinding('pubsubAgentNoCreateTime')],
    },
    {
      name: 'without a projectNumber the service agents cannot be named: a warning, and the trigger account is still checked',
      state: state([trigger('t')], [], { projectId: 'p' } as Project),
      findings: [
        { messageId: 'noProjectNumber', resource: 'projects/p', severity: 'warning' },
        { messageId: 'accountMissing', resource: SA_MEMBER, severity: 'error' },
      ],
    },
  ],
});

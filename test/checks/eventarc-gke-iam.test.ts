import { describe, expect, it } from 'vitest';
import eventarcGkeIam from '../../checks/eventarc-gke-iam.js';
import type { CheckResult } from '../../src/engine/check.js';
import type { EventarcTrigger, IamPolicy, Project } from '../../src/state/gcp-types.js';
import { clusterState, runCheck } from '../support/state.js';

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

function run(triggers: EventarcTrigger[], bindings: IamPolicy['bindings'], project: Project = PROJECT): CheckResult {
  return runCheck(eventarcGkeIam, clusterState({ project, iamPolicy: { version: 3, bindings }, eventarcTriggers: triggers })) as CheckResult;
}

describe('eventarc-gke-iam, finding by finding', () => {
  it('is not applicable without GKE triggers', () => {
    const result = run([trigger('run', { destination: { cloudRun: { service: 's', region: 'us-central1' } } })], []);
    expect(result).toEqual({ examined: [], findings: [] });
  });

  it('names the Eventarc agent, what gke-destinations init grants, and a command and Terraform block per missing role', () => {
    const [finding, ...rest] = run([trigger('t')], [...TRIGGER_ROLES, { role: 'roles/compute.viewer', members: [AGENT] }]).findings;
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'error', resource: AGENT, evidence: { roles: ['roles/container.developer', 'roles/iam.serviceAccountAdmin'] } });
    expect(finding!.message).toContain('- roles/container.developer is not granted directly');
    expect(finding!.fix!.summary).toContain('`gcloud eventarc gke-destinations init` grants the Eventarc service agent exactly roles/compute.viewer, roles/container.developer and roles/iam.serviceAccountAdmin');
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
  });

  it.each([
    ['a storage trigger needs roles/eventarc.eventReceiver', [trigger('t')], ['roles/pubsub.subscriber', 'roles/monitoring.metricWriter', 'roles/eventarc.eventReceiver']],
    [
      'a direct Pub/Sub trigger does not',
      [trigger('t', { eventFilters: [{ attribute: 'type', value: 'google.cloud.pubsub.topic.v1.messagePublished' }] })],
      ['roles/pubsub.subscriber', 'roles/monitoring.metricWriter'],
    ],
    [
      'one account shared by both needs it once',
      [trigger('a', { eventFilters: [{ attribute: 'type', value: 'google.cloud.pubsub.topic.v1.messagePublished' }] }), trigger('b')],
      ['roles/pubsub.subscriber', 'roles/monitoring.metricWriter', 'roles/eventarc.eventReceiver'],
    ],
  ])('trigger service account: %s', (_name, triggers, roles) => {
    const findings = run(triggers, INITIALISED).findings;
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'error', resource: `serviceAccount:${SA}`, evidence: { roles } });
    expect(findings[0]!.fix!.commands).toEqual(roles.map((role) => `gcloud projects add-iam-policy-binding p --member=serviceAccount:${SA} --role=${role}`));
  });

  it('splits not granted (error) from conditional (warning), and adds --condition=None on a policy with conditions', () => {
    const bindings = [
      ...INITIALISED,
      { role: 'roles/pubsub.subscriber', members: [`serviceAccount:${SA}`], condition: { title: 'weekdays', expression: 'request.time.getDayOfWeek() < 5' } },
      { role: 'roles/eventarc.eventReceiver', members: [`serviceAccount:${SA}`] },
    ];
    const findings = run([trigger('t')], bindings).findings;
    expect(findings.map((finding) => [finding.severity, finding.evidence.roles])).toEqual([
      ['error', ['roles/monitoring.metricWriter']],
      ['warning', ['roles/pubsub.subscriber']],
    ]);
    expect(findings[1]!.message).toContain('granted only under IAM condition "weekdays"');
    expect(findings[1]!.fix!.commands[0]).toMatch(/--role=roles\/pubsub\.subscriber --condition=None$/);
  });

  it('a trigger without a service account is an error', () => {
    const findings = run([trigger('t', { serviceAccount: undefined })], INITIALISED).findings;
    expect(findings).toMatchObject([{ severity: 'error', resource: 'projects/p/locations/us-central1/triggers/t' }]);
  });

  it.each([
    ['a project from 2022 does not need the Pub/Sub agent rule', PROJECT, [], []],
    ['a project from 2020 without either role warns', OLD_PROJECT, [], [PUBSUB_AGENT]],
    ['a project from 2020 with roles/pubsub.serviceAgent passes', OLD_PROJECT, [{ role: 'roles/pubsub.serviceAgent', members: [PUBSUB_AGENT] }], []],
    ['a project from 2020 with roles/iam.serviceAccountTokenCreator passes', OLD_PROJECT, [{ role: 'roles/iam.serviceAccountTokenCreator', members: [PUBSUB_AGENT] }], []],
    ['a project without createTime warns', { projectId: 'p', projectNumber: '42' }, [], [PUBSUB_AGENT]],
  ])('Pub/Sub service agent: %s', (_name, project, bindings, resources) => {
    const findings = run([trigger('t')], [...INITIALISED, ...TRIGGER_ROLES, ...bindings], project).findings;
    expect(findings.map((finding) => [finding.severity, finding.resource])).toEqual(resources.map((resource) => ['warning', resource]));
    if (resources.length > 0) {
      expect(findings[0]!.message).toContain('before 2021-04-08');
      expect(findings[0]!.fix!.commands).toEqual([`gcloud projects add-iam-policy-binding p --member=${PUBSUB_AGENT} --role=roles/iam.serviceAccountTokenCreator`]);
    }
  });

  it('without a projectNumber the service agents cannot be named: a warning, and the trigger account is still checked', () => {
    const findings = run([trigger('t')], [], { projectId: 'p' } as Project).findings;
    expect(findings.map((finding) => [finding.severity, finding.resource])).toEqual([
      ['warning', 'projects/p'],
      ['error', `serviceAccount:${SA}`],
    ]);
  });

  it('examines triggers into any cluster, and the principals', () => {
    const other = trigger('elsewhere', { destination: { gke: { cluster: 'other', location: 'europe-west1', namespace: 'x', service: 'y' } } });
    const result = run([other], [...INITIALISED, ...TRIGGER_ROLES]);
    expect(result.findings).toEqual([]);
    expect(result.examined).toEqual(['projects/p/locations/us-central1/triggers/elsewhere', AGENT, `serviceAccount:${SA}`]);
  });
});

import { describe, expect, it } from 'vitest';
import eventarcGkeTrigger from '../../checks/eventarc-gke-trigger.js';
import type { CheckResult } from '../../src/engine/check.js';
import type { DataKey } from '../../src/state/cluster-state.js';
import type { Cluster, EventarcTrigger } from '../../src/state/gcp-types.js';
import type { KubeObject } from '../../src/state/kubernetes-types.js';
import { clusterState, runCheck } from '../support/state.js';

const CLUSTER: Cluster = { name: 'c', location: 'us-central1', workloadIdentityConfig: { workloadPool: 'p.svc.id.goog' } };
const NAME = 'projects/p/locations/us-central1/triggers/t';

function trigger(overrides: Partial<EventarcTrigger> = {}, gke: Partial<NonNullable<NonNullable<EventarcTrigger['destination']>['gke']>> = {}): EventarcTrigger {
  return {
    name: NAME,
    serviceAccount: 'sa@p.iam.gserviceaccount.com',
    eventFilters: [{ attribute: 'type', value: 'google.cloud.pubsub.topic.v1.messagePublished' }],
    destination: { gke: { cluster: 'c', location: 'us-central1', namespace: 'app', service: 'web', ...gke } },
    ...overrides,
  };
}

const namespace = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const service = (selector?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'app' }, spec: { selector } });
const pod = (name: string, labels: Record<string, string>, ready: 'True' | 'False', extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'app', labels, ...extra },
  status: { conditions: [{ type: 'Ready', status: ready }] },
});
const HEALTHY = [namespace('app'), service({ app: 'web' }), pod('web-1', { app: 'web' }, 'True')];

function run(triggers: EventarcTrigger[], objects: KubeObject[] = HEALTHY, cluster: Cluster | null = CLUSTER, unavailable: [DataKey, string][] = []): CheckResult {
  return runCheck(
    eventarcGkeTrigger,
    clusterState({ project: { projectId: 'p', projectNumber: '42' }, cluster: cluster ?? undefined, eventarcTriggers: triggers }, objects, unavailable),
  ) as CheckResult;
}

const summary = (result: CheckResult) => result.findings.map((finding) => [finding.severity, finding.resource]);

describe('eventarc-gke-trigger, finding by finding', () => {
  it('a healthy trigger passes', () => {
    expect(run([trigger()])).toEqual({ examined: [NAME], findings: [] });
  });

  it('ignores triggers into other clusters (eventarc-gke-iam examines them)', () => {
    const result = run([trigger({}, { cluster: 'other' }), trigger({ name: 'projects/p/locations/europe-west1/triggers/u' }, { location: 'europe-west1' })], []);
    expect(result).toEqual({ examined: [], findings: [] });
  });

  it('reports each condition of a FAILED trigger with its code and message', () => {
    const conditions = { destination: { code: 'PERMISSION_DENIED', message: 'denied' }, transport: { code: 'NOT_FOUND', message: 'no topic' } };
    const result = run([trigger({ conditions })]);
    expect(summary(result)).toEqual([['error', NAME]]);
    expect(result.findings[0]!.message).toBe('Trigger t reports why it is FAILED:\n- destination: PERMISSION_DENIED: denied\n- transport: NOT_FOUND: no topic');
  });

  it.each<[string, KubeObject[], [string, string][], RegExp | null]>([
    ['namespace missing', [namespace('other')], [['error', NAME]], /namespace app does not exist/],
    ['Service missing', [namespace('app')], [['error', NAME]], /Service app\/web, which does not exist/],
    ['no Pod at all', [namespace('app'), service({ app: 'web' })], [['warning', 'Service/app/web']], /but no Pod matches its selector app=web: events will fail/],
    ['only an unready Pod', [namespace('app'), service({ app: 'web' }), pod('web-1', { app: 'web' }, 'False')], [['warning', 'Service/app/web']], /but its selector app=web matches 1 Pod, and none is ready: /],
    [
      'a ready Pod that is being deleted',
      [namespace('app'), service({ app: 'web' }), pod('web-1', { app: 'web' }, 'True', { deletionTimestamp: '2024-01-14T00:00:00Z' })],
      [['warning', 'Service/app/web']],
      null,
    ],
    ['a ready Pod that the selector does not match', [namespace('app'), service({ app: 'web', tier: 'api' }), pod('web-1', { app: 'web' }, 'True')], [['warning', 'Service/app/web']], null],
    ['a Service without a selector (hand-made endpoints) is not judged', [namespace('app'), service()], [], null],
  ])('destination: %s', (_name, objects, expected, message) => {
    const result = run([trigger()], objects);
    expect(summary(result)).toEqual(expected);
    if (message) expect(result.findings[0]!.message).toMatch(message);
  });

  it.each<[string, DataKey[], KubeObject[], DataKey]>([
    ['no Kubernetes object', ['Namespace', 'Service', 'Pod'], [], 'Service'],
    ['no Pod', ['Pod'], [namespace('app'), service({ app: 'web' })], 'Pod'],
  ])('does not judge the destination when %s could be read, and says so', (_name, keys, objects, named) => {
    const unavailable: [DataKey, string][] = keys.map((key) => [key, `cannot list ${key} objects: ECONNREFUSED`]);
    const result = run([trigger()], objects, CLUSTER, unavailable);
    expect(summary(result)).toEqual([['info', NAME]]);
    expect(result.findings[0]!.message).toBe(`The destination of trigger t (Service app/web) was not checked: cannot list ${named} objects: ECONNREFUSED`);
  });

  it('says the destination was not checked when the cluster could not be read', () => {
    const result = run([trigger()], HEALTHY, null, [['cluster', 'cannot read the cluster (container.googleapis.com): not found']]);
    expect(summary(result)).toEqual([['info', NAME]]);
    expect(result.findings[0]!.message).toBe('The destination of trigger t (Service app/web) was not checked: cannot read the cluster (container.googleapis.com): not found');
  });

  it('Workload Identity off: one error for the cluster, with the gcloud command and Terraform', () => {
    const result = run([trigger(), trigger({ name: 'projects/p/locations/us-central1/triggers/u' })], HEALTHY, { name: 'c', location: 'us-central1' });
    expect(summary(result)).toEqual([['error', 'projects/p/locations/us-central1/clusters/c']]);
    expect(result.findings[0]!.message).toContain('trigger t, trigger u deliver into');
    expect(result.findings[0]!.fix!.commands).toEqual(['gcloud container clusters update c --location us-central1 --workload-pool=p.svc.id.goog']);
    expect(result.findings[0]!.fix!.terraform).toContain('workload_identity_config {\n    workload_pool = "p.svc.id.goog"\n  }');
  });

  it('warns when the trigger runs as the Compute Engine default service account', () => {
    const result = run([trigger({ serviceAccount: '42-compute@developer.gserviceaccount.com' })]);
    expect(summary(result)).toEqual([['warning', NAME]]);
    expect(result.findings[0]!.message).toContain('Compute Engine default service account 42-compute@developer.gserviceaccount.com');
  });

  it('switches a trigger off the Compute Engine default account in place: gcloud eventarc triggers update --service-account, Terraform service_account', () => {
    const fix = run([trigger({ serviceAccount: '42-compute@developer.gserviceaccount.com', eventFilters: [{ attribute: 'type', value: 'google.cloud.audit.log.v1.written' }] })]).findings[0]!.fix!;
    const account = 't-events@p.iam.gserviceaccount.com';
    expect(fix.summary).not.toMatch(/recreate/);
    expect(fix.commands).toEqual([
      'gcloud iam service-accounts create t-events --project=p --display-name="Eventarc trigger t"',
      `gcloud projects add-iam-policy-binding p --member=serviceAccount:${account} --role=roles/pubsub.subscriber`,
      `gcloud projects add-iam-policy-binding p --member=serviceAccount:${account} --role=roles/monitoring.metricWriter`,
      `gcloud projects add-iam-policy-binding p --member=serviceAccount:${account} --role=roles/eventarc.eventReceiver`,
      `gcloud eventarc triggers update t --location=us-central1 --project=p --service-account=${account}`,
    ]);
    expect(fix.terraform).toBe(['resource "google_eventarc_trigger" "…" {', `  service_account = "${account}"`, '}'].join('\n'));
  });

  it('a direct Pub/Sub trigger gets no roles/eventarc.eventReceiver for its new account', () => {
    const fix = run([trigger({ serviceAccount: '42-compute@developer.gserviceaccount.com' })]).findings[0]!.fix!;
    expect(fix.commands.filter((command) => command.includes('add-iam-policy-binding')).map((command) => command.split('--role=')[1])).toEqual(['roles/pubsub.subscriber', 'roles/monitoring.metricWriter']);
  });

  it('without cluster.json still reports conditions and the default service account, but not the destination', () => {
    const result = run([trigger({ serviceAccount: '42-compute@developer.gserviceaccount.com', conditions: { x: { code: 'INTERNAL', message: 'm' } } })], [], null);
    expect(summary(result)).toEqual([
      ['error', NAME],
      ['warning', NAME],
    ]);
  });

  describe('values a Terraform plan knows only after apply', () => {
    const CLUSTER_NAME = 'projects/p/locations/us-central1/clusters/c';
    function planned(triggers: EventarcTrigger[], unknown: [string, string[]][], cluster: Cluster = CLUSTER, objects: KubeObject[] = []): CheckResult {
      const state = clusterState({ project: { projectId: 'p', projectNumber: '42' }, cluster, eventarcTriggers: triggers }, objects);
      const addresses: [string, string][] = [[NAME, 'google_eventarc_trigger.t'], [CLUSTER_NAME, 'google_container_cluster.c']];
      return runCheck(eventarcGkeTrigger, {
        ...state,
        unknownUntilApply: new Map(unknown),
        locations: new Map(addresses.map(([resource, address]) => [resource, { file: 'plan.json', address }])),
      }) as CheckResult;
    }

    it.each<[string, EventarcTrigger, [string, string[]][], Cluster, KubeObject[], RegExp]>([
      [
        'destination cluster',
        trigger({}, { cluster: '' }),
        [[NAME, ['destination.gke.cluster']]],
        CLUSTER,
        [],
        /^Whether trigger t delivers into cluster c cannot be decided before apply: destination\.gke\.cluster of projects\/p\/locations\/us-central1\/triggers\/t \(google_eventarc_trigger\.t\) is known only after apply\.$/,
      ],
      ['destination namespace', trigger({}, { namespace: '' }), [[NAME, ['destination.gke.namespace']]], CLUSTER, [namespace('other')], /destination\.gke\.namespace of .* \(google_eventarc_trigger\.t\) is known only after apply/],
      ['service account', trigger({ serviceAccount: undefined }), [[NAME, ['serviceAccount']]], CLUSTER, HEALTHY, /runs as the Compute Engine default service account cannot be decided before apply: serviceAccount of .* \(google_eventarc_trigger\.t\)/],
      [
        'workload pool',
        trigger(),
        [[CLUSTER_NAME, ['workloadIdentityConfig.workloadPool']]],
        { name: 'c', location: 'us-central1' },
        HEALTHY,
        /^Whether Workload Identity will be on in cluster c, .* cannot be decided before apply: workloadIdentityConfig\.workloadPool of .*clusters\/c \(google_container_cluster\.c\) is known only after apply\.$/,
      ],
    ])('%s: one warning, never a guess', (_name, planTrigger, unknown, cluster, objects, message) => {
      const result = planned([planTrigger], unknown, cluster, objects);
      expect(result.findings.map((finding) => finding.severity)).toEqual(['warning']);
      expect(result.findings[0]!.message).toMatch(message);
      expect(result.examined).toEqual([NAME]);
    });
  });
});

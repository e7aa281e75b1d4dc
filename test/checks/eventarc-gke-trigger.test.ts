import { expect } from 'vitest';
import eventarcGkeTrigger from '../../checks/eventarc-gke-trigger.js';
import type { Severity } from '../../src/engine/check.js';
import type { ClusterState, DataKey } from '../../src/state/cluster-state.js';
import type { Cluster, EventarcTrigger } from '../../src/state/gcp-types.js';
import type { KubeObject } from '../../src/state/kubernetes-types.js';
import type { InvalidCase } from '../support/check-tester.js';
import { testCheck } from '../support/check-tester.js';
import { clusterState } from '../support/state.js';

const pool = (name: string, mode?: string) => ({ name, config: mode ? { workloadMetadataConfig: { mode } } : {} });
const CLUSTER: Cluster = { name: 'c', location: 'us-central1', workloadIdentityConfig: { workloadPool: 'p.svc.id.goog' }, nodePools: [pool('default-pool', 'GKE_METADATA')] };
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

function state(triggers: EventarcTrigger[], objects: KubeObject[] = HEALTHY, cluster: Cluster | null = CLUSTER, unavailable: [DataKey, string][] = []): ClusterState {
  return clusterState({ project: { projectId: 'p', projectNumber: '42' }, cluster: cluster ?? undefined, eventarcTriggers: triggers }, objects, unavailable);
}

const CLUSTER_NAME = 'projects/p/locations/us-central1/clusters/c';
const COMPUTE_DEFAULT = '42-compute@developer.gserviceaccount.com';
const at = (messageId: string, severity: Severity, resource = NAME) => ({ messageId, resource, severity });

/** A plan that knows `unknown` only after apply: one warning naming the field and the plan's address, never a guess. */
function planned(name: string, planTrigger: EventarcTrigger, unknown: [string, string[]][], cluster: Cluster, objects: KubeObject[], messageId: string, resource: string, message: RegExp): InvalidCase {
  const addresses: [string, string][] = [[NAME, 'google_eventarc_trigger.t'], [CLUSTER_NAME, 'google_container_cluster.c']];
  return {
    name: `known only after apply: ${name}`,
    state: {
      ...state([planTrigger], objects, cluster),
      unknownUntilApply: new Map(unknown),
      locations: new Map(addresses.map(([resource, address]) => [resource, { file: 'plan.json', address }])),
    },
    examined: [NAME],
    findings: [at(messageId, 'warning', resource)],
    then: ({ findings: [finding] }) => expect(finding!.message).toMatch(message),
  };
}

/** Kubernetes objects that could not be read: never a pass, but incomplete, naming what was not read. */
function unread(name: string, keys: DataKey[], objects: KubeObject[], named: DataKey): InvalidCase {
  const said = `The destination of trigger t (Service app/web) was not checked: cannot list ${named} objects: ECONNREFUSED`;
  return {
    name: `is incomplete when ${name} could be read, and says what was not read`,
    state: state([trigger()], objects, CLUSTER, keys.map((key) => [key, `cannot list ${key} objects: ECONNREFUSED`])),
    findings: [at('destinationUnread', 'info')],
    status: 'incomplete',
    then: ({ findings: [finding], reason }) => {
      expect(finding!.message).toBe(said);
      expect(reason).toBe(said);
    },
  };
}

const destination = (name: string, objects: KubeObject[], messageId: string, severity: Severity, resource = NAME): InvalidCase => ({
  name: `destination: ${name}`,
  state: state([trigger()], objects),
  findings: [at(messageId, severity, resource)],
});

testCheck(eventarcGkeTrigger, {
  valid: [
    { name: 'a healthy trigger passes', state: state([trigger()]), examined: [NAME] },
    {
      name: 'ignores triggers into other clusters (eventarc-gke-iam examines them)',
      state: state([trigger({}, { cluster: 'other' }), trigger({ name: 'projects/p/locations/europe-west1/triggers/u' }, { location: 'europe-west1' })], []),
      examined: [],
    },
    { name: 'a Service without a selector (hand-made endpoints) is not judged', state: state([trigger()], [namespace('app'), service()]) },
    {
      name: 'node pools: Autopilot always runs the GKE metadata server',
      state: state([trigger()], HEALTHY, { ...CLUSTER, autopilot: { enabled: true }, nodePools: [pool('pool-1')] }),
    },
    {
      name: 'node pools: a tainted pool cannot run the forwarder',
      state: state([trigger()], HEALTHY, { ...CLUSTER, nodePools: [pool('default-pool', 'GKE_METADATA'), { ...pool('gpu', 'GCE_METADATA'), config: { workloadMetadataConfig: { mode: 'GCE_METADATA' }, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NO_SCHEDULE' }] } }] }),
    },
  ],
  invalid: [
    {
      name: 'reports each condition of a FAILED trigger with its code and message',
      state: state([trigger({ conditions: { destination: { code: 'PERMISSION_DENIED', message: 'denied' }, transport: { code: 'NOT_FOUND', message: 'no topic' } } })]),
      findings: [at('conditions', 'error')],
      then: ({ findings: [finding] }) =>
        expect(finding!.message).toBe('Trigger t reports why it is FAILED:\n- destination: PERMISSION_DENIED: denied\n- transport: NOT_FOUND: no topic'),
    },
    destination('namespace missing', [namespace('other')], 'missingNamespace', 'error'),
    destination('Service missing', [namespace('app')], 'missingService', 'error'),
    destination('no Pod at all', [namespace('app'), service({ app: 'web' })], 'noPodMatches', 'warning', 'Service/app/web'),
    destination('only an unready Pod', [namespace('app'), service({ app: 'web' }), pod('web-1', { app: 'web' }, 'False')], 'noPodReady', 'warning', 'Service/app/web'),
    destination(
      'two unready Pods',
      [namespace('app'), service({ app: 'web' }), pod('web-1', { app: 'web' }, 'False'), pod('web-2', { app: 'web' }, 'False')],
      'noPodsReady',
      'warning',
      'Service/app/web',
    ),
    destination(
      'a ready Pod that is being deleted',
      [namespace('app'), service({ app: 'web' }), pod('web-1', { app: 'web' }, 'True', { deletionTimestamp: '2024-01-14T00:00:00Z' })],
      'noPodReady',
      'warning',
      'Service/app/web',
    ),
    destination('a ready Pod that the selector does not match', [namespace('app'), service({ app: 'web', tier: 'api' }), pod('web-1', { app: 'web' }, 'True')], 'noPodMatches', 'warning', 'Service/app/web'),
    unread('no Kubernetes object', ['Namespace', 'Service', 'Pod'], [], 'Service'),
    unread('no Pod', ['Pod'], [namespace('app'), service({ app: 'web' })], 'Pod'),
    {
      name: 'a failing finding beside what was not read fails the check',
      state: state([trigger({ conditions: { transport: { code: 'NOT_FOUND', message: 'no topic' } } })], [namespace('app')], CLUSTER, [['Service', 'cannot list Service objects: ECONNREFUSED']]),
      findings: [at('conditions', 'error'), at('destinationUnread', 'info')],
    },
    {
      name: 'a preflight whose inputs hold no Kubernetes object: the destination is not judged, and nothing was left unread',
      state: {
        ...state([trigger()], [], CLUSTER, (['Namespace', 'Service', 'Pod'] as const).map((key) => [key, 'no Kubernetes objects were given'])),
        notInInputs: new Map((['Namespace', 'Service', 'Pod'] as const).map((key) => [key, `the inputs hold no ${key}`])),
      },
      findings: [at('destinationUnread', 'info')],
      status: 'passed',
    },
    {
      name: 'a condition whose code is OK is no failure; the others are reported',
      state: state([trigger({ conditions: { destination: { code: 'OK' }, transport: { code: 'PERMISSION_DENIED', message: 'denied' } } })]),
      findings: [at('conditions', 'error')],
      then: ({ findings: [finding] }) => expect(finding!.message).toBe('Trigger t reports why it is FAILED:\n- transport: PERMISSION_DENIED: denied'),
    },
    {
      name: 'node pools without the GKE metadata server: one error naming them, a command each and the Terraform',
      state: state([trigger()], HEALTHY, { ...CLUSTER, nodePools: [pool('default-pool', 'GKE_METADATA'), pool('batch', 'GCE_METADATA'), pool('legacy')] }),
      findings: [at('nodePoolsWithoutGkeMetadata', 'error', CLUSTER_NAME)],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('Node pools batch, legacy of cluster c do not use the GKE metadata server (config.workloadMetadataConfig.mode is GCE_METADATA, unset, not GKE_METADATA)');
        expect(finding!.fix!.commands).toEqual([
          'gcloud container node-pools update batch --cluster=c --location=us-central1 --workload-metadata=GKE_METADATA',
          'gcloud container node-pools update legacy --cluster=c --location=us-central1 --workload-metadata=GKE_METADATA',
        ]);
        expect(finding!.fix!.terraform).toContain('workload_metadata_config {\n      mode = "GKE_METADATA"');
      },
    },
    {
      name: 'a cluster whose data has no node pools (a hand-written cluster.json): one info note, never a silent pass',
      state: state([trigger()], HEALTHY, { ...CLUSTER, nodePools: undefined }),
      findings: [at('nodePoolsUnread', 'info', CLUSTER_NAME)],
      then: ({ findings: [finding] }) => expect(finding!.message).toMatch(/^The node pools of cluster c are not in the data, .* was not checked\.$/),
    },
    {
      name: 'the cluster could not be read: says the destination was not checked, and is incomplete, never passed',
      state: state([trigger()], HEALTHY, null, [['cluster', 'cannot read the cluster (container.googleapis.com): 500 injected']]),
      findings: [at('destinationUnread', 'info')],
      status: 'incomplete',
      then: (report) => expect(report.reason).toMatch(/was not checked: cannot read the cluster \(container\.googleapis\.com\): 500 injected$/),
    },
    {
      name: 'Workload Identity off: one error for the cluster, with the gcloud command and Terraform',
      state: state([trigger(), trigger({ name: 'projects/p/locations/us-central1/triggers/u' })], HEALTHY, { name: 'c', location: 'us-central1' }),
      findings: [at('workloadIdentityOffShared', 'error', CLUSTER_NAME)],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('trigger t, trigger u deliver into');
        expect(finding!.fix!.commands).toEqual(['gcloud container clusters update c --location us-central1 --workload-pool=p.svc.id.goog']);
        expect(finding!.fix!.terraform).toContain('workload_identity_config {\n    workload_pool = "p.svc.id.goog"\n  }');
      },
    },
    {
      name: 'Workload Identity off for one trigger',
      state: state([trigger()], HEALTHY, { name: 'c', location: 'us-central1' }),
      findings: [at('workloadIdentityOff', 'error', CLUSTER_NAME)],
    },
    {
      name: 'switches a trigger off the Compute Engine default account in place: gcloud eventarc triggers update --service-account, Terraform service_account',
      state: state([trigger({ serviceAccount: COMPUTE_DEFAULT, eventFilters: [{ attribute: 'type', value: 'google.cloud.audit.log.v1.written' }] })]),
      findings: [at('computeDefault', 'warning')],
      then: ({ findings: [finding] }) => {
        const fix = finding!.fix!;
        const account = 't-events@p.iam.gserviceaccount.com';
        expect(finding!.evidence).toEqual({ serviceAccount: COMPUTE_DEFAULT });
        expect(fix.commands).toEqual([
          'gcloud iam service-accounts create t-events --project=p --display-name="Eventarc trigger t"',
          `gcloud projects add-iam-policy-binding p --member=serviceAccount:${account} --role=roles/pubsub.subscriber`,
          `gcloud projects add-iam-policy-binding p --member=serviceAccount:${account} --role=roles/monitoring.metricWriter`,
          `gcloud projects add-iam-policy-binding p --member=serviceAccount:${account} --role=roles/eventarc.eventReceiver`,
          `gcloud eventarc triggers update t --location=us-central1 --project=p --service-account=${account}`,
        ]);
        expect(fix.terraform).toBe(['resource "google_eventarc_trigger" "…" {', `  service_account = "${account}"`, '}'].join('\n'));
      },
    },
    {
      name: 'a direct Pub/Sub trigger gets no roles/eventarc.eventReceiver for its new account',
      state: state([trigger({ serviceAccount: COMPUTE_DEFAULT })]),
      findings: [at('computeDefault', 'warning')],
      then: ({ findings: [finding] }) =>
        expect(finding!.fix!.commands.filter((command) => command.includes('add-iam-policy-binding')).map((command) => command.split('--role=')[1])).toEqual([
          'roles/pubsub.subscriber',
          'roles/monitoring.metricWriter',
        ]),
    },
    {
      name: 'without cluster.json still reports conditions and the default service account, but not the destination',
      state: state([trigger({ serviceAccount: COMPUTE_DEFAULT, conditions: { x: { code: 'INTERNAL', message: 'm' } } })], [], null),
      findings: [at('conditions', 'error'), at('computeDefault', 'warning')],
    },
    planned(
      'destination cluster',
      trigger({}, { cluster: '' }),
      [[NAME, ['destination.gke.cluster']]],
      CLUSTER,
      [],
      'undecidedCluster',
      NAME,
      /^Whether trigger t delivers into cluster c cannot be decided before apply: destination\.gke\.cluster of projects\/p\/locations\/us-central1\/triggers\/t \(google_eventarc_trigger\.t\) is known only after apply\.$/,
    ),
    planned(
      'destination namespace',
      trigger({}, { namespace: '' }),
      [[NAME, ['destination.gke.namespace']]],
      CLUSTER,
      [namespace('other')],
      'undecidedDestination',
      NAME,
      /destination\.gke\.namespace of .* \(google_eventarc_trigger\.t\) is known only after apply/,
    ),
    planned(
      'service account',
      trigger({ serviceAccount: undefined }),
      [[NAME, ['serviceAccount']]],
      CLUSTER,
      HEALTHY,
      'undecidedAccount',
      NAME,
      /runs as the Compute Engine default service account cannot be decided before apply: serviceAccount of .* \(google_eventarc_trigger\.t\)/,
    ),
    planned(
      'workload pool',
      trigger(),
      [[CLUSTER_NAME, ['workloadIdentityConfig.workloadPool']]],
      { name: 'c', location: 'us-central1' },
      HEALTHY,
      'undecidedWorkloadIdentity',
      CLUSTER_NAME,
      /^Whether Workload Identity will be on in cluster c, .* cannot be decided before apply: workloadIdentityConfig\.workloadPool of .*clusters\/c \(google_container_cluster\.c\) is known only after apply\.$/,
    ),
    planned(
      'the cluster of a node pool',
      trigger(),
      [[CLUSTER_NAME, ['nodePools']]],
      { ...CLUSTER, nodePools: undefined },
      HEALTHY,
      'undecidedNodePools',
      CLUSTER_NAME,
      /^Whether the node pools of cluster c will run the GKE metadata server, .* cannot be decided before apply: nodePools of .*clusters\/c \(google_container_cluster\.c\) is known only after apply\.$/,
    ),
  ],
});

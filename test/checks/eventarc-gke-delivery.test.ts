import { expect } from 'vitest';
import eventarcGkeDelivery from '../../checks/eventarc-gke-delivery.js';
import type { Severity } from '../../src/engine/check.js';
import type { ClusterState, DataKey } from '../../src/state/cluster-state.js';
import type { Cluster, EventarcTrigger, IamPolicy } from '../../src/state/gcp-types.js';
import { testCheck } from '../support/check-tester.js';
import { clusterState } from '../support/state.js';

const NAME = 'projects/p/locations/us-central1/triggers/t';
const CLUSTER: Cluster = { name: 'c', location: 'us-central1' };

function auditTrigger(service: string, method: string, operator?: string): EventarcTrigger {
  return {
    name: NAME,
    serviceAccount: 'sa@p.iam.gserviceaccount.com',
    eventFilters: [
      { attribute: 'type', value: 'google.cloud.audit.log.v1.written' },
      { attribute: 'serviceName', value: service },
      { attribute: 'methodName', value: method, ...(operator ? { operator } : {}) },
    ],
    destination: { gke: { cluster: 'c', location: 'us-central1', namespace: 'app', service: 'web' } },
  };
}

const policy = (auditConfigs: IamPolicy['auditConfigs'] = []): IamPolicy => ({ bindings: [], auditConfigs, etag: 'BwX=' });
const storageWrite = auditTrigger('storage.googleapis.com', 'storage.objects.create');

function state(triggers: EventarcTrigger[], iamPolicy: IamPolicy | undefined, cluster: Cluster = CLUSTER, unavailable: [DataKey, string][] = []): ClusterState {
  return clusterState({ project: { projectId: 'p', projectNumber: '42' }, cluster, eventarcTriggers: triggers, ...(iamPolicy ? { iamPolicy } : {}) }, [], unavailable);
}
const at = (messageId: string, severity: Severity) => ({ messageId, resource: NAME, severity });

testCheck(eventarcGkeDelivery, {
  valid: [
    'eventarc-audit-log-data-access-on',
    // Private nodes behind a public endpoint: the documented supported case.
    'eventarc-initialised',
    { name: 'Admin Activity logs are always written', state: state([auditTrigger('storage.googleapis.com', 'storage.buckets.create')], policy()) },
    { name: 'DATA_WRITE enabled for allServices', state: state([storageWrite], policy([{ service: 'allServices', auditLogConfigs: [{ logType: 'DATA_WRITE' }] }])) },
    {
      name: 'a method no source here decides, with every Data Access type on',
      state: state([auditTrigger('compute.googleapis.com', 'v1.compute.instances.insert')], policy([{ service: 'compute.googleapis.com', auditLogConfigs: [{ logType: 'ADMIN_READ' }, { logType: 'DATA_READ' }, { logType: 'DATA_WRITE' }] }])),
    },
    { name: 'a direct event needs no audit log', state: state([{ ...storageWrite, eventFilters: [{ attribute: 'type', value: 'google.cloud.storage.object.v1.finalized' }] }], policy()) },
    { name: 'no trigger into this cluster', state: state([], policy()), examined: [] },
  ],
  invalid: [
    {
      fixture: 'eventarc-audit-log-data-access-off',
      findings: [{ messageId: 'dataAccessLogsOff', resource: 'projects/acme-orders-prod/locations/us-central1/triggers/orders-uploads-audit', severity: 'warning' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('DATA_WRITE');
        expect(finding!.message).toContain('storage.googleapis.com');
        expect(finding!.fix?.commands).toEqual([
          'gcloud projects get-iam-policy acme-orders-prod --format=yaml > policy.yaml',
          '# In policy.yaml, under auditConfigs (add the key if it is absent), add:',
          '# - service: storage.googleapis.com',
          '#   auditLogConfigs:',
          '#   - logType: DATA_WRITE',
          'gcloud projects set-iam-policy acme-orders-prod policy.yaml',
        ]);
        expect(finding!.fix?.terraform).toContain('resource "google_project_iam_audit_config" "storage_data_access"');
      },
    },
    {
      name: 'DATA_READ on for the service is not DATA_WRITE; the Terraform keeps what the service has',
      state: state([storageWrite], policy([{ service: 'storage.googleapis.com', auditLogConfigs: [{ logType: 'DATA_READ', exemptedMembers: ['user:ci@example.com'] }] }])),
      findings: [at('dataAccessLogsOff', 'warning')],
      then: ({ findings: [finding] }) => {
        expect(finding!.fix?.terraform).toBe(
          [
            'resource "google_project_iam_audit_config" "storage_data_access" {',
            '  project = "p"',
            '  service = "storage.googleapis.com"',
            '  audit_log_config {',
            '    log_type = "DATA_READ"',
            '    exempted_members = ["user:ci@example.com"]',
            '  }',
            '  audit_log_config {',
            '    log_type = "DATA_WRITE"',
            '  }',
            '}',
          ].join('\n'),
        );
      },
    },
    {
      name: 'exempted members never fire the trigger',
      state: state([storageWrite], policy([{ service: 'storage.googleapis.com', auditLogConfigs: [{ logType: 'DATA_WRITE', exemptedMembers: ['serviceAccount:loader@p.iam.gserviceaccount.com'] }] }])),
      findings: [at('exemptedMembers', 'info')],
    },
    {
      name: 'no source decides the method: said, not guessed',
      state: state([auditTrigger('compute.googleapis.com', 'v1.compute.instances.insert')], policy()),
      findings: [at('logTypeUndecided', 'info')],
      then: ({ findings: [finding] }) => expect(finding!.message).toContain('ADMIN_READ, DATA_READ, DATA_WRITE'),
    },
    {
      name: 'BigQuery: some Data Access logs are on by default, the docs do not say which',
      state: state([auditTrigger('bigquery.googleapis.com', 'jobservice.jobcompleted')], policy()),
      findings: [at('logTypeUndecided', 'info')],
      then: ({ findings: [finding] }) => expect(finding!.message).toContain('some BigQuery Data Access audit logs are written by default'),
    },
    {
      name: 'the policy could not be read: incomplete, never a pass',
      state: state([storageWrite], undefined, CLUSTER, [['iamPolicy', 'cannot read the project\'s IAM policy: permission resourcemanager.projects.getIamPolicy denied']]),
      findings: [at('auditConfigsUnread', 'info')],
      status: 'incomplete',
    },
    {
      fixture: 'eventarc-private-endpoint',
      findings: [{ messageId: 'privateEndpoint', resource: 'projects/acme-orders-prod/locations/us-central1/triggers/orders-uploads', severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('enablePublicEndpoint: false');
        expect(finding!.fix?.commands.join('\n')).toContain('--destination-http-endpoint-uri');
      },
    },
    {
      name: 'the newer field alone says there is no public endpoint',
      state: state([storageWrite], policy([{ service: 'storage.googleapis.com', auditLogConfigs: [{ logType: 'DATA_WRITE' }] }]), { ...CLUSTER, controlPlaneEndpointsConfig: { ipEndpointsConfig: { enabled: true, enablePublicEndpoint: false } } }),
      findings: [at('privateEndpoint', 'error')],
    },
    {
      name: 'only a DNS-based endpoint: the docs do not say',
      state: state([storageWrite], policy([{ service: 'storage.googleapis.com', auditLogConfigs: [{ logType: 'DATA_WRITE' }] }]), { ...CLUSTER, controlPlaneEndpointsConfig: { ipEndpointsConfig: { enabled: false } } }),
      findings: [at('dnsEndpointOnly', 'warning')],
    },
  ],
});

const ORDERS = 'projects/acme-orders-prod/locations/us-central1/triggers/orders-uploads';
const REQUESTS = 'projects/acme-orders-prod/locations/us-central1/triggers/orders-requests';

testCheck(eventarcGkeDelivery, {
  valid: ['eventarc-direct-pubsub', 'seed-eventarc-stuck-namespace'],
  invalid: [
    {
      fixture: 'eventarc-subscription-deleted',
      findings: [{ messageId: 'transportGone', resource: ORDERS, severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('projects/acme-orders-prod/subscriptions/eventarc-us-central1-orders-uploads-sub-318');
        expect(finding!.fix?.commands.join('\n')).toContain('gcloud eventarc triggers delete orders-uploads --project=acme-orders-prod --location=us-central1');
        expect(finding!.fix?.commands.join('\n')).not.toContain('pubsub topics create');
      },
    },
    {
      fixture: 'eventarc-topic-deleted',
      findings: [
        { messageId: 'subscriptionDetached', resource: REQUESTS, severity: 'error' },
        { messageId: 'transportGone', resource: REQUESTS, severity: 'error' },
      ],
      then: ({ findings: [finding] }) => expect(finding!.fix?.commands[0]).toBe('gcloud pubsub topics create orders-requests --project=acme-orders-prod'),
    },
    {
      name: 'the transport could not be read: incomplete, never a pass',
      state: state([{ ...storageWrite, eventFilters: [{ attribute: 'type', value: 'google.cloud.storage.object.v1.finalized' }], transport: { pubsub: { topic: 'projects/p/topics/t', subscription: 'projects/p/subscriptions/s' } } }], policy(), CLUSTER, [
        ['pubsubTopics', "cannot read the Eventarc triggers' Pub/Sub topics (pubsub.googleapis.com): permission pubsub.topics.get denied; roles/pubsub.viewer grants it"],
      ]),
      findings: [at('transportUnread', 'info')],
      status: 'incomplete',
    },
  ],
});

import { describe, expect, it } from 'vitest';
import eventarcGkeIam from '../../checks/eventarc-gke-iam.js';
import eventarcGkeTrigger from '../../checks/eventarc-gke-trigger.js';
import type { CheckReport } from '../../src/engine/report.js';
import { testCheck } from '../support/check-tester.js';
import { runPreflight } from '../support/preflight.js';

// Preflight runs (only --terraform-plan and --manifests): what the Eventarc checks say before apply.
const NO_TRIGGER_PLANS = ['preflight/argocd-cluster.tfplan.json', 'preflight/gateway-argocd-fix.tfplan.json', 'preflight/ingress-manifest-unknown.tfplan.json'];
const MANIFESTS = ['preflight/argocd-manifests'];
const PUBSUB_AGENT = 'serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com';
const JOBAPP_TRIGGER = 'projects/acme-jobs-prod/locations/asia-northeast1/triggers/jobapp-push';
const PROD_CLUSTER = 'projects/acme-jobs-prod/locations/asia-northeast1/clusters/prod-cluster';
const DESTINATION_UNREAD = { messageId: 'destinationUnread', resource: JOBAPP_TRIGGER, severity: 'info' as const };

const NOTHING_TO_JUDGE = 'the inputs hold no Eventarc trigger';
const notApplicable = (input: { plan?: string; manifests?: string[] }) => ({
  ...input,
  status: 'not-applicable' as const,
  examined: [],
  then: (report: CheckReport) => expect(report.reason).toBe(NOTHING_TO_JUDGE),
});

const noTrigger = [...NO_TRIGGER_PLANS.map((plan) => notApplicable({ plan })), notApplicable({ manifests: MANIFESTS }), ...NO_TRIGGER_PLANS.map((plan) => notApplicable({ plan, manifests: MANIFESTS }))];

testCheck(eventarcGkeIam, {
  valid: [
    ...noTrigger,
    // The twin: with a snapshot as base the project's createTime (2020-06-01) and the grants that exist decide it (the agent holds roles/pubsub.serviceAgent).
    { fixture: 'seed-eventarc-stuck-namespace', plan: 'preflight/eventarc-granted.tfplan.json' },
  ],
  invalid: [
    {
      // The plan grants the trigger's roles; the project it names has no createTime in a plan.
      plan: 'preflight/eventarc-granted.tfplan.json',
      findings: [{ messageId: 'pubsubAgentUndecided', resource: PUBSUB_AGENT, severity: 'warning' }],
      then: ({ findings: [finding] }) => expect(finding!.message).toMatch(/^Whether the Pub\/Sub service agent .* cannot be decided from the plan: /),
    },
  ],
});

testCheck(eventarcGkeTrigger, {
  valid: noTrigger,
  invalid: [
    {
      // No Kubernetes object is in the inputs: the destination is not judged, which is no failure to read.
      // Nor are the node pools: the plan has no google_container_node_pool and the cluster no node_pool.
      plan: 'preflight/eventarc-granted.tfplan.json',
      findings: [DESTINATION_UNREAD, { messageId: 'nodePoolsUnread', resource: PROD_CLUSTER, severity: 'info' }],
    },
    {
      // The twin with google_container_node_pool.primary in GCE_METADATA: the forwarder cannot act as its account there.
      plan: 'preflight/eventarc-node-pool-gce-metadata.tfplan.json',
      findings: [DESTINATION_UNREAD, { messageId: 'nodePoolWithoutGkeMetadata', resource: PROD_CLUSTER, severity: 'error' }],
      then: ({ findings: [, finding] }) => expect(finding!.message).toMatch(/^Node pool primary of cluster prod-cluster does not use the GKE metadata server \(config\.workloadMetadataConfig\.mode is GCE_METADATA/),
    },
    // Its passing twin: the pool in GKE_METADATA (only the destination, not in the inputs, is left unjudged).
    { plan: 'preflight/eventarc-node-pool-gke-metadata.tfplan.json', findings: [DESTINATION_UNREAD] },
  ],
});

describe('both Eventarc checks agree on a plan', () => {
  it.each(NO_TRIGGER_PLANS)('%s holds no trigger: both not applicable, for the same reason', async (plan) => {
    const report = await runPreflight({ plan }, { only: ['eventarc-gke-iam', 'eventarc-gke-trigger'] });
    expect(report.checks.map((check) => [check.id, check.status, check.reason])).toEqual([
      ['eventarc-gke-iam', 'not-applicable', NOTHING_TO_JUDGE],
      ['eventarc-gke-trigger', 'not-applicable', NOTHING_TO_JUDGE],
    ]);
  });
});

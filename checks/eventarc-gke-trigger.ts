import type { CheckContext, CheckResult, Finding, MessageData } from '../src/engine/check.js';
import { defineCheck, fill } from '../src/engine/check.js';
import { clusterResourceName } from '../src/gke/cluster/cluster-name.js';
import type { GkeTrigger } from '../src/gke/eventarc/eventarc.js';
import { DESTINATION_CLUSTER_FIELDS, DESTINATION_OBJECT_FIELDS, WORKLOAD_POOL_FIELD, failureConditions, isGkeTrigger, nodePoolsWithoutGkeMetadata, shortTriggerName } from '../src/gke/eventarc/eventarc.js';
import { targetsCluster, triggerNames, triggerProject, workloadMetadataConfigs, workloadMetadataModes } from '../src/gke/eventarc/eventarc.js';
import { destinationVerdict, labelSelector } from '../src/gke/eventarc/eventarc-destination.js';
import { dedicatedAccountFix, destinationPodsFix, gkeMetadataFix, triggerConditionsFix, workloadPoolFix } from '../src/gke/eventarc/eventarc-fixes.js';
import { isComputeDefaultServiceAccount } from '../src/gke/iam/iam.js';
import { afterApplyFix, unknownFields, unknownFieldsClause } from '../src/gke/planned-values.js';
import type { ClusterState } from '../src/state/cluster-state.js';

const eventarcGkeTrigger = defineCheck({
  id: 'eventarc-gke-trigger',
  title: 'Eventarc triggers into this cluster are healthy and can deliver',
  severity: 'error',
  description: `Checks each Eventarc trigger whose GKE destination is this cluster: the trigger reports no
failure conditions (a FAILED trigger lists why in its \`conditions\`, with a code and a message;
a condition whose code is OK reports nothing wrong); the destination namespace and Service exist
and the Service has ready Pods (when the cluster's Services or Pods could not be read the check
is incomplete and says what was not read); Workload Identity is on, which the event forwarder
needs: the cluster's workloadIdentityConfig.workloadPool, and the GKE metadata server
(config.workloadMetadataConfig.mode GKE_METADATA) on every node pool that can run the forwarder
(Autopilot always has it; a plan's google_container_node_pool resources count; when the data lists
no node pools it says they were not checked); and the trigger does not run as the Compute Engine default service
account (least privilege). Triggers into other clusters are left to eventarc-gke-iam, which
checks their roles.`,
  references: [
    'https://cloud.google.com/eventarc/docs/gke/route-trigger-cloud-pubsub',
    'https://cloud.google.com/eventarc/docs/reference/rest/v1/projects.locations.triggers#Trigger',
    'https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity',
    'https://cloud.google.com/sdk/gcloud/reference/eventarc/triggers/update',
    'https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/container_cluster#workload_identity_config',
    'https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/container_node_pool',
  ],
  // A preflight whose inputs hold no trigger has nothing for it to judge (not-applicable, not incomplete).
  appliesTo: ['eventarcTriggers'],
  needs: ['eventarcTriggers'],
  // iamPolicy: a policy with conditions needs --condition=None on the grants the fix prints.
  optionalNeeds: ['cluster', 'project', 'iamPolicy', 'Namespace', 'Service', 'Pod'],
  notApplicable: 'no Eventarc trigger has a GKE destination in this cluster',
  messages: {
    conditions: 'Trigger {{trigger}} reports why it is FAILED:\n{{conditions}}',
    condition: '- {{key}}: {{code}}: {{message}}',
    missingNamespace:
      'Trigger {{trigger}} delivers to Service {{service}} in namespace {{namespace}}, but namespace {{namespace}} does not exist in cluster {{cluster}}: events cannot be delivered.',
    missingService: 'Trigger {{trigger}} delivers to Service {{namespace}}/{{service}}, which does not exist in cluster {{cluster}}: events cannot be delivered.',
    destinationUnread: 'The destination of trigger {{trigger}} (Service {{namespace}}/{{service}}) was not checked: {{reason}}',
    noPodMatches: 'Trigger {{trigger}} delivers to Service {{namespace}}/{{service}}, but no Pod matches its selector {{selector}}: events will fail and be retried until they expire.',
    noPodReady:
      'Trigger {{trigger}} delivers to Service {{namespace}}/{{service}}, but its selector {{selector}} matches 1 Pod, and none is ready: events will fail and be retried until they expire.',
    noPodsReady:
      'Trigger {{trigger}} delivers to Service {{namespace}}/{{service}}, but its selector {{selector}} matches {{count}} Pods, and none is ready: events will fail and be retried until they expire.',
    workloadIdentityOff:
      'Workload Identity is off on cluster {{cluster}} (no workloadIdentityConfig.workloadPool), which {{triggers}} delivers into: the event forwarder needs it to act as the trigger\'s service account, so it cannot pull events.',
    workloadIdentityOffShared:
      'Workload Identity is off on cluster {{cluster}} (no workloadIdentityConfig.workloadPool), which {{triggers}} deliver into: the event forwarder needs it to act as the trigger\'s service account, so it cannot pull events.',
    nodePoolWithoutGkeMetadata:
      'Node pool {{pools}} of cluster {{cluster}} does not use the GKE metadata server (config.workloadMetadataConfig.mode is {{modes}}, not GKE_METADATA): an event forwarder of {{triggers}} scheduled there cannot act as its trigger\'s service account, so it cannot pull events.',
    nodePoolsWithoutGkeMetadata:
      'Node pools {{pools}} of cluster {{cluster}} do not use the GKE metadata server (config.workloadMetadataConfig.mode is {{modes}}, not GKE_METADATA): an event forwarder of {{triggers}} scheduled there cannot act as its trigger\'s service account, so it cannot pull events.',
    nodePoolsUnread:
      'The node pools of cluster {{cluster}} are not in the data, so whether they run the GKE metadata server (config.workloadMetadataConfig.mode GKE_METADATA), which the event forwarder of {{triggers}} needs, was not checked.',
    computeDefault:
      'Trigger {{trigger}} runs as the Compute Engine default service account {{account}}, which usually holds roles/editor on the project: far more than the forwarder needs.',
    undecidedCluster: 'Whether trigger {{trigger}} delivers into cluster {{cluster}} cannot be decided before apply: {{unknown}}.',
    undecidedDestination: 'Whether the destination of trigger {{trigger}} exists in cluster {{cluster}} cannot be decided before apply: {{unknown}}.',
    undecidedAccount: 'Whether trigger {{trigger}} runs as the Compute Engine default service account cannot be decided before apply: {{unknown}}.',
    undecidedWorkloadIdentity:
      'Whether Workload Identity will be on in cluster {{cluster}}, which {{triggers}} delivers into, cannot be decided before apply: {{unknown}}.',
    undecidedWorkloadIdentityShared:
      'Whether Workload Identity will be on in cluster {{cluster}}, which {{triggers}} deliver into, cannot be decided before apply: {{unknown}}.',
    undecidedNodePools:
      'Whether the node pools of cluster {{cluster}} will run the GKE metadata server, which the event forwarder of {{triggers}} needs, cannot be decided before apply: {{unknown}}.',
    conditionsFix:
      'Fix what the conditions name (often a missing role: see eventarc-gke-iam), then recreate the trigger; a trigger stuck mid-creation may need Google support to delete.',
    missingFix: 'Deploy the destination Service (and its namespace), or point the trigger at one that exists.',
    noReadyPodsFix: 'Find out why the Pods are not ready (kubectl describe, logs) and fix the workload behind the Service.',
    workloadIdentityFix: 'Enable Workload Identity on the cluster (node pools must then use the GKE metadata server: --workload-metadata=GKE_METADATA).',
    nodePoolsFix: 'Switch the node pools to the GKE metadata server (GKE Workload Identity docs), or keep the event forwarder off them.',
    computeDefaultFix:
      'Create a dedicated service account with only roles/pubsub.subscriber, roles/monitoring.metricWriter (and roles/eventarc.eventReceiver unless the trigger is for direct Pub/Sub events), and switch the trigger to it: serviceAccount is updated in place (no recreation). Whoever runs the update needs iam.serviceAccounts.actAs on the new account.',
  },
  run(state: ClusterState, context): CheckResult {
    const cluster = state.cluster;
    const gkeTriggers = state.eventarcTriggers!.filter(isGkeTrigger);
    const findings: Finding[] = [];
    const unread: string[] = [];
    // A plan may know a trigger's destination cluster only after apply: then it may or may not point here.
    const undecided = cluster ? gkeTriggers.filter((trigger) => unknownFields(state, trigger.name, DESTINATION_CLUSTER_FIELDS).length > 0) : [];
    for (const trigger of undecided) {
      findings.push(undecidedFinding(state, trigger.name, DESTINATION_CLUSTER_FIELDS, context, 'undecidedCluster', { trigger: shortTriggerName(trigger), cluster: cluster?.name ?? '?' }));
    }
    const triggers = gkeTriggers
      .filter((trigger) => !undecided.includes(trigger))
      // Without cluster.json every GKE trigger may point here; the cluster-side checks then wait.
      .filter((trigger) => !cluster || targetsCluster(trigger, cluster, state.target.project));
    for (const trigger of triggers) {
      findings.push(...conditionFindings(trigger, context));
      if (cluster) findings.push(...destinationFindings(trigger, state, context, unread));
      else if (state.unavailable.has('cluster')) {
        // Without the cluster neither the destination nor Workload Identity was checked: never a pass (issue #21).
        const finding = destinationUnread(trigger, state.unavailable.get('cluster')!, context);
        if (!state.notInInputs?.has('cluster')) unread.push(finding.message);
        findings.push(finding);
      }
      if (unknownFields(state, trigger.name, ['serviceAccount']).length > 0) {
        findings.push(undecidedFinding(state, trigger.name, ['serviceAccount'], context, 'undecidedAccount', { trigger: shortTriggerName(trigger) }));
      } else if (trigger.serviceAccount && isComputeDefaultServiceAccount(trigger.serviceAccount)) {
        const fix = dedicatedAccountFix(text('computeDefaultFix'), trigger, triggerProject(trigger, state.target.project), state.iamPolicy);
        const data = { trigger: shortTriggerName(trigger), account: trigger.serviceAccount };
        findings.push(context.report({ messageId: 'computeDefault', severity: 'warning', data, resource: trigger.name, evidence: { serviceAccount: trigger.serviceAccount }, fix }));
      }
    }
    if (cluster && triggers.length > 0) findings.push(...workloadIdentityFindings(state, triggers, context));
    return { examined: [...undecided, ...triggers].map((trigger) => trigger.name), findings, unread };
  },
});

type MessageId = keyof typeof eventarcGkeTrigger.messages;
type Context = CheckContext<MessageId>;
const text = (id: MessageId, data: MessageData = {}) => fill(eventarcGkeTrigger.messages[id], data, id);

/** A warning that `fields` of `resource` are known only after apply (ClusterState.unknownUntilApply), naming them and the plan's address. */
function undecidedFinding(state: ClusterState, resource: string, fields: readonly string[], context: Context, messageId: MessageId, data: MessageData): Finding {
  const unknown = unknownFields(state, resource, fields);
  return context.report({
    messageId,
    severity: 'warning',
    data: { ...data, unknown: unknownFieldsClause(state, resource, unknown) },
    resource,
    evidence: { knownAfterApply: unknown },
    fix: afterApplyFix('set-value'),
  });
}

/**
 * Workload Identity: the cluster's workload pool, and the GKE metadata server on every node pool
 * that can run the forwarder (https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity;
 * Autopilot always has it: src/gke/eventarc/eventarc.ts nodePoolsWithoutGkeMetadata).
 */
function workloadIdentityFindings(state: ClusterState, triggers: readonly GkeTrigger[], context: Context): Finding[] {
  const cluster = state.cluster!;
  const resource = clusterResourceName(state);
  const shared = triggers.length > 1;
  const data = { cluster: cluster.name ?? '?', triggers: triggerNames(triggers) };
  const location = cluster.location ?? state.target.location ?? 'LOCATION';
  if (unknownFields(state, resource, [WORKLOAD_POOL_FIELD]).length > 0) {
    return [undecidedFinding(state, resource, [WORKLOAD_POOL_FIELD], context, shared ? 'undecidedWorkloadIdentityShared' : 'undecidedWorkloadIdentity', data)];
  }
  if (!cluster.workloadIdentityConfig?.workloadPool) {
    const project = triggerProject(triggers[0]!, state.target.project);
    const evidence = { workloadIdentityConfig: cluster.workloadIdentityConfig ?? null, triggers: triggers.map((trigger) => trigger.name) };
    const fix = workloadPoolFix(text('workloadIdentityFix'), cluster, project, location);
    return [context.report({ messageId: shared ? 'workloadIdentityOffShared' : 'workloadIdentityOff', data, resource, evidence, fix })];
  }
  if (unknownFields(state, resource, ['nodePools']).length > 0) return [undecidedFinding(state, resource, ['nodePools'], context, 'undecidedNodePools', data)];
  const pools = nodePoolsWithoutGkeMetadata(cluster);
  // Said once, so that a pass is not read as "every node pool runs the GKE metadata server".
  if (pools === 'unknown') return [context.report({ messageId: 'nodePoolsUnread', severity: 'info', data, resource, evidence: { nodePools: null } })];
  if (pools.length === 0) return [];
  const names = pools.map((pool) => pool.name ?? '?');
  return [
    context.report({
      messageId: pools.length === 1 ? 'nodePoolWithoutGkeMetadata' : 'nodePoolsWithoutGkeMetadata',
      data: { ...data, pools: names.join(', '), modes: workloadMetadataModes(pools) },
      resource,
      evidence: { nodePools: workloadMetadataConfigs(pools) },
      fix: gkeMetadataFix(text('nodePoolsFix'), cluster, names, location),
    }),
  ];
}

function conditionFindings(trigger: GkeTrigger, context: Context): Finding[] {
  // A condition whose code is OK reports nothing wrong (src/gke/eventarc/eventarc.ts failureConditions).
  const conditions = failureConditions(trigger);
  if (conditions.length === 0) return [];
  const lines = conditions.map(([key, condition]) => text('condition', { key, code: condition.code ?? 'UNKNOWN', message: condition.message ?? '' }));
  return [
    context.report({
      messageId: 'conditions',
      data: { trigger: shortTriggerName(trigger), conditions: lines.join('\n') },
      resource: trigger.name,
      evidence: { conditions: trigger.conditions },
      fix: triggerConditionsFix(text('conditionsFix'), trigger),
    }),
  ];
}

/** The destination namespace, Service and ready Pods, as far as the Kubernetes objects read show them (src/gke/eventarc/eventarc-destination.ts). */
function destinationFindings(trigger: GkeTrigger, state: ClusterState, context: Context, unread: string[]): Finding[] {
  const { namespace, service } = trigger.destination.gke;
  const data = { trigger: shortTriggerName(trigger), namespace, service, cluster: state.cluster?.name ?? '?' };
  if (unknownFields(state, trigger.name, DESTINATION_OBJECT_FIELDS).length > 0) {
    return [undecidedFinding(state, trigger.name, DESTINATION_OBJECT_FIELDS, context, 'undecidedDestination', data)];
  }
  const missingFix = { summary: text('missingFix'), commands: [], terraform: null, automatic: false };
  const found = destinationVerdict(trigger, state);
  switch (found.verdict) {
    case 'missing-namespace':
      return [context.report({ messageId: 'missingNamespace', data, resource: trigger.name, evidence: { namespace }, fix: missingFix })];
    case 'missing-service':
      return [context.report({ messageId: 'missingService', data, resource: trigger.name, evidence: { namespace, service }, fix: missingFix })];
    case 'unread': {
      const finding = destinationUnread(trigger, found.reason, context);
      // Objects a preflight's inputs hold none of were not asked for; anything else could not be read.
      if (!state.notInInputs?.has(found.kind)) unread.push(finding.message);
      return [finding];
    }
    case 'not-judged':
    case 'ready':
      return [];
  }
  const { selector, pods } = found;
  return [
    context.report({
      messageId: pods.length === 0 ? 'noPodMatches' : pods.length === 1 ? 'noPodReady' : 'noPodsReady',
      severity: 'warning',
      data: { ...data, selector: labelSelector(selector), count: pods.length },
      resource: `Service/${namespace}/${service}`,
      evidence: { trigger: trigger.name, selector, matchingPods: pods.map((pod) => pod.metadata?.name) },
      fix: destinationPodsFix(text('noReadyPodsFix'), trigger, selector),
    }),
  ];
}

/** Says what was not looked at, so a pass is not read as "the destination is fine". */
function destinationUnread(trigger: GkeTrigger, reason: string, context: Context): Finding {
  const { namespace, service } = trigger.destination.gke;
  return context.report({
    messageId: 'destinationUnread',
    severity: 'info',
    data: { trigger: shortTriggerName(trigger), namespace, service, reason },
    resource: trigger.name,
    evidence: { namespace, service },
  });
}

export default eventarcGkeTrigger;

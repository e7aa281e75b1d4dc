import type { CheckContext, CheckResult, Finding } from '../src/engine/check.js';
import { defineCheck, fill } from '../src/engine/check.js';
import { clusterResourceName } from '../src/gke/cluster/cluster-name.js';
import type { GkeTrigger } from '../src/gke/eventarc/eventarc.js';
import { isDirectPubsubTrigger, parseTriggerName, shortTriggerName, triggerProject, triggersIntoCluster } from '../src/gke/eventarc/eventarc.js';
import { transportFix, transportOf, transportProblems } from '../src/gke/eventarc/transport.js';
import { enableDataAccessLogsFix } from '../src/gke/eventarc/audit-log-fixes.js';
import { auditLogFilter, auditLogVerdict } from '../src/gke/eventarc/audit-log-triggers.js';
import { GKE_DESTINATION_ENDPOINT_DOC, controlPlaneEndpoint, privateEndpointFix } from '../src/gke/eventarc/cluster-reachability.js';
import type { ClusterState } from '../src/state/cluster-state.js';

const eventarcGkeDelivery = defineCheck({
  id: 'eventarc-gke-delivery',
  title: 'Events reach the Eventarc triggers into this cluster',
  severity: 'error',
  description: `A trigger can be ACTIVE, hold every role and point at a ready Service, and still deliver
nothing. This check follows an event's path to the triggers whose GKE destination is this cluster:

- The event must be written. A trigger on Cloud Audit Logs (type=google.cloud.audit.log.v1.written)
  fires on a log entry, and Data Access audit logs (ADMIN_READ, DATA_READ, DATA_WRITE) are off by
  default: Cloud Storage's storage.objects.create writes a DATA_WRITE log, so a trigger on it never
  fires unless DATA_WRITE logs are on for storage.googleapis.com. The check reads the project's allow
  policy (auditConfigs, allServices included, exempted members noted) and warns (folders and the
  organization can enable them too) with the exact auditConfigs change. Which method writes which log
  comes from each service's audit-logging page (Cloud Storage, Eventarc); for other methods it says
  that no source recorded here decides it. Admin Activity logs are always written: no finding.
- The event must be carried: the trigger's Pub/Sub transport (transport.pubsub: the topic events are
  published to, the subscription the event forwarder pulls from) must exist. Deleted by hand, or by a
  Terraform run that failed half way, the trigger stays ACTIVE and nothing arrives; a subscription
  whose topic was deleted (its topic reads _deleted-topic_) never receives again. Read live with
  topics.get and subscriptions.get of the names triggers hold (404: gone), or from
  pubsub-topics.json and pubsub-subscriptions.json. Names in another project than the trigger's are
  not judged from a snapshot. The fix recreates the trigger, which makes them again.
- Eventarc must reach the cluster: GKE destinations are only supported in clusters whose control plane
  has a public endpoint (private nodes are fine; Autopilot is fine). A cluster with a private endpoint
  only is an error, with the documented alternative: route the events to an internal HTTP endpoint.`,
  references: [
    'https://cloud.google.com/eventarc/docs/determining-filters-cal',
    'https://cloud.google.com/logging/docs/audit/configure-data-access',
    'https://cloud.google.com/storage/docs/audit-logging',
    'https://cloud.google.com/eventarc/docs/reference/audit-logs',
    'https://cloud.google.com/iam/docs/reference/rest/v1/Policy#AuditConfig',
    'https://cloud.google.com/eventarc/docs/reference/rest/v1/projects.locations.triggers#Pubsub',
    'https://cloud.google.com/pubsub/docs/delete-topic',
    'https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/google_project_iam#google_project_iam_audit_config',
    GKE_DESTINATION_ENDPOINT_DOC,
    'https://cloud.google.com/eventarc/standard/docs/vpc-endpoints/route-vpc-internal-endpoint-events',
  ],
  // A preflight whose inputs hold no trigger has nothing for it to judge (not-applicable, not incomplete).
  appliesTo: ['eventarcTriggers'],
  needs: ['eventarcTriggers'],
  optionalNeeds: ['cluster', 'iamPolicy', 'pubsubTopics', 'pubsubSubscriptions'],
  notApplicable: 'no Eventarc trigger has a GKE destination in this cluster',
  messages: {
    dataAccessLogsOff:
      'Trigger {{trigger}} fires on {{method}} of {{service}}, which writes a {{type}} Data Access audit log ({{source}}{{note}}), and the project\'s allow policy does not enable {{type}} logs for {{service}} (nor for allServices): the trigger never fires, although it is ACTIVE, unless a folder or the organization enables them.',
    exemptedMembers: 'Trigger {{trigger}} fires on {{method}} of {{service}} ({{type}} Data Access audit logs, enabled), but the operations of {{members}} are exempted from those logs: they never fire it.',
    logTypeUndecided:
      'Trigger {{trigger}} fires on {{method}} of {{service}}; which audit log that method writes is not recorded here{{note}}, and the project does not enable {{types}} Data Access logs for {{service}}: if it writes one of those, the trigger never fires. Its audit-logging page says which.',
    auditConfigsUnread: 'Whether the audit logs trigger {{trigger}} fires on are written was not checked: {{reason}}',
    privateEndpoint:
      'Trigger {{trigger}} delivers into cluster {{cluster}}, whose control plane has no public endpoint ({{field}}): Eventarc supports GKE destinations only in clusters with public endpoints, so it cannot run the event forwarder there and nothing is delivered.',
    dnsEndpointOnly:
      'Trigger {{trigger}} delivers into cluster {{cluster}}, whose control plane is reachable only through its DNS-based endpoint (controlPlaneEndpointsConfig.ipEndpointsConfig.enabled: false). Eventarc\'s docs require a public endpoint and say nothing of the DNS-based one, so whether events can be delivered is not known.',
    transportGone:
      'Trigger {{trigger}} is ACTIVE, but the Pub/Sub {{what}} it {{role}}, {{name}}, no longer exists: nothing is delivered. Deleted by hand, or by a Terraform run that failed half way; Eventarc makes it only when the trigger is created.',
    subscriptionDetached:
      'Trigger {{trigger}} is ACTIVE, but its Pub/Sub subscription {{name}} lost its topic (topic: _deleted-topic_): a subscription whose topic was deleted never receives a message again, so nothing is delivered.',
    transportUnread: 'Whether the Pub/Sub topic and subscription of trigger {{trigger}} still exist was not checked: {{reason}}',
    transportFix: 'Recreate the trigger with the same settings: Eventarc then makes its subscription (and its topic, unless the trigger was given one) again.',
    clusterUnread: 'Whether Eventarc can reach cluster {{cluster}} (a public control-plane endpoint) for {{triggers}} was not checked: {{reason}}',
    dataAccessFix: 'Enable the Data Access audit log type for the service on the project (it is billed as log volume).',
    privateEndpointFix: 'Route the events to an internal HTTP endpoint instead (Eventarc\'s documented alternative for clusters with private endpoints), or give the control plane a public endpoint.',
  },
  run(state: ClusterState, context): CheckResult {
    const triggers = triggersIntoCluster(state);
    const findings: Finding[] = [];
    const unread: string[] = [];
    for (const trigger of triggers) findings.push(...auditLogFindings(state, trigger, context, unread), ...transportFindings(state, trigger, context, unread));
    if (triggers.length > 0) findings.push(...endpointFindings(state, triggers, context, unread));
    return { examined: triggers.map((trigger) => trigger.name), findings, unread };
  },
});

type Context = CheckContext<keyof typeof eventarcGkeDelivery.messages>;
const text = (id: keyof typeof eventarcGkeDelivery.messages) => fill(eventarcGkeDelivery.messages[id], {}, id);

function auditLogFindings(state: ClusterState, trigger: GkeTrigger, context: Context, unread: string[]): Finding[] {
  const filter = auditLogFilter(trigger);
  if (!filter) return [];
  const name = shortTriggerName(trigger);
  if (!state.iamPolicy) {
    const reason = state.unavailable.get('iamPolicy') ?? state.notInInputs?.get('iamPolicy') ?? 'the project\'s IAM policy was not read';
    const finding = context.report({ messageId: 'auditConfigsUnread', severity: 'info', data: { trigger: name, reason }, resource: trigger.name, evidence: filter });
    if (!state.notInInputs?.has('iamPolicy')) unread.push(finding.message);
    return [finding];
  }
  const verdict = auditLogVerdict(trigger, state.iamPolicy)!;
  const project = triggerProject(trigger, state.target.project);
  const data = { trigger: name };
  switch (verdict.verdict) {
    case 'written':
      return [];
    case 'not-enabled': {
      const fix = enableDataAccessLogsFix(text('dataAccessFix'), project, state.iamPolicy, verdict.service, [verdict.type]);
      const evidence = { service: verdict.service, method: verdict.method, logType: verdict.type, auditConfigs: state.iamPolicy.auditConfigs ?? [] };
      const note = verdict.note ? `; ${verdict.note}` : '';
      return [context.report({ messageId: 'dataAccessLogsOff', severity: 'warning', data: { ...data, ...verdict, note }, resource: trigger.name, evidence, fix })];
    }
    case 'enabled':
      if (verdict.exemptedMembers.length === 0) return [];
      return [
        context.report({
          messageId: 'exemptedMembers',
          severity: 'info',
          data: { ...data, service: verdict.service, method: verdict.method, type: verdict.type, members: verdict.exemptedMembers.join(', ') },
          resource: trigger.name,
          evidence: { service: verdict.service, logType: verdict.type, exemptedMembers: verdict.exemptedMembers },
        }),
      ];
    case 'undecided':
      return [
        context.report({
          messageId: 'logTypeUndecided',
          severity: 'info',
          data: { ...data, service: verdict.service, method: verdict.method, types: verdict.off.join(', '), note: verdict.note ? ` (${verdict.note})` : '' },
          resource: trigger.name,
          evidence: { service: verdict.service, method: verdict.method, notEnabled: verdict.off },
          fix: enableDataAccessLogsFix(text('dataAccessFix'), project, state.iamPolicy, verdict.service, verdict.off),
        }),
      ];
  }
}

/** The trigger's topic and subscription still exist (src/gke/eventarc/transport.ts). */
function transportFindings(state: ClusterState, trigger: GkeTrigger, context: Context, unread: string[]): Finding[] {
  const { topic, subscription } = transportOf(trigger);
  if (!topic && !subscription) return [];
  const name = shortTriggerName(trigger);
  if (!state.pubsubTopics || !state.pubsubSubscriptions) {
    const keys = (['pubsubTopics', 'pubsubSubscriptions'] as const).filter((key) => !state[key]);
    const reasons = keys.map((key) => state.unavailable.get(key) ?? state.notInInputs?.get(key) ?? `${key} were not read`);
    const finding = context.report({ messageId: 'transportUnread', severity: 'info', data: { trigger: name, reason: [...new Set(reasons)].join('; ') }, resource: trigger.name, evidence: { topic, subscription } });
    if (!keys.every((key) => state.notInInputs?.has(key))) unread.push(finding.message);
    return [finding];
  }
  const { project, location } = parseTriggerName(trigger.name);
  const problems = transportProblems(trigger, state.pubsubTopics, state.pubsubSubscriptions, project);
  if (problems.length === 0) return [];
  // A topic the trigger was given (a direct Pub/Sub trigger's own) is made again under its name; Eventarc names those it makes eventarc-….
  const userTopic = isDirectPubsubTrigger(trigger) && topic && !topic.split('/').pop()!.startsWith('eventarc-') ? topic : null;
  const fix = transportFix(
    text('transportFix'),
    { name, location: location ?? trigger.destination.gke.location, project: triggerProject(trigger, state.target.project), terraformAddress: state.locations.get(trigger.name)?.address ?? null },
    userTopic,
  );
  return problems.map((problem) => {
    const evidence = { transport: trigger.transport, [problem.what]: problem.name, problem: problem.problem };
    if (problem.problem === 'detached') return context.report({ messageId: 'subscriptionDetached', data: { trigger: name, name: problem.name }, resource: trigger.name, evidence, fix });
    const role = problem.what === 'topic' ? 'publishes its events to' : 'pulls its events from';
    return context.report({ messageId: 'transportGone', data: { trigger: name, what: problem.what, role, name: problem.name }, resource: trigger.name, evidence, fix });
  });
}

/** Eventarc reaches the cluster through its control plane's public endpoint (src/gke/eventarc/cluster-reachability.ts). */
function endpointFindings(state: ClusterState, triggers: readonly GkeTrigger[], context: Context, unread: string[]): Finding[] {
  const cluster = state.cluster;
  const clusterName = cluster?.name ?? state.target.cluster ?? '?';
  if (!cluster) {
    const reason = state.unavailable.get('cluster') ?? state.notInInputs?.get('cluster');
    if (!reason) return [];
    const names = triggers.map((trigger) => `trigger ${shortTriggerName(trigger)}`).join(', ');
    const finding = context.report({ messageId: 'clusterUnread', severity: 'info', data: { cluster: clusterName, triggers: names, reason }, resource: clusterResourceName(state) });
    if (!state.notInInputs?.has('cluster')) unread.push(finding.message);
    return [finding];
  }
  const endpoint = controlPlaneEndpoint(cluster);
  if (endpoint.verdict === 'public') return [];
  return triggers.map((trigger) => {
    const { location } = parseTriggerName(trigger.name);
    const data = { trigger: shortTriggerName(trigger), cluster: clusterName };
    const evidence = { privateClusterConfig: cluster.privateClusterConfig ?? null, controlPlaneEndpointsConfig: cluster.controlPlaneEndpointsConfig ?? null };
    if (endpoint.verdict === 'dns-only') return context.report({ messageId: 'dnsEndpointOnly', severity: 'warning', data, resource: trigger.name, evidence });
    const fix = privateEndpointFix(
      text('privateEndpointFix'),
      { name: shortTriggerName(trigger), location: location ?? trigger.destination.gke.location },
      { name: clusterName, location: cluster.location ?? trigger.destination.gke.location },
      triggerProject(trigger, state.target.project),
    );
    return context.report({ messageId: 'privateEndpoint', data: { ...data, field: endpoint.field }, resource: trigger.name, evidence, fix });
  });
}

export default eventarcGkeDelivery;

// Room eventarc/ (rank 4): Eventarc triggers with GKE destinations and the agents they need. Imports iam/, services/ and below.
// Ranks are enforced by test/architecture (GKE_ROOM_RANKS in test/support/import-graph.ts).
import type { ClusterState } from '../../state/cluster-state.js';
import type { Cluster, EventarcTrigger } from '../../state/gcp-types.js';
import type { Namespace } from '../../state/kubernetes-types.js';
import { eventarcServiceAgent, pubsubServiceAgent } from '../iam/iam.js';

type NodePool = NonNullable<Cluster['nodePools']>[number];

export type GkeTrigger = EventarcTrigger & { destination: { gke: NonNullable<NonNullable<EventarcTrigger['destination']>['gke']> } };

/** Roles and their sources: https://cloud.google.com/eventarc/docs/gke/roles-permissions. */
export const EVENTARC_AGENT_ROLES = ['roles/compute.viewer', 'roles/container.developer', 'roles/iam.serviceAccountAdmin'] as const;
export const TRIGGER_SERVICE_ACCOUNT_ROLES = ['roles/pubsub.subscriber', 'roles/monitoring.metricWriter'] as const;
export const EVENT_RECEIVER_ROLE = 'roles/eventarc.eventReceiver';
/** The Pub/Sub service agent needs one of these on projects whose agent was enabled on or before 2021-04-08. */
export const PUBSUB_AGENT_ROLES = ['roles/iam.serviceAccountTokenCreator', 'roles/pubsub.serviceAgent'] as const;
/** The last day (UTC) on which the rule applies: "on or before April 8, 2021" (Eventarc GKE roles doc), inclusive. */
export const PUBSUB_AGENT_LAST_DAY = '2021-04-08';

/**
 * Whether the Pub/Sub agent rule applies to a project created at `createTime` (the project's
 * creation stands in for the agent's, which no API reports): on or before 2021-04-08, the whole
 * day included. Unknown (no createTime) means it may apply.
 */
export function pubsubAgentRuleApplies(createTime: string | undefined): boolean | 'unknown' {
  if (!createTime || Number.isNaN(Date.parse(createTime))) return 'unknown';
  return new Date(createTime).toISOString().slice(0, 10) <= PUBSUB_AGENT_LAST_DAY;
}

/** For direct Cloud Storage events the Cloud Storage service agent publishes to Pub/Sub (Eventarc GKE roles doc). */
export const STORAGE_AGENT_ROLE = 'roles/pubsub.publisher';

export function storageServiceAgent(projectNumber: string): string {
  return `serviceAccount:service-${projectNumber}@gs-project-accounts.iam.gserviceaccount.com`;
}

/** A direct Cloud Storage event: `google.cloud.storage.object.v1.*` (https://cloud.google.com/eventarc/docs/reference/supported-events). */
export function isDirectStorageTrigger(trigger: EventarcTrigger): boolean {
  return (trigger.eventFilters ?? []).some((filter) => filter.attribute === 'type' && filter.value.startsWith('google.cloud.storage.object.v1.'));
}

/**
 * The service agents GKE destinations need roles from (roles-permissions doc): always Eventarc's;
 * Cloud Storage's when some triggers are for direct Cloud Storage events (it publishes them);
 * Pub/Sub's unless the project is known to be created after 2021-04-08 (pubsubAgentRuleApplies).
 */
export function serviceAgents(projectNumber: string, createTime: string | undefined, triggers: readonly GkeTrigger[]) {
  const storageTriggers = triggers.filter(isDirectStorageTrigger);
  return {
    eventarc: eventarcServiceAgent(projectNumber),
    storage: storageTriggers.length > 0 ? { agent: storageServiceAgent(projectNumber), triggers: storageTriggers } : null,
    pubsub: pubsubAgentRuleApplies(createTime) !== false ? pubsubServiceAgent(projectNumber) : null,
  };
}

/**
 * Trigger conditions that explain a failure: every one whose code is not OK (the Eventarc
 * REST Trigger's `conditions` map of google.rpc.Code names; OK means nothing is wrong).
 */
export function failureConditions(trigger: EventarcTrigger): [string, { code?: string; message?: string }][] {
  return Object.entries(trigger.conditions ?? {}).filter(([, condition]) => (condition.code ?? 'UNKNOWN') !== 'OK');
}

/** The cluster field that turns Workload Identity on (`PROJECT.svc.id.goog`), which the event forwarder needs. */
export const WORKLOAD_POOL_FIELD = 'workloadIdentityConfig.workloadPool';

/**
 * Node pools that cannot run the event forwarder as the trigger's service account: Workload
 * Identity needs `config.workloadMetadataConfig.mode: GKE_METADATA` on every node pool that
 * runs it, besides the cluster's `workloadIdentityConfig.workloadPool`
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity). Autopilot
 * clusters always have it. `unknown` when the cluster's node pools were not in the data.
 */
export function nodePoolsWithoutGkeMetadata(cluster: Cluster): NodePool[] | 'unknown' {
  if (cluster.autopilot?.enabled) return [];
  if (!cluster.nodePools) return 'unknown';
  // A pool whose taints repel Pods without tolerations (the forwarder's) cannot run it.
  const schedulable = cluster.nodePools.filter((pool) => !(pool.config?.taints ?? []).some((taint) => taint.effect === 'NO_SCHEDULE' || taint.effect === 'NO_EXECUTE'));
  return schedulable.filter((pool) => pool.config?.workloadMetadataConfig?.mode !== 'GKE_METADATA');
}

/** The node pools' `workloadMetadataConfig.mode`s, each once (`GCE_METADATA, unset`). */
export function workloadMetadataModes(pools: readonly NodePool[]): string {
  return [...new Set(pools.map((pool) => pool.config?.workloadMetadataConfig?.mode ?? 'unset'))].join(', ');
}

/** Each node pool's name and `workloadMetadataConfig`, as a finding's evidence. */
export function workloadMetadataConfigs(pools: readonly NodePool[]) {
  return pools.map((pool) => ({ name: pool.name, workloadMetadataConfig: pool.config?.workloadMetadataConfig ?? null }));
}

/** The CloudEvents type of a direct Pub/Sub event (https://cloud.google.com/eventarc/docs/reference/supported-events). */
export const PUBSUB_MESSAGE_PUBLISHED = 'google.cloud.pubsub.topic.v1.messagePublished';

export function isGkeTrigger(trigger: EventarcTrigger): trigger is GkeTrigger {
  return Boolean(trigger.destination?.gke);
}

/** Direct Pub/Sub triggers do not need roles/eventarc.eventReceiver on their service account. */
export function isDirectPubsubTrigger(trigger: EventarcTrigger): boolean {
  return (trigger.eventFilters ?? []).some((filter) => filter.attribute === 'type' && filter.value === PUBSUB_MESSAGE_PUBLISHED);
}

/**
 * The roles the account a trigger runs as needs: roles/pubsub.subscriber and
 * roles/monitoring.metricWriter, and roles/eventarc.eventReceiver unless every trigger is
 * for direct Pub/Sub events (`receivers`: the triggers that need it).
 */
export function triggerAccountRoles(triggers: readonly GkeTrigger[]): { roles: string[]; receivers: GkeTrigger[] } {
  const receivers = triggers.filter((trigger) => !isDirectPubsubTrigger(trigger));
  return { roles: [...TRIGGER_SERVICE_ACCOUNT_ROLES, ...(receivers.length > 0 ? [EVENT_RECEIVER_ROLE] : [])], receivers };
}

/** Triggers by the service account they run as (those without one are left out). */
export function triggersByServiceAccount(triggers: readonly GkeTrigger[]): Map<string, GkeTrigger[]> {
  const accounts = new Map<string, GkeTrigger[]>();
  for (const trigger of triggers) {
    if (!trigger.serviceAccount) continue;
    accounts.set(trigger.serviceAccount, [...(accounts.get(trigger.serviceAccount) ?? []), trigger]);
  }
  return accounts;
}

/** How triggers are named in a message: `trigger a, trigger b`. */
export function triggerNames(triggers: readonly EventarcTrigger[]): string {
  return triggers.map((trigger) => `trigger ${shortTriggerName(trigger)}`).join(', ');
}

/** The trigger's own name: `T` of `projects/P/locations/L/triggers/T`. */
export function shortTriggerName(trigger: EventarcTrigger): string {
  return parseTriggerName(trigger.name).trigger;
}

/** The project a trigger's fix names: the target's, else the trigger's own, else a placeholder. */
export function triggerProject(trigger: EventarcTrigger, targetProject: string | null): string {
  return targetProject ?? parseTriggerName(trigger.name).project ?? 'PROJECT';
}

/**
 * The fields of a planned trigger (google_eventarc_trigger `destination.gke`) that say where it
 * delivers: a plan that knows them only after apply leaves that undecided.
 */
export const DESTINATION_CLUSTER_FIELDS = ['destination.gke.cluster', 'destination.gke.location'];
export const DESTINATION_OBJECT_FIELDS = ['destination.gke.namespace', 'destination.gke.service'];

/** `projects/P/locations/L/triggers/T` -> its parts. */
export function parseTriggerName(name: string): { project: string | null; location: string | null; trigger: string } {
  const match = /^projects\/([^/]+)\/locations\/([^/]+)\/triggers\/([^/]+)$/.exec(name);
  return match ? { project: match[1]!, location: match[2]!, trigger: match[3]! } : { project: null, location: null, trigger: name };
}

/** The destination names this cluster: same name and location (a GKE destination must be in the trigger's project). */
export function targetsCluster(trigger: GkeTrigger, cluster: Cluster, project: string | null): boolean {
  const { gke } = trigger.destination;
  const location = cluster.location ?? cluster.zone;
  const triggerProject = parseTriggerName(trigger.name).project;
  return gke.cluster === cluster.name && gke.location === location && (project === null || triggerProject === null || triggerProject === project);
}

/** GKE triggers that deliver into this cluster (all of them when the cluster was not read). */
export function triggersIntoCluster(state: ClusterState): GkeTrigger[] {
  const triggers = (state.eventarcTriggers ?? []).filter(isGkeTrigger);
  return state.cluster ? triggers.filter((trigger) => targetsCluster(trigger, state.cluster!, state.target.project)) : triggers;
}

/** A trigger whose event forwarder a namespace most likely holds, with how long after the trigger the namespace was created. */
export interface ForwarderTrigger {
  trigger: GkeTrigger;
  createdAfterMs: number | null;
}

/**
 * Whether a namespace looks like the one Eventarc made for a trigger's event
 * forwarder. Google does not document its name; `events-system` (labelled
 * `events.cloud.google.com/release`) is the system namespace of knative-gcp
 * (google/knative-gcp config/core/100-namespace.yaml), the Events for Cloud Run
 * for Anthos stack Eventarc for GKE replaced, and the name seen in the seed
 * incident. A namespace created within minutes after a trigger to this cluster
 * counts too, unless it is the trigger's own destination namespace.
 */
export function forwarderTriggers(namespace: Namespace, triggers: readonly GkeTrigger[]): ForwarderTrigger[] {
  const name = namespace.metadata?.name ?? '';
  const byName = looksLikeForwarderNamespace(namespace);
  const created = Date.parse(namespace.metadata?.creationTimestamp ?? '');
  return triggers.flatMap((trigger) => {
    if (trigger.destination.gke.namespace === name) return [];
    const createdAfterMs = Number.isNaN(created) || !trigger.createTime ? null : created - Date.parse(trigger.createTime);
    const soonAfter = createdAfterMs !== null && createdAfterMs >= 0 && createdAfterMs <= FORWARDER_CREATION_WINDOW_MS;
    return byName || soonAfter ? [{ trigger, createdAfterMs }] : [];
  });
}

/** Named or labelled as Eventarc names its forwarder's namespace (see forwarderTriggers): what only the triggers could confirm. */
export function looksLikeForwarderNamespace(namespace: Namespace): boolean {
  return namespace.metadata?.name === FORWARDER_NAMESPACE || Object.hasOwn(namespace.metadata?.labels ?? {}, FORWARDER_NAMESPACE_LABEL);
}

export const FORWARDER_NAMESPACE = 'events-system';
export const FORWARDER_NAMESPACE_LABEL = 'events.cloud.google.com/release';
const FORWARDER_CREATION_WINDOW_MS = 10 * 60_000;

import type { Cluster, EventarcTrigger } from '../state/gcp-types.js';
import type { Namespace } from '../state/kubernetes-types.js';

export type GkeTrigger = EventarcTrigger & { destination: { gke: NonNullable<NonNullable<EventarcTrigger['destination']>['gke']> } };

/** Roles and their sources: https://cloud.google.com/eventarc/docs/gke/roles-permissions. */
export const EVENTARC_AGENT_ROLES = ['roles/compute.viewer', 'roles/container.developer', 'roles/iam.serviceAccountAdmin'] as const;
export const TRIGGER_SERVICE_ACCOUNT_ROLES = ['roles/pubsub.subscriber', 'roles/monitoring.metricWriter'] as const;
export const EVENT_RECEIVER_ROLE = 'roles/eventarc.eventReceiver';
/** The Pub/Sub service agent needs one of these on projects whose agent predates 2021-04-08. */
export const PUBSUB_AGENT_ROLES = ['roles/iam.serviceAccountTokenCreator', 'roles/pubsub.serviceAgent'] as const;
export const PUBSUB_AGENT_CUTOFF = '2021-04-08T00:00:00Z';

/** The CloudEvents type of a direct Pub/Sub event (https://cloud.google.com/eventarc/docs/reference/supported-events). */
export const PUBSUB_MESSAGE_PUBLISHED = 'google.cloud.pubsub.topic.v1.messagePublished';

export function isGkeTrigger(trigger: EventarcTrigger): trigger is GkeTrigger {
  return Boolean(trigger.destination?.gke);
}

/** Direct Pub/Sub triggers do not need roles/eventarc.eventReceiver on their service account. */
export function isDirectPubsubTrigger(trigger: EventarcTrigger): boolean {
  return (trigger.eventFilters ?? []).some((filter) => filter.attribute === 'type' && filter.value === PUBSUB_MESSAGE_PUBLISHED);
}

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

/**
 * Whether a namespace looks like the one Eventarc made for a trigger's event
 * forwarder. Google does not document its name; `events-system` (labelled
 * `events.cloud.google.com/release`) is the system namespace of knative-gcp
 * (google/knative-gcp config/core/100-namespace.yaml), the Events for Cloud Run
 * for Anthos stack Eventarc for GKE replaced, and the name seen in the seed
 * incident. A namespace created within minutes after a trigger to this cluster
 * counts too, unless it is the trigger's own destination namespace.
 */
export function forwarderTriggers(namespace: Namespace, triggers: readonly GkeTrigger[]): { trigger: GkeTrigger; createdAfterMs: number | null }[] {
  const name = namespace.metadata?.name ?? '';
  const byName = name === FORWARDER_NAMESPACE || Object.hasOwn(namespace.metadata?.labels ?? {}, FORWARDER_NAMESPACE_LABEL);
  const created = Date.parse(namespace.metadata?.creationTimestamp ?? '');
  return triggers.flatMap((trigger) => {
    if (trigger.destination.gke.namespace === name) return [];
    const createdAfterMs = Number.isNaN(created) || !trigger.createTime ? null : created - Date.parse(trigger.createTime);
    const soonAfter = createdAfterMs !== null && createdAfterMs >= 0 && createdAfterMs <= FORWARDER_CREATION_WINDOW_MS;
    return byName || soonAfter ? [{ trigger, createdAfterMs }] : [];
  });
}

export const FORWARDER_NAMESPACE = 'events-system';
export const FORWARDER_NAMESPACE_LABEL = 'events.cloud.google.com/release';
const FORWARDER_CREATION_WINDOW_MS = 10 * 60_000;

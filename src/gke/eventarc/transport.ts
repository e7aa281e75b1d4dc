import type { Fix } from '../../engine/check.js';
import type { EventarcTrigger, PubsubSubscription, PubsubTopic } from '../../state/gcp-types.js';

/**
 * A trigger's transport (`transport.pubsub`: the topic events are published to and the
 * subscription the event forwarder pulls from, https://cloud.google.com/eventarc/docs/reference/rest/v1/projects.locations.triggers#Pubsub).
 * The trigger stays ACTIVE when either is deleted (by hand, or by a Terraform run that failed half way),
 * and nothing is delivered. A deleted topic leaves its subscriptions behind, detached: their `topic`
 * becomes `_deleted-topic_` and they receive nothing again (https://cloud.google.com/pubsub/docs/delete-topic).
 */
export const DELETED_TOPIC = '_deleted-topic_';

export type TransportProblem =
  | { what: 'subscription'; name: string; problem: 'gone' }
  | { what: 'topic'; name: string; problem: 'gone' }
  /** The subscription exists, but its topic was deleted: it will never receive a message again. */
  | { what: 'subscription'; name: string; problem: 'detached' };

/** `projects/P/topics/T` or `projects/P/subscriptions/S` -> P. */
export function resourceProject(name: string): string | null {
  return /^projects\/([^/]+)\/(?:topics|subscriptions)\/[^/]+$/.exec(name)?.[1] ?? null;
}

/** The topic and subscription a trigger names (either may be absent, e.g. while it is being created). */
export function transportOf(trigger: EventarcTrigger): { topic: string | null; subscription: string | null } {
  const pubsub = trigger.transport?.pubsub;
  return { topic: pubsub?.topic || null, subscription: pubsub?.subscription || null };
}

/**
 * What is wrong with a trigger's transport, given the topics and subscriptions that exist (as read:
 * only those triggers name live, or `gcloud pubsub … list` of the project). Only names in `project`
 * are judged: a list of the project says nothing of another project's topics.
 */
export function transportProblems(trigger: EventarcTrigger, topics: readonly PubsubTopic[], subscriptions: readonly PubsubSubscription[], project: string | null): TransportProblem[] {
  const { topic, subscription } = transportOf(trigger);
  const judged = (name: string | null): name is string => name !== null && (project === null || resourceProject(name) === project);
  const problems: TransportProblem[] = [];
  if (judged(subscription)) {
    const found = subscriptions.find((candidate) => candidate.name === subscription);
    if (!found) problems.push({ what: 'subscription', name: subscription, problem: 'gone' });
    else if (found.topic === DELETED_TOPIC) problems.push({ what: 'subscription', name: subscription, problem: 'detached' });
  }
  if (judged(topic) && !topics.some((candidate) => candidate.name === topic)) problems.push({ what: 'topic', name: topic, problem: 'gone' });
  return problems;
}

/**
 * Eventarc made the subscription (and, unless the trigger was given an existing topic, the topic) when the
 * trigger was created, and makes them again only then: the trigger is recreated. A topic the user gave
 * (a direct Pub/Sub trigger's) is recreated first, under its name.
 */
export function transportFix(summary: string, trigger: { name: string; location: string; project: string; terraformAddress: string | null }, userTopic: string | null): Fix {
  const topicId = userTopic?.split('/').pop();
  return {
    summary,
    commands: [
      ...(topicId ? [`gcloud pubsub topics create ${topicId} --project=${trigger.project}`] : []),
      `gcloud eventarc triggers describe ${trigger.name} --project=${trigger.project} --location=${trigger.location} --format=yaml > ${trigger.name}.yaml  # keep its filters, destination and service account`,
      `gcloud eventarc triggers delete ${trigger.name} --project=${trigger.project} --location=${trigger.location}`,
      `gcloud eventarc triggers create ${trigger.name} --project=${trigger.project} --location=${trigger.location} …  # the same flags as before${topicId ? ` and --transport-topic=${topicId}` : ''}`,
    ],
    terraform: trigger.terraformAddress ? `# terraform apply -replace=${trigger.terraformAddress}` : null,
    automatic: false,
  };
}

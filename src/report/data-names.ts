import type { DataKey } from '../state/cluster-state.js';
import type { KubernetesKind } from '../state/kubernetes-types.js';

/** What each piece of data is, for people (`explain`, the check pages); a Kubernetes kind is named by itself. */
const NAMES: Record<Exclude<DataKey, KubernetesKind>, string> = {
  project: 'the project (its number names the service agents)',
  iamPolicy: "the project's IAM allow policy",
  cluster: 'the GKE cluster',
  eventarcTriggers: 'Eventarc triggers',
  healthChecks: "the load balancers' health checks",
  backendServices: "the load balancers' backend services",
  subnetworks: "the VPC subnetworks of the cluster's region",
  hostIamPolicy: "the IAM allow policy of the Shared VPC host project (the cluster network's project)",
  pubsubTopics: 'the Pub/Sub topics Eventarc triggers publish to',
  pubsubSubscriptions: 'the Pub/Sub subscriptions Eventarc triggers pull from',
  firewalls: "the VPC firewall rules of the cluster's network",
  effectiveFirewalls: "the effective firewalls of the cluster's network (VPC rules and firewall policies)",
  network: "the cluster's VPC network (its firewall policy enforcement order)",
  regionalEffectiveFirewalls: "the effective firewalls of the cluster's network in its region (with the regional network firewall policies)",
  backendHealth: "what the load balancer says of each endpoint of the backend services the cluster's Ingresses and Gateways use (HEALTHY or UNHEALTHY)",
  ObjectsInTerminatingNamespaces: 'every object left in a namespace that is being deleted',
};

/** Kinds whose reading has a condition worth saying (src/state/live/live-kubernetes.ts ONLY_WHILE_TERMINATING). */
const KIND_NAMES: Partial<Record<KubernetesKind, string>> = {
  CustomResourceDefinition: 'CustomResourceDefinitions, read live only while a namespace is Terminating',
  ValidatingWebhookConfiguration: 'ValidatingWebhookConfigurations, read live only while a namespace is Terminating',
  MutatingWebhookConfiguration: 'MutatingWebhookConfigurations, read live only while a namespace is Terminating',
};

export function dataName(key: DataKey): string {
  if (Object.hasOwn(NAMES, key)) return NAMES[key as keyof typeof NAMES];
  return KIND_NAMES[key as KubernetesKind] ?? `${key} objects`;
}

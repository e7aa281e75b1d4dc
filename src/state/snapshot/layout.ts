import type { GcpDataKey } from '../cluster-state.js';

/** Each file of the snapshot layout (DESIGN.md), and the command that prints it. */
export const SNAPSHOT_FILES: Record<GcpDataKey, { file: string; command: string }> = {
  project: { file: 'project.json', command: 'gcloud projects describe PROJECT --format=json' },
  iamPolicy: { file: 'iam-policy.json', command: 'gcloud projects get-iam-policy PROJECT --format=json' },
  cluster: { file: 'cluster.json', command: 'gcloud container clusters describe CLUSTER --location LOCATION --format=json' },
  eventarcTriggers: { file: 'eventarc-triggers.json', command: 'gcloud eventarc triggers list --location=- --format=json' },
  healthChecks: { file: 'compute/health-checks.json', command: 'gcloud compute health-checks list --format=json' },
  backendServices: { file: 'compute/backend-services.json', command: 'gcloud compute backend-services list --format=json' },
  // In the cluster network's project (the host project on a Shared VPC), as the firewall data.
  subnetworks: { file: 'compute/subnetworks.json', command: 'gcloud compute networks subnets list --project NETWORK_PROJECT --format=json' },
  hostIamPolicy: { file: 'host-iam-policy.json', command: 'gcloud projects get-iam-policy HOST_PROJECT --format=json' },
  pubsubTopics: { file: 'pubsub-topics.json', command: 'gcloud pubsub topics list --format=json' },
  pubsubSubscriptions: { file: 'pubsub-subscriptions.json', command: 'gcloud pubsub subscriptions list --format=json' },
  // In the cluster network's project (the host project on a Shared VPC).
  firewalls: { file: 'compute/firewalls.json', command: 'gcloud compute firewall-rules list --project NETWORK_PROJECT --filter="network:NETWORK" --format=json' },
  effectiveFirewalls: { file: 'compute/effective-firewalls.json', command: 'gcloud compute networks get-effective-firewalls NETWORK --project NETWORK_PROJECT --format=json' },
  network: { file: 'compute/network.json', command: 'gcloud compute networks describe NETWORK --project NETWORK_PROJECT --format=json' },
  regionalEffectiveFirewalls: {
    file: 'compute/regional-effective-firewalls.json',
    command: 'gcloud compute network-firewall-policies get-effective-firewalls --network=NETWORK --region=REGION --project NETWORK_PROJECT --format=json',
  },
  backendHealth: {
    file: 'compute/backend-health.json',
    command: 'gcloud compute backend-services get-health NAME --global --format=json (--region REGION for a regional one), for each backend service the cluster\'s Ingresses and Gateways use, as a list of {"backendService": NAME, "health": [...]}',
  },
};

/** The Kubernetes objects: any .yaml, .yml or .json file below it, as kubectl prints them. */
export const KUBERNETES_DIRECTORY = 'k8s';

/** Custom roles bound in the IAM policy: `roles/ROLE_ID.json`, each what `gcloud iam roles describe ROLE_ID --project=PROJECT --format=json` prints. */
export const SNAPSHOT_ROLES_DIRECTORY = 'roles';

/** gke-doctor's own record of when a snapshot was taken (not part of any gcloud output). */
export const SNAPSHOT_METADATA_FILE = 'snapshot.json';

/**
 * gke-doctor's own record of what the live read could not read (not part of any gcloud output): replayed,
 * it makes the same data unavailable again, so a snapshot gives the findings of the run it was taken from.
 */
export const SNAPSHOT_UNREAD_FILE = 'unread.json';

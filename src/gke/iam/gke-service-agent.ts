export { sharedVpcHostProject } from '../../state/shared-vpc.js';

/**
 * GKE's own service agent, `service-NUMBER@container-engine-robot.iam.gserviceaccount.com`
 * (https://cloud.google.com/iam/docs/service-agents): it creates and repairs the nodes, load
 * balancers, firewall rules and routes of every cluster of the project, and needs
 * roles/container.serviceAgent on the project (gcpdiag gke/ERR/2021_007,
 * gcpdiag/lint/gke/err_2021_007_gke_sa.py: the role, or every permission of it).
 */
export function gkeServiceAgent(projectNumber: string): string {
  return `serviceAccount:service-${projectNumber}@container-engine-robot.iam.gserviceaccount.com`;
}

export const GKE_SERVICE_AGENT_ROLE = 'roles/container.serviceAgent';

/**
 * On a Shared VPC the load balancers' firewall rules live in the host project: GKE's service agent of
 * the cluster's project needs the firewall permissions there, through roles/compute.securityAdmin or a
 * custom role (GKE "Setting up clusters with Shared VPC",
 * https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-shared-vpc). Without them ingress-gce
 * cannot create the rules and asks for them in an event instead (kubernetes/ingress-gce
 * pkg/firewalls/firewalls.go createFirewall: on a 403 on an XPN cluster, "Firewall change required by
 * security admin: `gcloud compute firewall-rules create …`", recorded with reason XPN).
 */
export const HOST_FIREWALL_ROLE = 'roles/compute.securityAdmin';

/** The reason and message prefix of ingress-gce's event when it may not change the host project's firewall (pkg/firewalls/firewalls.go newFirewallXPNError). */
export const XPN_EVENT_REASON = 'XPN';
export const XPN_EVENT_MESSAGE = 'Firewall change required by security admin';

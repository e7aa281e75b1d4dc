// Room cluster/ (rank 1): the cluster's own settings (addons, networking, node pools). Imports only src/gke/*.ts.
// Ranks are enforced by test/architecture (GKE_ROOM_RANKS in test/support/import-graph.ts).
import type { Cluster } from '../../state/gcp-types.js';
import type { ClusterState } from '../../state/cluster-state.js';

/** A change to the cluster's settings: the gcloud command and the Terraform that make it. */
export interface ClusterSettingFix {
  summary: string;
  commands: string[];
  terraform: string;
  automatic: false;
}

/**
 * The HTTP load-balancing addon is off (`addonsConfig.httpLoadBalancing.disabled`); GKE's
 * ingress controller and its Gateway controller run only while it is on
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/load-balance-ingress,
 * https://cloud.google.com/kubernetes-engine/docs/how-to/deploying-gateways "Your cluster must
 * have the HttpLoadBalancing add-on enabled").
 */
export function httpLoadBalancingDisabled(cluster: Cluster): boolean {
  return cluster.addonsConfig?.httpLoadBalancing?.disabled === true;
}

/**
 * The cluster's Gateway API is on (`networkConfig.gatewayApiConfig.channel` standard or
 * experimental); otherwise GKE installs no GatewayClass and runs no Gateway controller for it
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/deploying-gateways, Enable the Gateway API).
 */
export function gatewayApiEnabled(cluster: Cluster): boolean {
  const channel = cluster.networkConfig?.gatewayApiConfig?.channel;
  return channel === 'CHANNEL_STANDARD' || channel === 'CHANNEL_EXPERIMENTAL';
}

/** `gcloud container clusters update C --location L --update-addons=HttpLoadBalancing=ENABLED`, and `addons_config` in Terraform. */
export function enableHttpLoadBalancingFix(state: ClusterState, summary: string): ClusterSettingFix {
  return clusterUpdateFix(state, summary, '--update-addons=HttpLoadBalancing=ENABLED', ['  addons_config {', '    http_load_balancing {', '      disabled = false', '    }', '  }']);
}

/** `gcloud container clusters update C --location L --gateway-api=standard`, and `gateway_api_config` in Terraform. */
export function enableGatewayApiFix(state: ClusterState, summary: string): ClusterSettingFix {
  return clusterUpdateFix(state, summary, '--gateway-api=standard', ['  gateway_api_config {', '    channel = "CHANNEL_STANDARD"', '  }']);
}

function clusterUpdateFix(state: ClusterState, summary: string, flag: string, terraformBlock: string[]): ClusterSettingFix {
  const cluster = state.cluster?.name ?? state.target.cluster ?? 'CLUSTER';
  const location = state.cluster?.location ?? state.target.location ?? 'LOCATION';
  const project = state.target.project ? ` --project ${state.target.project}` : '';
  return {
    summary,
    commands: [`gcloud container clusters update ${cluster} --location ${location}${project} ${flag}`],
    terraform: ['resource "google_container_cluster" "…" {', ...terraformBlock, '}'].join('\n'),
    automatic: false,
  };
}

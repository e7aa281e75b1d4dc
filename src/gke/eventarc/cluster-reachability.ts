import type { Fix } from '../../engine/check.js';
import type { Cluster } from '../../state/gcp-types.js';

/**
 * "Targets can only include services running in (public or private) GKE clusters with public
 * endpoints. To target services in GKE clusters with private endpoints, route events to internal
 * HTTP endpoints." (Eventarc's GKE routing pages, e.g.
 * https://cloud.google.com/eventarc/docs/gke/route-trigger-cloud-pubsub). Private nodes alone do not
 * matter; Autopilot is no obstacle (Google's own Eventarc GKE Terraform sample creates an Autopilot
 * cluster: terraform-google-modules/terraform-docs-samples eventarc/gke_basic). The docs say nothing
 * of a cluster reachable only through its DNS-based endpoint, nor of authorized networks: the first
 * is said as undecided, the second is not judged.
 */
export const GKE_DESTINATION_ENDPOINT_DOC = 'https://cloud.google.com/eventarc/docs/gke/route-trigger-cloud-pubsub';
export const INTERNAL_HTTP_ENDPOINT_DOC = 'https://cloud.google.com/eventarc/standard/docs/vpc-endpoints/route-vpc-internal-endpoint-events';

export type EndpointVerdict =
  | { verdict: 'public' }
  /** The control plane has no public IP endpoint: the field that says so. */
  | { verdict: 'private'; field: string }
  /** Only the DNS-based endpoint: the docs do not say whether Eventarc uses it. */
  | { verdict: 'dns-only' };

/**
 * Whether the cluster's control plane has a public IP endpoint. `privateClusterConfig.enablePrivateEndpoint`
 * is the older field, `controlPlaneEndpointsConfig.ipEndpointsConfig` the newer (container v1 Cluster:
 * enable_public_endpoint is the reverse of enable_private_endpoint; `enabled: false` turns IP access off).
 */
export function controlPlaneEndpoint(cluster: Cluster): EndpointVerdict {
  const ip = cluster.controlPlaneEndpointsConfig?.ipEndpointsConfig;
  if (ip?.enabled === false) return { verdict: 'dns-only' };
  if (ip?.enablePublicEndpoint === false) return { verdict: 'private', field: 'controlPlaneEndpointsConfig.ipEndpointsConfig.enablePublicEndpoint: false' };
  if (cluster.privateClusterConfig?.enablePrivateEndpoint === true) return { verdict: 'private', field: 'privateClusterConfig.enablePrivateEndpoint: true' };
  return { verdict: 'public' };
}

/** The documented alternative (an internal HTTP endpoint through a network attachment), or a public endpoint. */
export function privateEndpointFix(summary: string, trigger: { name: string; location: string }, cluster: { name: string; location: string }, project: string): Fix {
  return {
    summary,
    commands: [
      `# Either route the events to an internal HTTP endpoint in the VPC (${INTERNAL_HTTP_ENDPOINT_DOC}), for example an internal load balancer in front of the Service:`,
      `gcloud eventarc triggers create ${trigger.name}-internal --project=${project} --location=${trigger.location} --destination-http-endpoint-uri=http://INTERNAL_ADDRESS/ --network-attachment=NETWORK_ATTACHMENT --event-filters=… --service-account=…`,
      `gcloud eventarc triggers delete ${trigger.name} --project=${project} --location=${trigger.location}`,
      '# or give the control plane a public endpoint (restrict it with authorized networks):',
      `gcloud container clusters update ${cluster.name} --project=${project} --location=${cluster.location} --no-enable-private-endpoint`,
    ],
    terraform: null,
    automatic: false,
  };
}

import type { KubeConfig } from '@kubernetes/client-node';
import { InputError } from '../errors.js';
import type { Cluster } from '../state/gcp-types.js';

/** Which control-plane endpoint to reach a cluster at (`--endpoint`). */
export type EndpointKind = 'public' | 'private' | 'dns' | 'connect-gateway';
export const ENDPOINT_KINDS: readonly EndpointKind[] = ['public', 'private', 'dns', 'connect-gateway'];

/** Where and how to reach one cluster's API server. */
export interface ClusterEndpoint {
  server: string;
  /** PEM of the cluster's own CA; none where the endpoint has a publicly trusted certificate (DNS endpoint, Connect gateway). */
  caPem?: string;
}

/** A fleet membership of the GKE Hub API, as `projects.locations.memberships.list` returns it. */
export interface Membership {
  name: string;
  endpoint?: { gkeCluster?: { resourceLink?: string } };
}

/**
 * The endpoint `gcloud container clusters get-credentials` would write, without a
 * kubeconfig: the public IP (`endpoint`) or the private one (`--internal-ip`)
 * with `masterAuth.clusterCaCertificate`, the DNS-based endpoint (`--dns-endpoint`,
 * `controlPlaneEndpointsConfig.dnsEndpointConfig.endpoint`), or the Connect gateway
 * URL of the cluster's fleet membership (`gcloud container fleet memberships
 * get-credentials`; cloud.google.com/kubernetes-engine/enterprise/multicluster-management/gateway/using).
 * Null with the reason when the cluster has no such endpoint.
 */
export function clusterEndpoint(
  cluster: Cluster,
  kind: EndpointKind,
  gateway: { origin: string; projectNumber?: string; memberships?: Membership[] } | undefined,
): ClusterEndpoint | { unreachable: string } {
  const caPem = cluster.masterAuth?.clusterCaCertificate ? Buffer.from(cluster.masterAuth.clusterCaCertificate, 'base64').toString('utf8') : undefined;
  const ip = cluster.controlPlaneEndpointsConfig?.ipEndpointsConfig;
  switch (kind) {
    case 'public': {
      const address = cluster.endpoint ?? ip?.publicEndpoint;
      if (!address || ip?.enablePublicEndpoint === false) return { unreachable: 'the cluster has no public endpoint (try --endpoint private, dns or connect-gateway)' };
      return { server: `https://${address}`, ...(caPem ? { caPem } : {}) };
    }
    case 'private': {
      const address = ip?.privateEndpoint ?? cluster.privateClusterConfig?.privateEndpoint;
      if (!address) return { unreachable: 'the cluster has no private endpoint' };
      return { server: `https://${address}`, ...(caPem ? { caPem } : {}) };
    }
    case 'dns': {
      const dns = cluster.controlPlaneEndpointsConfig?.dnsEndpointConfig;
      if (!dns?.endpoint) return { unreachable: 'the cluster has no DNS-based control-plane endpoint (controlPlaneEndpointsConfig.dnsEndpointConfig)' };
      return { server: `https://${dns.endpoint}` };
    }
    case 'connect-gateway': {
      const membership = membershipOf(cluster, gateway?.memberships ?? []);
      if (!membership) return { unreachable: 'the cluster is not registered to a fleet (no GKE Hub membership points at it), so the Connect gateway cannot reach it' };
      const [, project, location, name] = /^projects\/([^/]+)\/locations\/([^/]+)\/memberships\/([^/]+)$/.exec(membership.name) ?? [];
      const number = /^\d+$/.test(project ?? '') ? project : gateway?.projectNumber;
      if (!number || !location || !name) return { unreachable: `cannot tell the project number of fleet membership ${membership.name}` };
      return { server: `${gateway!.origin}/v1/projects/${number}/locations/${location}/gkeMemberships/${name}` };
    }
  }
}

/** The membership whose GKE endpoint is this cluster: `//container.googleapis.com/projects/P/locations/L/clusters/C`. */
function membershipOf(cluster: Cluster, memberships: Membership[]): Membership | undefined {
  const self = /projects\/([^/]+)\/(?:locations|zones)\/([^/]+)\/clusters\/([^/]+)$/.exec(cluster.selfLink ?? '');
  return memberships.find((membership) => {
    const link = /projects\/([^/]+)\/(?:locations|zones)\/([^/]+)\/clusters\/([^/]+)$/.exec(membership.endpoint?.gkeCluster?.resourceLink ?? '');
    return link && link[2] === (cluster.location ?? self?.[2]) && link[3] === cluster.name;
  });
}

/**
 * A KubeConfig for the endpoint with a Google access token as the bearer token,
 * what gke-gcloud-auth-plugin hands kubectl (github.com/kubernetes/cloud-provider-gcp,
 * cmd/gke-gcloud-auth-plugin): the API server maps the token to the Google identity.
 */
export async function bearerKubeConfig(endpoint: ClusterEndpoint, token: string, name: string): Promise<KubeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const config = new KubeConfig();
  config.loadFromClusterAndUser(
    { name, server: endpoint.server, skipTLSVerify: false, ...(endpoint.caPem ? { caData: Buffer.from(endpoint.caPem).toString('base64') } : {}) },
    { name, token },
  );
  return config;
}

export function parseEndpointKind(text: string): EndpointKind {
  if (!(ENDPOINT_KINDS as readonly string[]).includes(text)) throw new InputError(`--endpoint ${text}: use ${ENDPOINT_KINDS.join(', ')}`);
  return text as EndpointKind;
}

import type { Cluster } from './gcp-types.js';

/**
 * The project of the cluster's VPC network (`networkConfig.network`: `projects/HOST/global/networks/N`,
 * container v1 Cluster) when it is not the cluster's own project: the Shared VPC host. Null when the
 * network is the project's own, or the cluster does not say.
 */
export function sharedVpcHostProject(cluster: Cluster, project: string): string | null {
  const host = /^projects\/([^/]+)\/global\/networks\//.exec(cluster.networkConfig?.network ?? '')?.[1];
  return host && host !== project ? host : null;
}

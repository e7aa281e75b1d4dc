import type { Cluster } from './gcp-types.js';

/** A cluster's VPC network: its project (the host project on a Shared VPC) and name. */
export interface ClusterNetwork {
  project: string;
  name: string;
  /** `projects/P/global/networks/N`. */
  path: string;
}

/**
 * The cluster's network, from `networkConfig.network` (`projects/HOST/global/networks/N`, which
 * names the host project on a Shared VPC), else `network` (a name in the cluster's own project).
 */
export function clusterNetwork(cluster: Cluster, clusterProject: string | null): ClusterNetwork | undefined {
  const full = /projects\/([^/]+)\/global\/networks\/([^/]+)$/.exec(cluster.networkConfig?.network ?? '');
  if (full) return { project: full[1]!, name: full[2]!, path: `projects/${full[1]}/global/networks/${full[2]}` };
  const project = clusterProject ?? /\/projects\/([^/]+)\//.exec(cluster.selfLink ?? '')?.[1];
  const name = cluster.network ?? undefined;
  if (!project || !name) return undefined;
  return { project, name, path: `projects/${project}/global/networks/${name}` };
}

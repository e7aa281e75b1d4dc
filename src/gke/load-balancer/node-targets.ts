import type { Cluster } from '../../state/gcp-types.js';

/** What a firewall rule can target on a cluster's nodes (Pod IPs are alias IPs of the same VMs): network tags and the service account. */
export interface NodeTarget {
  /** The node pool, for messages. */
  pool: string;
  tags: readonly string[];
  /** False when a tag GKE gives the nodes is not known (cluster.json has no `id`): a rule targeting another tag may still reach them. */
  tagsComplete: boolean;
  /** Undefined when not known (`default` with no project number read). */
  serviceAccount?: string;
}

/**
 * The network tag GKE gives every node of a cluster, `gke-CLUSTER-HASH-node`, HASH being the first
 * 8 characters of the cluster's id (https://cloud.google.com/kubernetes-engine/docs/concepts/firewall-rules;
 * gcpdiag gcpdiag/queries/gke.py Cluster.cluster_hash).
 */
export function gkeNodeTag(cluster: Cluster): string | undefined {
  return cluster.id && cluster.name ? `gke-${cluster.name}-${cluster.id.slice(0, 8)}-node` : undefined;
}

/**
 * The targets of each node pool: GKE's tag with the pool's own `config.tags`, and its
 * `config.serviceAccount` (`default` being the Compute Engine default service account,
 * PROJECT_NUMBER-compute@developer.gserviceaccount.com).
 */
export function nodeTargets(cluster: Cluster, projectNumber: string | undefined): NodeTarget[] {
  const gkeTag = gkeNodeTag(cluster);
  const account = (serviceAccount: string | null | undefined) =>
    !serviceAccount || serviceAccount === 'default' ? (projectNumber ? `${projectNumber}-compute@developer.gserviceaccount.com` : undefined) : serviceAccount;
  const target = (pool: string, config: { tags?: string[] | null; serviceAccount?: string | null } | undefined): NodeTarget => ({
    pool,
    tags: [...(gkeTag ? [gkeTag] : []), ...(config?.tags ?? [])],
    tagsComplete: gkeTag !== undefined,
    ...(account(config?.serviceAccount) ? { serviceAccount: account(config?.serviceAccount) } : {}),
  });
  const pools = cluster.nodePools ?? [];
  if (pools.length === 0) return [target('(the cluster\'s nodes)', cluster.nodeConfig ?? undefined)];
  return pools.map((pool) => target(pool.name ?? '?', pool.config ?? undefined));
}

import type { Cluster } from '../gcp-types.js';
import { isRecord } from '../files/kubernetes-documents.js';
import type { PlannedLayer } from './planned-layer.js';
import { addUnknown } from './planned-layer.js';
import type { PlannedResource } from './terraform-plan.js';
import { PlannedAttributes } from './terraform-plan.js';

type NodePool = NonNullable<Cluster['nodePools']>[number];
type Taint = NonNullable<NonNullable<NodePool['config']>['taints']>[number];

/** A planned cluster and its full resource name (`projects/P/locations/L/clusters/C`), as unknownUntilApply keys it. */
export interface PlannedCluster {
  cluster: Cluster;
  resourceName: string;
}

/**
 * Lays `google_container_node_pool` resources (hashicorp/google docs, container_node_pool:
 * `cluster`, `location`, `node_config { workload_metadata_config { mode }, taint }`) onto the
 * planned cluster they belong to, as the container v1 NodePool `clusters describe` lists.
 * A pool whose cluster the plan knows only after apply leaves every planned cluster's
 * `nodePools` undecided; a pool of a cluster the plan does not hold is left out.
 */
export function addNodePools(layer: PlannedLayer, clusters: readonly PlannedCluster[], resources: readonly PlannedResource[]): void {
  for (const resource of resources) {
    const values = new PlannedAttributes(resource);
    if (values.isUnknown('cluster')) {
      for (const { resourceName } of clusters) addUnknown(layer, resourceName, ['nodePools']);
      continue;
    }
    const target = clusters.find((planned) => poolOf(planned, values.string('cluster', 'cluster') ?? '', values.string('location', 'location')));
    if (!target) continue;
    const { pool, unknown } = nodePool(resource, values, target.cluster);
    (target.cluster.nodePools ??= []).push(pool);
    addUnknown(layer, target.resourceName, unknown);
  }
}

/** `cluster` is the cluster's name (with the pool's `location`) or its id `projects/P/locations/L/clusters/C`. */
function poolOf({ cluster, resourceName }: PlannedCluster, reference: string, location: string | undefined): boolean {
  if (reference.startsWith('projects/')) return reference === resourceName;
  return reference === cluster.name && (!location || !cluster.location || location === cluster.location);
}

function nodePool(resource: PlannedResource, values: PlannedAttributes, cluster: Cluster): { pool: NodePool; unknown: string[] } {
  // A name the provider generates (name_prefix) is known only after apply; the address names the pool meanwhile.
  const name = values.isUnknown('name') ? resource.address : (values.string('name', 'name') ?? resource.address);
  const field = (path: string) => `nodePools[${name}].config.${path}`;
  const config: NonNullable<NodePool['config']> = {};
  // Left unset on a new pool (the provider then sends no workload_metadata_config, and plans it as known after
  // apply), GKE decides: with Workload Identity on the cluster, "existing node pools are unaffected, but new node
  // pools in the cluster use" it (https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity).
  const created = resource.actions.includes('create');
  const planned = created && values.isUnknown(MODE) ? undefined : values.string(MODE, field('workloadMetadataConfig.mode'));
  const mode = planned ?? (created && cluster.workloadIdentityConfig?.workloadPool ? 'GKE_METADATA' : undefined);
  if (mode) config.workloadMetadataConfig = { mode };
  // A new pool without a node_config block has it computed whole: no taint was set.
  const taints = created && values.isUnknown('node_config') ? [] : values.get('node_config.0.taint', field('taints'));
  if (Array.isArray(taints)) config.taints = taints.filter(isRecord).map((taint): Taint => ({ key: String(taint.key ?? ''), value: String(taint.value ?? ''), effect: String(taint.effect ?? '') }));
  return { pool: { name, config }, unknown: values.unknownFields.filter((unknown) => unknown.startsWith('nodePools[')) };
}

const MODE = 'node_config.0.workload_metadata_config.0.mode';

import picomatch from 'picomatch';
import type { Cluster } from '../state/gcp-types.js';
import { MANAGED_MESH_NAMESPACE, PROTECTED, matches } from './protected-namespace-names.js';

/** Whose `name` is and where that is documented, or null when it is the user's own. */
export function protectedNamespace(name: string, cluster?: Cluster): { owner: string; source: string } | null {
  const found = PROTECTED.find((entry) => entry.names.some((pattern) => matches(pattern, name)));
  if (found) return { owner: found.owner, source: found.source };
  if (name === MANAGED_MESH_NAMESPACE && cluster?.resourceLabels?.mesh_id) {
    return { owner: 'Cloud Service Mesh (the cluster carries the mesh_id label)', source: 'https://cloud.google.com/service-mesh/docs/managed/provision-managed-anthos-service-mesh' };
  }
  return null;
}

export function isProtectedNamespace(name: string, cluster?: Cluster): boolean {
  return protectedNamespace(name, cluster) !== null;
}

/** Whether the user's config protects `name` too (`checks.terminating-namespace.protected-namespaces`: names or globs). */
export function isProtectedByConfig(name: string, patterns: readonly string[]): boolean {
  return patterns.length > 0 && picomatch(patterns as string[])(name);
}

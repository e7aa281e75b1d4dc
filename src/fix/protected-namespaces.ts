import picomatch from 'picomatch';
import type { Cluster } from '../state/gcp-types.js';

/**
 * Namespaces Kubernetes, GKE or a Google-managed add-on runs itself: `--fix`
 * never finalizes them without `--force`, and the plan says whose they are.
 * Each entry follows the documentation of the component that owns it.
 */
const PROTECTED: { matches: (name: string) => boolean; owner: string; source: string }[] = [
  {
    // The four namespaces every cluster starts with.
    matches: (name) => ['kube-system', 'kube-public', 'kube-node-lease', 'default'].includes(name),
    owner: 'Kubernetes itself',
    source: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#initial-namespaces',
  },
  {
    // gke-managed-system, gke-managed-filestorecsi, gke-managed-cim, gke-gmp-system, gke-connect, gke-mcs…
    matches: (name) => name.startsWith('gke-'),
    owner: 'GKE (its managed components)',
    source: 'https://cloud.google.com/kubernetes-engine/docs/concepts/autopilot-security#built-in-security',
  },
  {
    // "Do not modify or deploy anything in gmp-system"; gmp-public holds the OperatorConfig.
    matches: (name) => name === 'gmp-system' || name === 'gmp-public',
    owner: 'Google Cloud Managed Service for Prometheus',
    source: 'https://cloud.google.com/stackdriver/docs/managed-prometheus/setup-managed',
  },
  {
    matches: (name) => ['config-management-system', 'config-management-monitoring', 'resource-group-system'].includes(name),
    owner: 'Config Sync',
    source: 'https://cloud.google.com/kubernetes-engine/enterprise/config-sync/docs/how-to/installing-config-sync',
  },
  {
    matches: (name) => name === 'gatekeeper-system',
    owner: 'Policy Controller',
    source: 'https://cloud.google.com/kubernetes-engine/enterprise/policy-controller/docs/how-to/policy-controller-exclude-namespaces',
  },
  {
    matches: (name) => name === 'asm-system',
    owner: 'Cloud Service Mesh (managed control plane)',
    source: 'https://cloud.google.com/service-mesh/docs/managed/provision-managed-anthos-service-mesh',
  },
];

/** Whose `name` is and where that is documented, or null when it is the user's own. */
export function protectedNamespace(name: string, cluster?: Cluster): { owner: string; source: string } | null {
  const found = PROTECTED.find((entry) => entry.matches(name));
  if (found) return { owner: found.owner, source: found.source };
  // istio-system is Google's only when the mesh is managed: the fleet labels such a cluster mesh_id.
  if (name === 'istio-system' && cluster?.resourceLabels?.mesh_id) {
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

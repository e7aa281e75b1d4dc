// The names alone, without picomatch: `--force`'s help lists them at every start of the CLI.

/**
 * Namespaces Kubernetes, GKE or a Google-managed add-on runs itself: `--fix`
 * never finalizes them without `--force`, and the plan says whose they are.
 * Each entry follows the documentation of the component that owns it.
 */
export const PROTECTED: { names: readonly string[]; owner: string; source: string }[] = [
  {
    // The four namespaces every cluster starts with.
    names: ['kube-system', 'kube-public', 'kube-node-lease', 'default'],
    owner: 'Kubernetes itself',
    source: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#initial-namespaces',
  },
  {
    // gke-managed-system, gke-managed-filestorecsi, gke-managed-cim, gke-gmp-system, gke-connect, gke-mcs…
    names: ['gke-*'],
    owner: 'GKE (its managed components)',
    source: 'https://cloud.google.com/kubernetes-engine/docs/concepts/autopilot-security#built-in-security',
  },
  {
    // "Do not modify or deploy anything in gmp-system"; gmp-public holds the OperatorConfig.
    names: ['gmp-system', 'gmp-public'],
    owner: 'Google Cloud Managed Service for Prometheus',
    source: 'https://cloud.google.com/stackdriver/docs/managed-prometheus/setup-managed',
  },
  {
    names: ['config-management-system', 'config-management-monitoring', 'resource-group-system'],
    owner: 'Config Sync',
    source: 'https://cloud.google.com/kubernetes-engine/enterprise/config-sync/docs/how-to/installing-config-sync',
  },
  {
    names: ['gatekeeper-system'],
    owner: 'Policy Controller',
    source: 'https://cloud.google.com/kubernetes-engine/enterprise/policy-controller/docs/how-to/policy-controller-exclude-namespaces',
  },
  {
    names: ['asm-system'],
    owner: 'Cloud Service Mesh (managed control plane)',
    source: 'https://cloud.google.com/service-mesh/docs/managed/provision-managed-anthos-service-mesh',
  },
];

/** istio-system is Google's only when the mesh is managed: the fleet labels such a cluster mesh_id. */
export const MANAGED_MESH_NAMESPACE = 'istio-system';

/** Every protected name, as `--force`'s help and the docs list them (`gke-*`: any name that starts so). */
export const PROTECTED_NAMESPACES: readonly string[] = [...PROTECTED.flatMap((entry) => entry.names), `${MANAGED_MESH_NAMESPACE} when the cluster has the mesh_id label`];

export const matches = (pattern: string, name: string) => (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern);

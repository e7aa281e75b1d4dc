/**
 * The metrics APIs (k8s.io/metrics: the resource, custom and external metrics APIs) serve
 * views computed on request, with get and list only: kubernetes-sigs/metrics-server
 * pkg/api/pod.go's podMetrics is a rest.Getter and rest.Lister and nothing else, and the
 * custom and external metrics adapters (kubernetes-sigs/custom-metrics-apiserver) likewise.
 * Nothing of theirs is stored in a namespace, so their discovery failing (metrics-server down:
 * the usual NamespaceDeletionDiscoveryFailure) hides no object that finalizing could orphan.
 */
const METRICS_GROUPS = new Set(['metrics.k8s.io', 'custom.metrics.k8s.io', 'external.metrics.k8s.io']);

/** Whether `groupVersion` (`metrics.k8s.io/v1beta1`) is one of the metrics APIs, which store no object. */
export function storesNoObjects(groupVersion: string): boolean {
  return METRICS_GROUPS.has(groupVersion.split('/')[0]!);
}

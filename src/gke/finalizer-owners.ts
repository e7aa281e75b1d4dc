/**
 * Finalizers that GKE's own controllers put on objects, and who removes them
 * (kubernetes/ingress-gce pkg/utils/common/finalizer.go; the cloud provider's
 * service controller for load-balancer-cleanup).
 */
export interface FinalizerOwner {
  finalizer: string;
  owner: string;
  /** The owner runs only while the cluster's HTTP load-balancing addon is enabled. */
  needsHttpLoadBalancing?: boolean;
}

export const GKE_FINALIZER_OWNERS: readonly FinalizerOwner[] = [
  { finalizer: 'networking.gke.io/ingress-finalizer', owner: 'the GKE ingress controller', needsHttpLoadBalancing: true },
  { finalizer: 'networking.gke.io/ingress-finalizer-V2', owner: 'the GKE ingress controller', needsHttpLoadBalancing: true },
  {
    finalizer: 'networking.gke.io/neg-finalizer',
    owner: 'the GKE NEG controller, which holds it while the cloud NEG is still used by a backend service',
  },
  { finalizer: 'gke.networking.io/l4-ilb-v2', owner: "GKE's L4 internal load balancer controller" },
  { finalizer: 'gke.networking.io/l4-netlb-v2', owner: "GKE's L4 external network load balancer controller" },
  {
    finalizer: 'service.kubernetes.io/load-balancer-cleanup',
    owner: "the cloud provider's service controller, which deletes the Google Cloud load balancer first",
  },
  { finalizer: 'foregroundDeletion', owner: 'the garbage collector, which waits for the dependents to be deleted' },
];

export function finalizerOwner(finalizer: string): FinalizerOwner | undefined {
  return GKE_FINALIZER_OWNERS.find((candidate) => candidate.finalizer === finalizer);
}

import type { ClusterState } from '../../state/cluster-state.js';
import type { KubeObject } from '../../state/kubernetes-types.js';
import { gatewayApiEnabled, httpLoadBalancingDisabled } from '../cluster/cluster-settings.js';
import { GKE_GATEWAY_FINALIZER } from '../gateway/gateway-classes.js';
import type { ControllerWorkload, WorkloadStatus } from './controller-pods.js';
import { workloadStatus } from './controller-pods.js';
import { operatorFinalizer } from './operator-finalizers.js';

/**
 * The controllers that remove finalizers gke-doctor knows, and how to tell whether
 * each one runs in this cluster.
 */
export type FinalizerController =
  /** GKE's ingress controller (ingress-gce), which runs only while the HTTP load-balancing addon is enabled. */
  | 'gke-ingress'
  /**
   * GKE's NEG controller, part of ingress-gce in the control plane. Whether it keeps running
   * with the HTTP load-balancing addon disabled is not documented: known to run only with the addon on.
   */
  | 'gke-neg'
  /**
   * GKE's Gateway controller (networking.gke.io/gateway), in the control plane: runs only while the
   * HTTP load-balancing addon is enabled and the cluster's Gateway API is on.
   */
  | 'gke-gateway'
  /** Controllers of GKE's managed control plane that run whatever the addons: L4 load balancers, the service controller. */
  | 'gke-control-plane'
  /** kube-controller-manager (garbage collector, PVC/PV protection): always runs in GKE's managed control plane. */
  | 'kube-controller-manager'
  /** argo-cd's application controller, a workload in the cluster (argoproj/argo-cd manifests/base/application-controller). */
  | 'argocd-application-controller'
  /** An operator running as a workload in the cluster (src/gke/namespaces/operator-finalizers.ts): its Pods say whether it runs. */
  | 'workload';

/** A finalizer, who removes it, and where that is written. */
export interface FinalizerOwner {
  finalizer: string;
  owner: string;
  controller: FinalizerController;
  source: string;
  /** The owner runs only while the cluster's HTTP load-balancing addon is enabled (and, for the Gateway controller, its Gateway API is on). */
  needsHttpLoadBalancing?: boolean;
  /** Where the controller runs, for one object (operators running as workloads). */
  workload?: (object: KubeObject) => ControllerWorkload;
  /** What removing it by hand skips, for one object. */
  stripping?: (object: KubeObject) => string;
}

const INGRESS_GCE = 'kubernetes/ingress-gce pkg/utils/common/finalizer.go';
const ARGO_CD = 'argoproj/argo-cd pkg/apis/application/v1alpha1/application_defaults.go';

export const FINALIZER_OWNERS: readonly FinalizerOwner[] = [
  { finalizer: 'networking.gke.io/ingress-finalizer', owner: 'the GKE ingress controller', controller: 'gke-ingress', source: `${INGRESS_GCE} FinalizerKey`, needsHttpLoadBalancing: true },
  { finalizer: 'networking.gke.io/ingress-finalizer-V2', owner: 'the GKE ingress controller', controller: 'gke-ingress', source: `${INGRESS_GCE} FinalizerKeyV2`, needsHttpLoadBalancing: true },
  {
    finalizer: 'networking.gke.io/neg-finalizer',
    owner: 'the GKE NEG controller, which holds it while the cloud NEG is still used by a backend service',
    controller: 'gke-neg',
    source: `${INGRESS_GCE} NegFinalizerKey`,
  },
  {
    // No published source names this finalizer or its owner: GKE's Gateway controller is not open source, and
    // GoogleCloudPlatform/gke-gateway-api publishes only the networking.gke.io API types and CRDs. It is what
    // the controller writes on every Gateway it manages, of every GKE class, v1alpha1 to v1 (kubectl get gateway -o yaml on GKE).
    finalizer: GKE_GATEWAY_FINALIZER,
    owner: "GKE's Gateway controller (networking.gke.io/gateway)",
    controller: 'gke-gateway',
    source: 'GKE Gateways as the API returns them (no published source: the controller is not open source)',
    needsHttpLoadBalancing: true,
  },
  { finalizer: 'gke.networking.io/l4-ilb-v1', owner: "the service controller of GKE's control plane (legacy internal load balancers)", controller: 'gke-control-plane', source: `${INGRESS_GCE} LegacyILBFinalizer` },
  { finalizer: 'gke.networking.io/l4-ilb-v2', owner: "GKE's L4 internal load balancer controller", controller: 'gke-control-plane', source: `${INGRESS_GCE} ILBFinalizerV2` },
  { finalizer: 'gke.networking.io/l4-netlb-v2', owner: "GKE's L4 external network load balancer controller", controller: 'gke-control-plane', source: `${INGRESS_GCE} NetLBFinalizerV2` },
  { finalizer: 'gke.networking.io/l4-netlb-v3', owner: "GKE's L4 external network load balancer controller (NEG backends)", controller: 'gke-control-plane', source: `${INGRESS_GCE} NetLBFinalizerV3` },
  {
    // Not in finalizer.go: recorded on GKE LoadBalancer Services next to load-balancer-cleanup (the legacy service controller's).
    finalizer: 'gke.networking.io/l4-netlb-v1',
    owner: "the service controller of GKE's control plane (legacy external network load balancers)",
    controller: 'gke-control-plane',
    source: 'GKE LoadBalancer Services as the API returns them (not in ingress-gce finalizer.go)',
  },
  {
    finalizer: 'service.kubernetes.io/load-balancer-cleanup',
    owner: "the cloud provider's service controller, which deletes the Google Cloud load balancer first",
    controller: 'gke-control-plane',
    source: `${INGRESS_GCE} LoadBalancerCleanupFinalizer; kubernetes pkg/controller/service`,
  },
  { finalizer: 'foregroundDeletion', owner: 'the garbage collector, which waits for the dependents to be deleted', controller: 'kube-controller-manager', source: 'kubernetes pkg/controller/garbagecollector' },
  { finalizer: 'orphan', owner: 'the garbage collector, which first orphans the dependents', controller: 'kube-controller-manager', source: 'kubernetes pkg/controller/garbagecollector' },
  {
    finalizer: 'kubernetes.io/pvc-protection',
    owner: "kube-controller-manager's PVC protection controller, once no Pod uses the claim",
    controller: 'kube-controller-manager',
    source: 'kubernetes pkg/controller/volume/pvcprotection',
  },
  {
    finalizer: 'kubernetes.io/pv-protection',
    owner: "kube-controller-manager's PV protection controller, once no claim is bound to the volume",
    controller: 'kube-controller-manager',
    source: 'kubernetes pkg/controller/volume/pvprotection',
  },
  { finalizer: 'resources-finalizer.argocd.argoproj.io', owner: 'argocd-application-controller, after deleting the Application\'s resources', controller: 'argocd-application-controller', source: `${ARGO_CD} ResourcesFinalizerName` },
  { finalizer: 'resources-finalizer.argocd.argoproj.io/foreground', owner: 'argocd-application-controller, after deleting the Application\'s resources', controller: 'argocd-application-controller', source: `${ARGO_CD} ForegroundPropagationPolicyFinalizer` },
  { finalizer: 'resources-finalizer.argocd.argoproj.io/background', owner: 'argocd-application-controller, after deleting the Application\'s resources', controller: 'argocd-application-controller', source: `${ARGO_CD} BackgroundPropagationPolicyFinalizer` },
  { finalizer: 'pre-delete-finalizer.argocd.argoproj.io', owner: 'argocd-application-controller, after the pre-delete hooks', controller: 'argocd-application-controller', source: `${ARGO_CD} PreDeleteFinalizerName` },
  { finalizer: 'post-delete-finalizer.argocd.argoproj.io', owner: 'argocd-application-controller, after the post-delete hooks', controller: 'argocd-application-controller', source: `${ARGO_CD} PostDeleteFinalizerName` },
];

export function finalizerOwner(finalizer: string): FinalizerOwner | undefined {
  const known = FINALIZER_OWNERS.find((candidate) => candidate.finalizer === finalizer);
  if (known) return known;
  const operator = operatorFinalizer(finalizer);
  return operator && { ...operator, controller: 'workload' };
}

/** Whether a finalizer's controller runs in this cluster, with the evidence for it; `failing` when its Pods exist but none is ready. */
export type ControllerStatus = WorkloadStatus;

/** Whether the controller that removes `owner`'s finalizer from `object` runs. */
export function ownerStatus(owner: FinalizerOwner, object: KubeObject, state: ClusterState): ControllerStatus {
  return owner.workload ? workloadStatus(owner.workload(object), state) : controllerStatus(owner.controller, state);
}

/** The label argo-cd's install manifests put on the application controller's Pods. */
const ARGOCD_CONTROLLER_LABEL = ['app.kubernetes.io/name', 'argocd-application-controller'] as const;

export function controllerStatus(controller: FinalizerController, state: ClusterState): ControllerStatus {
  switch (controller) {
    case 'workload':
      return { status: 'unknown', why: 'where its controller runs is not known' };
    case 'kube-controller-manager':
    case 'gke-control-plane':
      return { status: 'running', why: "it runs in GKE's managed control plane" };
    case 'gke-gateway': {
      if (!state.cluster) return { status: 'unknown', why: `${clusterUnread(state)}, so whether the HTTP load-balancing addon and the Gateway API are on is not known` };
      // deploying-gateways, GKE Gateway controller requirements: the HttpLoadBalancing add-on; the Gateway API enabled on the cluster.
      if (httpLoadBalancingDisabled(state.cluster)) return { status: 'gone', why: 'it never runs while the HTTP load-balancing addon is disabled' };
      if (!gatewayApiEnabled(state.cluster)) return { status: 'gone', why: "the cluster's Gateway API is off (networkConfig.gatewayApiConfig.channel), so GKE runs no Gateway controller" };
      return { status: 'running', why: "the HTTP load-balancing addon is enabled and the cluster's Gateway API is on" };
    }
    case 'gke-ingress':
    case 'gke-neg': {
      if (!state.cluster) return { status: 'unknown', why: `${clusterUnread(state)}, so whether the HTTP load-balancing addon is enabled is not known` };
      if (!httpLoadBalancingDisabled(state.cluster)) return { status: 'running', why: 'the HTTP load-balancing addon is enabled' };
      return controller === 'gke-ingress'
        ? { status: 'gone', why: 'it never runs while the HTTP load-balancing addon is disabled' }
        : { status: 'unknown', why: 'the HTTP load-balancing addon is disabled, and whether the NEG controller runs without it is not documented' };
    }
    case 'argocd-application-controller': {
      if (state.unavailable.has('Pod')) return { status: 'unknown', why: 'Pods could not be read' };
      const [key, value] = ARGOCD_CONTROLLER_LABEL;
      const pods = state.kubernetes.list('Pod').filter((pod) => pod.metadata?.labels?.[key] === value);
      if (pods.some((pod) => pod.status?.phase === 'Running' && !pod.metadata?.deletionTimestamp)) {
        return { status: 'running', why: `a Pod labelled ${key}=${value} is Running` };
      }
      return {
        status: 'gone',
        why: pods.length === 0 ? `no Pod labelled ${key}=${value} is in the cluster: argo-cd's application controller is gone` : `no Pod labelled ${key}=${value} is Running`,
      };
    }
  }
}

/** Why the cluster is not known, naming the file or API that failed when one did. */
function clusterUnread(state: ClusterState): string {
  const reason = state.unavailable.get('cluster');
  return reason ? `the cluster could not be read (${reason})` : 'the cluster was not read';
}

import type { ClusterState } from '../state/cluster-state.js';
import { kubectlKind, kubernetesResourceName } from '../state/cluster-state.js';
import type { ApiService, KubeObject, Namespace } from '../state/kubernetes-types.js';
import type { FinalizerOwner } from './finalizer-owners.js';
import { finalizerOwner } from './finalizer-owners.js';

/**
 * Conditions the namespace controller sets while it cannot finish
 * (kubernetes pkg/controller/namespace/deletion/namespaced_resources_deleter.go).
 */
export const NAMESPACE_DELETION_CONDITIONS: Record<string, string> = {
  NamespaceDeletionDiscoveryFailure: 'the namespace controller cannot list every API group, so it cannot know the namespace is empty',
  NamespaceDeletionGroupVersionParsingFailure: 'an API group version cannot be parsed',
  NamespaceDeletionContentFailure: 'deleting some of the content failed',
  NamespaceContentRemaining: 'objects are still in the namespace',
  NamespaceFinalizersRemaining: 'objects in the namespace still carry finalizers',
};

export interface NamespaceCondition {
  type: string;
  reason?: string;
  message?: string;
}

export interface UnavailableApiService {
  name: string;
  /** `namespace/name` of the Service behind it; null for a local APIService. */
  service: string | null;
  /** GKE's addon manager reconciles it: deleting it is undone, so only repairing helps. */
  managedByGke: boolean;
  reason?: string;
  message?: string;
}

export interface RemainingObject {
  resource: string;
  /** `kubectl` resource argument: `ingress.networking.k8s.io/web`. */
  kubectlName: string;
  finalizers: string[];
  owners: FinalizerOwner[];
  deleting: boolean;
}

export interface NamespaceDeletion {
  name: string;
  deletionTimestamp: string;
  terminatingForMs: number;
  /** Deletion conditions that are True, in the controller's words. */
  conditions: NamespaceCondition[];
  unavailableApiServices: UnavailableApiService[];
  remaining: RemainingObject[];
  /** `spec.finalizers`: what `/finalize` empties. */
  specFinalizers: string[];
  /** `metadata.finalizers`: not touched by `/finalize`. */
  metadataFinalizers: string[];
  /** Whether the cluster's HTTP load-balancing addon is disabled (null when unknown). */
  httpLoadBalancingDisabled: boolean | null;
}

export function isTerminating(namespace: Namespace): boolean {
  return Boolean(namespace.metadata?.deletionTimestamp);
}

/** APIServices whose Available condition is False: the usual cause of NamespaceDeletionDiscoveryFailure. */
export function unavailableApiServices(apiServices: readonly ApiService[]): UnavailableApiService[] {
  return apiServices.flatMap((apiService) => {
    const available = apiService.status?.conditions?.find((condition) => condition.type === 'Available');
    if (available?.status !== 'False') return [];
    const service = apiService.spec?.service;
    return [
      {
        name: apiService.metadata?.name ?? '?',
        service: service ? `${service.namespace}/${service.name}` : null,
        managedByGke: apiService.metadata?.labels?.['addonmanager.kubernetes.io/mode'] === 'Reconcile',
        reason: available.reason,
        message: available.message,
      },
    ];
  });
}

/** Everything known about why `namespace` has not finished deleting. */
export function diagnoseNamespaceDeletion(namespace: Namespace, state: ClusterState, now: Date): NamespaceDeletion {
  const name = namespace.metadata?.name ?? '?';
  const deletionTimestamp = namespace.metadata?.deletionTimestamp ?? now.toISOString();
  const conditions = (namespace.status?.conditions ?? [])
    .filter((condition) => condition.status === 'True' && condition.type in NAMESPACE_DELETION_CONDITIONS)
    .map(({ type, reason, message }) => ({ type, reason, message }));
  const disabled = state.cluster?.addonsConfig?.httpLoadBalancing?.disabled;
  return {
    name,
    deletionTimestamp,
    terminatingForMs: now.getTime() - Date.parse(deletionTimestamp),
    conditions,
    unavailableApiServices: unavailableApiServices(state.kubernetes.list('APIService')),
    remaining: state.kubernetes
      .inNamespace(name)
      .map(describeRemaining)
      .sort((a, b) => a.resource.localeCompare(b.resource)),
    specFinalizers: namespace.spec?.finalizers ?? [],
    metadataFinalizers: namespace.metadata?.finalizers ?? [],
    httpLoadBalancingDisabled: state.cluster ? disabled === true : null,
  };
}

function describeRemaining(object: KubeObject): RemainingObject {
  const finalizers = object.metadata?.finalizers ?? [];
  return {
    resource: kubernetesResourceName(object),
    kubectlName: kubectlName(object),
    finalizers,
    owners: finalizers.flatMap((finalizer) => finalizerOwner(finalizer) ?? []),
    deleting: Boolean(object.metadata?.deletionTimestamp),
  };
}

/** `ingress.networking.k8s.io/web`, `pod/web-0`: names kubectl cannot mistake for another group's kind. */
export function kubectlName(object: KubeObject): string {
  return `${kubectlKind(object)}/${object.metadata?.name ?? '?'}`;
}

/** The exact command that empties `spec.finalizers` and PUTs the namespace to its `/finalize` subresource. */
export function finalizeCommand(namespace: string): string {
  return `kubectl get namespace ${namespace} -o json | jq '.spec.finalizers = []' | kubectl replace --raw /api/v1/namespaces/${namespace}/finalize -f -`;
}

/** Commands in the order GKE's troubleshooting guide gives: root cause, then blockers, then finalize. */
export function namespaceFixCommands(deletion: NamespaceDeletion): string[] {
  const rootCause = rootCauseCommands(deletion);
  const then = rootCause.length > 0 ? ['# Then check again: the namespace controller usually finishes by itself. Only if it does not:'] : [];
  return [...rootCause, ...then, finalizeCommand(deletion.name)];
}

/** What to repair before finalizing: the unavailable APIServices, then the finalizers no controller will remove. */
export function rootCauseCommands(deletion: NamespaceDeletion): string[] {
  const commands: string[] = [];
  if (deletion.unavailableApiServices.length > 0) {
    commands.push('# 1. Repair the unavailable APIService, or delete it if nothing should serve it any more');
    for (const apiService of deletion.unavailableApiServices) {
      if (apiService.service) {
        const [serviceNamespace, serviceName] = apiService.service.split('/');
        commands.push(`kubectl -n ${serviceNamespace} describe service ${serviceName}`);
        commands.push(`kubectl -n ${serviceNamespace} get endpointslices -l kubernetes.io/service-name=${serviceName}`);
      }
      if (apiService.managedByGke) {
        commands.push(`# ${apiService.name} is reconciled by GKE's addon manager: deleting it is undone; make the Pods behind its Service ready`);
      } else {
        commands.push(`kubectl delete apiservice ${apiService.name}`);
      }
    }
  }
  const blocking = deletion.remaining.filter((object) => object.finalizers.length > 0);
  if (blocking.length > 0) {
    commands.push(`# ${commands.length > 0 ? 2 : 1}. Remove the finalizers no controller will remove (this can orphan cloud resources)`);
    for (const object of blocking) {
      commands.push(`kubectl -n ${deletion.name} patch ${object.kubectlName} --type=merge -p '{"metadata":{"finalizers":null}}'`);
    }
  }
  return commands;
}

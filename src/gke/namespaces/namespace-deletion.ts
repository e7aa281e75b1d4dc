// Room namespaces/ (rank 5): why a namespace stays Terminating and who owns its finalizers. May import every other room; none imports it.
// Ranks are enforced by test/architecture (GKE_ROOM_RANKS in test/support/import-graph.ts).
import type { ClusterState, UnreadKind } from '../../state/cluster-state.js';
import { kubectlKind, kubernetesResourceName } from '../../state/cluster-state.js';
import type { ApiService, KubeObject, Namespace, Pod } from '../../state/kubernetes-types.js';
import type { ControllerStatus, FinalizerOwner } from './finalizer-owners.js';
import { httpLoadBalancingDisabled } from '../cluster/cluster-settings.js';
import { finalizerOwner, ownerStatus } from './finalizer-owners.js';
import type { DeletionBlockers } from './deletion-blockers.js';
import { blockerCommands, deletionBlockers, noBlockers } from './deletion-blockers.js';

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

/** Conditions that say the namespace controller failed, as opposed to waiting (namespaced_resources_deleter.go). */
const FAILURE_CONDITIONS = ['NamespaceDeletionDiscoveryFailure', 'NamespaceDeletionGroupVersionParsingFailure', 'NamespaceDeletionContentFailure'];

/** Why one object is still in the namespace. */
export type Holdup =
  /** A Pod in its termination grace period: the kubelet deletes it by `until` (its deletionTimestamp). */
  | { kind: 'grace-period'; waiting: true; until: string }
  /** A Pod whose grace period has ended and that is still there: the kubelet has not confirmed it stopped. */
  | { kind: 'grace-period-over'; waiting: false; since: string }
  /** Not yet deleted by the namespace controller. */
  | { kind: 'not-deleted'; waiting: false }
  /** A finalizer; waiting when its controller is known to run, and for PVC protection, on the Pods that use the claim. */
  | { kind: 'finalizer'; waiting: boolean; finalizer: string; owner?: FinalizerOwner; controller?: ControllerStatus; usedBy?: string[]; cost?: string };

export interface RemainingObject {
  resource: string;
  /** `kubectl` resource argument: `ingress.networking.k8s.io/web`. */
  kubectlName: string;
  finalizers: string[];
  owners: FinalizerOwner[];
  deleting: boolean;
  holdups: Holdup[];
  /** Everything that holds it ends by itself: a grace period, or controllers known to run. */
  waiting: boolean;
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
  /** Kinds that could not be listed in the namespace, and why: what is left there is not fully known. */
  unreadKinds: UnreadKind[];
  /** API group versions whose discovery failed: their objects, here too, are not known. */
  undiscovered: UnreadKind[];
  /** Why the APIServices could not be read (then an unavailable one cannot be shown), or null. */
  apiServicesUnread: string | null;
  /** Whether the cluster's HTTP load-balancing addon is disabled (null when unknown). */
  httpLoadBalancingDisabled: boolean | null;
  /** Conversion and admission webhooks the API server cannot call, which hold it whatever else is done: the root cause to name first. */
  blockers: DeletionBlockers;
  /**
   * The namespace controller is only waiting: no failure condition, no unavailable
   * APIService, every remaining object waits on a grace period or a controller that runs,
   * and every kind in it was read (an unread one may hold it).
   */
  waiting: boolean;
  /** The latest end of a Pod grace period it waits for, when it waits for one. */
  waitingUntil: string | null;
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
  const objects = state.kubernetes.inNamespace(name);
  const described = objects.map((object) => ({ object, remaining: describeRemaining(object, objects, state, now) }));
  const remaining = described.map((entry) => entry.remaining).sort((a, b) => a.resource.localeCompare(b.resource));
  const apiServices = unavailableApiServices(state.kubernetes.list('APIService'));
  const failed = conditions.some((condition) => FAILURE_CONDITIONS.includes(condition.type));
  const unreadKinds = [...(state.unreadInNamespaces?.get(name) ?? [])];
  // An APIService named VERSION.GROUP serves GROUP/VERSION: a group whose APIService is unavailable is already explained by it.
  const explained = new Set(apiServices.map((apiService) => apiService.name.replace(/^([^.]+)\.(.+)$/, '$2/$1')));
  const undiscovered = (state.undiscovered ?? []).filter((group) => !explained.has(group.resource));
  const blocked = described.filter((entry) => strippable(entry.remaining).length > 0).map(({ object, remaining: { resource } }) => ({ object, resource }));
  const blockers = deletionBlockers(namespace, conditions, unreadKinds, blocked, state);
  const fullyRead = unreadKinds.length === 0 && undiscovered.length === 0;
  const waiting = !failed && apiServices.length === 0 && fullyRead && noBlockers(blockers) && remaining.length > 0 && remaining.every((object) => object.waiting);
  const graceEnds = remaining.flatMap((object) => object.holdups.flatMap((holdup) => (holdup.kind === 'grace-period' ? [holdup.until] : [])));
  return {
    name,
    deletionTimestamp,
    terminatingForMs: now.getTime() - Date.parse(deletionTimestamp),
    conditions,
    unavailableApiServices: apiServices,
    remaining,
    specFinalizers: namespace.spec?.finalizers ?? [],
    metadataFinalizers: namespace.metadata?.finalizers ?? [],
    unreadKinds,
    undiscovered,
    apiServicesUnread: state.unavailable.get('APIService') ?? null,
    httpLoadBalancingDisabled: state.cluster ? httpLoadBalancingDisabled(state.cluster) : null,
    blockers,
    waiting,
    waitingUntil: waiting && graceEnds.length > 0 ? graceEnds.sort().at(-1)! : null,
  };
}

function describeRemaining(object: KubeObject, inNamespace: readonly KubeObject[], state: ClusterState, now: Date): RemainingObject {
  const finalizers = object.metadata?.finalizers ?? [];
  const holdups: Holdup[] = finalizers.map((finalizer) => finalizerHoldup(finalizer, object, inNamespace, state));
  const deletionTimestamp = object.metadata?.deletionTimestamp;
  if (object.kind === 'Pod') {
    // A Pod's deletionTimestamp is the end of its grace period (request time + grace); the kubelet removes it by then.
    if (!deletionTimestamp) holdups.push({ kind: 'not-deleted', waiting: false });
    else if (Date.parse(deletionTimestamp) > now.getTime()) holdups.push({ kind: 'grace-period', waiting: true, until: deletionTimestamp });
    else holdups.push({ kind: 'grace-period-over', waiting: false, since: deletionTimestamp });
  } else if (!deletionTimestamp) {
    holdups.push({ kind: 'not-deleted', waiting: false });
  }
  return {
    resource: kubernetesResourceName(object),
    kubectlName: kubectlName(object),
    finalizers,
    owners: finalizers.flatMap((finalizer) => finalizerOwner(finalizer) ?? []),
    deleting: Boolean(deletionTimestamp),
    holdups,
    waiting: holdups.every((holdup) => holdup.waiting),
  };
}

function finalizerHoldup(finalizer: string, object: KubeObject, inNamespace: readonly KubeObject[], state: ClusterState): Holdup {
  const owner = finalizerOwner(finalizer);
  if (!owner) return { kind: 'finalizer', waiting: false, finalizer };
  const controller = ownerStatus(owner, object, state);
  // kubernetes pkg/controller/volume/pvcprotection: the finalizer stays while a Pod that is not terminated uses the claim.
  const usedBy = finalizer === 'kubernetes.io/pvc-protection' && object.kind === 'PersistentVolumeClaim' ? podsUsingClaim(object.metadata?.name ?? '', inNamespace) : undefined;
  const cost = owner.stripping?.(object);
  return { kind: 'finalizer', waiting: controller.status === 'running', finalizer, owner, controller, ...(usedBy ? { usedBy } : {}), ...(cost ? { cost } : {}) };
}

function podsUsingClaim(claim: string, inNamespace: readonly KubeObject[]): string[] {
  return inNamespace
    .filter((object) => object.kind === 'Pod')
    .map((object) => object as unknown as Pod)
    .filter((pod) => !['Succeeded', 'Failed'].includes(pod.status?.phase ?? ''))
    .filter((pod) => (pod.spec?.volumes ?? []).some((volume) => volume.persistentVolumeClaim?.claimName === claim))
    .map((pod) => kubernetesResourceName(pod));
}

/** `ingress.networking.k8s.io/web`, `pod/web-0`: names kubectl cannot mistake for another group's kind. */
export function kubectlName(object: KubeObject): string {
  return `${kubectlKind(object)}/${object.metadata?.name ?? '?'}`;
}

/** The exact command that empties `spec.finalizers` and PUTs the namespace to its `/finalize` subresource. */
export function finalizeCommand(namespace: string): string {
  return `kubectl get namespace ${namespace} -o json | jq '.spec.finalizers = []' | kubectl replace --raw /api/v1/namespaces/${namespace}/finalize -f -`;
}

/** The finalizers of an object that no running controller will remove. */
export function strippable(object: RemainingObject): string[] {
  return object.holdups.flatMap((holdup) => (holdup.kind === 'finalizer' && !holdup.waiting ? [holdup.finalizer] : []));
}

/** Commands in the order GKE's troubleshooting guide gives: root cause, then blockers, then finalize. */
export function namespaceFixCommands(deletion: NamespaceDeletion): string[] {
  const rootCause = rootCauseCommands(deletion);
  const then = rootCause.length > 0 ? ['# Then check again: the namespace controller usually finishes by itself. Only if it does not:'] : [];
  return [...rootCause, ...then, finalizeCommand(deletion.name)];
}

/** What to repair before finalizing: the unavailable APIServices, then the finalizers no controller will remove. */
export function rootCauseCommands(deletion: NamespaceDeletion): string[] {
  let steps = 0;
  const step = () => ++steps;
  // The CRDs and webhooks first: while they fail, neither listing the namespace's content nor patching finalizers succeeds.
  const commands: string[] = blockerCommands(deletion.blockers, step);
  if (deletion.unavailableApiServices.length > 0) {
    commands.push(`# ${step()}. Repair the unavailable APIService, or delete it if nothing should serve it any more`);
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
  // A controller that is deployed but failing removes its finalizers once it runs again: repair it before stripping them.
  const failing = failingControllerPods(deletion);
  if (failing.length > 0) {
    commands.push(`# ${step()}. Repair the failing controller: its finalizers go once its Pods run again (why they do not: their logs and events)`);
    for (const pod of failing) {
      const [namespace, name] = pod.split('/');
      commands.push(`kubectl -n ${namespace} logs ${name} --all-containers --previous`, `kubectl -n ${namespace} describe pod ${name}`);
    }
  }
  // Only finalizers whose controller is not known to run; those a running controller holds are kept.
  const blocking = deletion.remaining.filter((object) => strippable(object).length > 0);
  if (blocking.length > 0) {
    commands.push(`# ${step()}. Remove the finalizers no controller will remove (this can orphan cloud resources)`);
    for (const object of blocking) {
      const kept = object.finalizers.filter((finalizer) => !strippable(object).includes(finalizer));
      commands.push(`kubectl -n ${deletion.name} patch ${object.kubectlName} --type=merge -p '${JSON.stringify({ metadata: { finalizers: kept.length > 0 ? kept : null } })}'`);
    }
  }
  return commands;
}

/** The Pods of controllers that are deployed but failing, whose finalizers hold the namespace. */
export function failingControllerPods(deletion: NamespaceDeletion): string[] {
  const pods = deletion.remaining.flatMap((object) =>
    object.holdups.flatMap((holdup) => (holdup.kind === 'finalizer' && holdup.controller?.status === 'failing' ? holdup.controller.pods.map(({ pod }) => pod) : [])),
  );
  return [...new Set(pods)];
}

/** The APIService's Available=False reason and message, as one clause. */
export function unavailableReason(apiService: UnavailableApiService): string {
  return [apiService.reason, apiService.message].filter(Boolean).join(': ') || 'Available=False';
}

/** What to look at (and, when GKE does not reconcile it, delete) for one unavailable APIService. */
export function apiServiceRepairCommands(apiService: UnavailableApiService): string[] {
  if (!apiService.service) return [`kubectl get apiservice ${apiService.name} -o yaml`];
  const [namespace, name] = apiService.service.split('/');
  return [`kubectl -n ${namespace} describe service ${name}`, ...(apiService.managedByGke ? [] : [`kubectl delete apiservice ${apiService.name}`])];
}

/** The objects left in the namespace with their finalizers: what finalizing it orphans. */
export function leftInNamespace(deletion: NamespaceDeletion): { resource: string; finalizers: string[] }[] {
  return deletion.remaining.map(({ resource, finalizers }) => ({ resource, finalizers }));
}

/** The typed action `--fix` applies to a stuck namespace (src/fix/namespace-fixer.ts), with what it prints before asking. */
export function finalizeNamespaceAction(deletion: NamespaceDeletion) {
  return {
    kind: 'finalize-namespace' as const,
    namespace: deletion.name,
    terminatingForSeconds: Math.floor(deletion.terminatingForMs / 1000),
    conditions: deletion.conditions.map(({ type, message }) => ({ type, message })),
    orphans: leftInNamespace(deletion),
    manualSteps: rootCauseCommands(deletion),
  };
}

/** The root-cause steps, in order, that the fix names before finalizing. */
export function rootCauseSteps(
  deletion: NamespaceDeletion,
): ('stepRepairConversion' | 'stepRepairWebhook' | 'stepRepairApiService' | 'stepRepairOrDeleteApiService' | 'stepRepairController' | 'stepRemoveFinalizers')[] {
  const { brokenConversions, conversionFailures, refusingWebhooks } = deletion.blockers;
  const blockers = [...(brokenConversions.length + conversionFailures.length > 0 ? ['stepRepairConversion' as const] : []), ...(refusingWebhooks.length > 0 ? ['stepRepairWebhook' as const] : [])];
  const apiServices = deletion.unavailableApiServices;
  const repair = apiServices.length === 0 ? [] : apiServices.every((apiService) => apiService.managedByGke) ? ['stepRepairApiService' as const] : ['stepRepairOrDeleteApiService' as const];
  const controllers = failingControllerPods(deletion).length > 0 ? ['stepRepairController' as const] : [];
  return [...blockers, ...repair, ...controllers, ...(deletion.remaining.some((object) => strippable(object).length > 0) ? ['stepRemoveFinalizers' as const] : [])];
}

/** What a stuck namespace's finding shows: what holds it, what finalizing empties and orphans, and what was not read. */
export function stuckEvidence(deletion: NamespaceDeletion, forwarderTriggers: readonly string[]) {
  return {
    deletionTimestamp: deletion.deletionTimestamp,
    terminatingForSeconds: Math.floor(deletion.terminatingForMs / 1000),
    conditions: deletion.conditions,
    unavailableApiServices: deletion.unavailableApiServices,
    remainingObjects: leftInNamespace(deletion),
    specFinalizers: deletion.specFinalizers,
    brokenConversionWebhooks: deletion.blockers.brokenConversions,
    failedConversionCalls: deletion.blockers.conversionFailures,
    refusingAdmissionWebhooks: deletion.blockers.refusingWebhooks,
    notRead: { kindsInNamespace: deletion.unreadKinds, undiscoveredGroups: deletion.undiscovered, apiServices: deletion.apiServicesUnread, webhooks: deletion.blockers.unread },
    eventarcTriggers: [...forwarderTriggers],
  };
}

/** Nothing in the data read explains the deletion: no condition, unavailable APIService or remaining object, and nothing unread. */
export function noCauseKnown(deletion: NamespaceDeletion): boolean {
  const fullyRead = !deletion.apiServicesUnread && deletion.undiscovered.length === 0 && deletion.unreadKinds.length === 0;
  return fullyRead &&
    noBlockers(deletion.blockers) && deletion.conditions.length === 0 && deletion.unavailableApiServices.length === 0 && deletion.remaining.length === 0;
}

/** `secrets (403 Forbidden: …); configmaps (…)`: what could not be read, each with why. */
export function describeUnread(unread: readonly UnreadKind[]): string {
  return unread.map(({ resource, reason }) => `${resource} (${reason})`).join('; ');
}

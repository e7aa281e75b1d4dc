import type { Namespace } from '../state/kubernetes-types.js';
import type { KubernetesClient } from '../state/source.js';
import { toApiFailure, withRetry } from '../state/live/api-failure.js';
import { kubernetesPathSegment } from '../state/live/path-segment.js';
import type { ApiFailure } from '../state/live/api-failure.js';

/** A Namespace as the API server sends it. */
export type NamespaceObject = Namespace;

/**
 * The namespace object a plan was made from: its uid, the resourceVersion read, and the
 * finalizers the printed plan showed. A finalize lands on this object or not at all.
 */
export interface PlannedNamespace {
  uid: string;
  resourceVersion?: string;
  specFinalizers: readonly string[];
  metadataFinalizers: readonly string[];
}

export type FinalizeOutcome =
  | { result: 'finalized'; namespace: NamespaceObject }
  | { result: 'dry-run'; namespace: NamespaceObject }
  | { result: 'gone' }
  | { result: 'finalized-elsewhere' }
  | { result: 'not-terminating' }
  /** Another object holds the name now (deleted and re-created since the check). */
  | { result: 'replaced'; uid: string | undefined }
  /** It carries finalizers the plan did not show, and going on with them was not agreed to. */
  | { result: 'plan-changed'; added: string[] }
  /** The run was stopped (SIGINT/SIGTERM) before the finalize was sent. */
  | { result: 'stopped' }
  | { result: 'forbidden'; message: string }
  | { result: 'conflict' }
  | { result: 'error'; message: string };

const CONFLICT_RETRIES = 3;
/** 429 on the finalize: sent again at most this many times, each after the server's Retry-After. */
const THROTTLE_RETRIES = 3;

/** Who sent the writes, as the API server's audit log and managedFields show it. */
export const FIELD_MANAGER = 'gke-doctor';

export const namespacePath = (name: string) => `/api/v1/namespaces/${kubernetesPathSegment(name, 'the namespace')}`;

/** The plan a namespace object as read would make: its uid and finalizers. */
export function planOf(namespace: NamespaceObject): PlannedNamespace {
  return {
    uid: namespace.metadata?.uid ?? '',
    resourceVersion: namespace.metadata?.resourceVersion,
    specFinalizers: namespace.spec?.finalizers ?? [],
    metadataFinalizers: namespace.metadata?.finalizers ?? [],
  };
}

/** Finalizers `namespace` carries that `plan` did not show (`spec.finalizers` and `metadata.finalizers`). */
export function finalizersNotIn(plan: PlannedNamespace, namespace: NamespaceObject): string[] {
  const added = [
    ...(namespace.spec?.finalizers ?? []).filter((finalizer) => !plan.specFinalizers.includes(finalizer)).map((finalizer) => `spec.finalizers ${finalizer}`),
    ...(namespace.metadata?.finalizers ?? []).filter((finalizer) => !plan.metadataFinalizers.includes(finalizer)).map((finalizer) => `metadata.finalizers ${finalizer}`),
  ];
  return added;
}

/**
 * GETs the namespace fresh and finalizes it only if it is still the object the plan
 * was made from: the same uid (a namespace deleted and re-created under the same name
 * is another object, with other contents), still Terminating, and held by no finalizer
 * the plan did not show (`planChanged` decides whether to go on with one). It backs the
 * object up as read, empties `spec.finalizers` and PUTs it to the `/finalize`
 * subresource with that uid and resourceVersion in the body: the API server refuses
 * the write with 409 if either changed meanwhile (apiserver pkg/registry/rest/update.go
 * defaultUpdatedObjectInfo.Preconditions makes the body's uid a precondition;
 * pkg/registry/generic/registry/store.go Update compares the resourceVersion). On 409
 * it reads again and checks all of this again, a bounded number of times.
 */
export async function finalizeNamespace(
  api: KubernetesClient,
  name: string,
  planned: PlannedNamespace,
  options: {
    dryRun: boolean;
    beforeWrite?: (namespace: NamespaceObject, attempt: number) => Promise<void>;
    /** It now carries `added`, finalizers the plan did not show: whether to go on with it as read. */
    planChanged?: (namespace: NamespaceObject, added: string[]) => Promise<boolean>;
    /** SIGINT/SIGTERM: no finalize is sent (nor sent again) after it aborts. */
    stop?: AbortSignal;
    /** Called just before each finalize is sent. */
    onSend?: () => void;
  },
): Promise<FinalizeOutcome> {
  let plan = planned;
  for (let attempt = 0; attempt <= CONFLICT_RETRIES; attempt++) {
    let current: NamespaceObject;
    try {
      current = await api.getJson<NamespaceObject>(namespacePath(name));
    } catch (error) {
      const failure = toApiFailure(error);
      // Gone after our 409: whoever finalized it first, it is deleted.
      if (failure.status === 404) return { result: 'gone' };
      return failed(failure, 'get', name);
    }
    // Compared here, not only by the server: nothing is written, nor backed up, for another object.
    if (current.metadata?.uid !== plan.uid) return { result: 'replaced', uid: current.metadata?.uid };
    if (!current.metadata?.deletionTimestamp) return { result: 'not-terminating' };
    // It was stuck with finalizers when checked: none now means someone else finalized it.
    if ((current.spec?.finalizers ?? []).length === 0) return { result: 'finalized-elsewhere' };
    const added = finalizersNotIn(plan, current);
    if (added.length > 0) {
      if (!(await options.planChanged?.(current, added))) return { result: 'plan-changed', added };
      plan = planOf(current);
    }
    if (!options.dryRun) await options.beforeWrite?.(current, attempt);
    if (options.stop?.aborted) return { result: 'stopped' };
    options.onSend?.();
    const body: NamespaceObject = { ...current, metadata: { ...current.metadata, uid: plan.uid }, spec: { ...current.spec, finalizers: [] } };
    const query = { fieldManager: FIELD_MANAGER, ...(options.dryRun ? { dryRun: 'All' } : {}) };
    let namespace: NamespaceObject;
    try {
      // The body carries the uid and resourceVersion: resending it after a 429 can only land on the same object.
      namespace = await withRetry(() => api.putJson<NamespaceObject>(`${namespacePath(name)}/finalize`, body, query), {
        retries: THROTTLE_RETRIES,
        baseDelayMs: 1_000,
        maxDelayMs: 10_000,
        retryable: (failure) => failure.status === 429 && !options.stop?.aborted,
      });
    } catch (error) {
      const failure = toApiFailure(error);
      if (failure.status === 409) continue;
      if (failure.status === 404) return { result: 'gone' };
      if (failure.status === undefined && !options.dryRun) return didItLand(api, name, current, failure);
      return failed(failure, 'update', name);
    }
    // A server that ignored the preconditions: say so rather than call another object finalized.
    if (namespace.metadata?.uid !== undefined && namespace.metadata.uid !== plan.uid) {
      return { result: 'error', message: `the API server answered the finalize of ${name} with another namespace (uid ${namespace.metadata.uid}, not ${plan.uid}): check it with \`kubectl get namespace ${name} -o yaml\`` };
    }
    return { result: options.dryRun ? 'dry-run' : 'finalized', namespace };
  }
  return { result: 'conflict' };
}

/**
 * The connection broke or timed out after the PUT was sent: it may have landed.
 * Read the namespace again and say which.
 */
async function didItLand(api: KubernetesClient, name: string, sent: NamespaceObject, failure: ApiFailure): Promise<FinalizeOutcome> {
  let now: NamespaceObject;
  try {
    now = await api.getJson<NamespaceObject>(namespacePath(name));
  } catch (error) {
    const again = toApiFailure(error);
    if (again.status === 404) return { result: 'finalized', namespace: { ...sent, spec: { finalizers: [] } } };
    return { result: 'error', message: `the finalize of ${name} got no answer (${failure.message}), and reading it again failed too (${again.message}): whether it landed is unknown; run \`kubectl get namespace ${name} -o yaml\`` };
  }
  if (now.metadata?.uid !== sent.metadata?.uid) {
    return {
      result: 'error',
      message: `the finalize of ${name} got no answer (${failure.message}); read again, the name belongs to another namespace now (uid ${now.metadata?.uid}, not ${sent.metadata?.uid}): the one planned is gone, whether by this finalize is unknown; the new one was not touched`,
    };
  }
  const landed = now.metadata?.resourceVersion !== sent.metadata?.resourceVersion && (now.spec?.finalizers ?? []).length === 0;
  if (landed) return { result: 'finalized', namespace: now };
  return { result: 'error', message: `the finalize of ${name} got no answer (${failure.message}); read again, the namespace is unchanged: it did not land` };
}

/** Polls until the namespace `uid` is gone (another one under its name does not count) or `waitMs` has passed; returns it if it is still there. */
export async function waitUntilGone(api: KubernetesClient, name: string, uid: string, waitMs: number, pollMs = 500, stop?: AbortSignal): Promise<NamespaceObject | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    let current: NamespaceObject;
    try {
      current = await api.getJson<NamespaceObject>(namespacePath(name));
    } catch (error) {
      if (toApiFailure(error).status === 404) return null;
      throw error;
    }
    if (current.metadata?.uid !== uid) return null;
    if (Date.now() >= deadline || stop?.aborted) return current;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(0, deadline - Date.now()))));
  }
}

function failed(failure: ApiFailure, verb: 'get' | 'update', name: string): FinalizeOutcome {
  if (failure.status === 403) {
    return verb === 'update'
      ? { result: 'forbidden', message: `forbidden: you need "update" on "namespaces/finalize" to finalize ${name}` }
      : { result: 'forbidden', message: `forbidden: you need "get" on "namespaces" to read ${name}` };
  }
  return { result: 'error', message: `${verb} namespace ${name}: ${failure.status ? `${failure.status} ` : ''}${failure.message}` };
}

import type { Namespace } from '../state/kubernetes-types.js';
import type { KubernetesClient } from '../state/source.js';
import { toApiFailure, withRetry } from '../state/live/api-failure.js';
import type { ApiFailure } from '../state/live/api-failure.js';

/** A Namespace as the API server sends it. */
export type NamespaceObject = Namespace;

export type FinalizeOutcome =
  | { result: 'finalized'; namespace: NamespaceObject }
  | { result: 'dry-run'; namespace: NamespaceObject }
  | { result: 'gone' }
  | { result: 'finalized-elsewhere' }
  | { result: 'not-terminating' }
  | { result: 'forbidden'; message: string }
  | { result: 'conflict' }
  | { result: 'error'; message: string };

const CONFLICT_RETRIES = 3;
/** 429 on the finalize: sent again at most this many times, each after the server's Retry-After. */
const THROTTLE_RETRIES = 3;

/** Who sent the writes, as the API server's audit log and managedFields show it. */
export const FIELD_MANAGER = 'gke-doctor';

const namespacePath = (name: string) => `/api/v1/namespaces/${encodeURIComponent(name)}`;

/**
 * GETs the namespace fresh, backs it up as read, empties `spec.finalizers` and
 * PUTs it to the `/finalize` subresource with the resourceVersion just read: the
 * write lands only on the very object that was backed up. On 409 (someone changed
 * it meanwhile) it reads again: if someone else finalized it, it says so and
 * writes nothing; otherwise it backs up the new read and tries again, a bounded
 * number of times. A namespace that is gone or no longer Terminating is left alone.
 */
export async function finalizeNamespace(
  api: KubernetesClient,
  name: string,
  options: { dryRun: boolean; beforeWrite?: (namespace: NamespaceObject, attempt: number) => Promise<void> },
): Promise<FinalizeOutcome> {
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
    if (!current.metadata?.deletionTimestamp) return { result: 'not-terminating' };
    // It was stuck with finalizers when checked: none now means someone else finalized it.
    if ((current.spec?.finalizers ?? []).length === 0) return { result: 'finalized-elsewhere' };
    if (!options.dryRun) await options.beforeWrite?.(current, attempt);
    const body: NamespaceObject = { ...current, spec: { ...current.spec, finalizers: [] } };
    const query = { fieldManager: FIELD_MANAGER, ...(options.dryRun ? { dryRun: 'All' } : {}) };
    try {
      // The body carries the resourceVersion: resending it after a 429 can only land on the same object.
      const namespace = await withRetry(() => api.putJson<NamespaceObject>(`${namespacePath(name)}/finalize`, body, query), {
        retries: THROTTLE_RETRIES,
        baseDelayMs: 1_000,
        maxDelayMs: 10_000,
        retryable: (failure) => failure.status === 429,
      });
      return { result: options.dryRun ? 'dry-run' : 'finalized', namespace };
    } catch (error) {
      const failure = toApiFailure(error);
      if (failure.status === 409) continue;
      if (failure.status === 404) return { result: 'gone' };
      if (failure.status === undefined && !options.dryRun) return didItLand(api, name, current, failure);
      return failed(failure, 'update', name);
    }
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
  const landed = now.metadata?.resourceVersion !== sent.metadata?.resourceVersion && (now.spec?.finalizers ?? []).length === 0;
  if (landed) return { result: 'finalized', namespace: now };
  return { result: 'error', message: `the finalize of ${name} got no answer (${failure.message}); read again, the namespace is unchanged: it did not land` };
}

/** Polls until the namespace is gone or `waitMs` has passed; returns it if it is still there. */
export async function waitUntilGone(api: KubernetesClient, name: string, waitMs: number, pollMs = 500): Promise<NamespaceObject | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    let current: NamespaceObject;
    try {
      current = await api.getJson<NamespaceObject>(namespacePath(name));
    } catch (error) {
      if (toApiFailure(error).status === 404) return null;
      throw error;
    }
    if (Date.now() >= deadline) return current;
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

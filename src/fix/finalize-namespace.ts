import type { CoreV1Api, V1Namespace } from '@kubernetes/client-node';

export type FinalizeOutcome =
  | { result: 'finalized'; namespace: V1Namespace }
  | { result: 'dry-run'; namespace: V1Namespace }
  | { result: 'gone' }
  | { result: 'not-terminating' }
  | { result: 'forbidden'; message: string }
  | { result: 'conflict' }
  | { result: 'error'; message: string };

const CONFLICT_RETRIES = 3;

/** Who sent the writes, as the API server's audit log and managedFields show it. */
export const FIELD_MANAGER = 'gke-doctor';

/**
 * GETs the namespace fresh, empties `spec.finalizers` and PUTs it to the
 * `/finalize` subresource with the resourceVersion just read; on 409 (someone
 * changed it meanwhile) reads again and retries a bounded number of times.
 * A namespace that is gone or no longer Terminating is left alone.
 */
export async function finalizeNamespace(
  api: CoreV1Api,
  name: string,
  options: { dryRun: boolean; beforeFirstWrite?: (namespace: V1Namespace) => Promise<void> },
): Promise<FinalizeOutcome> {
  for (let attempt = 0; attempt <= CONFLICT_RETRIES; attempt++) {
    let current: V1Namespace;
    try {
      current = await api.readNamespace({ name });
    } catch (error) {
      return failure(error, 'get', name);
    }
    if (!current.metadata?.deletionTimestamp) return { result: 'not-terminating' };
    // The backup must hold the object exactly as it was before anything was written.
    if (attempt === 0) await options.beforeFirstWrite?.(current);
    const body: V1Namespace = { ...current, spec: { ...current.spec, finalizers: [] } };
    try {
      const namespace = await api.replaceNamespaceFinalize({
        name,
        body,
        fieldManager: FIELD_MANAGER,
        dryRun: options.dryRun ? 'All' : undefined,
      });
      return { result: options.dryRun ? 'dry-run' : 'finalized', namespace };
    } catch (error) {
      if (statusOf(error) === 409) continue;
      return failure(error, 'update', name);
    }
  }
  return { result: 'conflict' };
}

/** Polls until the namespace is gone or `waitMs` has passed; returns it if it is still there. */
export async function waitUntilGone(api: CoreV1Api, name: string, waitMs: number, pollMs = 500): Promise<V1Namespace | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    let current: V1Namespace;
    try {
      current = await api.readNamespace({ name });
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
    if (Date.now() >= deadline) return current;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(0, deadline - Date.now()))));
  }
}

function failure(error: unknown, verb: 'get' | 'update', name: string): FinalizeOutcome {
  const status = statusOf(error);
  if (status === 404) return { result: 'gone' };
  if (status === 403) {
    return verb === 'update'
      ? { result: 'forbidden', message: `forbidden: you need "update" on "namespaces/finalize" to finalize ${name}` }
      : { result: 'forbidden', message: `forbidden: you need "get" on "namespaces" to read ${name}` };
  }
  return { result: 'error', message: `${verb} namespace ${name}: ${describe(error)}` };
}

/** client-node 1.x throws ApiException with `code`; keep to that shape without importing the library here. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function describe(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const status = JSON.parse(body) as { message?: string };
      if (status.message) return status.message;
    } catch {
      // not a Kubernetes Status: fall through
    }
  }
  const code = statusOf(error);
  return code ? `HTTP ${code}` : (error as Error).message;
}

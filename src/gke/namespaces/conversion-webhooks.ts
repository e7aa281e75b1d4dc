import type { ClusterState, UnreadKind } from '../../state/cluster-state.js';
import type { CustomResourceDefinition } from '../../state/kubernetes-types.js';
import type { WebhookServiceState } from './webhook-service.js';
import { webhookServiceState, webhookServiceUrl } from './webhook-service.js';

/** A namespace deletion condition (namespace-deletion.ts NamespaceCondition): its message names the failed calls. */
export interface DeletionCondition {
  type: string;
  message?: string;
}

/**
 * A CustomResourceDefinition whose conversion webhook cannot be called while objects of its
 * kind must be converted: every list of the kind that meets such an object fails
 * (apiextensions-apiserver pkg/apiserver/conversion/webhook_converter.go: `conversion webhook
 * for GROUP/VERSION, Kind=KIND failed: Post "https://…/convert?timeout=30s": service "…" not
 * found`), the namespace controller among them, so no namespace holding one can finish
 * (kubernetes#118357: the e2e namespaces whose conversion Service was deleted with them).
 */
export interface BrokenConversion {
  /** `PLURAL.GROUP`, as kubectl names the CRD. */
  crd: string;
  kind: string;
  group: string;
  service: string;
  url: string;
  /** The API server's words for why the webhook cannot be called. */
  why: string;
  /** The Service was in a namespace being deleted: it cannot be created again there. */
  serviceNamespaceTerminating: boolean;
  storedVersions: string[];
  /** The failed call as the namespace controller or the live read recorded it; null when only the Service says so. */
  failedCall: string | null;
}

/** The CRDs whose conversion webhook keeps a namespace (its deletion conditions, the kinds unread in it) from finishing, most certain first. */
export function brokenConversionWebhooks(conditions: readonly DeletionCondition[], unread: readonly UnreadKind[], state: ClusterState): BrokenConversion[] {
  return state.kubernetes
    .list('CustomResourceDefinition')
    .flatMap((crd) => brokenConversion(crd, conditions, unread, state) ?? [])
    .sort((a, b) => Number(b.failedCall !== null) - Number(a.failedCall !== null) || a.crd.localeCompare(b.crd));
}

function brokenConversion(crd: CustomResourceDefinition, conditions: readonly DeletionCondition[], unread: readonly UnreadKind[], state: ClusterState): BrokenConversion | undefined {
  const spec = crd.spec;
  const reference = spec?.conversion?.webhook?.clientConfig?.service;
  // Only namespaced kinds are listed by the namespace controller.
  if (!spec || spec.scope !== 'Namespaced' || spec.conversion?.strategy !== 'Webhook' || !reference) return undefined;
  const { group, names } = spec;
  const name = `${names.plural}.${group}`;
  const failedCall = failedConversionCall(group, names.kind, conditions) ?? unread.find((kind) => kind.resource === name && kind.reason.includes('conversion webhook for'))?.reason ?? null;
  const service: WebhookServiceState = webhookServiceState(reference, state);
  const down = service.state === 'gone' || service.state === 'no-endpoints';
  // A call is made only for objects stored at another version than the one listed (the preferred one).
  const storedVersions = crd.status?.storedVersions ?? [];
  const preferred = preferredVersion(spec.versions.filter((version) => version.served).map((version) => version.name));
  const mustConvert = storedVersions.some((version) => version !== preferred);
  if (!failedCall && !(down && mustConvert)) return undefined;
  return {
    crd: name,
    kind: names.kind,
    group,
    service: `${reference.namespace}/${reference.name}`,
    url: webhookServiceUrl(reference),
    why: down ? service.why : (failedCall ?? service.why),
    serviceNamespaceTerminating: down && service.terminating,
    storedVersions,
    failedCall,
  };
}

/** A failed conversion call a deletion condition names for a kind whose CRD is not in the data read. */
export interface UnreadConversionFailure {
  group: string;
  kind: string;
  call: string;
}

/**
 * The conversion calls the namespace controller reports failing (namespace_condition_utils.go joins
 * each error into NamespaceDeletionContentFailure) for kinds no CRD read serves: still the root cause,
 * named by group and kind (a hand-made snapshot without `kubectl get crd`).
 */
export function unreadConversionFailures(conditions: readonly DeletionCondition[], state: ClusterState): UnreadConversionFailure[] {
  const served = new Set(state.kubernetes.list('CustomResourceDefinition').map((crd) => `${crd.spec?.group}/${crd.spec?.names.kind}`));
  const failures = new Map<string, UnreadConversionFailure>();
  for (const condition of conditions) {
    for (const found of (condition.message ?? '').matchAll(/conversion webhook for ([^/,\s]+)\/[^,]+, Kind=([^ ]+) failed: [^,]*/g)) {
      const [call, group, kind] = found as unknown as [string, string, string];
      if (!served.has(`${group}/${kind}`)) failures.set(`${group}/${kind}`, { group, kind, call });
    }
  }
  return [...failures.values()];
}

/** The part of a deletion condition that names this kind's failed conversion call. */
function failedConversionCall(group: string, kind: string, conditions: readonly DeletionCondition[]): string | undefined {
  // The errors are joined with ", " (namespace_condition_utils.go makeDeleteContentCondition); one has no comma after "failed:".
  const call = new RegExp(`conversion webhook for ${escape(group)}/[^,]+, Kind=${escape(kind)} failed: [^,]*`);
  for (const condition of conditions) {
    const found = call.exec(condition.message ?? '');
    if (found) return found[0];
  }
  return undefined;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The version discovery prefers, which the namespace controller lists: the served version that
 * sorts first by k8s.io/apimachinery pkg/version/helpers.go CompareKubeAwareVersionStrings
 * (GA before beta before alpha, higher numbers first, then anything else by name).
 */
export function preferredVersion(served: readonly string[]): string | undefined {
  return [...served].sort(compareKubeAware)[0];
}

function compareKubeAware(a: string, b: string): number {
  const rank = (version: string) => {
    const match = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(version);
    if (!match) return null;
    return { major: Number(match[1]), stage: match[2] === 'alpha' ? 0 : match[2] === 'beta' ? 1 : 2, minor: Number(match[3] ?? 0) };
  };
  const [x, y] = [rank(a), rank(b)];
  if (!x || !y) return x ? -1 : y ? 1 : a.localeCompare(b);
  return y.stage - x.stage || y.major - x.major || y.minor - x.minor;
}

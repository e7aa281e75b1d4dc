import type { V1MutatingWebhook, V1RuleWithOperations } from '@kubernetes/client-node';
import type { ClusterState } from '../../state/cluster-state.js';
import type { KubeObject, Namespace, Wire } from '../../state/kubernetes-types.js';
import { matchesLabelSelector } from './label-selector.js';
import { webhookServiceState, webhookServiceUrl } from './webhook-service.js';

/** What a finalizer patch or the namespace's /finalize PUT is, as admission sees it (admission.Attributes). */
export interface AdmissionRequest {
  /** `Kind/namespace/name`, as findings name it. */
  resource: string;
  group: string;
  version: string;
  /** The plural resource name (`challenges`), and the subresource (`finalize`) or ''. */
  plural: string;
  subresource: string;
  /** The object's namespace; for a Namespace itself, its own name (rules.go scope). */
  namespace: string;
  /** Labels of the object, for `objectSelector`. */
  labels: Record<string, string>;
}

/** An admission webhook that refuses a request because its Service cannot be reached. */
export interface BlockingWebhook {
  /** `ValidatingWebhookConfiguration/NAME`. */
  configuration: string;
  kind: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration';
  name: string;
  webhook: string;
  /** Its index in `webhooks`, for the failurePolicy patch. */
  index: number;
  service: string;
  /** What the API server answers the request with. */
  error: string;
  /** The requests it refuses (`resource`s of the AdmissionRequests). */
  refuses: string[];
  /** It has matchConditions (CEL), which gke-doctor does not evaluate: it refuses them unless those exclude them. */
  conditional: boolean;
}

type Webhook = Wire<V1MutatingWebhook>;
const KINDS = ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'] as const;

/**
 * The admission webhooks with `failurePolicy: Fail` (the v1 default) whose Service cannot be
 * reached and that match the UPDATE of one of `requests`: every such request fails (`failed
 * calling webhook "NAME": failed to call webhook: Post "https://…": service "…" not found`),
 * so patching out a finalizer fails too. Matched as the API server matches
 * (k8s.io/apiserver pkg/admission/plugin/webhook/predicates: rules/rules.go Matches,
 * namespace/matcher.go MatchNamespaceSelector, object/matcher.go MatchObjectSelector).
 */
export function webhooksRefusing(requests: readonly AdmissionRequest[], state: ClusterState): BlockingWebhook[] {
  const found: BlockingWebhook[] = [];
  for (const kind of KINDS) {
    for (const configuration of state.kubernetes.list(kind)) {
      const webhooks = (configuration.webhooks ?? []) as Webhook[];
      webhooks.forEach((webhook, index) => {
        const reference = webhook.clientConfig?.service;
        if ((webhook.failurePolicy ?? 'Fail') !== 'Fail' || !reference) return;
        const refuses = requests.filter((request) => matchesRequest(webhook, request, state));
        if (refuses.length === 0) return;
        const service = webhookServiceState(reference, state);
        if (service.state !== 'gone' && service.state !== 'no-endpoints') return;
        const name = configuration.metadata?.name ?? '?';
        found.push({
          configuration: `${kind}/${name}`,
          kind,
          name,
          webhook: webhook.name,
          index,
          service: `${reference.namespace}/${reference.name}`,
          error: `failed calling webhook "${webhook.name}": failed to call webhook: Post "${webhookServiceUrl(reference)}?timeout=${webhook.timeoutSeconds ?? 10}s": ${service.why}`,
          refuses: refuses.map((request) => request.resource),
          conditional: (webhook.matchConditions ?? []).length > 0,
        });
      });
    }
  }
  return found;
}

function matchesRequest(webhook: Webhook, request: AdmissionRequest, state: ClusterState): boolean {
  if (!(webhook.rules ?? []).some((rule) => matchesRule(rule, request, webhook.matchPolicy ?? 'Equivalent'))) return false;
  // A Namespace's own labels decide for a request on it (namespace/matcher.go GetNamespaceLabels).
  const namespace = state.kubernetes.get('Namespace', undefined, request.namespace) as Namespace | undefined;
  if (matchesLabelSelector(namespace?.metadata?.labels, webhook.namespaceSelector) === false) return false;
  return matchesLabelSelector(request.labels, webhook.objectSelector) !== false;
}

/**
 * rules.go Matches, for an UPDATE: scope, operation, group, version and resource/subresource
 * (`*` for any; `*` alone matches no subresource, `x/*` or `*\/*` match them). With matchPolicy
 * Equivalent (the v1 default) a request is also sent when the rule names the same resource at
 * another version (the API server converts it): the version is then not compared.
 */
function matchesRule(rule: Wire<V1RuleWithOperations>, request: AdmissionRequest, matchPolicy: string): boolean {
  const any = (items: readonly string[] | undefined, wanted: string) => (items ?? []).some((item) => item === '*' || item === wanted);
  const scope = rule.scope ?? '*';
  const isNamespace = request.group === '' && request.plural === 'namespaces';
  if (scope === 'Namespaced' && (isNamespace || request.namespace === '')) return false;
  if (scope === 'Cluster' && !(isNamespace || request.namespace === '')) return false;
  if (!any(rule.operations, 'UPDATE') || !any(rule.apiGroups, request.group)) return false;
  if (matchPolicy !== 'Equivalent' && !any(rule.apiVersions, request.version)) return false;
  return (rule.resources ?? []).some((entry) => {
    const [resource, sub = ''] = entry.split('/', 2) as [string, string?];
    return (resource === '*' || resource === request.plural) && (sub === '*' || sub === request.subresource);
  });
}

/**
 * The request that patches `object`'s finalizers. Its plural comes from the CRD that serves it,
 * else as kubectl guesses it (k8s.io/apimachinery pkg/api/meta/restmapper.go UnsafeGuessKindToResource).
 */
export function finalizerPatch(object: KubeObject, resource: string, state: ClusterState): AdmissionRequest {
  const [group, version] = object.apiVersion.includes('/') ? (object.apiVersion.split('/') as [string, string]) : ['', object.apiVersion];
  const crd = state.kubernetes.list('CustomResourceDefinition').find((candidate) => candidate.spec?.group === group && candidate.spec?.names.kind === object.kind);
  return { resource, group, version, plural: crd?.spec?.names.plural ?? guessPlural(object.kind), subresource: '', namespace: object.metadata?.namespace ?? '', labels: object.metadata?.labels ?? {} };
}

/** The requests that clear what holds a namespace: each blocked object's finalizer patch, and the namespace's own /finalize. */
export function finalizePatchRequests(namespace: Namespace, blocked: readonly { object: KubeObject; resource: string }[], state: ClusterState): AdmissionRequest[] {
  return [...blocked.map(({ object, resource }) => finalizerPatch(object, resource, state)), finalizeRequest(namespace)];
}

/** The namespace's PUT to /finalize: UPDATE of namespaces/finalize. */
export function finalizeRequest(namespace: Namespace): AdmissionRequest {
  const name = namespace.metadata?.name ?? '?';
  return { resource: `Namespace/${name}`, group: '', version: 'v1', plural: 'namespaces', subresource: 'finalize', namespace: name, labels: namespace.metadata?.labels ?? {} };
}

function guessPlural(kind: string): string {
  const singular = kind.toLowerCase();
  if (singular.endsWith('endpoints')) return singular;
  if (singular.endsWith('s')) return `${singular}es`;
  if (singular.endsWith('y')) return `${singular.slice(0, -1)}ies`;
  return `${singular}s`;
}

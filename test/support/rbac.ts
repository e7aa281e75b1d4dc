import type { PolicyRule } from '../../src/state/live/kubernetes-permissions.js';

/** What kube-apiserver's RequestInfo makes of a request (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go), for RBAC. */
export interface RequestAttributes {
  verb: string;
  apiGroup: string;
  /** `plural` or `plural/subresource`. */
  resource: string;
  namespace?: string;
}

/**
 * The attributes of a resource request, or null for a non-resource URL (`/api`, `/apis`,
 * `/apis/GROUP[/VERSION]`, `/version`: discovery every authenticated user may read, ClusterRole
 * system:discovery). `namespaces/NAME/finalize` is the namespaces resource's finalize subresource.
 */
export function requestAttributes(method: string, path: string): RequestAttributes | null {
  const match = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)\/(.+)$/.exec(path);
  if (!match) return null;
  let parts = match[2]!.split('/');
  const namespace = parts[0] === 'namespaces' && parts.length > 1 ? parts[1] : undefined;
  // namespaces/NS/RESOURCE… is a namespaced request; namespaces/NS, namespaces/NS/finalize and /status are the namespace itself (namespaceSubresources).
  if (parts[0] === 'namespaces' && parts.length > 2 && parts[2] !== 'finalize' && parts[2] !== 'status') parts = parts.slice(2);
  const [resource, name, subresource] = parts as [string, string?, string?];
  const verbs: Record<string, string> = { GET: name === undefined ? 'list' : 'get', PUT: 'update', POST: 'create', PATCH: 'patch', DELETE: name === undefined ? 'deletecollection' : 'delete' };
  return { verb: verbs[method] ?? method.toLowerCase(), apiGroup: match[1] ?? '', resource: subresource ? `${resource}/${subresource}` : resource, ...(namespace ? { namespace } : {}) };
}

/** k8s.io/kubernetes/pkg/apis/rbac/v1/evaluation_helpers.go: VerbMatches, APIGroupMatches, ResourceMatches. */
export function ruleAllows(rule: PolicyRule, { verb, apiGroup, resource }: RequestAttributes): boolean {
  const has = (values: string[], value: string) => values.includes('*') || values.includes(value);
  const subresource = resource.split('/')[1];
  return has(rule.verbs, verb) && has(rule.apiGroups, apiGroup) && (has(rule.resources, resource) || (subresource !== undefined && rule.resources.includes(`*/${subresource}`)));
}

export function rulesAllow(rules: readonly PolicyRule[], attributes: RequestAttributes): boolean {
  return rules.some((rule) => ruleAllows(rule, attributes));
}

/** The message RBAC's authorizer denies with (k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go forbiddenMessage). */
export function forbiddenMessage(user: string, { verb, apiGroup, resource, namespace }: RequestAttributes): string {
  const [plural, subresource] = resource.split('/') as [string, string?];
  const what = `resource "${plural}"${subresource ? ` subresource "${subresource}"` : ''} in API group "${apiGroup}"`;
  return `${apiGroup ? `${plural}.${apiGroup}` : plural} is forbidden: User "${user}" cannot ${verb} ${what} ${namespace ? `in the namespace "${namespace}"` : 'at the cluster scope'}`;
}

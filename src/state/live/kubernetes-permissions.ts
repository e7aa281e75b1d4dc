import type { KubernetesKind } from '../kubernetes-types.js';
import { KUBERNETES_KINDS } from '../kubernetes-types.js';
import { KIND_RESOURCES } from './live-kubernetes.js';

/** An RBAC PolicyRule (rbac.authorization.k8s.io/v1), with why it is there. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  /** Printed above the rule in YAML. */
  comment?: string;
}

/**
 * What the live Kubernetes source requests for checks that read `kinds`, as RBAC
 * rules: the one source of truth for the ClusterRole in docs/permissions.md and deploy/'s. Every kind is
 * listed cluster-wide (a GET of a collection is the `list` verb); everything
 * left in a Terminating namespace is listed by kind through discovery, so that
 * rule covers every group and resource; `--probe` GETs the pod proxy. Nothing
 * is read one object at a time, and nothing is written (`--fix` is not for a
 * scheduled job). Discovery (`/api`, `/apis`) is a non-resource URL every
 * authenticated user may read (ClusterRole system:discovery).
 */
export function readerRules(kinds: ReadonlySet<string>): PolicyRule[] {
  const byGroup = new Map<string, string[]>();
  for (const kind of KUBERNETES_KINDS.filter((candidate: KubernetesKind) => kinds.has(candidate))) {
    const resource = KIND_RESOURCES[kind];
    if (!resource) continue;
    byGroup.set(resource.group, [...(byGroup.get(resource.group) ?? []), resource.plural]);
  }
  return [
    ...[...byGroup].map(([group, resources]) => ({ apiGroups: [group], resources, verbs: ['list'] })),
    { apiGroups: ['*'], resources: ['*'], verbs: ['list'], comment: 'Objects of any kind left in a namespace that is being deleted.' },
    { apiGroups: [''], resources: ['pods/proxy'], verbs: ['get'], comment: "--probe only: the load balancer's health-check request, through the API server." },
  ];
}

export const READER_ROLE_NAME = 'gke-doctor-reader';

/** The ClusterRole as YAML, in the compact style of docs/permissions.md (flow lists, a comment per special rule). */
export function readerClusterRoleYaml(kinds: ReadonlySet<string>, name = READER_ROLE_NAME): string {
  const lines = ['apiVersion: rbac.authorization.k8s.io/v1', 'kind: ClusterRole', 'metadata:', `  name: ${name}`, 'rules:'];
  for (const rule of readerRules(kinds)) {
    if (rule.comment) lines.push(`# ${rule.comment}`);
    lines.push(`- apiGroups: [${rule.apiGroups.map(quoted).join(', ')}]`, `  resources: [${rule.resources.map(quoted).join(', ')}]`, `  verbs: [${rule.verbs.join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

/** YAML needs quotes for the core group ("") and the wildcard ("*"); names like networking.k8s.io do not. */
function quoted(value: string): string {
  return /^[a-z0-9][a-z0-9./-]*$/.test(value) ? value : JSON.stringify(value);
}

/**
 * The ClusterRoles gke-doctor ships (deploy/, docs/permissions.md), one per mode; the
 * rules are generated in kubernetes-permissions.ts, and a 403 names the role to bind.
 */
export const READER_ROLE_NAME = 'gke-doctor-reader';
/** `--probe`: added to the reader. */
export const PROBE_ROLE_NAME = 'gke-doctor-probe';
/** `--fix`: added to the reader. */
export const FIX_ROLE_NAME = 'gke-doctor-fix';

/**
 * Reaching the API server through the Connect gateway (--endpoint connect-gateway): Google IAM
 * first, then the cluster's RBAC. Read-only requests need gkehub.gateway.get, which the Connect
 * Gateway Reader role grants
 * (https://cloud.google.com/kubernetes-engine/enterprise/multicluster-management/gateway/setup).
 */
export const CONNECT_GATEWAY_ACCESS = { permission: 'gkehub.gateway.get', role: 'roles/gkehub.gatewayReader' } as const;

/**
 * Why a kind in a Terminating namespace was refused (403), for the reason the check prints.
 * Secrets are left out of the reader on purpose: `list` on them returns their values, and RBAC
 * cannot grant metadata only (the metadata-only answer is negotiated in the Accept header, which
 * authorization never sees: kubernetes/kubernetes#48128, #55564). Any other kind the reader does
 * not name is a custom resource it does not know.
 */
export function forbiddenInNamespaceHint(group: string, plural: string): string {
  if (group === '' && plural === 'secrets') {
    return `${READER_ROLE_NAME} does not list Secrets on purpose (list returns their values; RBAC cannot grant metadata only): bind ${FIX_ROLE_NAME} to see them (docs/permissions.md#secrets)`;
  }
  return `${READER_ROLE_NAME} does not name this kind: grant list on it (docs/permissions.md#custom-resources)`;
}

import type { ClusterState } from '../../state/cluster-state.js';
import { GATEWAY_API_GROUP } from './route-kinds.js';

/**
 * A backendRef to another namespace needs a ReferenceGrant there allowing it: from the route's
 * kind and namespace, to Services (all of them, or this one) (kubernetes-sigs/gateway-api
 * apis/v1beta1/referencegrant_types.go).
 */
export function referenceGrantAllows(state: ClusterState, routeKind: string, fromNamespace: string, toNamespace: string, serviceName: string): boolean {
  return state.kubernetes
    .list('ReferenceGrant')
    .filter((grant) => grant.metadata?.namespace === toNamespace)
    .some(
      (grant) =>
        (grant.spec?.from ?? []).some((from) => from.group === GATEWAY_API_GROUP && from.kind === routeKind && from.namespace === fromNamespace) &&
        (grant.spec?.to ?? []).some((to) => (to.group ?? '') === '' && to.kind === 'Service' && (!to.name || to.name === serviceName)),
    );
}

/** The ReferenceGrant that allows routes of one kind in `fromNamespace` to reach one Service in `toNamespace`, as YAML. */
export function referenceGrantManifest(routeKind: string, fromNamespace: string, toNamespace: string, serviceName: string): string {
  return [
    `apiVersion: ${GATEWAY_API_GROUP}/v1beta1`,
    'kind: ReferenceGrant',
    'metadata:',
    `  name: ${fromNamespace}-${routeKind.toLowerCase()}s`,
    `  namespace: ${toNamespace}`,
    'spec:',
    '  from:',
    `  - group: ${GATEWAY_API_GROUP}`,
    `    kind: ${routeKind}`,
    `    namespace: ${fromNamespace}`,
    '  to:',
    '  - group: ""',
    '    kind: Service',
    `    name: ${serviceName}`,
  ].join('\n');
}

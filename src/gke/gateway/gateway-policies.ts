import type { ClusterState } from '../../state/cluster-state.js';
import { kubernetesResourceName } from '../../state/cluster-state.js';
import type { Gateway, GatewayObjectReference, KubeObject, Service } from '../../state/kubernetes-types.js';
import { GATEWAY_API_GROUP } from './route-kinds.js';

export type GkePolicyKind = 'HealthCheckPolicy' | 'GCPBackendPolicy' | 'GCPGatewayPolicy';
export const GKE_POLICY_KINDS: readonly GkePolicyKind[] = ['HealthCheckPolicy', 'GCPBackendPolicy', 'GCPGatewayPolicy'];

/** A GKE Gateway policy (networking.gke.io/v1) and what its targetRef names. */
export interface PolicyTarget {
  kind: GkePolicyKind;
  policy: KubeObject;
  resource: string;
  namespace: string;
  ref: GatewayObjectReference;
  /** The object named; undefined when it does not exist; 'unknown' when it could not be read or is not a kind judged here. */
  target: Service | Gateway | undefined | 'unknown';
}

/**
 * What every GKE policy with a targetRef targets. Single-cluster Gateways: a policy targets a
 * Service (or, for GCPGatewayPolicy, a Gateway) in its own namespace (configure-gateway-resources,
 * Restrictions and limitations); a ServiceImport belongs to a multi-cluster Gateway, whose fleet
 * is not read here, so it is 'unknown'.
 */
export function policyTargets(state: ClusterState): PolicyTarget[] {
  return GKE_POLICY_KINDS.flatMap((kind) =>
    state.kubernetes.list(kind).flatMap((policy) => {
      const ref: GatewayObjectReference | undefined = policy.spec?.targetRef;
      if (!ref) return [];
      const namespace = policy.metadata?.namespace ?? 'default';
      const targetKind = ref.kind ?? '';
      const target: PolicyTarget['target'] =
        targetKind === 'Service' && (ref.group ?? '') === ''
          ? state.unavailable.has('Service')
            ? 'unknown'
            : state.kubernetes.get('Service', namespace, ref.name)
          : targetKind === 'Gateway' && (ref.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP
            ? state.kubernetes.get('Gateway', namespace, ref.name)
            : 'unknown';
      return [{ kind, policy, resource: kubernetesResourceName({ kind, metadata: policy.metadata }), namespace, ref, target }];
    }),
  );
}

/**
 * GCPBackendPolicies that share a Service, oldest first: "If two GCPBackendPolicy policies are
 * created that target the same Service or ServiceImport, the oldest policy takes precedence and
 * the second one fails to be attached" (configure-gateway-resources).
 */
export function backendPolicyConflicts(targets: readonly PolicyTarget[]): { service: string; policies: string[] }[] {
  const byService = new Map<string, PolicyTarget[]>();
  for (const target of targets) {
    if (target.kind !== 'GCPBackendPolicy' || target.ref.kind !== 'Service' || !target.target || target.target === 'unknown') continue;
    const key = `${target.namespace}/${target.ref.name}`;
    byService.set(key, [...(byService.get(key) ?? []), target]);
  }
  const created = (target: PolicyTarget) => target.policy.metadata?.creationTimestamp ?? '';
  return [...byService]
    .filter(([, policies]) => policies.length > 1)
    .map(([service, policies]) => ({
      service,
      policies: [...policies].sort((a, b) => created(a).localeCompare(created(b)) || a.resource.localeCompare(b.resource)).map((target) => target.resource),
    }));
}

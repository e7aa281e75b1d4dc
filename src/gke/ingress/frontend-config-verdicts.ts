import type { ClusterState } from '../../state/cluster-state.js';
import { kubernetesResourceName } from '../../state/cluster-state.js';
import type { Ingress } from '../../state/kubernetes-types.js';
import { FRONTEND_CONFIG_ANNOTATION, INGRESS_CLASS_ANNOTATION, isInternalIngress } from './ingress-class.js';
import { annotateIngressCommand } from './ingress-fixes.js';
import type { Verdict } from '../verdict.js';

/** The ingress-config messages the FrontendConfig rules are told and fixed with. */
export type FrontendConfigMessageId = 'internalWithFrontendConfig' | 'frontendConfigUnread' | 'frontendConfigMissing' | 'fixRemoveFrontendConfig' | 'fixReadConfig' | 'fixFrontendConfigMissing';

/**
 * The FrontendConfig an Ingress names: internal Ingresses support none (check-gke-ingress
 * CheckL7ILBFrontendConfig), and it must exist in the Ingress's namespace (CheckFrontendConfigExistence).
 */
export function frontendConfigVerdict(ingress: Ingress, state: ClusterState): Verdict<FrontendConfigMessageId> | undefined {
  const name = ingress.metadata?.annotations?.[FRONTEND_CONFIG_ANNOTATION];
  if (name === undefined) return undefined;
  const resource = kubernetesResourceName({ kind: 'Ingress', metadata: ingress.metadata });
  const namespace = ingress.metadata?.namespace ?? 'default';
  const removeAnnotation = annotateIngressCommand(ingress, `${FRONTEND_CONFIG_ANNOTATION}-`);
  if (isInternalIngress(ingress)) {
    const data = { ingress: resource, annotation: INGRESS_CLASS_ANNOTATION, name };
    return { messageId: 'internalWithFrontendConfig', severity: 'warning', data, resource, evidence: data, fix: { summary: 'fixRemoveFrontendConfig', commands: [removeAnnotation] } };
  }
  if (state.unavailable.has('FrontendConfig')) {
    const data = { ingress: resource, name, key: FRONTEND_CONFIG_ANNOTATION, reason: state.unavailable.get('FrontendConfig')! };
    const commands = [`kubectl -n ${namespace} get frontendconfig ${name} -o yaml`];
    return { messageId: 'frontendConfigUnread', severity: 'warning', data, resource, evidence: data, fix: { summary: 'fixReadConfig', summaryData: { resource: 'frontendconfigs.networking.gke.io' }, commands } };
  }
  if (state.kubernetes.get('FrontendConfig', namespace, name)) return undefined;
  const data = { ingress: resource, name, key: FRONTEND_CONFIG_ANNOTATION, namespace };
  const commands = [`kubectl -n ${namespace} get frontendconfigs`, removeAnnotation];
  return { messageId: 'frontendConfigMissing', severity: 'error', data, resource, evidence: data, fix: { summary: 'fixFrontendConfigMissing', summaryData: { name, namespace }, commands } };
}

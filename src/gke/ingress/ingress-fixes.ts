import type { Ingress } from '../../state/kubernetes-types.js';
import { INGRESS_CLASS_ANNOTATION } from './ingress-class.js';

// Commands that fix what GKE's ingress controller skips or ignores in an Ingress.

/** `kubectl -n NAMESPACE VERB ingress NAME`. */
function kubectlIngress(verb: 'edit' | 'annotate' | 'patch', ingress: Ingress): string {
  return `kubectl -n ${ingress.metadata?.namespace ?? 'default'} ${verb} ingress ${ingress.metadata?.name}`;
}

export function editIngressCommand(ingress: Ingress): string {
  return kubectlIngress('edit', ingress);
}

/** `kubectl annotate` of the Ingress, e.g. `KEY=VALUE`, or `KEY-` to remove it. */
export function annotateIngressCommand(ingress: Ingress, annotation: string): string {
  return `${kubectlIngress('annotate', ingress)} ${annotation}`;
}

/** Selecting GKE's controller with the class annotation, which is all it reads (ingress-gce pkg/utils/utils.go IsGCEIngress). */
export function classAnnotationCommand(ingress: Ingress, ingressClass: string): string {
  return annotateIngressCommand(ingress, `${INGRESS_CLASS_ANNOTATION}=${ingressClass}`);
}

export function removeIngressClassNameCommand(ingress: Ingress): string {
  return `${kubectlIngress('patch', ingress)} --type json -p '[{"op":"remove","path":"/spec/ingressClassName"}]'`;
}

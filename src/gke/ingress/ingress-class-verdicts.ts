import type { ClusterState } from '../../state/cluster-state.js';
import { kubernetesResourceName } from '../../state/cluster-state.js';
import type { Ingress } from '../../state/kubernetes-types.js';
import { DEFAULT_INGRESS_CLASS_ANNOTATION, INGRESS_CLASS_ANNOTATION, defaultClassStamp, ingressClassNameUse, isGceIngressClass } from './ingress-class.js';
import { classAnnotationCommand, removeIngressClassNameCommand } from './ingress-fixes.js';
import type { Verdict } from '../verdict.js';

/** The ingress-config messages the rules on an Ingress's class are told and fixed with. */
export type IngressClassMessageId =
  | 'defaultClassWillStamp'
  | 'defaultClassStamped'
  | 'defaultGkeClassStamped'
  | 'ingressClassNameIgnored'
  | 'ingressClassNameBesideAnnotation'
  | 'fixDefaultClassBeforeApply'
  | 'fixDefaultClass'
  | 'fixDefaultGkeClass'
  | 'fixIngressClassName'
  | 'fixRemoveIngressClassName';

type ClassVerdict = Verdict<IngressClassMessageId>;

/** What takes an Ingress meant for GKE's controller away from it, or will: a default IngressClass, spec.ingressClassName. */
export function ingressClassVerdicts(ingress: Ingress, state: ClusterState): ClassVerdict[] {
  // The default class is the root cause of the spec.ingressClassName it stamped: said once, there.
  const defaultClass = defaultClassVerdict(ingress, state);
  return defaultClass ? [defaultClass] : [ingressClassNameVerdict(ingress, state)].filter((verdict) => verdict !== undefined);
}

/**
 * The default IngressClass taking an Ingress meant for GKE away from it (kubernetes
 * plugin/pkg/admission/network/defaultingressclass): in the cluster, an Ingress stamped with it;
 * before apply, a class-less Ingress it will stamp.
 */
function defaultClassVerdict(ingress: Ingress, state: ClusterState): ClassVerdict | undefined {
  const resource = kubernetesResourceName({ kind: 'Ingress', metadata: ingress.metadata });
  const stamp = defaultClassStamp(ingress, state.kubernetes.list('IngressClass'), state.locations.has(resource));
  if (!stamp) return undefined;
  const data = { ingress: resource, className: stamp.className, defaultAnnotation: DEFAULT_INGRESS_CLASS_ANNOTATION };
  if (stamp.beforeApply) {
    return { messageId: 'defaultClassWillStamp', severity: 'warning', data, resource, evidence: data, fix: { summary: 'fixDefaultClassBeforeApply', summaryData: { annotation: INGRESS_CLASS_ANNOTATION }, commands: [] } };
  }
  const annotations = stamp.gceAnnotations.join(', ');
  const removeDefault = `kubectl annotate ingressclass ${stamp.className} ${DEFAULT_INGRESS_CLASS_ANNOTATION}-`;
  if (stamp.meantForGke) {
    // A GCE class name says which GKE load balancer was meant; any other name, the external one.
    const gceClass = isGceIngressClass(stamp.className) ? stamp.className : 'gce';
    return {
      messageId: 'defaultGkeClassStamped',
      severity: 'error',
      data: { ...data, annotation: INGRESS_CLASS_ANNOTATION, gceClass },
      resource,
      evidence: { ...data, defaultIngressClass: `IngressClass/${stamp.className}`, gceOnlyAnnotations: annotations },
      fix: {
        summary: 'fixDefaultGkeClass',
        summaryData: { annotation: INGRESS_CLASS_ANNOTATION, className: stamp.className, gceClass, defaultAnnotation: DEFAULT_INGRESS_CLASS_ANNOTATION },
        commands: [classAnnotationCommand(ingress, gceClass), removeIngressClassNameCommand(ingress), removeDefault],
      },
    };
  }
  return {
    messageId: 'defaultClassStamped',
    severity: 'warning',
    data: { ...data, annotations },
    resource,
    evidence: { ...data, gceOnlyAnnotations: annotations },
    fix: {
      summary: 'fixDefaultClass',
      summaryData: { annotation: INGRESS_CLASS_ANNOTATION, className: stamp.className },
      commands: [classAnnotationCommand(ingress, 'gce'), removeIngressClassNameCommand(ingress), removeDefault],
    },
  };
}

/** spec.ingressClassName instead of a GCE class annotation (nothing serves the Ingress), or next to one. */
function ingressClassNameVerdict(ingress: Ingress, state: ClusterState): ClassVerdict | undefined {
  const use = ingressClassNameUse(ingress, state.kubernetes.list('IngressClass'));
  if (!use) return undefined;
  const resource = kubernetesResourceName({ kind: 'Ingress', metadata: ingress.metadata });
  if (use.ignored) {
    const data = { ingress: resource, className: use.className, annotation: INGRESS_CLASS_ANNOTATION };
    const commands = [removeIngressClassNameCommand(ingress), classAnnotationCommand(ingress, use.gceClass ?? 'gce')];
    return { messageId: 'ingressClassNameIgnored', severity: 'error', data, resource, evidence: data, fix: { summary: 'fixIngressClassName', summaryData: { annotation: INGRESS_CLASS_ANNOTATION }, commands } };
  }
  // Harmless today, a trap later: without a GCE annotation the controller treats the Ingress as not its own
  // and garbage-collects its load balancer (ingress-gce pkg/utils/utils.go IsGCEIngress, NeedsCleanup).
  const data = { ingress: resource, className: use.className, annotation: INGRESS_CLASS_ANNOTATION, annotationClass: use.annotationClass ?? '' };
  return { messageId: 'ingressClassNameBesideAnnotation', severity: 'info', data, resource, evidence: data, fix: { summary: 'fixRemoveIngressClassName', commands: [removeIngressClassNameCommand(ingress)] } };
}

import type { Ingress } from '../state/kubernetes-types.js';

export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/** Annotation values the GKE ingress controller serves (ingress-gce pkg/annotations/ingress.go). */
export const GCE_INGRESS_CLASSES = ['gce', 'gce-internal', 'gce-regional-external'] as const;

/**
 * Whether GKE's ingress controller (and so the HTTP load-balancing addon) owns
 * this Ingress: a GCE class annotation, or no annotation while
 * `spec.ingressClassName` is unset (ingress-gce pkg/utils/utils.go IsGCEIngress).
 */
export function isGceIngress(ingress: Ingress): boolean {
  const annotationClass = ingress.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION];
  if (annotationClass === undefined || annotationClass === '') return !ingress.spec?.ingressClassName;
  return (GCE_INGRESS_CLASSES as readonly string[]).includes(annotationClass);
}

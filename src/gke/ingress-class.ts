import type { Ingress } from '../state/kubernetes-types.js';

export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
/** ingress-gce pkg/annotations/ingress.go FrontendConfigKey. */
export const FRONTEND_CONFIG_ANNOTATION = 'networking.gke.io/v1beta1.FrontendConfig';

/** Annotation values the GKE ingress controller serves (ingress-gce pkg/annotations/ingress.go). */
export const GCE_INGRESS_CLASSES = ['gce', 'gce-internal', 'gce-regional-external'] as const;

/**
 * Classes whose load balancers reach Pods only through NEGs (internal and regional external
 * Application Load Balancers): ingress-gce pkg/neg/controller.go gives their Services NEGs
 * "regardless of annotation", and pkg/backends creates their backend services as
 * INTERNAL_MANAGED / EXTERNAL_MANAGED with NEG backends.
 */
const NEG_ONLY_INGRESS_CLASSES: readonly string[] = ['gce-internal', 'gce-regional-external'];

export function isGceIngressClass(value: string): boolean {
  return (GCE_INGRESS_CLASSES as readonly string[]).includes(value);
}

/** Whether this Ingress's backends are NEGs whatever the Service says. */
export function requiresNegs(ingress: Ingress): boolean {
  return NEG_ONLY_INGRESS_CLASSES.includes(ingress.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION] ?? '');
}

/**
 * Whether GKE's ingress controller (and so the HTTP load-balancing addon) owns
 * this Ingress: a GCE class annotation, or no annotation while
 * `spec.ingressClassName` is unset (ingress-gce pkg/utils/utils.go IsGCEIngress).
 */
export function isGceIngress(ingress: Ingress): boolean {
  const annotationClass = ingress.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION];
  if (annotationClass === undefined || annotationClass === '') return !ingress.spec?.ingressClassName;
  return isGceIngressClass(annotationClass);
}

// Room ingress/ (rank 4): GCE Ingresses, their classes, BackendConfigs, FrontendConfigs and verdicts. Imports load-balancer/ and below, never gateway/ or eventarc/ (same rank).
// Ranks are enforced by test/architecture (GKE_ROOM_RANKS in test/support/import-graph.ts).
import type { Ingress, IngressClass } from '../../state/kubernetes-types.js';

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

/** The internal Application Load Balancer class. */
export const INTERNAL_INGRESS_CLASS = 'gce-internal';

export function isInternalIngress(ingress: Ingress): boolean {
  return ingress.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION] === INTERNAL_INGRESS_CLASS;
}

/**
 * spec.ingressClassName on an Ingress meant for GKE's controller: it names a GCE class, or an
 * IngressClass meant for GKE (isMeantForGke), with no class annotation (`ignored`: IsGCEIngress is
 * false and nothing serves it; `gceClass` is the annotation value that would select GKE's load
 * balancer), or it sits next to a GCE class annotation, which wins (ingress-gce pkg/utils/utils.go IsGCEIngress).
 */
export function ingressClassNameUse(ingress: Ingress, classes: readonly IngressClass[] = []): { ignored: boolean; className: string; gceClass?: string; annotationClass?: string } | undefined {
  const className = ingress.spec?.ingressClassName;
  if (!className) return undefined;
  const annotationClass = ingress.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION];
  if (annotationClass) return isGceIngressClass(annotationClass) ? { ignored: false, className, annotationClass } : undefined;
  if (isGceIngressClass(className)) return { ignored: true, className, gceClass: className };
  const named = classes.find((candidate) => candidate.metadata?.name === className);
  return named && isMeantForGke(named) ? { ignored: true, className, gceClass: 'gce' } : undefined;
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

/** networking.k8s.io/v1 AnnotationIsDefaultIngressClass. */
export const DEFAULT_INGRESS_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

/**
 * The IngressClass Kubernetes' DefaultIngressClass admission plugin would write into a new
 * Ingress (kubernetes plugin/pkg/admission/network/defaultingressclass/admission.go
 * getDefaultClass): those annotated `is-default-class: "true"`, the newest when there are
 * several (ties by name).
 */
export function defaultIngressClass(classes: readonly IngressClass[]): IngressClass | undefined {
  const defaults = classes.filter((candidate) => candidate.metadata?.annotations?.[DEFAULT_INGRESS_CLASS_ANNOTATION] === 'true');
  return defaults.sort((a, b) => {
    const [left, right] = [Date.parse(a.metadata?.creationTimestamp ?? '') || 0, Date.parse(b.metadata?.creationTimestamp ?? '') || 0];
    return left === right ? (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '') : right - left;
  })[0];
}

/**
 * Whether the admission plugin stamps this Ingress on creation: only when it has neither
 * `spec.ingressClassName` nor the `kubernetes.io/ingress.class` annotation (whatever its value).
 */
export function isStampedOnCreate(ingress: Ingress): boolean {
  return !ingress.spec?.ingressClassName && !Object.hasOwn(ingress.metadata?.annotations ?? {}, INGRESS_CLASS_ANNOTATION);
}

/**
 * Annotations only GKE's ingress controller reads (ingress-gce pkg/annotations/ingress.go): an
 * Ingress carrying one was written for it, whatever class it ended up with.
 */
export const GCE_ONLY_INGRESS_ANNOTATIONS = [
  'kubernetes.io/ingress.allow-http',
  'kubernetes.io/ingress.global-static-ip-name',
  'kubernetes.io/ingress.regional-static-ip-name',
  'ingress.gcp.kubernetes.io/pre-shared-cert',
  'networking.gke.io/managed-certificates',
  'networking.gke.io/suppress-firewall-xpn-error',
  FRONTEND_CONFIG_ANNOTATION,
] as const;

export function gceOnlyAnnotations(ingress: Ingress): string[] {
  const annotations = ingress.metadata?.annotations ?? {};
  return GCE_ONLY_INGRESS_ANNOTATIONS.filter((key) => Object.hasOwn(annotations, key));
}

/**
 * The controller name public GKE setup guides give an IngressClass they mean for GKE's controller
 * (`IngressClass gce`, `controller: k8s.io/ingress-gce`, marked default). ingress-gce reads no
 * IngressClass at all: it "does not have any ingress classes that can be specified by
 * spec.IngressClassName" (pkg/utils/utils.go IsGCEIngress), and GKE's docs ("GKE Ingress controller
 * behavior", concepts/ingress) say an Ingress with no class annotation and any ingressClassName gets no action.
 */
export const INGRESS_GCE_CONTROLLER = 'k8s.io/ingress-gce';

/** An IngressClass written for GKE's controller, by its name (a GCE class) or its controller: nothing serves the Ingresses it names. */
export function isMeantForGke(ingressClass: IngressClass): boolean {
  return isGceIngressClass(ingressClass.metadata?.name ?? '') || ingressClass.spec?.controller === INGRESS_GCE_CONTROLLER;
}

/** A default IngressClass that took (or, before apply, will take) an Ingress from GKE's controller. */
export interface DefaultClassStamp {
  className: string;
  /** Not applied yet: the admission plugin will stamp it on creation. */
  beforeApply: boolean;
  /**
   * The default class is itself meant for GKE (isMeantForGke): every Ingress created without a class gets its name
   * and is served by nobody, whatever it was written for.
   */
  meantForGke: boolean;
  /** The GCE-only annotations that say the Ingress was written for GKE's controller. */
  gceAnnotations: string[];
}

/**
 * In the cluster: an Ingress with no class annotation whose spec.ingressClassName names the default IngressClass,
 * which the DefaultIngressClass admission plugin writes into every Ingress created without a class: when that class
 * is meant for GKE (nothing serves such an Ingress), or when the Ingress was written for GKE's controller (it carries
 * annotations only ingress-gce reads) and the default class took it elsewhere. Before apply (`planned`): a
 * class-less Ingress the plugin will stamp with the default class (isStampedOnCreate).
 */
export function defaultClassStamp(ingress: Ingress, classes: readonly IngressClass[], planned: boolean): DefaultClassStamp | undefined {
  const defaultClass = defaultIngressClass(classes);
  const className = defaultClass?.metadata?.name;
  if (!defaultClass || !className) return undefined;
  const meantForGke = isMeantForGke(defaultClass);
  const gceAnnotations = gceOnlyAnnotations(ingress);
  if (planned) return isStampedOnCreate(ingress) ? { className, beforeApply: true, meantForGke, gceAnnotations } : undefined;
  const stamped = ingress.spec?.ingressClassName === className && !Object.hasOwn(ingress.metadata?.annotations ?? {}, INGRESS_CLASS_ANNOTATION);
  if (!stamped || (!meantForGke && gceAnnotations.length === 0)) return undefined;
  return { className, beforeApply: false, meantForGke, gceAnnotations };
}

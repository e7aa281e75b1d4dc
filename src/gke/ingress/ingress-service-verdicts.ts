import type { ClusterState } from '../../state/cluster-state.js';
import { kubernetesResourceName } from '../../state/cluster-state.js';
import type { Ingress, Service } from '../../state/kubernetes-types.js';
import type { BackendConfigMessageId } from './backend-config-verdicts.js';
import { backendConfigAnnotationVerdict } from './backend-config-verdicts.js';
import { INGRESS_CLASS_ANNOTATION, INTERNAL_INGRESS_CLASS, requiresNegs } from './ingress-class.js';
import { appProtocols, isVpcNative, negDecisionFor } from '../services/service-annotations.js';
import { appProtocolCommands, negCommand, nodePortCommand } from '../services/service-fixes.js';
import type { Verdict } from '../verdict.js';

/** The ingress-config messages the rules on a backend Service are told and fixed with. */
export type IngressServiceMessageId =
  | BackendConfigMessageId
  | 'appProtocolInvalid'
  | 'notNodePortNorNeg'
  | 'negUnknown'
  | 'internalWithoutNeg'
  | 'regionalExternalWithoutNeg'
  | 'fixAppProtocol'
  | 'fixNeg'
  | 'fixNodePort';

type ServiceVerdict = Verdict<IngressServiceMessageId>;

/**
 * What the controller refuses in a Service an Ingress routes to, judged once per Service: its
 * app-protocols and BackendConfig annotations (check-gke-ingress CheckAppProtocolAnnotation,
 * CheckBackendConfigAnnotation), and its type unless the Ingress's backends are NEGs anyway (negOnlyVerdict
 * says what those need).
 */
export function serviceVerdicts(service: Service, state: ClusterState, negOnly: boolean): ServiceVerdict[] {
  const resource = kubernetesResourceName({ kind: 'Service', metadata: service.metadata });
  return [appProtocolsVerdict(service, resource), backendConfigAnnotationVerdict(service, resource), negOnly ? undefined : serviceTypeVerdict(service, resource, state)].filter(
    (verdict) => verdict !== undefined,
  );
}

/** Protocols other than HTTP, HTTPS, HTTP2, or no JSON map (pkg/annotations/service.go ApplicationProtocols). */
function appProtocolsVerdict(service: Service, resource: string): ServiceVerdict | undefined {
  const protocols = appProtocols(service);
  if (protocols.ok !== false) return undefined;
  const value = service.metadata?.annotations?.[protocols.key] ?? '';
  return {
    messageId: 'appProtocolInvalid',
    severity: 'error',
    data: { service: resource, error: protocols.error },
    resource,
    evidence: { annotation: protocols.key, value },
    fix: { summary: 'fixAppProtocol', commands: appProtocolCommands(service) },
  };
}

/**
 * Instance-group backends need a NodePort or LoadBalancer Service (translator.go maybeEnableNEG:
 * ErrBadSvcType); a Service with NEGs may be of any type.
 */
function serviceTypeVerdict(service: Service, resource: string, state: ClusterState): ServiceVerdict | undefined {
  const type = service.spec?.type ?? 'ClusterIP';
  const neg = negDecisionFor(service, state, false);
  if (neg.enabled || type === 'NodePort' || type === 'LoadBalancer') return undefined;
  // NEGs need a VPC-native cluster: on a routes-based one, the way out is a node port.
  const routesBased = isVpcNative(state) === false;
  const fix: ServiceVerdict['fix'] = { summary: routesBased ? 'fixNodePort' : 'fixNeg', commands: [routesBased ? nodePortCommand(service) : negCommand(service)] };
  const evidence = { type, neg: neg.origin };
  return neg.certain
    ? { messageId: 'notNodePortNorNeg', severity: 'error', data: { service: resource, type, neg: neg.origin }, resource, evidence, fix }
    : { messageId: 'negUnknown', severity: 'warning', data: { service: resource, type, why: neg.undecidedBecause ?? '' }, resource, evidence, fix };
}

/**
 * Internal and regional external load balancers have only NEG backends (ingress-gce
 * pkg/neg/controller.go: "ILB always has neg enabled", "Regional XLB always has neg enabled";
 * check-gke-ingress CheckL7ILBNegAnnotation): such an Ingress's backend Service must use NEGs.
 */
export function negOnlyVerdict(ingress: Ingress, service: Service, state: ClusterState): ServiceVerdict | undefined {
  if (!requiresNegs(ingress)) return undefined;
  const neg = negDecisionFor(service, state, false);
  if (neg.enabled) return undefined;
  const ingressResource = kubernetesResourceName({ kind: 'Ingress', metadata: ingress.metadata });
  const ingressClass = ingress.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION] ?? '';
  const kind = ingressClass === INTERNAL_INGRESS_CLASS ? 'internal' : 'regional external';
  const data = { ingress: ingressResource, kind, ingressClass, service: kubernetesResourceName({ kind: 'Service', metadata: service.metadata }), neg: neg.origin };
  return {
    messageId: kind === 'internal' ? 'internalWithoutNeg' : 'regionalExternalWithoutNeg',
    severity: neg.certain ? 'error' : 'warning',
    data,
    resource: ingressResource,
    evidence: data,
    fix: { summary: 'fixNeg', commands: [negCommand(service)] },
  };
}

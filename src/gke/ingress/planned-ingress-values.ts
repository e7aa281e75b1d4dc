import type { ClusterState } from '../../state/cluster-state.js';
import { kubernetesResourceName } from '../../state/cluster-state.js';
import type { Ingress, Service } from '../../state/kubernetes-types.js';
import type { ResolvedBackend } from '../load-balancer/ingress-backends.js';
import { describeUnknownFields, unknownFields } from '../planned-values.js';
import { APP_PROTOCOLS_ANNOTATION, BACKEND_CONFIG_ANNOTATION, BETA_BACKEND_CONFIG_ANNOTATION, LEGACY_APP_PROTOCOLS_ANNOTATION, NEG_ANNOTATION } from '../services/service-annotations.js';
import { FRONTEND_CONFIG_ANNOTATION, INGRESS_CLASS_ANNOTATION } from './ingress-class.js';

/** What GKE's ingress controller reads of an Ingress: its class and FrontendConfig annotations, and its spec. */
export function unknownIngressFields(state: ClusterState, ingress: Ingress): string[] {
  const annotations = [INGRESS_CLASS_ANNOTATION, FRONTEND_CONFIG_ANNOTATION].map((key) => `metadata.annotations.${key}`);
  return unknownFields(state, kubernetesResourceName({ kind: 'Ingress', metadata: ingress.metadata }), [...annotations, 'spec']);
}

/** What the controller reads of a backend Service: NEG, BackendConfig and app-protocols annotations, and its spec. */
export function unknownServiceFields(state: ClusterState, service: Service): string[] {
  const keys = [NEG_ANNOTATION, BACKEND_CONFIG_ANNOTATION, BETA_BACKEND_CONFIG_ANNOTATION, APP_PROTOCOLS_ANNOTATION, LEGACY_APP_PROTOCOLS_ANNOTATION];
  return unknownFields(state, kubernetesResourceName({ kind: 'Service', metadata: service.metadata }), [...keys.map((key) => `metadata.annotations.${key}`), 'spec']);
}

/**
 * What the health-check inference reads of a Pod or pod template (`Deployment/ns/name`):
 * the containers' ports, readinessProbe, and the args, command and env that say
 * how a known application serves. An unknown image, say, does not matter.
 */
export function unknownPodSourceFields(state: ClusterState, resource: string): string[] {
  const spec = resource.startsWith('Pod/') ? 'spec' : 'spec.template.spec';
  return unknownFields(state, resource, [`${spec}.containers`]).filter((field) => {
    const rest = field.slice(`${spec}.containers`.length).replace(/^(\[\d+\]|\.\d+)/, '');
    return rest === '' || /^\.(ports|readinessProbe|readiness_probe|args|command|env)\b/.test(rest);
  });
}

/**
 * Inputs of the health-check inference for one backend a plan knows only after apply: the Service,
 * its BackendConfig's health check, and the Pods or templates; `FIELD of RESOURCE (ADDRESS)` each, and how many fields.
 */
export function unknownHealthCheckInputs(state: ClusterState, backend: ResolvedBackend, backendConfigName: string | undefined): { parts: string[]; count: number } {
  const service = backend.service!;
  const backendConfigResource = `BackendConfig/${backend.namespace}/${backendConfigName}`;
  const inputs: [string, string[]][] = [
    [kubernetesResourceName({ kind: 'Service', metadata: service.metadata }), unknownServiceFields(state, service)],
    ...(backendConfigName ? [[backendConfigResource, unknownFields(state, backendConfigResource, ['spec.healthCheck'])] as [string, string[]]] : []),
    ...backend.podSources.map((source): [string, string[]] => [source.resource, unknownPodSourceFields(state, source.resource)]),
  ];
  const known = inputs.filter(([, fields]) => fields.length > 0);
  return { parts: known.map(([resource, fields]) => describeUnknownFields(state, resource, fields)), count: known.reduce((sum, [, fields]) => sum + fields.length, 0) };
}

import type { ClusterState } from '../state/cluster-state.js';
import { kubernetesResourceName } from '../state/cluster-state.js';
import type { Ingress, Service } from '../state/kubernetes-types.js';
import type { ResolvedBackend } from './ingress-backends.js';
import { FRONTEND_CONFIG_ANNOTATION, INGRESS_CLASS_ANNOTATION } from './ingress-class.js';
import { APP_PROTOCOLS_ANNOTATION, BACKEND_CONFIG_ANNOTATION, BETA_BACKEND_CONFIG_ANNOTATION, LEGACY_APP_PROTOCOLS_ANNOTATION, NEG_ANNOTATION } from './service-annotations.js';

/**
 * The fields of `resource` a Terraform plan knows only after apply
 * (ClusterState.unknownUntilApply) that are one of `paths`, lie under one, or
 * contain one (a whole block unknown). Such a field is absent from the data, so a
 * check reading it must not take the absence for "not set".
 */
export function unknownFields(state: ClusterState, resource: string, paths: readonly string[]): string[] {
  const fields = state.unknownUntilApply?.get(resource) ?? [];
  return fields.filter((field) => paths.some((path) => within(field, path) || within(path, field)));
}

/** `FIELD of RESOURCE (ADDRESS)`, naming the plan's resource address when the state knows it. */
export function describeUnknownFields(state: ClusterState, resource: string, fields: readonly string[]): string {
  const address = state.locations.get(resource)?.address;
  return `${fields.join(', ')} of ${resource}${address ? ` (${address})` : ''}`;
}

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

function within(field: string, path: string): boolean {
  return field === path || field.startsWith(`${path}.`) || field.startsWith(`${path}[`);
}

const KNOWN_AFTER_APPLY = {
  one: '{{fields}} is known only after apply',
  many: '{{fields}} are known only after apply',
};

/**
 * The clause every "cannot be decided before apply" message ends with: `FIELD of RESOURCE (ADDRESS)`
 * for each input, then "is" or "are known only after apply" for `count` fields in all.
 */
export function knownAfterApplyClause(parts: readonly string[], count: number): string {
  return (count === 1 ? KNOWN_AFTER_APPLY.one : KNOWN_AFTER_APPLY.many).replace('{{fields}}', parts.join('; '));
}

/** The clause for `fields` of one resource. */
export function unknownFieldsClause(state: ClusterState, resource: string, fields: readonly string[]): string {
  return knownAfterApplyClause([describeUnknownFields(state, resource, fields)], fields.length);
}

/** The fix of every finding that cannot be decided before apply. */
export function afterApplyFix(advice: 'set-value' | 'grant-known-member'): { summary: string; commands: string[]; terraform: null; automatic: false } {
  const how =
    advice === 'set-value'
      ? 'set the value in the configuration to something Terraform knows while planning'
      : 'grant to a member the plan already knows (a literal email, data "google_project" for the project number)';
  return { summary: `Run gke-doctor again once the plan is applied, or ${how}.`, commands: [], terraform: null, automatic: false };
}

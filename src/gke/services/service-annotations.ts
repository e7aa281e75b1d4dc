// Room services/ (rank 2): Services, their GKE annotations and the Pods behind them. Imports cluster/, iam/ and src/gke/*.ts.
// Ranks are enforced by test/architecture (GKE_ROOM_RANKS in test/support/import-graph.ts).
import type { ClusterState } from '../../state/cluster-state.js';
import { kubernetesResourceName } from '../../state/cluster-state.js';
import type { Cluster } from '../../state/gcp-types.js';
import type { Service } from '../../state/kubernetes-types.js';
import { clusterResourceName } from '../cluster/cluster-name.js';
import { unknownFields } from '../unknown-fields.js';

/** The application protocols ingress-gce accepts (pkg/annotations/service.go). */
export const APP_PROTOCOLS = ['HTTP', 'HTTPS', 'HTTP2'] as const;
export type AppProtocol = (typeof APP_PROTOCOLS)[number];

export const APP_PROTOCOLS_ANNOTATION = 'cloud.google.com/app-protocols';
/** Deprecated key; ingress-gce reads it first when both are set. */
export const LEGACY_APP_PROTOCOLS_ANNOTATION = 'service.alpha.kubernetes.io/app-protocols';
export const NEG_ANNOTATION = 'cloud.google.com/neg';
/** ingress-gce pkg/annotations/service.go THCAnnotationKey. */
export const TRANSPARENT_HEALTH_CHECK_ANNOTATION = 'networking.gke.io/transparent-health-checker';
export const BACKEND_CONFIG_ANNOTATION = 'cloud.google.com/backend-config';
export const BETA_BACKEND_CONFIG_ANNOTATION = 'beta.cloud.google.com/backend-config';

export type Parsed<T> = { ok: true; value: T; key: string } | { ok: false; error: string; key: string } | { ok: 'absent' };

/**
 * `cloud.google.com/app-protocols`: a JSON map of Service port name to protocol
 * (pkg/annotations/service.go ApplicationProtocols; the legacy key wins).
 */
export function appProtocols(service: Service): Parsed<Record<string, string>> {
  const annotations = service.metadata?.annotations ?? {};
  const key = [LEGACY_APP_PROTOCOLS_ANNOTATION, APP_PROTOCOLS_ANNOTATION].find((candidate) => candidate in annotations);
  if (!key) return { ok: 'absent' };
  const value = parseJsonObject(annotations[key]!);
  if (!value) return { ok: false, key, error: `${key} is not a JSON object of port name to protocol` };
  const invalid = Object.entries(value).find(([, protocol]) => !(APP_PROTOCOLS as readonly unknown[]).includes(protocol));
  if (invalid) return { ok: false, key, error: `${key}: port "${invalid[0]}" has protocol ${JSON.stringify(invalid[1])}, which must be one of HTTP, HTTPS, HTTP2` };
  return { ok: true, key, value: value as Record<string, string> };
}

/**
 * An invalid app-protocols annotation whose only fault is the case of its protocols (`"https"`):
 * the same map upper-cased, which ingress-gce accepts; undefined when that is not its only fault.
 */
export function upperCasedAppProtocols(service: Service): { key: string; value: Record<string, string> } | undefined {
  const parsed = appProtocols(service);
  if (parsed.ok !== false) return undefined;
  const value = parseJsonObject(service.metadata?.annotations?.[parsed.key] ?? '');
  if (!value) return undefined;
  const fixed = Object.entries(value).map(([port, protocol]) => [port, String(protocol).toUpperCase()] as const);
  if (!fixed.every(([, protocol]) => (APP_PROTOCOLS as readonly string[]).includes(protocol))) return undefined;
  return { key: parsed.key, value: Object.fromEntries(fixed) };
}

/**
 * The protocol the load balancer speaks to a Service port: looked up by the
 * port's name only (pkg/controller/translator/translator.go setAppProtocol), HTTP by default.
 */
export function appProtocolFor(service: Service, portName: string | undefined): { protocol: AppProtocol; origin: string } {
  const parsed = appProtocols(service);
  if (parsed.ok === true && portName !== undefined && portName in parsed.value) {
    return { protocol: parsed.value[portName] as AppProtocol, origin: `${parsed.key} on the Service` };
  }
  return { protocol: 'HTTP', origin: 'default: no app protocol for the port in cloud.google.com/app-protocols' };
}

/** `cloud.google.com/neg` (pkg/annotations/service.go NegAnnotation). */
export function negAnnotation(service: Service): Parsed<{ ingress?: boolean; exposed_ports?: Record<string, unknown> }> {
  const raw = service.metadata?.annotations?.[NEG_ANNOTATION];
  if (raw === undefined) return { ok: 'absent' };
  const value = parseJsonObject(raw);
  if (!value) return { ok: false, key: NEG_ANNOTATION, error: `${NEG_ANNOTATION} is not valid JSON` };
  return { ok: true, key: NEG_ANNOTATION, value };
}

/**
 * `networking.gke.io/transparent-health-checker: '{"enabled": true}'` (pkg/annotations/service.go
 * IsThcAnnotated: JSON with `enabled`; invalid JSON counts as not opted in).
 */
export function transparentHealthCheckOptIn(service: Service): boolean {
  const raw = service.metadata?.annotations?.[TRANSPARENT_HEALTH_CHECK_ANNOTATION];
  if (raw === undefined) return false;
  return parseJsonObject(raw)?.enabled === true;
}

/** Whether the cluster is VPC-native (alias IPs), where NEGs are the default; unknown when it was not read. */
export function isVpcNative(state: ClusterState): boolean | undefined {
  if (!state.cluster || unknownFields(state, clusterResourceName(state), ['ipAllocationPolicy.useIpAliases']).length > 0) return undefined;
  return state.cluster.ipAllocationPolicy?.useIpAliases === true;
}

export interface NegDecision {
  enabled: boolean;
  /** Unknown when the annotation is absent and the cluster was not read, or its networking is known only after apply. */
  certain: boolean;
  origin: string;
  /** Why it is not certain. */
  undecidedBecause?: string;
}

/**
 * Whether Ingress backends of this Service are NEGs (container-native). The
 * controller reads the annotation (translator.go maybeEnableNEG); GKE adds
 * `{"ingress":true}` itself to Services on VPC-native clusters
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/container-native-load-balancing),
 * so an absent annotation means NEG there. Internal and regional external
 * Ingresses always use NEGs.
 */
export function negDecision(service: Service, vpcNative: boolean | undefined, requiresNeg: boolean): NegDecision {
  const parsed = negAnnotation(service);
  if (parsed.ok === true && parsed.value.ingress === true) return { enabled: true, certain: true, origin: `${NEG_ANNOTATION}: {"ingress": true}` };
  if (requiresNeg) return { enabled: true, certain: true, origin: 'internal and regional Ingresses always use NEGs' };
  if (parsed.ok === true) return { enabled: false, certain: true, origin: `${NEG_ANNOTATION} without "ingress": true` };
  if (parsed.ok === false) return { enabled: false, certain: true, origin: `${NEG_ANNOTATION} is not valid JSON, so the controller ignores it` };
  if (vpcNative === undefined) return { enabled: false, certain: false, origin: `no ${NEG_ANNOTATION} annotation and the cluster was not read` };
  return vpcNative
    ? { enabled: true, certain: true, origin: 'default on VPC-native clusters' }
    : { enabled: false, certain: true, origin: `no ${NEG_ANNOTATION} annotation on a routes-based (not VPC-native) cluster` };
}

/** The first GKE version on which new Services get NEGs by default (container-native load balancing docs). */
export const NEG_DEFAULT_SINCE = '1.17.6-gke.7';

/**
 * Why GKE would not write `cloud.google.com/neg` on a new Service of this cluster, or
 * null when it would. Container-native load balancing is the default only when the
 * cluster is VPC-native, does not use Shared VPC, does not use GKE network policy, and
 * the Service is created on 1.17.6-gke.7 or later
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/container-native-load-balancing;
 * the Ingress seed lists the same conditions).
 */
/** What `whyNoDefaultNeg` reads of the cluster. */
const NEG_DEFAULT_FIELDS = ['ipAllocationPolicy.useIpAliases', 'networkConfig.network', 'networkPolicy.enabled', 'addonsConfig.networkPolicyConfig', 'currentMasterVersion'];

export function whyNoDefaultNeg(cluster: Cluster, project: string | null): string | null {
  if (cluster.ipAllocationPolicy?.useIpAliases !== true) return 'the cluster is routes-based, not VPC-native';
  const hostProject = /^projects\/([^/]+)\/global\/networks\//.exec(cluster.networkConfig?.network ?? '')?.[1];
  const clusterProject = project ?? /\/projects\/([^/]+)\//.exec(cluster.selfLink ?? '')?.[1];
  if (hostProject && clusterProject && hostProject !== clusterProject) return `the cluster uses Shared VPC (its network is in project ${hostProject})`;
  // The addon shows as `networkPolicyConfig: {}` when enabled (proto3 omits `disabled: false`), `{disabled: true}` when not.
  const addon = cluster.addonsConfig?.networkPolicyConfig;
  if (cluster.networkPolicy?.enabled === true || (addon && addon.disabled !== true)) return 'the cluster uses GKE network policy';
  const version = cluster.currentMasterVersion;
  if (version && compareGkeVersions(version, NEG_DEFAULT_SINCE) < 0) return `the control plane runs ${version}, before ${NEG_DEFAULT_SINCE}`;
  return null;
}

/** Orders GKE versions `1.27.7-gke.1121000` by their numbers (major, minor, patch, gke build). */
export function compareGkeVersions(a: string, b: string): number {
  const numbers = (version: string) => (/^v?(\d+)\.(\d+)\.(\d+)(?:-gke\.(\d+))?/.exec(version) ?? []).slice(1).map((part) => Number(part ?? 0));
  const [left, right] = [numbers(a), numbers(b)];
  for (let index = 0; index < 4; index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * Whether Ingress backends of this Service are NEGs, as ingress-gce decides it: the
 * translator reads only the `cloud.google.com/neg` annotation (translator.go
 * maybeEnableNEG), which GKE itself writes on a new Service when the defaults apply
 * (`whyNoDefaultNeg`). So a Service read from the cluster (snapshot or live) without
 * the annotation is served through instance groups. A Service not yet applied
 * (manifests, plan) gets it if the cluster's configuration says so; with no cluster
 * read, that cannot be decided before apply. Internal and regional external Ingresses
 * make the backend NEG after that check (`requiresNeg`).
 */
export function negDecisionFor(service: Service, state: ClusterState, requiresNeg: boolean): NegDecision {
  const parsed = negAnnotation(service);
  if (parsed.ok === true && parsed.value.ingress === true) return { enabled: true, certain: true, origin: `${NEG_ANNOTATION}: {"ingress": true}` };
  if (requiresNeg) return { enabled: true, certain: true, origin: 'internal and regional Ingresses always use NEGs' };
  if (parsed.ok === true) return { enabled: false, certain: true, origin: `${NEG_ANNOTATION} without "ingress": true` };
  if (parsed.ok === false) return { enabled: false, certain: true, origin: `${NEG_ANNOTATION} is not valid JSON, so the controller ignores it` };
  const planned = state.locations.has(kubernetesResourceName({ kind: 'Service', metadata: service.metadata }));
  if (!planned) {
    return { enabled: false, certain: true, origin: `no ${NEG_ANNOTATION} annotation on the Service, which GKE writes on every Service that gets NEGs by default: it uses instance groups` };
  }
  if (!state.cluster) return { enabled: false, certain: false, origin: `no ${NEG_ANNOTATION} annotation, and whether GKE adds it cannot be decided before apply: the cluster was not read`, undecidedBecause: 'the cluster was not read' };
  // A planned cluster whose networking is known only after apply: whether GKE adds the annotation is not guessed.
  const cluster = clusterResourceName(state);
  const unknown = unknownFields(state, cluster, NEG_DEFAULT_FIELDS);
  if (unknown.length > 0) {
    return { enabled: false, certain: false, origin: `no ${NEG_ANNOTATION} annotation, and whether GKE adds it cannot be decided before apply: ${unknown.join(', ')} of ${cluster} is known only after apply`, undecidedBecause: `${unknown.join(', ')} of ${cluster} is known only after apply` };
  }
  const why = whyNoDefaultNeg(state.cluster, state.target.project);
  return why
    ? { enabled: false, certain: true, origin: `no ${NEG_ANNOTATION} annotation, and GKE will not add one: ${why}` }
    : { enabled: true, certain: true, origin: `no ${NEG_ANNOTATION} annotation, which GKE adds on creation (VPC-native, no Shared VPC, no GKE network policy, ${NEG_DEFAULT_SINCE} or later)` };
}

export interface BackendConfigRefs {
  default?: string;
  ports?: Record<string, string>;
}

/**
 * The BackendConfig annotation (GA key first, then beta), as ingress-gce
 * parses it (pkg/annotations/service.go GetBackendConfigs): invalid JSON, or
 * neither `default` nor `ports`, is an error for every port of the Service.
 */
export function backendConfigRefs(service: Service): Parsed<BackendConfigRefs> {
  const annotations = service.metadata?.annotations ?? {};
  const key = [BACKEND_CONFIG_ANNOTATION, BETA_BACKEND_CONFIG_ANNOTATION].find((candidate) => candidate in annotations);
  if (!key) return { ok: 'absent' };
  const value = parseJsonObject(annotations[key]!);
  if (!value) return { ok: false, key, error: `${key} is not valid JSON` };
  const refs = value as BackendConfigRefs;
  if (!refs.default && Object.keys(refs.ports ?? {}).length === 0) return { ok: false, key, error: `${key} has neither "default" nor "ports"` };
  return { ok: true, key, value: refs };
}

/** Port name, then port number, then `default` (pkg/backendconfig/utils.go BackendConfigName). */
export function backendConfigNameFor(refs: BackendConfigRefs, port: { name?: string; port: number }): string | undefined {
  const ports = refs.ports ?? {};
  if (port.name !== undefined && port.name in ports) return ports[port.name];
  if (String(port.port) in ports) return ports[String(port.port)];
  return refs.default || undefined;
}

/** The BackendConfig a Service port names and the annotation that names it; none when the annotation is absent, invalid or names none for the port. */
export function attachedBackendConfig(service: Service, port: { name?: string; port: number }): { name: string; key: string } | undefined {
  const refs = backendConfigRefs(service);
  const name = refs.ok === true ? backendConfigNameFor(refs.value, port) : undefined;
  return name && refs.ok === true ? { name, key: refs.key } : undefined;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

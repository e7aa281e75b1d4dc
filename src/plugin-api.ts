/**
 * What a plugin author compiles against (`import type { Check } from 'gke-doctor'`).
 *
 * The package ships its dependencies inside its bundle, so their types are not installed
 * with it: these declarations name no dependency (the engine's own types name client-node's
 * and Google's models). They are the engine's shapes seen from a plugin, with Kubernetes
 * objects and Google resources as plain JSON objects; test/engine/plugin-api.test.ts holds
 * them to the engine's, and test/e2e/plugin-types.test.ts compiles a plugin against the
 * packed package under `tsc --strict` without skipLibCheck.
 */
import { fill as fillTemplate, format as formatTemplate } from './engine/check.js';
import { KubernetesObjects as EngineKubernetesObjects, kubernetesResourceName as resourceNameOf } from './state/cluster-state.js';
import { isGceIngress as isEngineGceIngress } from './gke/ingress-class.js';

export type Severity = 'error' | 'warning' | 'info';
export type CheckStatus = 'passed' | 'failed' | 'not-applicable' | 'incomplete';

/** The Kubernetes kinds a check can ask for by name. */
export type KubernetesKind =
  | 'Namespace'
  | 'Pod'
  | 'Service'
  | 'Ingress'
  | 'IngressClass'
  | 'Deployment'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'ReplicaSet'
  | 'APIService'
  | 'ConfigMap'
  | 'BackendConfig'
  | 'FrontendConfig'
  | 'ServiceNetworkEndpointGroup'
  | 'GatewayClass'
  | 'Gateway'
  | 'HTTPRoute'
  | 'GRPCRoute'
  | 'ReferenceGrant'
  | 'HealthCheckPolicy'
  | 'GCPBackendPolicy'
  | 'GCPGatewayPolicy';

/** The Google data a check can ask for. */
export type GcpDataKey = 'project' | 'iamPolicy' | 'cluster' | 'eventarcTriggers' | 'healthChecks' | 'backendServices' | 'subnetworks';

/** What a check `needs`: the runner collects exactly these. */
export type DataKey = GcpDataKey | KubernetesKind | 'ObjectsInTerminatingNamespaces';

/** A Kubernetes object as the API server sends it (`kubectl get -o json`): timestamps are RFC 3339 strings. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  labels?: { [key: string]: string };
  annotations?: { [key: string]: string };
  finalizers?: string[];
  creationTimestamp?: string;
  deletionTimestamp?: string;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  resourceVersion?: string;
  [field: string]: unknown;
}

/**
 * Google resources as the REST APIs return them (what gcloud prints with --format=json),
 * with the fields most checks start from; cast to read others.
 */
export interface Project {
  projectId: string;
  projectNumber: string;
  name?: string;
  labels?: Record<string, string>;
}

export interface IamPolicy {
  bindings?: { role?: string | null; members?: string[] | null; condition?: { expression?: string | null; title?: string | null } | null }[] | null;
  etag?: string | null;
  version?: number | null;
}

export interface Cluster {
  name?: string | null;
  location?: string | null;
  selfLink?: string | null;
  currentMasterVersion?: string | null;
  resourceLabels?: { [key: string]: string } | null;
}

/** An Eventarc trigger, a Compute health check, backend service or subnetwork: named resources. */
export interface NamedGoogleResource {
  name: string;
  selfLink?: string;
}

/** The Kubernetes objects that were read, by kind. */
export interface KubernetesObjects {
  list(kind: KubernetesKind): KubeObject[];
  get(kind: KubernetesKind, namespace: string | undefined, name: string): KubeObject | undefined;
  inNamespace(namespace: string): readonly KubeObject[];
  all(): KubeObject[];
}

export interface Target {
  source: string;
  project: string | null;
  location: string | null;
  cluster: string | null;
}

/** Where a finding's resource is written (manifests, plans). */
export interface SourceLocation {
  file: string;
  line?: number;
  address?: string;
}

/** What a check reads: the data it asked for, and why what could not be read is missing. */
export interface ClusterState {
  target: Target;
  kubernetes: KubernetesObjects;
  /** Data that could not be read, with the reason (a check that needs it is `incomplete`). */
  unavailable: ReadonlyMap<DataKey, string>;
  project?: Project;
  iamPolicy?: IamPolicy;
  cluster?: Cluster;
  eventarcTriggers?: NamedGoogleResource[];
  healthChecks?: NamedGoogleResource[];
  backendServices?: NamedGoogleResource[];
  subnetworks?: NamedGoogleResource[];
  /** When the data was read (a snapshot's `takenAt`). */
  observedAt?: Date;
  locations: ReadonlyMap<string, SourceLocation>;
}

/** Empties `spec.finalizers` of a stuck namespace (`--fix`), after printing what it leaves behind. */
export interface FinalizeNamespaceAction {
  kind: 'finalize-namespace';
  namespace: string;
  terminatingForSeconds?: number;
  conditions: { type: string; message?: string }[];
  orphans: { resource: string; finalizers: string[] }[];
  manualSteps: string[];
}

export type FixAction = FinalizeNamespaceAction;

/** A fix is data: what to run, in order. */
export interface Fix {
  summary: string;
  commands: string[];
  terraform: string | null;
  automatic: boolean;
  action?: FixAction;
}

export interface Suppression {
  by: 'config' | 'annotation' | 'baseline';
  reason: string;
}

export interface Finding {
  severity: Severity;
  /** `Kind/name`, `Kind/namespace/name`, a full GCP resource name, or `serviceAccount:EMAIL`. */
  resource: string;
  messageId?: string;
  message: string;
  evidence: Record<string, unknown>;
  fix: Fix | null;
  location?: SourceLocation;
  suppressed?: Suppression;
}

export interface CheckResult {
  /** Every resource the check looked at; none (and no finding) means not applicable. */
  examined: string[];
  findings: Finding[];
  /** What the check needed for some of what it examined and could not read: it is then `incomplete`. */
  unread?: string[];
}

/** Values for a message's `{{name}}` placeholders. */
export type MessageData = Record<string, string | number>;

export interface ReportDescriptor<MessageId extends string = string> {
  messageId: MessageId;
  data?: MessageData;
  resource: string;
  severity?: Severity;
  evidence?: Record<string, unknown>;
  fix?: Fix | null;
}

export interface ProbeRequest {
  namespace: string;
  pod: string;
  port: number;
  path: string;
  scheme: 'HTTP' | 'HTTPS';
}

export interface ProbeResponse {
  statusCode: number;
  location?: string;
  error?: string;
}

export interface RunContext {
  now: Date;
  /** A namespace counts as stuck once it has been Terminating this long. */
  stuckAfterMs: number;
  /** Present only in live mode with `--probe`: one GET to a Pod through the API server. */
  probe?: (request: ProbeRequest) => Promise<ProbeResponse>;
}

export interface CheckContext<MessageId extends string = string> extends RunContext {
  /** Makes a finding from one of the check's messages; an unknown id or a missing placeholder throws. */
  report(descriptor: ReportDescriptor<MessageId>): Finding;
}

export interface Check<MessageId extends string = string> {
  id: string;
  /** The good state, as a sentence. */
  title: string;
  severity: Severity;
  description: string;
  references: string[];
  url?: string;
  needs: readonly DataKey[];
  optionalNeeds?: readonly DataKey[];
  appliesTo?: readonly DataKey[];
  notApplicable: string;
  messages?: Record<MessageId, string>;
  run(state: ClusterState, context: CheckContext<MessageId>): CheckResult | Promise<CheckResult>;
}

export interface CheckReport {
  id: string;
  title: string;
  status: CheckStatus;
  reason: string | null;
  durationMs: number;
  findings: Finding[];
  examined: string[];
}

export interface Summary {
  error: number;
  warning: number;
  info: number;
  passed: number;
  failed: number;
  incomplete: number;
  notApplicable: number;
  suppressed: number;
}

/** The JSON report, version 1 (`--output json`). */
export interface Report {
  version: 1;
  target: Target;
  checks: CheckReport[];
  summary: Summary;
}

/** Types a check's `report` calls by the ids of its own `messages` (the engine's defineCheck, typed for plugins). */
export function defineCheck<const Messages extends Record<string, string>>(
  check: Check<Extract<keyof Messages, string>> & { messages: Messages },
): Check<Extract<keyof Messages, string>> & { messages: Messages } {
  return check;
}

/** Fills `{{name}}` placeholders; a missing one throws, naming `where`. */
export const fill: (template: string, data: MessageData, where?: string) => string = fillTemplate;

/** Fills the placeholders it has data for and leaves the others. */
export const format: (template: string, data: Record<string, string | number>) => string = formatTemplate;

/** `Kind/name` or `Kind/namespace/name`, as findings name Kubernetes objects. */
export const kubernetesResourceName: (object: { kind?: string; metadata?: { name?: string; namespace?: string } }) => string = resourceNameOf;

/** Objects by kind, namespace and name (what `state.kubernetes` is), for a plugin's own tests. */
export const KubernetesObjects: new (objects?: Iterable<KubeObject>) => KubernetesObjects = EngineKubernetesObjects as never;

/** Whether the GCE ingress controller serves this Ingress (kubernetes/ingress-gce pkg/utils/utils.go IsGCEIngress). */
export const isGceIngress: (ingress: KubeObject) => boolean = isEngineGceIngress as never;

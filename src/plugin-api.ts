/**
 * The shapes of checks, findings, fixes and reports, and what a plugin author compiles against
 * (`import type { Check } from 'gke-doctor'`).
 *
 * This module imports nothing: the package ships its dependencies inside its bundle, so their
 * types are not installed with it, and these declarations (dist/src/plugin-api.d.ts) must name
 * none. The engine and src/state take every shape that names no dependency from here (one
 * definition); the ones that do name a dependency (the engine's ClusterState, Kubernetes objects
 * typed by client-node, Google resources typed by googleapis) are seen here as plain JSON objects.
 * test/engine/plugin-api.test.ts holds those views to the engine's, and
 * test/e2e/plugin-types.test.ts compiles a plugin against the packed package under `tsc --strict`
 * without skipLibCheck. The runtime helpers a plugin imports are in src/index.ts.
 */
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
  | 'GCPGatewayPolicy'
  | 'NetworkPolicy'
  | 'CustomResourceDefinition'
  | 'ValidatingWebhookConfiguration'
  | 'MutatingWebhookConfiguration'
  | 'Event'
  | 'ManagedCertificate';

/** The Google data a check can ask for. */
export type GcpDataKey =
  | 'project'
  | 'iamPolicy'
  | 'cluster'
  | 'eventarcTriggers'
  | 'healthChecks'
  | 'backendServices'
  | 'subnetworks'
  | 'hostIamPolicy'
  | 'pubsubTopics'
  | 'pubsubSubscriptions'
  | 'firewalls'
  | 'effectiveFirewalls'
  | 'backendHealth'
  | 'network'
  | 'regionalEffectiveFirewalls';

/**
 * What a check can ask for (`needs`; the runner collects exactly these): a piece of GCP data, a
 * Kubernetes kind (listed cluster-wide), or `ObjectsInTerminatingNamespaces` (every namespaced
 * object, of any kind, left in a namespace that is being deleted).
 */
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

/** Where an object or a finding comes from, when it comes from a file the user wrote (manifests, plans). */
export interface SourceLocation {
  file: string;
  line?: number;
  /** Terraform resource address, for findings from a plan. */
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
  /** The IAM allow policy of the Shared VPC host project (the cluster network's project, when it is another). */
  hostIamPolicy?: IamPolicy;
  /** The Pub/Sub topics and subscriptions Eventarc triggers name, those that exist. */
  pubsubTopics?: NamedGoogleResource[];
  pubsubSubscriptions?: NamedGoogleResource[];
  /** The VPC firewall rules of the cluster's network (in the network's project: the host project on a Shared VPC). */
  firewalls?: NamedGoogleResource[];
  /** What `networks.getEffectiveFirewalls` answers for the cluster's network: its VPC firewall rules and the firewall policies that apply. */
  effectiveFirewalls?: { firewalls?: NamedGoogleResource[]; firewallPolicys?: { name?: string; type?: string; rules?: object[] }[] };
  /** The cluster's VPC network as `networks.get` answers it (its `networkFirewallPolicyEnforcementOrder`). */
  network?: NamedGoogleResource & { networkFirewallPolicyEnforcementOrder?: string };
  /** What `regionNetworkFirewallPolicies.getEffectiveFirewalls` answers in the cluster's region: the global answer and the regional network firewall policies. */
  regionalEffectiveFirewalls?: { firewalls?: NamedGoogleResource[]; firewallPolicys?: { name?: string; type?: string; rules?: object[] }[] };
  /** Per backend service the cluster's Ingresses and Gateways use, what `gcloud compute backend-services get-health` prints. */
  backendHealth?: { backendService: string; region?: string; health: unknown[] }[];
  /** When the data was read (a snapshot's `takenAt`). */
  observedAt?: Date;
  locations: ReadonlyMap<string, SourceLocation>;
}

/**
 * Empty `spec.finalizers` of a stuck namespace through its `/finalize` subresource (`--fix`).
 * What it carries is what the fixer prints before asking: how long the namespace has been
 * stuck, why, what finalizing leaves behind, and the root-cause steps it does not take.
 */
export interface FinalizeNamespaceAction {
  kind: 'finalize-namespace';
  namespace: string;
  /**
   * The namespace object the plan was made from: the fixer finalizes only that object
   * (a namespace deleted and re-created under the same name has another uid) and stops
   * when it carries finalizers the plan did not show.
   */
  uid?: string;
  resourceVersion?: string;
  /** `spec.finalizers` as checked: what finalizing empties. */
  specFinalizers?: string[];
  /** `metadata.finalizers` as checked: what `/finalize` leaves in place. */
  metadataFinalizers?: string[];
  terminatingForSeconds?: number;
  conditions: { type: string; message?: string }[];
  orphans: { resource: string; finalizers: string[] }[];
  /** The fix's commands that come before finalizing and that no fixer runs. */
  manualSteps: string[];
}

/** A change `--fix` can make, applied by the fixer registered for its `kind` (src/fix/fixers.ts). */
export type FixAction = FinalizeNamespaceAction;

/** A fix is data: what to run, in order. `src/fix/` applies the `automatic` ones that carry an `action` on `--fix`. */
export interface Fix {
  summary: string;
  commands: string[];
  terraform: string | null;
  automatic: boolean;
  action?: FixAction;
}

/** Why a finding is accepted, and by what. */
export interface Suppression {
  by: 'config' | 'annotation' | 'baseline';
  reason: string;
}

export interface Finding {
  severity: Severity;
  /** `Kind/name`, `Kind/namespace/name`, a full GCP resource name, or `serviceAccount:EMAIL`. */
  resource: string;
  /** The key of the message in the check's `messages` (absent only in plugins that build findings by hand). */
  messageId?: string;
  message: string;
  evidence: Record<string, unknown>;
  fix: Fix | null;
  location?: SourceLocation;
  /** Accepted by the user (config `ignore`, an annotation, a baseline): reported, never failing the run. */
  suppressed?: Suppression;
}

export interface CheckResult {
  /** Every resource the check looked at; none (and no finding) means not applicable. */
  examined: string[];
  findings: Finding[];
  /**
   * What the check needed for some of what it examined and could not read, each a sentence naming
   * it and why. Without a failing finding the check is `incomplete` (never `passed`), with these as
   * its reason.
   */
  unread?: string[];
}

/** Values for a message's `{{name}}` placeholders. */
export type MessageData = Record<string, string | number>;

/** What a check passes to `context.report`: the finding, with its message named, not written. */
export interface ReportDescriptor<MessageId extends string = string> {
  messageId: MessageId;
  data?: MessageData;
  resource: string;
  /** Defaults to the check's severity. */
  severity?: Severity;
  evidence?: Record<string, unknown>;
  fix?: Fix | null;
}

/** The load balancer's health-check request, sent to a Pod (`--probe`, live only). */
export interface ProbeRequest {
  namespace: string;
  pod: string;
  port: number;
  path: string;
  scheme: 'HTTP' | 'HTTPS';
}

/** Result of sending the load balancer's health-check request to a Pod. */
export interface ProbeResponse {
  statusCode: number;
  location?: string;
  error?: string;
}

/** One GET to a Pod through the API server. */
export type Probe = (request: ProbeRequest) => Promise<ProbeResponse>;

/** What a run gives every check: the clock, the thresholds, the live capabilities. */
export interface RunContext {
  now: Date;
  /** A namespace counts as stuck once it has been Terminating this long. */
  stuckAfterMs: number;
  /** Present only in live mode with `--probe`. */
  probe?: Probe;
}

export interface CheckContext<MessageId extends string = string> extends RunContext {
  /** Makes a finding from one of the check's messages; an unknown id or a missing placeholder throws. */
  report(descriptor: ReportDescriptor<MessageId>): Finding;
}

export interface Check<MessageId extends string = string> {
  id: string;
  /** The good state, as a sentence: what passing means. */
  title: string;
  severity: Severity;
  /** Why it matters and how to fix it; what `explain` prints. */
  description: string;
  references: string[];
  /** Where the check is documented (ESLint's `meta.docs.url`); built-in checks: their page in docs/checks. */
  url?: string;
  /** Data without which the check cannot run (missing -> `incomplete`). */
  needs: readonly DataKey[];
  /** Data the check uses when a source has it. */
  optionalNeeds?: readonly DataKey[];
  /**
   * The data this check judges (kube-linter's "applies to"); the rest of `needs` is what it
   * judges it with. When the inputs of a preflight hold none of it (`state.notInInputs`), the
   * check is not applicable instead of incomplete.
   */
  appliesTo?: readonly DataKey[];
  /** Why there is nothing to look at, when `run` examines nothing. */
  notApplicable: string;
  /**
   * Every finding's message, by id, with `{{name}}` placeholders (like ESLint's `meta.messages`).
   * Built-in checks have them; a plugin without them builds its findings by hand.
   */
  messages?: Record<MessageId, string>;
  run(state: ClusterState, context: CheckContext<MessageId>): CheckResult | Promise<CheckResult>;
}

/** One check's outcome, as the JSON report (version 1) carries it. */
export interface CheckReport {
  id: string;
  title: string;
  status: CheckStatus;
  /** Why the check is incomplete or not applicable; null otherwise. */
  reason: string | null;
  durationMs: number;
  findings: Finding[];
  /** The resources the check looked at (JUnit makes one testcase of each). */
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
  /** Findings accepted by config, annotation or baseline; not counted by severity above. */
  suppressed: number;
}

/** The JSON report, version 1 (`--output json`). */
export interface Report {
  version: 1;
  target: Target;
  checks: CheckReport[];
  summary: Summary;
}

/** Types a check's `report` calls by the ids of its own `messages` (as the engine's defineCheck does for built-in checks). */
export function defineCheck<const Messages extends Record<string, string>>(
  check: Check<Extract<keyof Messages, string>> & { messages: Messages },
): Check<Extract<keyof Messages, string>> & { messages: Messages } {
  return check;
}

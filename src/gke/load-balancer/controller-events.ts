import type { Event } from '../../state/kubernetes-types.js';

/** An Event in one shape, whichever API served it (core v1 or events.k8s.io/v1). */
export interface ControllerEvent {
  object: { kind: string; name: string; namespace?: string };
  type: string;
  reason: string;
  /** As the controller wrote it: print it through `printable`. */
  message: string;
  count: number;
  /** When it was last seen (RFC 3339), when the event says. */
  lastSeen?: string;
  /** The component that reported it (`loadbalancer-controller`, `neg-controller`, `sc-gateway-controller`, …). */
  source?: string;
}

/** core v1 (`involvedObject`, `message`, `count`, `lastTimestamp`) or events.k8s.io/v1 (`regarding`, `note`, `series`, `eventTime`). */
export function controllerEventOf(event: Event): ControllerEvent {
  const e = event as Record<string, unknown> & {
    involvedObject?: { kind?: string; name?: string; namespace?: string };
    regarding?: { kind?: string; name?: string; namespace?: string };
    source?: { component?: string };
    series?: { count?: number; lastObservedTime?: string };
  };
  const about = e.involvedObject ?? e.regarding ?? {};
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    object: { kind: about.kind ?? '?', name: about.name ?? '?', ...(about.namespace ? { namespace: about.namespace } : {}) },
    type: text(e.type) ?? 'Normal',
    reason: text(e.reason) ?? '',
    message: text(e.message) ?? text(e.note) ?? '',
    count: (typeof e.count === 'number' ? e.count : undefined) ?? e.series?.count ?? (typeof e.deprecatedCount === 'number' ? e.deprecatedCount : undefined) ?? 1,
    lastSeen: text(e.lastTimestamp) ?? e.series?.lastObservedTime ?? text(e.eventTime) ?? text(e.deprecatedLastTimestamp) ?? text(e.firstTimestamp),
    source: e.source?.component ?? text(e.reportingController) ?? text(e.reportingComponent),
  };
}

/** Longest message quoted: the rest is cut (an event's message can be up to 1 kB, or longer from a buggy controller). */
const MAX_MESSAGE = 1000;

/**
 * A message fit to print: control characters (a terminal escape, a carriage return, a newline that
 * would forge a report line) shown as `\xNN` / `\n`, and cut at MAX_MESSAGE characters.
 */
export function printable(message: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this finds
  const escaped = message.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (char) => {
    if (char === '\n') return '\\n';
    if (char === '\t') return '\\t';
    if (char === '\r') return '\\r';
    const code = char.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
  return escaped.length > MAX_MESSAGE ? `${escaped.slice(0, MAX_MESSAGE)}…` : escaped;
}

/** The causes the check says, by the message id it tells each with. */
export type EventCause =
  | 'quotaExceeded'
  | 'firewallChangeRequired'
  | 'translationWildcard'
  | 'translationServiceMissing'
  | 'translationServiceType'
  | 'translationBackendConfig'
  | 'translationPortMissing'
  | 'translationFailed'
  | 'syncFailed'
  | 'tlsCertificateMissing'
  | 'negSyncFailed'
  | 'managedCertificateMissing'
  | 'ingressClassUnsupported'
  | 'gatewayTranslationFailed'
  | 'gatewaySyncFailed'
  | 'certificateBackendError'
  | 'tooManyCertificates'
  | 'garbageCollectionFailed';

/** What a known message means: the cause, how bad, and the values the message names. */
export interface EventExplanation {
  cause: EventCause;
  severity: 'error' | 'warning';
  /** Values taken from the message (a quota name, a Service, a NEG, the gcloud command), printable. */
  found: Record<string, string>;
}

interface KnownMessage {
  cause: EventCause;
  severity: 'error' | 'warning';
  reasons?: readonly string[];
  pattern: RegExp;
  /** Named groups of `pattern` to keep. */
  keep?: readonly string[];
}

/**
 * The controllers' own messages, most specific first. Each cites where the controller writes it and
 * a public thread that quotes it.
 */
const KNOWN_MESSAGES: readonly KnownMessage[] = [
  // googleapi "Quota 'BACKEND_SERVICES' exceeded.  Limit: 5.0 globally., quotaExceeded" inside any sync error
  // (kubeflow/website#489 quotes "Error during sync: googleapi: Error 403: Quota 'BACKEND_SERVICES' exceeded"; a NEG sync:
  // "Failed to sync NEG … googleapi: Error 403: QUOTA_EXCEEDED - Quota 'NETWORK_ENDPOINT_GROUPS' exceeded.  Limit: 100.0 in region us-central1").
  { cause: 'quotaExceeded', severity: 'error', pattern: /Quota '(?<quota>[A-Z0-9_]+)' exceeded\.?\s*Limit: (?<limit>[0-9.]+)(?: (?:in region (?<region>[a-z0-9-]+)|globally))?/, keep: ['quota', 'limit', 'region'] },
  // ingress-gce pkg/firewalls/firewalls.go newFirewallXPNError: "Firewall change required by security admin: `gcloud …`", raised on each
  // Ingress as a Normal XPN event (pkg/firewalls/controller.go); quoted as "Normal Sync … loadbalancer-controller Firewall change required by
  // security admin: `gcloud compute firewall-rules update k8s-fw-l7--… --source-ranges 130.211.0.0/22,35.191.0.0/16 …`" in GKE's Shared VPC docs.
  { cause: 'firewallChangeRequired', severity: 'error', pattern: /Firewall change required by security admin: `(?<command>gcloud compute firewall-rules [^`]+)`/, keep: ['command'] },
  // ingress-gce pkg/controller/controller.go sync: Eventf(…, "Translate", "Translation failed: %v", "invalid ingress spec: …"), the errors of
  // pkg/controller/translator/translator.go validateAndGetPaths and pkg/controller/errors/errors.go.
  // "Translation failed: invalid ingress spec: failed to validate prefix path /v1/* due to invalid wildcard" (quoted in public GKE tutorials).
  { cause: 'translationWildcard', severity: 'error', reasons: ['Translate'], pattern: /failed to validate (?<pathType>prefix|exact) path (?<path>\S+) due to invalid wildcard/, keep: ['pathType', 'path'] },
  // errors.go ErrSvcNotFound: `could not find service "default/whereami"`.
  { cause: 'translationServiceMissing', severity: 'error', reasons: ['Translate'], pattern: /could not find service "(?<service>[^"]+)"/, keep: ['service'] },
  // errors.go ErrBadSvcType: `service "default/ingress-service" is type "ClusterIP", expected "NodePort" or "LoadBalancer" when not using NEGs`.
  { cause: 'translationServiceType', severity: 'error', reasons: ['Translate'], pattern: /service "(?<service>[^"]+)" is type "(?<type>[^"]+)", expected "NodePort" or "LoadBalancer"/, keep: ['service', 'type'] },
  // errors.go ErrSvcBackendConfig: `error getting BackendConfig for port "…" on service "service-dev/service-cdn", err: no BackendConfig for service port exists`.
  { cause: 'translationBackendConfig', severity: 'error', reasons: ['Translate'], pattern: /error getting BackendConfig for port "(?<port>[^"]*)" on service "(?<service>[^"]+)", err: (?<error>.*)$/s, keep: ['port', 'service', 'error'] },
  // errors.go ErrSvcPortNotFound: `could not find port "8080" in service "default/web"`.
  { cause: 'translationPortMissing', severity: 'error', reasons: ['Translate'], pattern: /could not find port "(?<port>[^"]+)" in service "(?<service>[^"]+)"/, keep: ['port', 'service'] },
  { cause: 'translationFailed', severity: 'error', reasons: ['Translate'], pattern: /^Translation failed: (?<error>.*)$/s, keep: ['error'] },
  // controller.go toRuntimeInfo: "Could not find TLS certificate: …" (Warning Sync).
  { cause: 'tlsCertificateMissing', severity: 'error', pattern: /^Could not find TLS certificate: (?<error>.*)$/s, keep: ['error'] },
  // controller.go sync: Eventf(…, "Sync", "Error syncing to GCP: %v"); older versions "Error during sync: %v".
  { cause: 'syncFailed', severity: 'error', pattern: /^Error (?:syncing to GCP|during sync): (?<error>.*)$/s, keep: ['error'] },
  // pkg/neg/syncers/syncer.go: "SyncNetworkEndpointGroupFailed", "Failed to sync NEG %q %s: %v"; transaction.go: "AttachFailed"/"DetachFailed"
  // ("Failed to %s %d network endpoint(s) (NEG %q in zone %q): %v"), "RetryFailed", "EnterDegradedMode".
  { cause: 'negSyncFailed', severity: 'error', reasons: ['SyncNetworkEndpointGroupFailed', 'AttachFailed', 'DetachFailed', 'RetryFailed', 'EnterDegradedMode'], pattern: /NEG "(?<neg>[^"]+)"|$/, keep: ['neg'] },
  // GoogleCloudPlatform/gke-managed-certs pkg/clients/event/event.go MissingCertificate: "ManagedCertificate %s:%s missing" on the Ingress.
  { cause: 'managedCertificateMissing', severity: 'error', reasons: ['MissingCertificate'], pattern: /ManagedCertificate (?<namespace>[^:\s]+):(?<name>\S+) missing/, keep: ['namespace', 'name'] },
  // gke-managed-certs event.go TooManyCertificates (SslCertificate quota of the project) and BackendError (a Compute API error).
  { cause: 'tooManyCertificates', severity: 'error', reasons: ['TooManyCertificates'], pattern: /(?<error>.*)/s, keep: ['error'] },
  { cause: 'certificateBackendError', severity: 'error', reasons: ['BackendError'], pattern: /(?<error>.*)/s, keep: ['error'] },
  // controller.go: `Ingress class "gce" is not supported in this environment. Please use "gce-regional-external".`
  { cause: 'ingressClassUnsupported', severity: 'error', pattern: /Ingress class "gce" is not supported in this environment/ },
  // GKE's Gateway controller (sc-gateway-controller, not open source), Warning SYNC, as quoted in public `kubectl describe gateway` outputs:
  // `failed to translate Gateway "exercises/exercises-gateway": Error GWCER104: HTTPRoute "exercises/pingpong-route" is misconfigured, err: …`,
  // `… Error GWCER106: Gateway "default/internal-https-gateway" is invalid, err: unsupported address type "IPAddress" …`.
  { cause: 'gatewayTranslationFailed', severity: 'error', pattern: /failed to translate Gateway "(?<gateway>[^"]+)": (?:Error (?<code>GWCER\d+): )?(?<error>.*)$/s, keep: ['gateway', 'code', 'error'] },
  // `generic::invalid_argument: error ensuring load balancer: Insert: The resource '…/backendServices/gkegw-…' is not ready`.
  { cause: 'gatewaySyncFailed', severity: 'error', reasons: ['SYNC'], pattern: /(?<error>error ensuring load balancer.*|.*failed.*)$/is, keep: ['error'] },
  // controller.go: GarbageCollection "Error during garbage collection: %v", "Error: %v": left-over resources, the Ingress itself served.
  { cause: 'garbageCollectionFailed', severity: 'warning', reasons: ['GarbageCollection'], pattern: /(?<error>.*)/s, keep: ['error'] },
];

/** The cause of a controller's message, when it is one this knows; undefined otherwise (then it is shown verbatim). */
export function explainEvent(event: ControllerEvent): EventExplanation | undefined {
  for (const known of KNOWN_MESSAGES) {
    if (known.reasons && !known.reasons.includes(event.reason)) continue;
    const match = known.pattern.exec(event.message);
    if (!match) continue;
    const found: Record<string, string> = {};
    for (const name of known.keep ?? []) {
      const value = match.groups?.[name];
      if (value !== undefined) found[name] = printable(value.trim());
    }
    return { cause: known.cause, severity: known.severity, found };
  }
  return undefined;
}

/** Whether a controller said something worth reading: every Warning, and the Normal events that ask for a change (XPN firewall). */
export function isComplaint(event: ControllerEvent): boolean {
  return event.type === 'Warning' || /Firewall change required by security admin/.test(event.message);
}

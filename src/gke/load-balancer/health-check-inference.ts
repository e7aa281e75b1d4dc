// Room load-balancer/ (rank 3): what any GKE load balancer sends to a backend (backend resolution, health-check inference, causes, fixes). Imports services/ and below; ingress/, gateway/ and namespaces/ import it.
// Ranks are enforced by test/architecture (GKE_ROOM_RANKS in test/support/import-graph.ts).
import type { V1Probe } from '@kubernetes/client-node';
import type { BackendConfig, Service, Wire } from '../../state/kubernetes-types.js';
import type { Container, PodSource, ServicePort } from './ingress-backends.js';
import type { AppProtocol, NegDecision } from '../services/service-annotations.js';
import { appProtocolFor, transparentHealthCheckOptIn } from '../services/service-annotations.js';

export type Probe = Wire<V1Probe>;

/** Why the controller did not copy the serving container's readinessProbe into the health check. */
export type ProbeExclusion =
  | 'no-pods'
  | 'no-readiness-probe'
  | 'not-http-get'
  | 'host-set'
  | 'extra-headers'
  | 'scheme-mismatch'
  | 'target-port-not-declared'
  | 'probe-port-mismatch'
  | 'transparent';

/** A value of the inferred health check and where it came from. */
export interface Field<T> {
  value: T;
  origin: string;
}

/** The container the Service sends traffic to, in the first Pod (or template) that has it. */
export interface ServingContainer {
  source: PodSource;
  container: Container;
  containerIndex: number;
  /** The Pod port traffic reaches, when it is a number or a declared port name. */
  port?: number;
  /** Whether the container declares a `containerPort` matching the Service `targetPort`. */
  declared: boolean;
}

export type ProbeUse =
  | { used: true; source: PodSource; container: Container; probe: Probe }
  | { used: false; exclusion: ProbeExclusion; detail: string };

export interface InferredHealthCheck {
  backendKind: 'NEG' | 'instance group';
  /**
   * A transparent health check (`networking.gke.io/transparent-health-checker`): the load
   * balancer asks the node's health checker, which answers with the Pod's readiness, so
   * neither the probe nor the application's own answer decides it.
   */
  transparent: boolean;
  neg: NegDecision;
  protocol: Field<AppProtocol>;
  type: Field<string>;
  requestPath: Field<string>;
  /** The Host header the check sends, from a probe's `Host` header. */
  host: Field<string | undefined>;
  portSpecification: Field<'USE_SERVING_PORT' | 'USE_FIXED_PORT'>;
  /** The port in the health check: a node port for instance groups, a Pod port for NEGs. */
  port: Field<number | undefined>;
  /** The port on the Pod the check ends up at, when known (for comparing with the readinessProbe). */
  podPort: number | undefined;
  checkIntervalSec: Field<number>;
  timeoutSec: Field<number>;
  healthyThreshold: Field<number>;
  unhealthyThreshold: Field<number>;
  probe: ProbeUse;
  serving?: ServingContainer;
  backendConfigName?: string;
}

export interface HealthCheckInput {
  service: Service;
  servicePort: ServicePort;
  /** Oldest first, as the controller orders Pods. */
  podSources: readonly PodSource[];
  neg: NegDecision;
  /** The BackendConfig attached to this Service port, if any. */
  backendConfig?: BackendConfig;
}

// pkg/translator/healthchecks.go: defaults for NEG (and ILB / regional) and instance-group backends.
const NEG_DEFAULTS = { checkIntervalSec: 15, timeoutSec: 15, healthyThreshold: 1, unhealthyThreshold: 2 };
const INSTANCE_GROUP_DEFAULTS = { checkIntervalSec: 60, timeoutSec: 60, healthyThreshold: 1, unhealthyThreshold: 10 };
// pkg/translator/healthchecks.go OverwriteWithTHC, and the controller's --transparent-health-checks-port default (pkg/flags/flags.go).
export const TRANSPARENT_HEALTH_CHECK = { requestPath: '/api/podhealth', port: 7877, checkIntervalSec: 5, timeoutSec: 5, healthyThreshold: 1, unhealthyThreshold: 10 };
// The controller's --health-check-path flag, "/" on GKE (pkg/flags/flags.go).
const DEFAULT_REQUEST_PATH = '/';
// Kubernetes API defaults for a probe (k8s.io/api/core/v1 Probe).
const PROBE_DEFAULT_PERIOD_SECONDS = 10;
const PROBE_DEFAULT_TIMEOUT_SECONDS = 1;

/**
 * The health check the GKE ingress controller creates for a Service port, each
 * field with its origin: defaults (pkg/translator/healthchecks.go
 * DefaultHealthCheck / DefaultNEGHealthCheck), then the readinessProbe when
 * getHTTPProbe accepts it (ApplyProbeSettingsToHC), then the BackendConfig's
 * `spec.healthCheck`, field by field (UpdateFromBackendConfig).
 */
export function inferLoadBalancerHealthCheck(input: HealthCheckInput): InferredHealthCheck {
  const { service, servicePort, podSources, neg, backendConfig } = input;
  const targetPort = servicePort.targetPort ?? servicePort.port;
  const { protocol, origin: protocolOrigin } = appProtocolFor(service, servicePort.name);
  const defaults = neg.enabled ? NEG_DEFAULTS : INSTANCE_GROUP_DEFAULTS;
  const defaultOrigin = `default for ${neg.enabled ? 'NEG' : 'instance-group'} backends`;
  const serving = servingContainer(podSources, targetPort);
  const accepted = readinessProbeForHealthCheck(podSources, targetPort, protocol);

  const check: InferredHealthCheck = {
    backendKind: neg.enabled ? 'NEG' : 'instance group',
    transparent: false,
    neg,
    protocol: { value: protocol, origin: protocolOrigin },
    type: { value: protocol, origin: protocolOrigin },
    requestPath: { value: DEFAULT_REQUEST_PATH, origin: 'default: the controller checks GET /' },
    host: { value: undefined, origin: 'default' },
    portSpecification: neg.enabled
      ? { value: 'USE_SERVING_PORT', origin: 'default for NEG backends: each endpoint\'s own port' }
      : { value: 'USE_FIXED_PORT', origin: 'instance groups: the Service nodePort' },
    port: neg.enabled
      ? { value: serving?.port, origin: 'the serving port of each Pod (Service targetPort)' }
      : { value: servicePort.nodePort, origin: 'the Service nodePort' },
    podPort: serving?.port,
    checkIntervalSec: { value: defaults.checkIntervalSec, origin: defaultOrigin },
    timeoutSec: { value: defaults.timeoutSec, origin: defaultOrigin },
    healthyThreshold: { value: defaults.healthyThreshold, origin: defaultOrigin },
    unhealthyThreshold: { value: defaults.unhealthyThreshold, origin: defaultOrigin },
    probe: accepted ? { used: true, ...accepted } : { used: false, ...whyProbeIgnored(serving, podSources, targetPort, protocol) },
    serving,
  };

  if (accepted) {
    const httpGet = accepted.probe.httpGet!;
    const from = `readinessProbe of container ${accepted.container.name} (${accepted.source.resource})`;
    check.requestPath = { value: healthCheckRequestPath(httpGet.path), origin: from };
    const hostHeader = httpGet.httpHeaders?.find((header) => header.name === 'Host');
    if (hostHeader) check.host = { value: hostHeader.value, origin: from };
    check.timeoutSec = { value: accepted.probe.timeoutSeconds ?? PROBE_DEFAULT_TIMEOUT_SECONDS, origin: `${from}: timeoutSeconds` };
    const period = accepted.probe.periodSeconds ?? PROBE_DEFAULT_PERIOD_SECONDS;
    // Instance groups add the 60 s default so node health checks do not flood (ApplyProbeSettingsToHC).
    check.checkIntervalSec = neg.enabled
      ? { value: period, origin: `${from}: periodSeconds` }
      : { value: period + INSTANCE_GROUP_DEFAULTS.checkIntervalSec, origin: `${from}: periodSeconds + 60 for instance groups` };
  }

  const override = backendConfig?.spec?.healthCheck;
  // translator.go setThcOptInOnSvc: the annotation counts only on NEG backends and without a BackendConfig
  // healthCheck; healthchecks.go SyncServicePort then skips the probe and overwrites every field.
  if (neg.enabled && !override && transparentHealthCheckOptIn(service)) return transparentHealthCheck(check);
  if (override) {
    const from = `BackendConfig ${backendConfig.metadata?.name} spec.healthCheck`;
    check.backendConfigName = backendConfig.metadata?.name;
    if (override.checkIntervalSec !== undefined) check.checkIntervalSec = { value: override.checkIntervalSec, origin: from };
    if (override.timeoutSec !== undefined) check.timeoutSec = { value: override.timeoutSec, origin: from };
    if (override.healthyThreshold !== undefined) check.healthyThreshold = { value: override.healthyThreshold, origin: from };
    if (override.unhealthyThreshold !== undefined) check.unhealthyThreshold = { value: override.unhealthyThreshold, origin: from };
    if (override.type !== undefined) check.type = { value: override.type, origin: from };
    if (override.requestPath !== undefined) check.requestPath = { value: override.requestPath, origin: from };
    if (override.port !== undefined) {
      check.port = { value: override.port, origin: from };
      check.portSpecification = { value: 'USE_FIXED_PORT', origin: from };
      // On NEGs the fixed port is a Pod port; on instance groups it is a node port.
      check.podPort = neg.enabled ? override.port : undefined;
    }
  }
  return check;
}

function transparentHealthCheck(check: InferredHealthCheck): InferredHealthCheck {
  const origin = 'transparent health check (networking.gke.io/transparent-health-checker)';
  const thc = TRANSPARENT_HEALTH_CHECK;
  return {
    ...check,
    transparent: true,
    type: { value: 'HTTP', origin },
    requestPath: { value: thc.requestPath, origin },
    host: { value: undefined, origin },
    portSpecification: { value: 'USE_FIXED_PORT', origin },
    port: { value: thc.port, origin: `${origin}: the node's health checker, which answers with the Pod's readiness` },
    podPort: undefined,
    probe: { used: false, exclusion: 'transparent', detail: 'the Service opts in to transparent health checks, which answer with the Pod\'s readiness instead' },
    checkIntervalSec: { value: thc.checkIntervalSec, origin },
    timeoutSec: { value: thc.timeoutSec, origin },
    healthyThreshold: { value: thc.healthyThreshold, origin },
    unhealthyThreshold: { value: thc.unhealthyThreshold, origin },
  };
}

/**
 * The readinessProbe the controller copies, exactly as ingress-gce's getHTTPProbe
 * (pkg/controller/translator/translator.go) picks it: the first Pod, oldest
 * first, with a container whose probe is a simple httpGet (isSimpleHTTPProbe),
 * whose scheme matches the app protocol (getProbeScheme: HTTP2 is HTTPS), that
 * declares a port matching the Service targetPort, and whose probe port is
 * that same port (by number or by name).
 */
export function readinessProbeForHealthCheck(
  sources: readonly PodSource[],
  targetPort: number | string,
  protocol: AppProtocol,
): { source: PodSource; container: Container; probe: Probe } | undefined {
  const scheme = probeSchemeFor(protocol);
  for (const source of sources) {
    for (const container of source.spec.containers ?? []) {
      const probe = container.readinessProbe;
      if (!probe || !isSimpleHttpProbe(probe) || (probe.httpGet!.scheme ?? 'HTTP') !== scheme) continue;
      for (const port of container.ports ?? []) {
        if (!portMatches(port, targetPort)) continue;
        const probePort = probe.httpGet!.port;
        if (typeof probePort === 'number' ? probePort === port.containerPort : probePort === port.name) return { source, container, probe };
      }
    }
  }
  return undefined;
}

/** The request path the controller makes of a probe's path: GCE requires a leading "/" (ApplyProbeSettingsToHC). */
export function healthCheckRequestPath(probePath: string | undefined): string {
  const path = probePath ?? '';
  return path.startsWith('/') ? path : `/${path}`;
}

/** An httpGet probe with no `host` and no header but `Host` (translator.go isSimpleHTTPProbe). */
export function isSimpleHttpProbe(probe: Probe): boolean {
  const httpGet = probe.httpGet;
  if (!httpGet || (httpGet.host ?? '') !== '') return false;
  const headers = httpGet.httpHeaders ?? [];
  return headers.length === 0 || (headers.length === 1 && headers[0]!.name === 'Host');
}

/** The probe scheme that matches an app protocol (translator.go getProbeScheme). */
export function probeSchemeFor(protocol: AppProtocol): 'HTTP' | 'HTTPS' {
  return protocol === 'HTTP' ? 'HTTP' : 'HTTPS';
}

/**
 * The container the Service's traffic reaches: in the first Pod (or template),
 * the one declaring a port that matches `targetPort`; a numeric targetPort
 * reaches an undeclared port too, which is unambiguous with one container.
 */
export function servingContainer(sources: readonly PodSource[], targetPort: number | string): ServingContainer | undefined {
  for (const source of sources) {
    const containers = source.spec.containers ?? [];
    for (const [containerIndex, container] of containers.entries()) {
      const port = (container.ports ?? []).find((candidate) => portMatches(candidate, targetPort));
      if (port) return { source, container, containerIndex, port: port.containerPort, declared: true };
    }
  }
  const first = sources[0];
  if (first && typeof targetPort === 'number' && first.spec.containers?.length === 1) {
    return { source: first, container: first.spec.containers[0]!, containerIndex: 0, port: targetPort, declared: false };
  }
  return undefined;
}

/** A probe's port as a number: itself, or the container port it names. */
export function probePortNumber(port: number | string | undefined, container: Container): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

function portMatches(port: { containerPort: number; name?: string }, targetPort: number | string): boolean {
  return typeof targetPort === 'number' ? port.containerPort === targetPort : port.name === targetPort;
}

/** The first rule of getHTTPProbe the serving container's probe fails, said for people. */
function whyProbeIgnored(
  serving: ServingContainer | undefined,
  sources: readonly PodSource[],
  targetPort: number | string,
  protocol: AppProtocol,
): { exclusion: ProbeExclusion; detail: string } {
  if (sources.length === 0) return { exclusion: 'no-pods', detail: 'no Pod or pod template matches the Service selector' };
  if (!serving) {
    return { exclusion: 'target-port-not-declared', detail: `no container declares a containerPort matching the Service targetPort ${JSON.stringify(targetPort)}` };
  }
  const { container } = serving;
  const probe = container.readinessProbe;
  if (!probe) return { exclusion: 'no-readiness-probe', detail: `container ${container.name} has no readinessProbe` };
  if (!probe.httpGet) {
    const kind = probe.tcpSocket ? 'tcpSocket' : probe.exec ? 'exec' : probe.grpc ? 'grpc' : 'not httpGet';
    return { exclusion: 'not-http-get', detail: `the readinessProbe of container ${container.name} is ${kind}, and the controller uses only httpGet probes` };
  }
  if ((probe.httpGet.host ?? '') !== '') {
    return { exclusion: 'host-set', detail: `the readinessProbe sets host: ${probe.httpGet.host}, and the controller uses only probes without host` };
  }
  if (!isSimpleHttpProbe(probe)) {
    const names = (probe.httpGet.httpHeaders ?? []).map((header) => header.name).join(', ');
    return { exclusion: 'extra-headers', detail: `the readinessProbe sends headers (${names}), and the controller uses only probes with no header but Host` };
  }
  const scheme = probe.httpGet.scheme ?? 'HTTP';
  if (scheme !== probeSchemeFor(protocol)) {
    return {
      exclusion: 'scheme-mismatch',
      detail: `the readinessProbe uses ${scheme} while the load balancer speaks ${protocol} to this port (the controller uses only probes whose scheme matches the app protocol)`,
    };
  }
  if (!serving.declared) {
    return { exclusion: 'target-port-not-declared', detail: `container ${container.name} does not declare containerPort ${JSON.stringify(targetPort)}, and the controller matches probes only to declared ports` };
  }
  return {
    exclusion: 'probe-port-mismatch',
    detail: `the readinessProbe checks port ${JSON.stringify(probe.httpGet.port)}, not the serving port ${serving.port ?? JSON.stringify(targetPort)}, and the controller uses only probes on the serving port`,
  };
}

import type { ClusterState } from '../../state/cluster-state.js';
import { kubernetesResourceName } from '../../state/cluster-state.js';
import type { HealthCheck } from '../../state/gcp-types.js';
import type { Ingress } from '../../state/kubernetes-types.js';
import type { ResolvedBackend } from './ingress-backends.js';

/** Written by the controller on each GCE Ingress: backend service name -> HEALTHY / UNHEALTHY / Unknown. */
export const BACKENDS_ANNOTATION = 'ingress.kubernetes.io/backends';

export interface BackendStatus {
  backendName: string;
  status: string;
  ingressResource: string;
}

/** The `ingress.kubernetes.io/backends` map of an Ingress; empty when absent or not JSON. */
export function backendStatuses(ingress: Ingress): Record<string, string> {
  const raw = ingress.metadata?.annotations?.[BACKENDS_ANNOTATION];
  if (!raw) return {};
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, string>) : {};
  } catch {
    return {};
  }
}

export interface ServicePortIdentity {
  namespace: string;
  service: string;
  port: number;
  nodePort?: number;
  neg: boolean;
}

/**
 * Whether a load balancer backend (and its health check, which has the same
 * name) serves this Service port. NEG backends are named
 * `k8s1-{uid}-{namespace}-{service}-{port}-{hash}`, each of the three middle
 * fields possibly truncated to fit 63 characters; instance-group backends are
 * `k8s-be-{nodePort}--{uid}` (ingress-gce pkg/utils/namer/namer.go NEG, IGBackend).
 */
export function isBackendOf(backendName: string, port: ServicePortIdentity): boolean {
  if (!port.neg) return port.nodePort !== undefined && backendName.startsWith(`k8s-be-${port.nodePort}--`);
  const match = /^k8s1-[0-9a-f]{8}-(.+)-[0-9a-f]{8}$/.exec(backendName);
  if (!match) return false;
  const middle = match[1]!;
  const portText = String(port.port);
  // Only names at the 63-character limit have truncated fields.
  const truncated = backendName.length >= 63;
  // Truncation keeps a prefix of each field: try every split of the middle into namespace-service-port prefixes.
  for (let n = 1; n <= port.namespace.length; n++) {
    if (n < port.namespace.length && !truncated) continue;
    const namespacePart = `${port.namespace.slice(0, n)}-`;
    if (!middle.startsWith(namespacePart)) continue;
    const rest = middle.slice(namespacePart.length);
    for (let s = 1; s <= port.service.length; s++) {
      if (s < port.service.length && !truncated) continue;
      const servicePart = `${port.service.slice(0, s)}-`;
      if (!rest.startsWith(servicePart)) continue;
      const portPart = rest.slice(servicePart.length);
      if (portPart === portText || (truncated && portPart.length > 0 && portText.startsWith(portPart))) return true;
    }
  }
  return false;
}

/** The status the Ingresses' backends annotations give this Service port, worst first. */
export function statusOf(ingresses: readonly Ingress[], port: ServicePortIdentity): BackendStatus | undefined {
  let found: BackendStatus | undefined;
  for (const ingress of ingresses) {
    for (const [backendName, status] of Object.entries(backendStatuses(ingress))) {
      if (!isBackendOf(backendName, port)) continue;
      if (!found || (status === 'UNHEALTHY' && found.status !== 'UNHEALTHY')) found = { backendName, status, ingressResource: kubernetesResourceName({ kind: 'Ingress', metadata: ingress.metadata }) };
    }
  }
  return found;
}

/** The compute health check of this Service port, when the snapshot has them. */
export function healthCheckOf(healthChecks: readonly HealthCheck[] | undefined, port: ServicePortIdentity): HealthCheck | undefined {
  return healthChecks?.find((healthCheck) => isBackendOf(healthCheck.name, port));
}

/** The request a compute health check sends: its type, path, port (or port specification) and Host. */
export function healthCheckRequest(healthCheck: HealthCheck): { type: string; requestPath: string; port?: number; portSpecification?: string; host?: string } {
  const type = healthCheck.type ?? 'HTTP';
  const settings = healthCheck.httpHealthCheck ?? healthCheck.httpsHealthCheck ?? healthCheck.http2HealthCheck;
  return {
    type,
    requestPath: settings?.requestPath ?? '/',
    port: settings?.port ?? healthCheck.tcpHealthCheck?.port,
    portSpecification: settings?.portSpecification ?? healthCheck.tcpHealthCheck?.portSpecification,
    host: settings?.host,
  };
}

/** What the controller made for one Service port the Ingresses route to: the backend's status, and its health check when read. */
export interface LoadBalancerBackend {
  identity: ServicePortIdentity;
  status?: BackendStatus;
  healthCheck?: HealthCheck;
  /** Why the health checks could not be read, for a backend the controller has served (only that one has a real health check to miss). */
  healthChecksUnread?: string;
}

export function loadBalancerBackendOf({ namespace, service, servicePort }: ResolvedBackend, ingresses: readonly Ingress[], neg: boolean, state: ClusterState): LoadBalancerBackend {
  const identity: ServicePortIdentity = { namespace, service: service!.metadata?.name ?? '?', port: servicePort!.port, nodePort: servicePort!.nodePort, neg };
  const status = statusOf(ingresses, identity);
  return { identity, status, healthCheck: healthCheckOf(state.healthChecks, identity), healthChecksUnread: status ? state.unavailable.get('healthChecks') : undefined };
}

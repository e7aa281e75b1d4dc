import type { BackendServiceHealth, HealthStatus } from '../../state/gcp-types.js';

/** What the load balancer says of one backend service's endpoints (compute v1 backendServices.getHealth). */
export interface EndpointHealth {
  backendService: string;
  total: number;
  healthy: number;
  unhealthy: number;
  /** `10.8.0.6:8080` of each UNHEALTHY endpoint (the Pod IP for a NEG, the node for an instance group). */
  unhealthyEndpoints: string[];
  /** HEALTHY on every endpoint (and at least one): the load balancer's check passes, whatever an inference says. */
  allHealthy: boolean;
}

/** A Service port, as the controllers name its backend service. */
export interface ServicePortName {
  namespace: string;
  service: string;
  port: number;
}

/**
 * The health of the backend services `matches` picks, summed over their backend groups; undefined when
 * none was read (no entry, or no endpoint reported). healthState is HEALTHY or UNHEALTHY
 * (https://cloud.google.com/compute/docs/reference/rest/v1/backendServices/getHealth: HealthStatus.healthState).
 */
export function endpointHealthOf(entries: readonly BackendServiceHealth[] | undefined, matches: (backendService: string) => boolean): EndpointHealth | undefined {
  const found = (entries ?? []).filter((entry) => matches(entry.backendService));
  const statuses: HealthStatus[] = found.flatMap((entry) => entry.health.flatMap((group) => group.status?.healthStatus ?? []));
  if (found.length === 0 || statuses.length === 0) return undefined;
  const unhealthy = statuses.filter((status) => status.healthState === 'UNHEALTHY');
  const healthy = statuses.filter((status) => status.healthState === 'HEALTHY').length;
  return {
    backendService: found.map((entry) => entry.backendService).join(', '),
    total: statuses.length,
    healthy,
    unhealthy: unhealthy.length,
    unhealthyEndpoints: unhealthy.map((status) => `${status.ipAddress ?? status.instance?.slice(status.instance.lastIndexOf('/') + 1) ?? '?'}${status.port !== undefined ? `:${status.port}` : ''}`),
    allHealthy: healthy === statuses.length,
  };
}

/**
 * Whether a GKE Gateway backend service serves this Service port. The Gateway controller names them
 * `gkegw1-{4 characters of the cluster}-{namespace}-{service}-{port}-{12 characters}` (older versions
 * `gkegw-`; multi-cluster `gkemcg1-` without the cluster part), the middle fields possibly cut to fit
 * 63 characters, as Compute names are. Its source is not public: the shape is the one of the names
 * quoted in public `kubectl describe gateway` outputs (`gkegw1-rxra-kuar-demo-kuard-http-server-80-v49bg5xn0q9o`
 * for Service kuar-demo/kuard-http-server port 80; `gkegw1-crnq-admin-portal-prod-admin-portal-3000-xp2utdv9rk38`).
 */
export function isGatewayBackendOf(backendService: string, port: ServicePortName): boolean {
  const match = /^gke(?:gw1?-[a-z0-9]{4}|mcg1?)-(.+)-[a-z0-9]{12}$/.exec(backendService);
  if (!match) return false;
  const middle = match[1]!;
  const full = `${port.namespace}-${port.service}-${port.port}`;
  if (middle === full) return true;
  // Only names at Compute's limit have cut fields: each kept as a prefix of itself.
  if (backendService.length < 63) return false;
  for (let n = 1; n <= port.namespace.length; n++) {
    const namespacePart = `${port.namespace.slice(0, n)}-`;
    if (!middle.startsWith(namespacePart)) continue;
    const rest = middle.slice(namespacePart.length);
    for (let s = 1; s <= port.service.length; s++) {
      const servicePart = `${port.service.slice(0, s)}-`;
      if (!rest.startsWith(servicePart)) continue;
      const portPart = rest.slice(servicePart.length);
      if (portPart.length > 0 && String(port.port).startsWith(portPart)) return true;
    }
  }
  return false;
}

import type { ServingContainer } from './health-check-inference.js';
import { probePortNumber } from './health-check-inference.js';
import { shownPath } from '../request-path.js';

/** What the kubelet checks before it marks the serving container ready, said for people. */
export function describeKubernetesCheck(serving: ServingContainer | undefined): string {
  if (!serving) return 'nothing found: no Pod or pod template runs a container on the Service targetPort';
  const { container, source } = serving;
  const where = `readinessProbe of container ${container.name} in ${source.resource}`;
  const probe = container.readinessProbe;
  if (!probe) return `only that container ${container.name} has started (it has no readinessProbe; ${source.resource})`;
  if (probe.httpGet) {
    const { httpGet } = probe;
    const port = probePortNumber(httpGet.port, container) ?? JSON.stringify(httpGet.port);
    const extras = [
      httpGet.host ? `host ${httpGet.host}` : undefined,
      // Header names only: their values can be credentials (Authorization), and reports are shared.
      ...(httpGet.httpHeaders ?? []).map((header) => `header ${header.name}`),
    ].filter(Boolean);
    return `${httpGet.scheme ?? 'HTTP'} GET ${shownPath(httpGet.path || '/')} on port ${port}${extras.length ? ` with ${extras.join(', ')}` : ''}, ready on 200-399 (${where})`;
  }
  if (probe.tcpSocket) return `a TCP connection to port ${probePortNumber(probe.tcpSocket.port, container) ?? probe.tcpSocket.port} (${where})`;
  if (probe.grpc) return `gRPC health on port ${probe.grpc.port} (${where})`;
  // The program only: its arguments can be credentials (`mysqladmin ping -pSECRET`).
  if (probe.exec) return `the command ${JSON.stringify(probe.exec.command?.[0] ?? '')} and its arguments (${where})`;
  return `a probe gke-doctor does not know (${where})`;
}

/** The serving container's readiness probe as a finding's evidence (the HTML report draws it beside the load balancer's request). */
export interface ReadinessProbeEvidence {
  resource: string;
  container: string;
  type: 'HTTP' | 'HTTPS' | 'TCP' | 'gRPC' | 'exec' | 'unknown';
  /** HTTP(S) only, without its query (shownPath). */
  path: string | null;
  /** The port number, or the name when the container declares no port of that name. */
  port: number | string | null;
}

/**
 * The kubelet's readiness probe of the serving container: null when it has none, undefined when
 * no serving container is known. Like describeKubernetesCheck, no header values, exec arguments
 * or query strings: they can be credentials, and reports are shared.
 */
export function readinessProbeEvidence(serving: ServingContainer | undefined): ReadinessProbeEvidence | null | undefined {
  if (!serving) return undefined;
  const { container, source } = serving;
  const probe = container.readinessProbe;
  if (!probe) return null;
  const base = { resource: source.resource, container: container.name };
  if (probe.httpGet) {
    const { httpGet } = probe;
    return { ...base, type: httpGet.scheme === 'HTTPS' ? 'HTTPS' : 'HTTP', path: shownPath(httpGet.path || '/'), port: probePortNumber(httpGet.port, container) ?? httpGet.port ?? null };
  }
  if (probe.tcpSocket) return { ...base, type: 'TCP', path: null, port: probePortNumber(probe.tcpSocket.port, container) ?? probe.tcpSocket.port ?? null };
  if (probe.grpc) return { ...base, type: 'gRPC', path: null, port: probe.grpc.port ?? null };
  return { ...base, type: probe.exec ? 'exec' : 'unknown', path: null, port: null };
}

/** The request a load balancer health check sends, said for people. */
export function describeLoadBalancerRequest(request: { type: string; requestPath: string; portText: string; host?: string }, origin: string): string {
  const host = request.host ? ` with Host ${request.host}` : '';
  return `${request.type} GET ${shownPath(request.requestPath)} on ${request.portText}${host}, healthy only on 200 (${origin})`;
}

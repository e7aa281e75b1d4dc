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

/** The request a load balancer health check sends, said for people. */
export function describeLoadBalancerRequest(request: { type: string; requestPath: string; portText: string; host?: string }, origin: string): string {
  const host = request.host ? ` with Host ${request.host}` : '';
  return `${request.type} GET ${shownPath(request.requestPath)} on ${request.portText}${host}, healthy only on 200 (${origin})`;
}

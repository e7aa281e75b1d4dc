import type { HealthCheck } from '../../state/gcp-types.js';
import type { Probe, ProbeResponse } from '../../state/source.js';
import type { InferredHealthCheck } from './health-check-inference.js';
import { probeSchemeFor } from './health-check-inference.js';
import { healthCheckRequest } from './load-balancer-backends.js';
import type { AppProtocol } from '../services/service-annotations.js';
import { shownPath } from '../request-path.js';

/** What the load balancer sends to an Ingress backend: from its real health check when it was read, else as inferred. */
export interface LoadBalancerRequest {
  type: string;
  requestPath: string;
  /** The Pod port the check reaches, when known. */
  podPort?: number;
  portText: string;
  host?: string;
  origin: string;
}

/** The request of the health check the controller would create (ingress-gce pkg/healthchecks). */
export function inferredRequest(inferred: InferredHealthCheck): LoadBalancerRequest {
  const fixed = inferred.portSpecification.value === 'USE_FIXED_PORT';
  // "port N" only with a real number: an unknown node port or Pod port is said in words.
  const podPort = inferred.podPort !== undefined ? ` (Pod port ${inferred.podPort})` : '';
  const portText = !inferred.neg.enabled && !inferred.backendConfigName
    ? inferred.port.value !== undefined ? `node port ${inferred.port.value}${podPort}` : `the Service's node port${podPort}`
    : fixed && inferred.port.value !== undefined ? `port ${inferred.port.value}` : inferred.podPort !== undefined ? `port ${inferred.podPort}` : 'the serving port';
  const origins = [inferred.requestPath.origin, ...(inferred.type.origin === inferred.protocol.origin && inferred.type.value === 'HTTP' ? [] : [inferred.type.origin])];
  return {
    type: inferred.type.value,
    requestPath: inferred.requestPath.value,
    podPort: inferred.podPort,
    portText,
    // Never the header's value (it may be a credential): only that the readinessProbe sets it.
    host: inferred.host.value !== undefined ? 'from the readinessProbe\'s Host header' : undefined,
    origin: `as the ingress controller creates it: ${[...new Set(origins)].join('; ')}; ${inferred.backendKind} backend, ${inferred.neg.origin}`,
  };
}

/** The request of the real Compute Engine health check, with the Pod port it reaches when that can be told. */
export function realRequest(healthCheck: HealthCheck, inferred: InferredHealthCheck): LoadBalancerRequest {
  const request = healthCheckRequest(healthCheck);
  const serving = request.portSpecification === 'USE_SERVING_PORT' || request.port === undefined;
  const podPort = serving ? inferred.serving?.port : inferred.neg.enabled ? request.port : request.port === inferred.port.value ? inferred.serving?.port : undefined;
  return {
    type: request.type,
    requestPath: request.requestPath,
    podPort,
    portText: serving ? `the serving port${podPort ? ` (${podPort})` : ''}` : `port ${request.port}`,
    host: request.host,
    origin: `compute health check ${healthCheck.name}`,
  };
}

/** What the load balancer checks: its real health check when read, else the inferred request (saying when the real one could not be read). */
export function actualRequest(expected: LoadBalancerRequest, inferred: InferredHealthCheck, healthCheck: HealthCheck | undefined, healthChecksUnread: string | undefined): LoadBalancerRequest {
  if (healthCheck) return realRequest(healthCheck, inferred);
  return healthChecksUnread ? { ...expected, origin: `${expected.origin}; the real health check could not be read` } : expected;
}

/** How the load balancer's request differs from a probe's: protocol, path, and port when both are known. */
export function differencesFrom(request: LoadBalancerRequest, probe: { type: string; requestPath: string; port?: number }): string[] {
  const differences: string[] = [];
  if (probeSchemeFor(asProtocol(request.type)) !== probe.type || !['HTTP', 'HTTPS', 'HTTP2'].includes(request.type)) {
    differences.push(`load balancer ${request.type}, probe ${probe.type}`);
  }
  if (request.requestPath !== probe.requestPath) differences.push(`load balancer path ${shownPath(request.requestPath)}, probe path ${shownPath(probe.requestPath)}`);
  if (request.podPort !== undefined && probe.port !== undefined && request.podPort !== probe.port) {
    differences.push(`load balancer port ${request.podPort}, probe port ${probe.port}`);
  }
  return differences;
}

function asProtocol(type: string): AppProtocol {
  return type === 'HTTPS' || type === 'HTTP2' ? type : 'HTTP';
}

/** The load balancer's request, sent live to the serving Pod (`--probe`). */
export interface LiveProbe {
  pod: string;
  request: string;
  response: ProbeResponse;
}

/** Sends the load balancer's request to the first serving Pod, when it is an HTTP(S) request to a known Pod port. */
export async function sendToServingPod(probe: Probe | undefined, inferred: InferredHealthCheck, actual: LoadBalancerRequest): Promise<LiveProbe | undefined> {
  const pod = inferred.serving?.source.pod;
  if (!probe || !pod || actual.podPort === undefined || !['HTTP', 'HTTPS'].includes(actual.type)) return undefined;
  const scheme = actual.type as 'HTTP' | 'HTTPS';
  const request = `${scheme} GET ${shownPath(actual.requestPath)} on port ${actual.podPort}`;
  const namespace = pod.metadata?.namespace ?? 'default';
  const name = pod.metadata?.name ?? '?';
  let response: ProbeResponse;
  try {
    response = await probe({ namespace, pod: name, port: actual.podPort, path: actual.requestPath, scheme });
  } catch (error) {
    response = { statusCode: 0, error: (error as Error).message ?? String(error) };
  }
  return { pod: `${namespace}/${name}`, request, response };
}

import type { ClusterState } from '../../state/cluster-state.js';
import type { Pod, Service } from '../../state/kubernetes-types.js';
import { healthCheckPoliciesFor, inferGatewayHealthCheck } from '../gateway/gateway-health-check.js';
import { union } from '../load-balancer/address-ranges.js';
import { inferLoadBalancerHealthCheck } from '../load-balancer/health-check-inference.js';
import type { PodSource, ServicePort } from '../load-balancer/ingress-backends.js';
import type { NegDecision } from '../services/service-annotations.js';
import { attachedBackendConfig } from '../services/service-annotations.js';
import type { AddressSet } from '../load-balancer/address-ranges.js';
import type { PodPort } from '../load-balancer/network-policies.js';

/** Where the load balancer's traffic for one backend arrives: a port, and the Pods behind it (NEG) or the nodes (instance groups). */
export interface BackendEndpoint {
  port: PodPort;
  /** NEG: the serving Pods listening on it (none when only a workload's template is known). */
  pods: Pod[];
  /** NEG: the Pod IPs, when every Pod has one; instance groups: undefined (the nodes' addresses). */
  destinations?: AddressSet;
}

/** Where one backend's health checks arrive, or why that is not known. */
export type HealthCheckArrival =
  | {
      known: true;
      /** Each port the VPC firewall must let the health checks through to (on the Pod IPs for NEGs, the nodes for instance groups). */
      endpoints: BackendEndpoint[];
      /** False when the health check has a port of its own (BackendConfig, HealthCheckPolicy, transparent health checks). */
      servingPort: boolean;
      /** Where the port comes from, for messages. */
      origin: string;
      /** The Pods and Pod ports the checks reach (what a NetworkPolicy sees); undefined when no Pod receives them or that is not known. */
      podEndpoints?: BackendEndpoint[];
      /** Why podEndpoints is undefined although the checks may reach Pods. */
      podsUnknown?: string;
    }
  | { known: false; reason: string };

/** The serving side of a backend: what the load balancer's requests reach. */
export interface ServingEndpoints {
  neg: boolean;
  servicePort: ServicePort;
  podEndpoints: BackendEndpoint[];
  firewallEndpoints: BackendEndpoint[];
}

/**
 * A GCE Ingress backend: the health check ingress-gce builds for it (inferLoadBalancerHealthCheck:
 * defaults, readinessProbe, then the BackendConfig's spec.healthCheck). A BackendConfig `port`
 * makes it USE_FIXED_PORT on that port (ingress-gce pkg/translator/healthchecks.go
 * UpdateFromBackendConfig: "This override is necessary regardless of type"), and Compute sends a
 * fixed-port check to each NEG endpoint's IP, or to each instance group VM's primary internal
 * address (https://cloud.google.com/load-balancing/docs/health-check-concepts#hc-packet-dest).
 * GKE opens that port in its own k8s-fw-l7-* rule (pkg/firewalls/controller.go getCustomHealthCheckPorts),
 * which is exactly what a deny, or a Shared VPC host rule made by hand, may lack.
 */
export function ingressHealthCheckArrival(state: ClusterState, backend: { service: Service; servicePort: ServicePort; podSources: readonly PodSource[] }, neg: NegDecision, serving: ServingEndpoints): HealthCheckArrival {
  const attached = attachedBackendConfig(backend.service, backend.servicePort);
  const namespace = backend.service.metadata?.namespace ?? 'default';
  if (attached && state.unavailable.has('BackendConfig')) return { known: false, reason: `BackendConfig ${namespace}/${attached.name}, which may set the health check's port, could not be read (${state.unavailable.get('BackendConfig')})` };
  // A BackendConfig that does not exist sets nothing: ingress-config reports it missing.
  const backendConfig = attached ? state.kubernetes.get('BackendConfig', namespace, attached.name) : undefined;
  const inferred = inferLoadBalancerHealthCheck({ service: backend.service, servicePort: backend.servicePort, podSources: backend.podSources, neg, backendConfig });
  const port = inferred.port.value;
  // NEG: USE_SERVING_PORT is each endpoint's own port; instance groups: the node port, unless overridden.
  const own = neg.enabled ? inferred.portSpecification.value === 'USE_FIXED_PORT' : port !== backend.servicePort.nodePort;
  if (!own || port === undefined) return servingArrival(serving);
  return fixedArrival(serving, port, inferred.port.origin, inferred.transparent);
}

/**
 * A GKE Gateway backend (always NEGs): the HealthCheckPolicy's port (inferGatewayHealthCheck; of two
 * policies on one Service the oldest applies, configure-gateway-resources), else each endpoint's
 * serving port. A named port (USE_NAMED_PORT) names no port a NEG endpoint has: where the checks go is not known.
 */
export function gatewayHealthCheckArrival(state: ClusterState, service: Service, podSources: readonly PodSource[], serving: ServingEndpoints): HealthCheckArrival {
  if (state.unavailable.has('HealthCheckPolicy')) return { known: false, reason: `HealthCheckPolicy, which may set the health check's port, could not be read (${state.unavailable.get('HealthCheckPolicy')})` };
  const policy = healthCheckPoliciesFor(service, state).sort((a, b) => (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? ''))[0];
  const inferred = inferGatewayHealthCheck({ service, servicePort: serving.servicePort, podSources, policy });
  const specification = inferred.portSpecification.value;
  if (specification === 'USE_SERVING_PORT') return servingArrival(serving);
  if (specification === 'USE_FIXED_PORT' && inferred.podPort !== undefined) return fixedArrival(serving, inferred.podPort, inferred.portSpecification.origin, false);
  // USE_NAMED_PORT, or USE_FIXED_PORT without a port: no port the load balancer can check (inferGatewayHealthCheck), so nowhere to place them.
  return { known: false, reason: `${inferred.unusablePort?.why ?? `HealthCheckPolicy ${policy?.metadata?.namespace ?? ''}/${policy?.metadata?.name ?? '?'} sets port specification ${specification}`}, which gives the load balancer no port to check (gateway-health-check says why)` };
}

function servingArrival(serving: ServingEndpoints): HealthCheckArrival {
  return { known: true, endpoints: serving.firewallEndpoints, servingPort: true, origin: 'the serving port', podEndpoints: serving.podEndpoints };
}

function fixedArrival(serving: ServingEndpoints, port: number, origin: string, transparent: boolean): HealthCheckArrival {
  if (!serving.neg) {
    // Instance groups: the check goes to the node's own address; kube-proxy forwards it to the Pods only when the port is this Service port's node port.
    const forwarded = port === serving.servicePort.nodePort;
    return {
      known: true,
      endpoints: [{ port: { number: port }, pods: [] }],
      servingPort: false,
      origin,
      ...(forwarded ? { podEndpoints: serving.podEndpoints } : { podsUnknown: `the health check goes to port ${port} of the nodes, which is not this Service port's node port, so which Pods answer it is not known` }),
    };
  }
  // NEG: no endpoint, nothing checked; else one fixed port on every endpoint's IP.
  if (serving.podEndpoints.length === 0) return { known: true, endpoints: [], servingPort: false, origin };
  const pods = serving.podEndpoints.flatMap((endpoint) => endpoint.pods);
  const everyAddress = serving.podEndpoints.every((endpoint) => endpoint.destinations);
  const endpoint: BackendEndpoint = { port: { number: port }, pods, ...(everyAddress ? { destinations: union(serving.podEndpoints.map((each) => each.destinations!)) } : {}) };
  // Transparent health checks are answered by the node's health checker, not by the Pod: no NetworkPolicy sees them.
  return { known: true, endpoints: [endpoint], servingPort: false, origin, ...(transparent ? {} : { podEndpoints: [endpoint] }) };
}

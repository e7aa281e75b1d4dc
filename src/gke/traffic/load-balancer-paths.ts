import type { ClusterState } from '../../state/cluster-state.js';
import { kubernetesResourceName } from '../../state/cluster-state.js';
import type { Pod, Service } from '../../state/kubernetes-types.js';
import { gatewayApiEnabled, httpLoadBalancingDisabled } from '../cluster/cluster-settings.js';
import { gkeGatewayClass } from '../gateway/gateway-classes.js';
import { gatewayBackends } from '../gateway/gateway-routes.js';
import type { ServicePort } from '../load-balancer/ingress-backends.js';
import { IngressBackendResolver } from '../load-balancer/ingress-backends.js';
import { INGRESS_CLASS_ANNOTATION, isGceIngress, requiresNegs } from '../ingress/ingress-class.js';
import { unknownIngressFields } from '../ingress/planned-ingress-values.js';
import { negDecisionFor } from '../services/service-annotations.js';
import type { PodSource } from '../services/service-pod-sources.js';
import { ServicePodSources } from '../services/service-pod-sources.js';
import { addressSet } from '../load-balancer/address-ranges.js';
import type { PodPort } from '../load-balancer/network-policies.js';
import type { LoadBalancerScope } from '../load-balancer/proxy-only-subnets.js';
import type { BackendEndpoint, HealthCheckArrival, ServingEndpoints } from './health-check-arrival.js';
import { gatewayHealthCheckArrival, ingressHealthCheckArrival } from './health-check-arrival.js';

export type { BackendEndpoint } from './health-check-arrival.js';

/** One load balancer backend (a Service port) of the cluster's GCE Ingresses and GKE Gateways, and how traffic reaches it. */
export interface BackendPath {
  /** `Service/NAMESPACE/NAME`. */
  resource: string;
  service: Service;
  servicePort: ServicePort;
  /** The Ingresses and Gateways whose load balancer sends to it. */
  frontends: string[];
  /** Container-native (NEG): traffic goes to Pod IPs on the Pod port; else to the nodes' node port (instance groups). */
  neg: boolean;
  /** For regional and cross-region load balancers, whose proxies send from the proxy-only subnet. */
  proxyScope?: LoadBalancerScope;
  /** The serving Pods and the port each listens on (what a NetworkPolicy sees, after kube-proxy for instance groups). */
  podEndpoints: BackendEndpoint[];
  /** The TCP ports the VPC firewall must let the load balancer's requests through to: the Pod ports (NEG) or the node port (instance groups). */
  firewallEndpoints: BackendEndpoint[];
  /** Where the health checks arrive: the same ports, or the health check's own port. */
  healthChecks: HealthCheckArrival;
}

/**
 * The backends of the cluster's GCE Ingresses (not being deleted, known before apply) and GKE
 * Gateways. Ingress backends are NEGs or instance groups as ingress-gce decides it (negDecisionFor);
 * internal and regional external Ingresses use NEGs and a proxy-only subnet. GKE Gateways always
 * use NEGs (https://cloud.google.com/kubernetes-engine/docs/concepts/gateway-api: container-native
 * load balancing), regional classes a proxy-only subnet.
 */
export function loadBalancerPaths(state: ClusterState): BackendPath[] {
  // With the addon off (or, for Gateways, the Gateway API) no load balancer exists to be let in: http-load-balancing-addon and gateway-config say so.
  if (state.cluster && httpLoadBalancingDisabled(state.cluster)) return [];
  const gatewaysServed = !state.cluster || gatewayApiEnabled(state.cluster);
  const paths = new Map<string, BackendPath>();
  const pods = new ServicePodSources(state);
  // An Ingress's and a Gateway's load balancer are two backend services with health checks of their own (BackendConfig, HealthCheckPolicy).
  const add = (service: Service, servicePort: ServicePort, frontend: string, neg: boolean, scope: LoadBalancerScope | undefined, healthChecks: (serving: ServingEndpoints) => HealthCheckArrival) => {
    const resource = kubernetesResourceName({ kind: 'Service', metadata: service.metadata });
    const key = `${resource}/${servicePort.port}/${neg ? 'neg' : 'ig'}/${frontend.split('/')[0]}`;
    let path = paths.get(key);
    if (!path) {
      const podEndpoints = negEndpoints(servicePort, pods.podSourcesFor(service));
      const serving = { neg, servicePort, podEndpoints, firewallEndpoints: neg ? podEndpoints : nodePortEndpoints(servicePort) };
      path = { resource, service, servicePort, frontends: [], neg, podEndpoints, firewallEndpoints: serving.firewallEndpoints, healthChecks: healthChecks(serving) };
      paths.set(key, path);
    }
    if (!path.frontends.includes(frontend)) path.frontends.push(frontend);
    if (scope && (!path.proxyScope || (scope.internal && !path.proxyScope.internal))) path.proxyScope = scope;
  };
  const ingresses = state.kubernetes.list('Ingress').filter((ingress) => isGceIngress(ingress) && !ingress.metadata?.deletionTimestamp && unknownIngressFields(state, ingress).length === 0);
  for (const { backend, ingresses: served } of new IngressBackendResolver(state).servedBackends(ingresses)) {
    for (const ingress of served) {
      const neg = negDecisionFor(backend.service!, state, requiresNegs(ingress));
      if (!neg.certain) continue;
      const scope = requiresNegs(ingress) ? { scope: 'regional' as const, internal: ingress.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION] === 'gce-internal' } : undefined;
      const healthChecks = (serving: ServingEndpoints) => ingressHealthCheckArrival(state, { service: backend.service!, servicePort: backend.servicePort!, podSources: backend.podSources }, neg, serving);
      add(backend.service!, backend.servicePort!, kubernetesResourceName({ kind: 'Ingress', metadata: ingress.metadata }), neg.enabled, scope, healthChecks);
    }
  }
  for (const backend of gatewaysServed ? gatewayBackends(state) : []) {
    for (const ref of backend.refs) {
      for (const gateway of ref.route.gateways) {
        const gatewayClass = gkeGatewayClass(gateway.spec?.gatewayClassName);
        const scope = gatewayClass && gatewayClass.scope !== 'global' ? { scope: gatewayClass.scope, internal: gatewayClass.internal } : undefined;
        const healthChecks = (serving: ServingEndpoints) => gatewayHealthCheckArrival(state, backend.service, pods.podSourcesFor(backend.service), serving);
        add(backend.service, backend.servicePort, kubernetesResourceName({ kind: 'Gateway', metadata: gateway.metadata }), true, scope, healthChecks);
      }
    }
  }
  return [...paths.values()];
}

/** Instance groups: the load balancer reaches the Service's node port on every node. */
function nodePortEndpoints(servicePort: ServicePort): BackendEndpoint[] {
  return servicePort.nodePort ? [{ port: { number: servicePort.nodePort }, pods: [] }] : [];
}

/** Each serving Pod's container port that the Service's targetPort names (by number or by name), grouped by port. */
function negEndpoints(servicePort: ServicePort, sources: readonly PodSource[]): BackendEndpoint[] {
  const targetPort = servicePort.targetPort ?? servicePort.port;
  const byPort = new Map<number, { port: PodPort; pods: Pod[]; ips: string[]; allHaveIps: boolean }>();
  for (const source of sources) {
    const ports = source.spec.containers.flatMap((container) => container.ports ?? []).filter((port) => (port.protocol ?? 'TCP') === 'TCP');
    const found = typeof targetPort === 'number' ? (ports.find((port) => port.containerPort === targetPort) ?? { containerPort: targetPort }) : ports.find((port) => port.name === targetPort);
    if (!found) continue;
    const entry = byPort.get(found.containerPort) ?? { port: { number: found.containerPort, ...(found.name ? { name: found.name } : {}) }, pods: [], ips: [], allHaveIps: true };
    if (source.pod) {
      entry.pods.push(source.pod);
      const ip = source.pod.status?.podIP;
      if (ip) entry.ips.push(ip);
      else entry.allHaveIps = false;
    } else entry.allHaveIps = false;
    byPort.set(found.containerPort, entry);
  }
  return [...byPort.values()].map(({ port, pods, ips, allHaveIps }) => ({ port, pods, ...(allHaveIps && ips.length ? { destinations: addressSet(ips) } : {}) }));
}

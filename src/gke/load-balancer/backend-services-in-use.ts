import type { Gateway, Ingress } from '../../state/kubernetes-types.js';

/** Written by ingress-gce on each Ingress it serves: backend service name -> HEALTHY / UNHEALTHY / Unknown (pkg/loadbalancers GetLBAnnotations). */
const INGRESS_BACKENDS_ANNOTATION = 'ingress.kubernetes.io/backends';

/**
 * Written by GKE's Gateway controller on each Gateway it programs: its backend services, comma-separated,
 * as `/projects/NUMBER/global/backendServices/NAME` (or `/regions/REGION/…`), by older versions as bare
 * names (quoted in GoogleCloudPlatform/gke-networking-recipes gateway READMEs and in `kubectl describe gateway`
 * outputs of public tutorials).
 */
export const GATEWAY_BACKEND_SERVICES_ANNOTATION = 'networking.gke.io/backend-services';

/** A backend service a load balancer of the cluster uses: global, in a region, or either (an Ingress names it by name only). */
export interface BackendServiceInUse {
  name: string;
  /** `global`, a region, or undefined when only the name is known (look globally, then in the cluster's region). */
  scope?: 'global' | { region: string };
}

/** The backend services a Gateway's annotation names, with their scope when the path gives it. */
export function gatewayBackendServices(gateway: Gateway): BackendServiceInUse[] {
  const value = gateway.metadata?.annotations?.[GATEWAY_BACKEND_SERVICES_ANNOTATION] ?? '';
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const path = /(?:^|\/)(?:global|regions\/([^/]+))\/backendServices\/([^/]+)$/.exec(entry);
      if (!path) return { name: entry.slice(entry.lastIndexOf('/') + 1) };
      return { name: path[2]!, scope: path[1] ? { region: path[1] } : 'global' };
    });
}

/** The backend services the ingress controller names on an Ingress (the keys of `ingress.kubernetes.io/backends`). */
export function ingressBackendServices(ingress: Ingress): BackendServiceInUse[] {
  const raw = ingress.metadata?.annotations?.[INGRESS_BACKENDS_ANNOTATION];
  if (!raw) return [];
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value).map((name) => ({ name })) : [];
  } catch {
    return [];
  }
}

/** Every backend service the cluster's Ingresses and Gateways use, once each, at most `limit`: what backend health is read for. */
export function backendServicesInUse(ingresses: readonly Ingress[], gateways: readonly Gateway[], limit = 200): BackendServiceInUse[] {
  const found = new Map<string, BackendServiceInUse>();
  for (const service of [...gateways.flatMap(gatewayBackendServices), ...ingresses.flatMap(ingressBackendServices)]) {
    const key = `${typeof service.scope === 'object' ? service.scope.region : (service.scope ?? '')}/${service.name}`;
    if (!found.has(key) && /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(service.name)) found.set(key, service);
  }
  return [...found.values()].slice(0, limit);
}

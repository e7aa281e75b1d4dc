import type { ClusterState } from '../../state/cluster-state.js';
import { kubernetesResourceName } from '../../state/cluster-state.js';
import type { Ingress, Service, ServicePort } from '../../state/kubernetes-types.js';
import type { PodSource } from '../services/service-pod-sources.js';
import { ServicePodSources } from '../services/service-pod-sources.js';

export type { PodSource } from '../services/service-pod-sources.js';

export type { Container, PodSpec, ServicePort } from '../../state/kubernetes-types.js';

/** One backend an Ingress names: `spec.defaultBackend` or one rule path. */
export interface IngressBackendRef {
  ingress: Ingress;
  ingressResource: string;
  /** Where in the Ingress: `spec.defaultBackend` or `spec.rules[0].http.paths[1]`. */
  field: string;
  host?: string;
  path?: string;
  /** Absent for a `resource` backend, which the GCE controller cannot serve. */
  serviceName?: string;
  port: { number?: number; name?: string };
}

export interface ResolvedBackend {
  ref: IngressBackendRef;
  namespace: string;
  service?: Service;
  servicePort?: ServicePort;
  /** The Service port's `targetPort`, defaulted to its `port` as the API server does. */
  targetPort?: number | string;
  /** Oldest Pod first (ingress-gce orderedPods: creation time, then name); templates only when no Pod matches. */
  podSources: PodSource[];
}

/**
 * Resolves Ingress -> backends -> Service -> Pods (or pod templates), through
 * the same ServicePodSources the Gateway backends use.
 */
export class IngressBackendResolver {
  private readonly pods: ServicePodSources;

  constructor(private readonly state: ClusterState) {
    this.pods = new ServicePodSources(state);
  }

  /** `spec.defaultBackend`, then every path of every rule with `http`, in order. */
  backendsOf(ingress: Ingress): IngressBackendRef[] {
    const ingressResource = kubernetesResourceName({ kind: 'Ingress', metadata: ingress.metadata });
    const refs: IngressBackendRef[] = [];
    const defaultBackend = ingress.spec?.defaultBackend;
    if (defaultBackend) {
      refs.push({ ingress, ingressResource, field: 'spec.defaultBackend', serviceName: defaultBackend.service?.name, port: { ...defaultBackend.service?.port } });
    }
    (ingress.spec?.rules ?? []).forEach((rule, ruleIndex) => {
      (rule.http?.paths ?? []).forEach((path, pathIndex) => {
        refs.push({
          ingress,
          ingressResource,
          field: `spec.rules[${ruleIndex}].http.paths[${pathIndex}]`,
          host: rule.host,
          path: path.path,
          serviceName: path.backend.service?.name,
          port: { ...path.backend.service?.port },
        });
      });
    });
    return refs;
  }

  resolve(ref: IngressBackendRef): ResolvedBackend {
    const namespace = ref.ingress.metadata?.namespace ?? 'default';
    const service = ref.serviceName ? this.state.kubernetes.get('Service', namespace, ref.serviceName) : undefined;
    if (!service) return { ref, namespace, podSources: [] };
    const servicePort = findServicePort(service, ref.port);
    return {
      ref,
      namespace,
      service,
      servicePort,
      targetPort: servicePort ? (servicePort.targetPort ?? servicePort.port) : undefined,
      podSources: this.podSourcesFor(service),
    };
  }

  /**
   * The Service ports these Ingresses route to, each once with every Ingress that routes there (the
   * controller makes one backend service per Service port): those whose Service and port exist.
   */
  servedBackends(ingresses: readonly Ingress[]): { backend: ResolvedBackend; ingresses: Ingress[] }[] {
    const backends = new Map<string, { backend: ResolvedBackend; ingresses: Ingress[] }>();
    for (const ingress of ingresses) {
      for (const ref of this.backendsOf(ingress)) {
        const backend = this.resolve(ref);
        if (!backend.service || !backend.servicePort) continue;
        const key = `${backend.namespace}/${backend.service.metadata?.name}/${backend.servicePort.port}`;
        const entry = backends.get(key) ?? { backend, ingresses: [] };
        if (!entry.ingresses.includes(ingress)) entry.ingresses.push(ingress);
        backends.set(key, entry);
      }
    }
    return [...backends.values()];
  }

  /** The Pods the Service selects, oldest first; with none, the templates of matching workloads. */
  podSourcesFor(service: Service): PodSource[] {
    return this.pods.podSourcesFor(service);
  }
}

/** By number or by name (pkg/controller/translator/utils.go ServicePort). */
export function findServicePort(service: Service, port: { number?: number; name?: string }): ServicePort | undefined {
  const ports = service.spec?.ports ?? [];
  if (port.number !== undefined) return ports.find((candidate) => candidate.port === port.number);
  return ports.find((candidate) => (candidate.name ?? '') === (port.name ?? ''));
}

/** `port 80`, `port "http"`: how an Ingress names the Service port. */
export function describeServicePortRef(port: { number?: number; name?: string }): string {
  return port.number !== undefined ? `port ${port.number}` : `port "${port.name ?? ''}"`;
}

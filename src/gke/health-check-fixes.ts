import type { ClusterState } from '../state/cluster-state.js';
import type { Service } from '../state/kubernetes-types.js';
import type { ServicePort } from './ingress-backends.js';
import { BACKEND_CONFIG_ANNOTATION, backendConfigNameFor, backendConfigRefs } from './service-annotations.js';

export interface HealthCheckSettings {
  type?: string;
  requestPath?: string;
  port?: number;
}

/**
 * Commands that make the load balancer check `settings` for one Service port:
 * patch the BackendConfig already attached to it, or create one (complete
 * YAML) and attach it with the Service annotation. The controller applies a
 * BackendConfig's health check on every sync, also to a health check that
 * exists already (ingress-gce pkg/healthchecks/healthchecks.go sync).
 */
export function backendConfigCommands(service: Service, servicePort: ServicePort, settings: HealthCheckSettings, state: ClusterState, comment?: string): string[] {
  const namespace = service.metadata?.namespace ?? 'default';
  const serviceName = service.metadata?.name ?? '?';
  const healthCheck = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
  const refs = backendConfigRefs(service);
  const attached = refs.ok === true ? backendConfigNameFor(refs.value, servicePort) : undefined;
  if (attached && state.kubernetes.get('BackendConfig', namespace, attached)) {
    return [`kubectl -n ${namespace} patch backendconfig ${attached} --type merge -p '${JSON.stringify({ spec: { healthCheck } })}'`];
  }
  const name = attached ?? `${serviceName}-health-check`;
  const yaml = [
    'apiVersion: cloud.google.com/v1',
    'kind: BackendConfig',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'spec:',
    '  healthCheck:',
    ...Object.entries(healthCheck).map(([key, value]) => `    ${key}: ${value}${key === 'requestPath' && comment ? `  # ${comment}` : ''}`),
  ];
  const commands = [['kubectl apply -f - <<\'EOF\'', ...yaml, 'EOF'].join('\n')];
  if (!attached) {
    const portKey = servicePort.name || String(servicePort.port);
    const existing = refs.ok === true ? refs.value : {};
    const annotation = JSON.stringify({ ...existing, ports: { ...existing.ports, [portKey]: name } });
    commands.push(`kubectl -n ${namespace} annotate service ${serviceName} ${BACKEND_CONFIG_ANNOTATION}='${annotation}' --overwrite`);
  }
  return commands;
}

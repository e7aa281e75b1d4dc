import type { ClusterState } from '../../state/cluster-state.js';
import { kubernetesResourceName } from '../../state/cluster-state.js';
import type { Service } from '../../state/kubernetes-types.js';
import type { ResolvedBackend } from '../load-balancer/ingress-backends.js';
import { describeServicePortRef } from '../load-balancer/ingress-backends.js';
import { backendConfigRefs } from '../services/service-annotations.js';
import { editServiceCommand } from '../services/service-fixes.js';
import type { Verdict } from '../verdict.js';

/** The ingress-config messages the BackendConfig rules are told and fixed with. */
export type BackendConfigMessageId =
  | 'backendConfigAnnotationInvalid'
  | 'backendConfigUnread'
  | 'backendConfigMissing'
  | 'backendConfigMissingAmong'
  | 'timeoutAboveInterval'
  | 'fixBackendConfigAnnotation'
  | 'fixReadConfig'
  | 'fixBackendConfigMissing'
  | 'fixTimeout';

/**
 * A BackendConfig annotation the controller cannot read for any port of the Service: invalid JSON,
 * or neither "default" nor "ports" (check-gke-ingress CheckBackendConfigAnnotation; backendConfigRefs).
 */
export function backendConfigAnnotationVerdict(service: Service, resource: string): Verdict<BackendConfigMessageId> | undefined {
  const refs = backendConfigRefs(service);
  if (refs.ok !== false) return undefined;
  const value = service.metadata?.annotations?.[refs.key] ?? '';
  return {
    messageId: 'backendConfigAnnotationInvalid',
    severity: 'error',
    data: { service: resource, error: refs.error },
    resource,
    evidence: { annotation: refs.key, value },
    fix: { summary: 'fixBackendConfigAnnotation', commands: [editServiceCommand(service)] },
  };
}

/**
 * The BackendConfig `name` that a backend's Service port names (under annotation `key`): it can be
 * read, it exists, and its health check timeout fits its interval (check-gke-ingress
 * CheckBackendConfigExistence, CheckHealthCheckTimeout: Compute Engine rejects timeoutSec > checkIntervalSec).
 */
export function attachedBackendConfigVerdict(backend: ResolvedBackend, { name, key }: { name: string; key: string }, state: ClusterState): Verdict<BackendConfigMessageId> | undefined {
  const { namespace, service, servicePort } = backend;
  const serviceResource = kubernetesResourceName({ kind: 'Service', metadata: service!.metadata });
  const port = describeServicePortRef({ number: servicePort!.port });
  const unread = state.unavailable.get('BackendConfig');
  if (unread) {
    const data = { service: serviceResource, port, name, key, reason: unread };
    const commands = [`kubectl -n ${namespace} get backendconfig ${name} -o yaml`];
    return { messageId: 'backendConfigUnread', severity: 'warning', data, resource: serviceResource, evidence: data, fix: { summary: 'fixReadConfig', summaryData: { resource: 'backendconfigs.cloud.google.com' }, commands } };
  }
  const backendConfig = state.kubernetes.get('BackendConfig', namespace, name);
  if (!backendConfig) {
    const existing = state.kubernetes.inNamespace(namespace).filter((object) => object.kind === 'BackendConfig').map((object) => object.metadata?.name);
    const data = { service: serviceResource, port, name, key, namespace };
    return {
      messageId: existing.length > 0 ? 'backendConfigMissingAmong' : 'backendConfigMissing',
      severity: 'error',
      data: { ...data, existing: existing.join(', ') },
      resource: serviceResource,
      // The evidence keeps the clause the message once carried.
      evidence: { ...data, existing: existing.length > 0 ? ` (it has ${existing.join(', ')})` : '' },
      fix: { summary: 'fixBackendConfigMissing', summaryData: { name, namespace }, commands: [`kubectl -n ${namespace} get backendconfigs`, `kubectl -n ${namespace} edit service ${service!.metadata?.name}`] },
    };
  }
  const { timeoutSec, checkIntervalSec } = backendConfig.spec?.healthCheck ?? {};
  if (timeoutSec === undefined || checkIntervalSec === undefined || !(timeoutSec > checkIntervalSec)) return undefined;
  const data = { name: `${namespace}/${name}`, timeout: timeoutSec, interval: checkIntervalSec };
  const patch = JSON.stringify({ spec: { healthCheck: { timeoutSec: checkIntervalSec } } });
  return {
    messageId: 'timeoutAboveInterval',
    severity: 'error',
    data,
    resource: `BackendConfig/${namespace}/${name}`,
    evidence: data,
    fix: { summary: 'fixTimeout', commands: [`kubectl -n ${namespace} patch backendconfig ${name} --type merge -p '${patch}'`] },
  };
}

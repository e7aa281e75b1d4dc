import type { ClusterState } from '../../state/cluster-state.js';
import { isPodReady, selectedPods } from '../services/service-pods.js';

/** The Service a webhook (admission or conversion) is called through: `clientConfig.service`. */
export interface WebhookServiceReference {
  namespace: string;
  name: string;
  path?: string;
  port?: number;
}

/**
 * Whether the API server can reach a webhook's Service, and in the words it fails with
 * (k8s.io/apiserver pkg/util/webhook: the service resolver answers `service "NAME" not found`
 * for a Service that does not exist, `no endpoints available for service "NAME"` for one
 * without a ready endpoint). `unknown` when the Services or Pods could not be read.
 */
export type WebhookServiceState =
  | { state: 'reachable' | 'unknown'; why: string }
  | { state: 'gone' | 'no-endpoints'; why: string; terminating: boolean };

export function webhookServiceState(reference: WebhookServiceReference, state: ClusterState): WebhookServiceState {
  const { namespace, name } = reference;
  const servicesUnread = state.unavailable.get('Service');
  if (servicesUnread) return { state: 'unknown', why: `Services could not be read (${servicesUnread})` };
  const terminating = Boolean(state.kubernetes.get('Namespace', undefined, namespace)?.metadata?.deletionTimestamp);
  const service = state.kubernetes.get('Service', namespace, name);
  if (!service) return { state: 'gone', why: `service "${name}" not found`, terminating };
  if (Object.keys(service.spec?.selector ?? {}).length === 0) return { state: 'unknown', why: `Service ${namespace}/${name} has no selector: its endpoints are not read` };
  const podsUnread = state.unavailable.get('Pod');
  if (podsUnread) return { state: 'unknown', why: `Pods could not be read (${podsUnread})` };
  const ready = selectedPods(service, state.kubernetes.inNamespace(namespace)).filter(isPodReady);
  if (ready.length === 0) return { state: 'no-endpoints', why: `no endpoints available for service "${name}"`, terminating };
  return { state: 'reachable', why: `${ready.length} ready Pod(s) behind Service ${namespace}/${name}` };
}

/** `https://NAME.NAMESPACE.svc:443/PATH`: what the API server posts to (k8s.io/apiserver pkg/util/webhook). */
export function webhookServiceUrl({ namespace, name, path, port }: WebhookServiceReference): string {
  return `https://${name}.${namespace}.svc:${port ?? 443}${path ?? ''}`;
}

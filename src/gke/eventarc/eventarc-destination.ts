import type { ClusterState } from '../../state/cluster-state.js';
import type { Pod } from '../../state/kubernetes-types.js';
import type { GkeTrigger } from './eventarc.js';
import { isPodReady, selectedPods } from '../services/service-pods.js';

/**
 * What the Kubernetes objects read say of a trigger's GKE destination: the event forwarder
 * posts each event to the Service in its namespace, which delivers it only to ready Pods
 * (https://cloud.google.com/eventarc/docs/gke/route-trigger-cloud-pubsub).
 */
export type DestinationVerdict =
  | { verdict: 'missing-namespace' }
  | { verdict: 'missing-service' }
  /** Services or Pods could not be read (or, in a preflight, the inputs hold none): `reason` says why. */
  | { verdict: 'unread'; kind: 'Service' | 'Pod'; reason: string }
  /** A Service without a selector has hand-made endpoints, which are not read. */
  | { verdict: 'not-judged' }
  | { verdict: 'no-ready-pod'; selector: Record<string, string>; pods: Pod[] }
  | { verdict: 'ready' };

/** `app=web,tier=front`: a Service selector as `kubectl -l` takes it. */
export function labelSelector(selector: Record<string, string>): string {
  return Object.entries(selector).map(([key, value]) => `${key}=${value}`).join(',');
}

export function destinationVerdict(trigger: GkeTrigger, state: ClusterState): DestinationVerdict {
  const { namespace, service } = trigger.destination.gke;
  if (!state.unavailable.has('Namespace') && !state.kubernetes.get('Namespace', undefined, namespace)) return { verdict: 'missing-namespace' };
  const servicesUnread = state.unavailable.get('Service');
  if (servicesUnread) return { verdict: 'unread', kind: 'Service', reason: servicesUnread };
  const found = state.kubernetes.get('Service', namespace, service);
  if (!found) return { verdict: 'missing-service' };
  const selector = found.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return { verdict: 'not-judged' };
  const podsUnread = state.unavailable.get('Pod');
  if (podsUnread) return { verdict: 'unread', kind: 'Pod', reason: podsUnread };
  const pods = selectedPods(found, state.kubernetes.inNamespace(namespace));
  return pods.some(isPodReady) ? { verdict: 'ready' } : { verdict: 'no-ready-pod', selector, pods };
}

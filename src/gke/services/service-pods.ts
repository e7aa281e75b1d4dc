import type { KubeObject, Pod, Service } from '../../state/kubernetes-types.js';
import { matchesSelector } from './label-index.js';

/** The Pods a Service selects: every label of `spec.selector` matches (a Service without a selector selects none). */
export function selectedPods(service: Service, objects: readonly KubeObject[]): Pod[] {
  const selector = service.spec?.selector ?? {};
  if (Object.keys(selector).length === 0) return [];
  return objects.filter((object): object is KubeObject & Pod => object.kind === 'Pod' && matchesSelector(object.metadata?.labels, selector));
}

/** A Pod serves a Service's traffic once its `Ready` condition is True and it is not being deleted. */
export function isPodReady(pod: Pod): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  return (pod.status?.conditions ?? []).some((condition) => condition.type === 'Ready' && condition.status === 'True');
}

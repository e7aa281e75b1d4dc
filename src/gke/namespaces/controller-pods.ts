import type { ClusterState } from '../../state/cluster-state.js';
import type { Pod } from '../../state/kubernetes-types.js';
import { isPodReady } from '../services/service-pods.js';

/** Where a controller runs, as its install manifests make it: the labels on its Pods, and its namespace when fixed. */
export interface ControllerWorkload {
  /** `Deployment cert-manager (namespace cert-manager)`: how a user finds it. */
  describe: string;
  namespace?: string;
  podLabels: Record<string, string>;
  /** Pods named after their StatefulSet (`cnrm-deletiondefender-0`), where no label is documented. */
  podNamePrefix?: string;
}

/** A controller Pod that is not ready, with why (its containers' statuses). */
export interface FailingPod {
  pod: string;
  why: string;
}

export type WorkloadStatus =
  | { status: 'running' | 'gone' | 'unknown'; why: string }
  /** Its Pods exist but none is ready (crash-looping, not ready): the finalizer waits for nothing. */
  | { status: 'failing'; why: string; pods: FailingPod[] };

/** Whether a controller's Pods run: one ready is running; some, none ready, is failing; none is gone. */
export function workloadStatus(workload: ControllerWorkload, state: ClusterState): WorkloadStatus {
  const unread = state.unavailable.get('Pod');
  if (unread) return { status: 'unknown', why: `Pods could not be read (${unread})` };
  const labels = Object.entries(workload.podLabels).map(([key, value]) => `${key}=${value}`).join(',');
  const selector = [labels ? `labelled ${labels}` : '', workload.podNamePrefix ? `named ${workload.podNamePrefix}*` : ''].filter(Boolean).join(' and ');
  const where = workload.namespace ? ` in namespace ${workload.namespace}` : '';
  const pods = state.kubernetes
    .list('Pod')
    .filter((pod) => !workload.namespace || pod.metadata?.namespace === workload.namespace)
    .filter((pod) => Object.entries(workload.podLabels).every(([key, value]) => pod.metadata?.labels?.[key] === value))
    .filter((pod) => !workload.podNamePrefix || (pod.metadata?.name ?? '').startsWith(workload.podNamePrefix))
    .filter((pod) => !pod.metadata?.deletionTimestamp);
  if (pods.length === 0) return { status: 'gone', why: `no Pod ${selector}${where}: ${workload.describe} is not running` };
  const ready = pods.filter(isPodReady);
  if (ready.length > 0) return { status: 'running', why: `Pod ${ready[0]!.metadata?.namespace}/${ready[0]!.metadata?.name} is ready` };
  const failing = pods.map((pod) => ({ pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, why: podTrouble(pod) }));
  return { status: 'failing', why: `none of its Pods is ready: ${failing.map(({ pod, why }) => `${pod} (${why})`).join('; ')}`, pods: failing };
}

/**
 * Why a Pod is not ready, from its container statuses as kubectl describe shows them: the
 * waiting reason (CrashLoopBackOff, ImagePullBackOff), how the last run ended (reason and exit
 * code), the restart count; else its phase.
 */
export function podTrouble(pod: Pod): string {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const troubles = statuses
    .filter((container) => !container.ready)
    .map((container) => {
      const parts = [container.state?.waiting?.reason ? `waiting: ${container.state.waiting.reason}` : container.state?.running ? 'running, not ready' : undefined];
      const last = container.lastState?.terminated ?? container.state?.terminated;
      if (last) parts.push(`last terminated: ${last.reason ?? 'unknown reason'}, exit code ${last.exitCode}`);
      if (container.restartCount) parts.push(`${container.restartCount} restarts`);
      return `container ${container.name} ${parts.filter(Boolean).join(', ')}`;
    });
  return troubles.length > 0 ? troubles.join('; ') : `phase ${pod.status?.phase ?? 'unknown'}, not ready`;
}

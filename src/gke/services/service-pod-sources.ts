import type { ClusterState, KubernetesObjects } from '../../state/cluster-state.js';
import { kubernetesResourceName } from '../../state/cluster-state.js';
import type { Pod, PodSpec, Service } from '../../state/kubernetes-types.js';
import { LabelIndex } from './label-index.js';

/** A Pod behind a Service, or (with no Pod, e.g. from manifests) the pod template of a workload that would make them. */
export interface PodSource {
  /** `Pod/ns/name` or `Deployment/ns/name`. */
  resource: string;
  pod?: Pod;
  spec: PodSpec;
  /** The workload to change for a fix (`Deployment`, `StatefulSet`, …), when known. */
  owner?: { kind: string; namespace: string; name: string };
}

interface Template {
  resource: string;
  namespace: string;
  labels?: Record<string, string>;
  spec: PodSpec;
  owner: { kind: string; namespace: string; name: string };
}

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'] as const;

/** Why the Pods and workloads a Service's backends are found in could not all be read: what was not read, and why. */
export function unreadPodSources(state: ClusterState): string[] {
  return [...new Set((['Pod', ...WORKLOAD_KINDS] as const).flatMap((kind) => state.unavailable.get(kind) ?? []))];
}

interface LabelIndexes {
  pods: LabelIndex<Pod>;
  templates: LabelIndex<Template>;
  /** How many Pods and workloads they were built from: objects added since mean building again. */
  built: string;
}

/** Built once per collected state and shared by every check that resolves Service backends. */
const indexesOf = new WeakMap<KubernetesObjects, LabelIndexes>();

function labelIndexes(kubernetes: KubernetesObjects): LabelIndexes {
  const built = ['Pod' as const, ...WORKLOAD_KINDS].map((kind) => kubernetes.list(kind).length).join(',');
  const cached = indexesOf.get(kubernetes);
  if (cached?.built === built) return cached;
  const pods = new LabelIndex(kubernetes.list('Pod'), (pod) => pod.metadata?.namespace, (pod) => pod.metadata?.labels);
  const templates: Template[] = [];
  for (const kind of WORKLOAD_KINDS) {
    for (const workload of kubernetes.list(kind)) {
      // A ReplicaSet a Deployment owns repeats the Deployment's template.
      if (kind === 'ReplicaSet' && workload.metadata?.ownerReferences?.some((owner) => owner.kind === 'Deployment')) continue;
      const template = workload.spec?.template;
      if (!template?.spec) continue;
      const namespace = workload.metadata?.namespace ?? 'default';
      templates.push({
        resource: kubernetesResourceName({ kind, metadata: workload.metadata }),
        namespace,
        labels: template.metadata?.labels,
        spec: template.spec,
        owner: { kind, namespace, name: workload.metadata?.name ?? '?' },
      });
    }
  }
  const indexes = { pods, templates: new LabelIndex(templates, (template) => template.namespace, (template) => template.labels), built };
  indexesOf.set(kubernetes, indexes);
  return indexes;
}

/**
 * Service -> the Pods it selects (or, with none, the pod templates of workloads
 * that would make them): the one resolution the Ingress and the Gateway health
 * checks share. Pods and templates are indexed once by namespace and label, so
 * resolving every backend stays linear in the number of objects.
 */
export class ServicePodSources {
  private readonly pods: LabelIndex<Pod>;
  private readonly templates: LabelIndex<Template>;
  private readonly sourcesByService = new Map<string, PodSource[]>();

  constructor(private readonly state: ClusterState) {
    ({ pods: this.pods, templates: this.templates } = labelIndexes(state.kubernetes));
  }

  /** The Pods the Service selects, oldest first (ingress-gce orderedPods: creation time, then name); with none, the templates of matching workloads. */
  podSourcesFor(service: Service): PodSource[] {
    const namespace = service.metadata?.namespace ?? 'default';
    const key = `${namespace}/${service.metadata?.name}`;
    let sources = this.sourcesByService.get(key);
    if (!sources) {
      const selector = service.spec?.selector;
      const pods = this.pods.select(namespace, selector).sort(olderFirst);
      sources =
        pods.length > 0
          ? pods.filter((pod) => pod.spec).map((pod) => ({ resource: kubernetesResourceName({ kind: 'Pod', metadata: pod.metadata }), pod, spec: pod.spec!, owner: this.ownerOf(pod) }))
          : this.templates
              .select(namespace, selector)
              .sort((a, b) => a.resource.localeCompare(b.resource))
              .map(({ resource, spec, owner }) => ({ resource, spec, owner }));
      this.sourcesByService.set(key, sources);
    }
    return sources;
  }

  /** The workload behind a Pod: its controller, and a ReplicaSet's Deployment (by ownerReferences or the pod-template-hash suffix). */
  private ownerOf(pod: Pod): PodSource['owner'] {
    const namespace = pod.metadata?.namespace ?? 'default';
    const controller = pod.metadata?.ownerReferences?.find((owner) => owner.controller) ?? pod.metadata?.ownerReferences?.[0];
    if (!controller) return undefined;
    if (controller.kind !== 'ReplicaSet') return { kind: controller.kind, namespace, name: controller.name };
    const replicaSet = this.state.kubernetes.get('ReplicaSet', namespace, controller.name);
    const deployment = replicaSet?.metadata?.ownerReferences?.find((owner) => owner.kind === 'Deployment');
    if (deployment) return { kind: 'Deployment', namespace, name: deployment.name };
    const hash = pod.metadata?.labels?.['pod-template-hash'];
    if (hash && controller.name.endsWith(`-${hash}`)) return { kind: 'Deployment', namespace, name: controller.name.slice(0, -hash.length - 1) };
    return { kind: 'ReplicaSet', namespace, name: controller.name };
  }
}

function olderFirst(a: Pod, b: Pod): number {
  return compare(a.metadata?.creationTimestamp ?? '', b.metadata?.creationTimestamp ?? '') || compare(a.metadata?.name ?? '', b.metadata?.name ?? '');
}

/** Byte order, as Go compares strings. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

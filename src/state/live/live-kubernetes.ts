import { toApiFailure, withRetry } from './api-failure.js';
import type { KubernetesApi } from './kubernetes-api.js';
import type { KubeObject, KubernetesKind } from '../kubernetes-types.js';
import type { Progress } from './progress.js';

/** A listable resource: where the API server serves a kind. */
export interface ApiResource {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  /** A CustomResourceDefinition's kind, listed through client-node's custom-objects API. */
  custom?: boolean;
}

const resource = (group: string, version: string, plural: string, kind: string, namespaced = true, custom = false): ApiResource => ({
  group,
  version,
  plural,
  kind,
  namespaced,
  custom,
});

/** Where each kind checks ask for is listed. A kind not here is looked up through discovery. */
export const KIND_RESOURCES: Partial<Record<KubernetesKind, ApiResource>> = {
  Namespace: resource('', 'v1', 'namespaces', 'Namespace', false),
  Pod: resource('', 'v1', 'pods', 'Pod'),
  Service: resource('', 'v1', 'services', 'Service'),
  ConfigMap: resource('', 'v1', 'configmaps', 'ConfigMap'),
  Ingress: resource('networking.k8s.io', 'v1', 'ingresses', 'Ingress'),
  IngressClass: resource('networking.k8s.io', 'v1', 'ingressclasses', 'IngressClass', false),
  Deployment: resource('apps', 'v1', 'deployments', 'Deployment'),
  StatefulSet: resource('apps', 'v1', 'statefulsets', 'StatefulSet'),
  DaemonSet: resource('apps', 'v1', 'daemonsets', 'DaemonSet'),
  ReplicaSet: resource('apps', 'v1', 'replicasets', 'ReplicaSet'),
  APIService: resource('apiregistration.k8s.io', 'v1', 'apiservices', 'APIService', false),
  // GKE CRDs (https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration)
  BackendConfig: resource('cloud.google.com', 'v1', 'backendconfigs', 'BackendConfig', true, true),
  FrontendConfig: resource('networking.gke.io', 'v1beta1', 'frontendconfigs', 'FrontendConfig', true, true),
  ServiceNetworkEndpointGroup: resource('networking.gke.io', 'v1beta1', 'servicenetworkendpointgroups', 'ServiceNetworkEndpointGroup', true, true),
};

const PAGE_SIZE = 500;
/** Requests in flight at once when listing every kind in terminating namespaces. */
const CONCURRENCY = 8;

interface ObjectList {
  apiVersion?: string;
  kind?: string;
  metadata?: { continue?: string };
  items?: Record<string, unknown>[];
}

/** Lists Kubernetes objects through the API server, in the JSON shape `kubectl get -o json` prints. */
export class LiveKubernetes {
  private discovery: Promise<{ resources: ApiResource[]; failures: string[] }> | undefined;

  constructor(
    private readonly api: KubernetesApi,
    private readonly progress: Progress,
  ) {}

  /** Every object of `kind` cluster-wide, every page; a custom kind whose CRD is not installed has none. */
  async listKind(kind: KubernetesKind): Promise<KubeObject[]> {
    const known = KIND_RESOURCES[kind] ?? (await this.discover()).resources.find((candidate) => candidate.kind === kind);
    if (!known) return [];
    return known.custom ? this.listCustom(known) : this.list(known);
  }

  /** Every listable namespaced object in `namespaces`, whatever its kind: what the namespace controller still has to delete. */
  async objectsInNamespaces(namespaces: readonly string[]): Promise<KubeObject[]> {
    if (namespaces.length === 0) return [];
    const { resources, failures } = await this.discover();
    for (const failure of failures) this.progress.note(`API discovery failed for ${failure}; objects of its kinds in terminating namespaces are not listed`);
    const lists = resources.filter((candidate) => candidate.namespaced).flatMap((candidate) => namespaces.map((namespace) => ({ candidate, namespace })));
    const objects: KubeObject[] = [];
    await pool(lists, CONCURRENCY, async ({ candidate, namespace }) => {
      try {
        objects.push(...(await this.list(candidate, namespace)));
      } catch (error) {
        const failure = toApiFailure(error);
        if (failure.status !== 404 && failure.status !== 405) this.progress.note(`cannot list ${pluralName(candidate)} in namespace ${namespace}: ${failure.message}`);
      }
    });
    return objects;
  }

  private async list(listed: ApiResource, namespace?: string): Promise<KubeObject[]> {
    const base = listed.group ? `/apis/${listed.group}/${listed.version}` : `/api/${listed.version}`;
    const path = `${base}${namespace ? `/namespaces/${namespace}` : ''}/${listed.plural}`;
    const objects: KubeObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.api.getJson<ObjectList>(path, { limit: PAGE_SIZE, continue: token });
      objects.push(...typedItems(page, listed));
      token = page.metadata?.continue || undefined;
    } while (token);
    return objects;
  }

  private async listCustom(listed: ApiResource): Promise<KubeObject[]> {
    const objects: KubeObject[] = [];
    let token: string | undefined;
    try {
      do {
        const page = (await withRetry(() =>
          this.api.customObjects.listClusterCustomObject({ group: listed.group, version: listed.version, plural: listed.plural, limit: PAGE_SIZE, _continue: token }),
        )) as ObjectList;
        objects.push(...typedItems(page, listed));
        token = page.metadata?.continue || undefined;
      } while (token);
    } catch (error) {
      // No CRD, no such objects: a cluster without BackendConfigs answers 404.
      if (toApiFailure(error).status === 404) return [];
      throw error;
    }
    return objects;
  }

  /** The API server's resources: `/api/v1`, then each group's preferred version, as kubectl api-resources does. */
  private discover(): Promise<{ resources: ApiResource[]; failures: string[] }> {
    this.discovery ??= (async () => {
      const groups = await this.api.getJson<{ groups?: { name: string; preferredVersion?: { groupVersion: string } }[] }>('/apis');
      const groupVersions = ['v1', ...(groups.groups ?? []).flatMap((group) => (group.preferredVersion ? [group.preferredVersion.groupVersion] : []))];
      const failures: string[] = [];
      const lists = await Promise.all(
        groupVersions.map(async (groupVersion) => {
          try {
            const list = await this.api.getJson<{ resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[] }>(
              groupVersion === 'v1' ? '/api/v1' : `/apis/${groupVersion}`,
              {},
              // An aggregated API whose backend is down answers 503 until someone repairs it: no point waiting.
              { retries: 0 },
            );
            const [group, version] = groupVersion.includes('/') ? (groupVersion.split('/') as [string, string]) : ['', groupVersion];
            return (list.resources ?? [])
              .filter((entry) => !entry.name.includes('/') && entry.verbs?.includes('list'))
              .map((entry) => resource(group, version, entry.name, entry.kind, entry.namespaced));
          } catch (error) {
            failures.push(`${groupVersion} (${toApiFailure(error).message})`);
            return [];
          }
        }),
      );
      return { resources: lists.flat(), failures };
    })();
    return this.discovery;
  }
}

/** Raw API lists leave `kind` and `apiVersion` off their items; a snapshot (kubectl's output) has them. */
function typedItems(list: ObjectList, listed: ApiResource): KubeObject[] {
  const apiVersion = listed.group ? `${listed.group}/${listed.version}` : listed.version;
  return (list.items ?? []).map((item) => ({ ...item, kind: (item.kind as string | undefined) ?? listed.kind, apiVersion: (item.apiVersion as string | undefined) ?? apiVersion }) as KubeObject);
}

function pluralName(listed: ApiResource): string {
  return listed.group ? `${listed.plural}.${listed.group}` : listed.plural;
}

async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

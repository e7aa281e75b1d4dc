import { kubernetesPathSegment } from './path-segment.js';
import { ApiFailure, toApiFailure } from './api-failure.js';
import type { KubernetesApi } from './kubernetes-api.js';
import { retryableGet } from './kubernetes-api.js';
import type { ApiResource, Discovery, DiscoveredResource } from './kubernetes-discovery.js';
import { apiResource as resource, discoverResources, discoveryFailure, unseenByDiscovery } from './kubernetes-discovery.js';
import type { CappedList, UnreadKind } from '../cluster-state.js';
import { kubernetesResourceName } from '../cluster-state.js';
import { envelopeProblem, kubernetesShapeChecker } from '../data-shapes.js';
import type { RetryOptions } from './api-failure.js';
import { mebibytes } from './byte-size.js';
import type { KubeObject, KubernetesKind } from '../kubernetes-types.js';
import type { Progress } from './progress.js';
import { forbiddenInNamespaceHint } from './kubernetes-roles.js';
import { SharedParts, withoutUnreadFields } from './unread-fields.js';

export type { ApiResource } from './kubernetes-discovery.js';

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
  NetworkPolicy: resource('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy'),
  // Read only while a namespace is Terminating (ONLY_WHILE_TERMINATING): what can keep it from finishing.
  CustomResourceDefinition: resource('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false),
  ValidatingWebhookConfiguration: resource('admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', false),
  MutatingWebhookConfiguration: resource('admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', false),
  // GKE CRDs (https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration)
  BackendConfig: resource('cloud.google.com', 'v1', 'backendconfigs', 'BackendConfig', true, true),
  FrontendConfig: resource('networking.gke.io', 'v1beta1', 'frontendconfigs', 'FrontendConfig', true, true),
  ServiceNetworkEndpointGroup: resource('networking.gke.io', 'v1beta1', 'servicenetworkendpointgroups', 'ServiceNetworkEndpointGroup', true, true),
};

/**
 * Kinds read only while some namespace is Terminating: what keeps a namespace from finishing
 * (a CRD whose conversion webhook is gone, an admission webhook that refuses the finalizer
 * patches). CRDs carry their whole schemas, so they are not listed when nothing needs them;
 * with no namespace Terminating, none of these is listed and the list counts as read and empty.
 */
export const ONLY_WHILE_TERMINATING: ReadonlySet<KubernetesKind> = new Set(['CustomResourceDefinition', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']);

/**
 * Kinds from CRDs a cluster may or may not serve, at whichever version it serves
 * them: discovery of the group decides (Gateway API ReferenceGrant is v1beta1 on
 * older channels and v1 on newer ones; GRPCRoute exists only from Gateway API 1.1).
 * A cluster without the group has none of them, which is not a failure.
 * Gateway API: https://cloud.google.com/kubernetes-engine/docs/how-to/deploying-gateways;
 * GKE policies: GoogleCloudPlatform/gke-gateway-api apis/networking/v1.
 */
export const DISCOVERED_KINDS: Partial<Record<KubernetesKind, { group: string; plural: string }>> = {
  GatewayClass: { group: 'gateway.networking.k8s.io', plural: 'gatewayclasses' },
  Gateway: { group: 'gateway.networking.k8s.io', plural: 'gateways' },
  HTTPRoute: { group: 'gateway.networking.k8s.io', plural: 'httproutes' },
  GRPCRoute: { group: 'gateway.networking.k8s.io', plural: 'grpcroutes' },
  ReferenceGrant: { group: 'gateway.networking.k8s.io', plural: 'referencegrants' },
  HealthCheckPolicy: { group: 'networking.gke.io', plural: 'healthcheckpolicies' },
  GCPBackendPolicy: { group: 'networking.gke.io', plural: 'gcpbackendpolicies' },
  GCPGatewayPolicy: { group: 'networking.gke.io', plural: 'gcpgatewaypolicies' },
  // GKE's managed-certificate CRD (GoogleCloudPlatform/gke-managed-certs deploy/managedcertificates-crd.yaml).
  ManagedCertificate: { group: 'networking.gke.io', plural: 'managedcertificates' },
};

/**
 * Events are read only where the load-balancer checks look, never cluster-wide: in the given
 * namespaces, one page each. Core v1 first; events.k8s.io/v1 where core v1 is not served.
 */
export const EVENT_RESOURCES: readonly ApiResource[] = [resource('', 'v1', 'events', 'Event'), resource('events.k8s.io', 'v1', 'events', 'Event')];
/** The controllers' complaints: every Warning, and ingress-gce's Normal `XPN` event asking a Shared VPC security admin for a firewall change (pkg/firewalls/controller.go). */
const EVENT_SELECTORS: readonly string[] = ['type=Warning', 'type=Normal,reason=XPN'];
/** At most this many events per namespace and selector (one page): an old, noisy namespace does not make the run slow. */
export const EVENTS_PER_NAMESPACE = 500;

/**
 * Objects per list page, by resource. A page's answer is held whole while it is parsed, so a
 * larger page costs memory; a list's pages follow one another, so a smaller one costs a round
 * trip each. Measured at 1x (20,000 Pods, 30 ms round trip, bench/notes.md "Page sizes"): Pods
 * at 500, 2,000 and 5,000 a page took the same CPU (5.6, 5.7, 4.8 s on the loaded machine) and
 * 266, 293 and 373 MB at the peak, with 40, 10 and 4 pages one after the other. 2,000 for the
 * lists that are long in a large cluster and whose objects are no larger than a Pod (Namespaces,
 * Services, metadata-only lists), so a page stays a few MB; 500, kubectl's --chunk-size
 * default, for kinds whose objects can be large (a ConfigMap or Secret holds up to 1 MiB).
 */
const PAGE_SIZES: Readonly<Record<string, number>> = { pods: 2000, namespaces: 2000, services: 2000 };
const PAGE_SIZE = 500;
const METADATA_PAGE_SIZE = 2000;

function pageSizeOf(listed: ApiResource, accept?: string): number {
  if (accept === METADATA_ONLY) return METADATA_PAGE_SIZE;
  return (!listed.group && PAGE_SIZES[listed.plural]) || PAGE_SIZE;
}

/**
 * The most one list may gather over all its pages, so a list served forever (a new continue
 * token each page) stops here. GKE's largest clusters hold 200,000 Pods; a full Pod list of
 * 100,000 is about 500 MB.
 */
export const KUBERNETES_LIST_CAPS = { items: 500_000, bytes: 512 * 2 ** 20, pages: 10_000 };
/** Requests in flight at once when listing every kind in terminating namespaces. */
const CONCURRENCY = 8;
/** Up to this many Terminating namespaces, a kind is listed in each; beyond, once cluster-wide. */
const PER_NAMESPACE_LISTS = 3;
/**
 * Metadata only (name, finalizers, owners, deletionTimestamp), as a PartialObjectMetadataList
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#receiving-resources-as-tables:
 * "Retrieving metadata only"); a server that does not know it sends the full objects.
 */
const METADATA_ONLY = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

/** What one list reads: a field selector, at most `max` objects (then `onCapped` if there were more), only those `keep` keeps. */
interface ListLimits {
  fieldSelector?: string;
  max?: number;
  keep?: (object: KubeObject) => boolean;
  onCapped?: () => void;
}

/** The path of a list of `listed`, in `namespace` or cluster-wide; every segment a checked name. */
function listPath(listed: ApiResource, namespace?: string): string {
  const version = kubernetesPathSegment(listed.version, 'the API version');
  const base = listed.group ? `/apis/${kubernetesPathSegment(listed.group, 'the API group')}/${version}` : `/api/${version}`;
  return `${base}${namespace ? `/namespaces/${kubernetesPathSegment(namespace, 'the namespace')}` : ''}/${kubernetesPathSegment(listed.plural, 'the resource')}`;
}

interface ObjectList {
  apiVersion?: string;
  kind?: string;
  metadata?: { continue?: string; remainingItemCount?: number };
  items?: Record<string, unknown>[];
}

/**
 * A list that failed in a CRD's conversion webhook (a 500: `conversion webhook for … failed`,
 * apiextensions-apiserver webhook_converter.go) fails the same way until someone repairs the
 * webhook, as an unavailable aggregated API answers 503 until repaired: not sent again.
 */
const NOT_AFTER_CONVERSION_FAILURE = { retryable: (failure: ApiFailure) => !failure.message.includes('conversion webhook for') && retryableGet(failure) };

/** Lists Kubernetes objects through the API server, in the JSON shape `kubectl get -o json` prints. */
export interface NamespaceContents {
  objects: KubeObject[];
  /** Per namespace, the kinds discovery lists that could not be listed in it, and why. */
  unread: Map<string, UnreadKind[]>;
  /** API group versions whose discovery failed: their kinds are unknown. */
  undiscovered: UnreadKind[];
}

export class LiveKubernetes {
  private discovery: Promise<Discovery> | undefined;
  private readonly shared = new SharedParts();
  private readonly groupDiscovery = new Map<string, Promise<ApiResource[]>>();

  constructor(
    private readonly api: KubernetesApi,
    private readonly progress: Progress,
    /** How much one list may gather over its pages (KUBERNETES_LIST_CAPS unless a test lowers it). */
    private readonly caps = KUBERNETES_LIST_CAPS,
    /** Leave out the fields no built-in check reads (unread-fields.ts), as each page is read. */
    private readonly leaveOutUnread = false,
  ) {}

  /** Every object of `kind` cluster-wide, every page; a custom kind whose CRD is not installed has none. */
  async listKind(kind: KubernetesKind): Promise<KubeObject[]> {
    const discovered = DISCOVERED_KINDS[kind];
    if (discovered) {
      const served = (await this.discoverGroup(discovered.group)).find((candidate) => candidate.plural === discovered.plural);
      return served ? this.listCustom(served) : [];
    }
    const known = KIND_RESOURCES[kind] ?? (await this.discover()).resources.find((candidate) => candidate.kind === kind);
    if (!known) return [];
    return known.custom ? this.listCustom(known) : this.list(known);
  }

  /**
   * Every listable namespaced object in `namespaces`, whatever its kind: what
   * the namespace controller still has to delete. A kind this run lists
   * cluster-wide anyway (`listedClusterWide`) is taken from that list, not
   * listed again; the others are listed as metadata only (all the deletion
   * diagnosis reads, as the namespace controller's own metadata client does):
   * in each namespace when there are few, else once cluster-wide, so the
   * requests do not grow with the number of Terminating namespaces. A
   * cluster-wide list that failed falls back to one list per namespace. What
   * could not be listed is named per namespace, so nothing reads an unlisted
   * kind as an empty one.
   */
  async objectsInNamespaces(namespaces: readonly string[], listedClusterWide: (resource: ApiResource) => Promise<KubeObject[]> | undefined): Promise<NamespaceContents> {
    const unread = new Map<string, UnreadKind[]>();
    if (namespaces.length === 0) return { objects: [], unread, undiscovered: [] };
    const unreadIn = (namespace: string) => unread.get(namespace) ?? unread.set(namespace, []).get(namespace)!;
    const discovery = await this.discover();
    const { unseen, unchecked } = await this.unseenKinds(discovery, listedClusterWide);
    // Every way a kind goes unseen: its group version's discovery failed, it cannot be listed, discovery leaves it out.
    const undiscovered = [...discovery.failures, ...discovery.unlistable, ...unseen];
    for (const failure of discovery.failures) this.progress.note(`API discovery failed for ${failure.resource} (${failure.reason}); objects of its kinds in terminating namespaces are not listed`);
    for (const kind of [...discovery.unlistable, ...unseen]) this.progress.note(`${kind.resource} cannot be listed (${kind.reason}); its objects in terminating namespaces are not known`);
    if (unchecked.length > 0) for (const namespace of namespaces) unreadIn(namespace).push(...unchecked);
    const wanted = new Set(namespaces);
    const objects: KubeObject[] = [];
    await pool(
      discovery.resources.filter((candidate) => candidate.namespaced),
      CONCURRENCY,
      async (candidate) => {
        const listedAnyway = listedClusterWide(candidate);
        const whole = listedAnyway ?? (namespaces.length > PER_NAMESPACE_LISTS ? this.list(candidate, undefined, METADATA_ONLY) : undefined);
        const found = await whole?.then(
          (list) => list,
          () => undefined,
        );
        if (found) {
          objects.push(...found.filter((object) => wanted.has(object.metadata?.namespace ?? '')));
          return;
        }
        let served: Promise<boolean> | undefined;
        for (const namespace of namespaces) {
          try {
            // A kind the checks read in full is listed in full; for the others the metadata is all there is to say.
            objects.push(...(await this.list(candidate, namespace, listedAnyway ? undefined : METADATA_ONLY)));
          } catch (error) {
            const failure = toApiFailure(error);
            // 404 with discovery no longer listing it: the kind went away since discovery (its CRD was deleted,
            // and its objects first: apiextensions' customresourcecleanup finalizer). Listed still, the 404 hides them.
            if (failure.status === 404 && !(await (served ??= this.stillServed(candidate)))) continue;
            const why = failure.status === 404 ? ' (API discovery still lists it)' : failure.status === 403 ? `: ${forbiddenInNamespaceHint(candidate.group, candidate.plural)}` : '';
            const reason = `${failure.status ? `${failure.status} ` : ''}${failure.message}${why}`;
            unreadIn(namespace).push({ resource: pluralName(candidate), reason });
            this.progress.note(`cannot list ${pluralName(candidate)} in namespace ${namespace}: ${reason}`);
          }
        }
      },
    );
    for (const [namespace, kinds] of unread) {
      if (kinds.length === 0) unread.delete(namespace);
      else kinds.sort((a, b) => a.resource.localeCompare(b.resource));
    }
    return { objects, unread, undiscovered };
  }

  /**
   * The Warning events (and XPN firewall notices) in `namespaces`, at most EVENTS_PER_NAMESPACE
   * per namespace and selector, through core v1, or events.k8s.io/v1 when core v1 answers 404;
   * with every list that cap cut short (`capped`), never dropped silently. With more namespaces
   * than requests in flight, one list per selector cluster-wide when that can be read and cuts
   * nothing short (listEventsClusterWide), else one per namespace.
   */
  async listEvents(namespaces: readonly string[]): Promise<{ events: KubeObject[]; capped: CappedList[] }> {
    if (namespaces.length > CONCURRENCY) {
      const clusterWide = await this.listEventsClusterWide(namespaces).catch(() => undefined);
      if (clusterWide) return { events: clusterWide, capped: [] };
    }
    const events: KubeObject[] = [];
    const capped: CappedList[] = [];
    await pool(namespaces, CONCURRENCY, async (namespace) => {
      for (const fieldSelector of EVENT_SELECTORS) {
        for (const [index, served] of EVENT_RESOURCES.entries()) {
          try {
            let cut = false;
            const listed = await this.list(served, namespace, undefined, { fieldSelector, max: EVENTS_PER_NAMESPACE, onCapped: () => (cut = true) });
            events.push(...listed);
            if (cut) capped.push({ namespace, fieldSelector, read: listed.length, ...(await this.unreadAtMost(served, namespace, listed.length)) });
            break;
          } catch (error) {
            if (toApiFailure(error).status !== 404 || index === EVENT_RESOURCES.length - 1) throw error;
          }
        }
      }
    });
    return { events, capped };
  }

  /**
   * How many events a capped list left unread, at most: the API server does not count what is left of a list
   * asked with a field selector (ListMeta.remainingItemCount: "If the list request contained label or field
   * selectors, then the number of remaining items is unknown"), so one page of one event without a selector gives
   * the namespace's count of events of every type, and the unread ones are among them. Unknown when that count
   * cannot be had (a server older than 1.15 sets no remainingItemCount; a failed request).
   */
  private async unreadAtMost(served: ApiResource, namespace: string, read: number): Promise<{ unreadAtMost?: number }> {
    try {
      const path = listPath(served, namespace);
      const { value: page } = await this.readDocument<ObjectList>('kubernetesList', path, { limit: 1 }, NOT_AFTER_CONVERSION_FAILURE);
      const remaining = page.metadata?.remainingItemCount;
      return typeof remaining === 'number' ? { unreadAtMost: Math.max(0, (page.items?.length ?? 0) + remaining - read) } : {};
    } catch {
      return {};
    }
  }

  /**
   * One list per selector, cluster-wide: two requests (and their pages) where the lists per
   * namespace are two per namespace, a chain of 75 round trips for the benchmark's 300
   * namespaces with Ingresses (bench/notes.md). It keeps what those lists would hold (each of
   * `namespaces`' events) and reads no more events in all than they could have. Undefined, and
   * each namespace is listed instead, when there are more (a noisy namespace elsewhere), when one
   * of `namespaces` has more than EVENTS_PER_NAMESPACE (its own list is capped, and says how many
   * it left unread), or on a failure (RBAC may allow events only in some namespaces).
   */
  private async listEventsClusterWide(namespaces: readonly string[]): Promise<KubeObject[] | undefined> {
    const wanted = new Set(namespaces);
    const lists = await Promise.all(
      EVENT_SELECTORS.map(async (fieldSelector) => {
        const kept = new Map<string, number>();
        let more = false;
        const keep = (event: KubeObject) => {
          const namespace = event.metadata?.namespace ?? '';
          if (!wanted.has(namespace)) return false;
          kept.set(namespace, (kept.get(namespace) ?? 0) + 1);
          if (kept.get(namespace)! > EVENTS_PER_NAMESPACE) more = true;
          return true;
        };
        const events = await this.listEventsIn(undefined, fieldSelector, { max: EVENTS_PER_NAMESPACE * namespaces.length, keep, onCapped: () => (more = true) });
        return more ? undefined : events;
      }),
    );
    return lists.some((list) => list === undefined) ? undefined : lists.flat() as KubeObject[];
  }

  /** Events of one selector in `namespace` (cluster-wide when undefined), core v1 first. */
  private async listEventsIn(namespace: string | undefined, fieldSelector: string, only: Omit<ListLimits, 'fieldSelector'>): Promise<KubeObject[]> {
    for (const [index, served] of EVENT_RESOURCES.entries()) {
      try {
        return await this.list(served, namespace, undefined, { fieldSelector, max: EVENTS_PER_NAMESPACE, ...only });
      } catch (error) {
        if (toApiFailure(error).status !== 404 || index === EVENT_RESOURCES.length - 1) throw error;
      }
    }
    return [];
  }

  /** Whether `resource` is where `kind` is listed (so a list of that kind holds its objects). */
  static serves(resource: ApiResource, kind: KubernetesKind): boolean {
    const known = KIND_RESOURCES[kind];
    return known ? known.group === resource.group && known.plural === resource.plural : resource.kind === kind;
  }

  private async list(listed: ApiResource, namespace?: string, accept?: string, only: ListLimits = {}): Promise<KubeObject[]> {
    const path = listPath(listed, namespace);
    const objects: KubeObject[] = [];
    const tokens = new Set<string>();
    let bytes = 0;
    let scanned = 0;
    let token: string | undefined;
    const pageSize = pageSizeOf(listed, accept);
    do {
      const { page, items, bytes: pageBytes } = await this.readListPage(path, listed, { limit: Math.min(pageSize, only.max ?? pageSize), continue: token, fieldSelector: only.fieldSelector }, accept);
      bytes += pageBytes;
      const pages = tokens.size + 1;
      if (bytes > this.caps.bytes) throw new ApiFailure(`GET ${path}: more than ${mebibytes(this.caps.bytes)} over ${pages} pages, the most one list may take`, undefined, { code: 'TOO_LARGE' });
      if (objects.length + items.length > this.caps.items) throw new ApiFailure(`GET ${path}: more than ${this.caps.items} objects over ${pages} pages, the most one list may hold`, undefined, { code: 'TOO_LARGE' });
      for (const item of items) {
        if ('problem' in item) throw new ApiFailure(`${path}: ${item.problem}`, undefined, { code: 'INVALID_BODY' });
        scanned++;
        if (!only.keep || only.keep(item.object)) objects.push(item.object);
      }
      token = page.metadata?.continue || undefined;
      // Empty pages with a new token each time reach no other cap.
      if (token !== undefined && pages >= this.caps.pages) throw new ApiFailure(`GET ${path}: more than ${this.caps.pages} pages, the most one list may take`, undefined, { code: 'TOO_LARGE' });
      if (token !== undefined && tokens.has(token)) throw new ApiFailure(`GET ${path}: the API server answered a continue token it had answered before (it would list forever)`, undefined, { code: 'INVALID_BODY' });
      if (token !== undefined) tokens.add(token);
      // More items announced and no way to ask for them: the list was cut short, not complete.
      if (!token && Number(page.metadata?.remainingItemCount ?? 0) > 0) {
        throw new ApiFailure(`${path}: the list announces ${page.metadata!.remainingItemCount} more items but gives no continue token: it is cut short`, undefined, { code: 'INVALID_BODY' });
      }
    } while (token && (only.max === undefined || scanned < only.max));
    // Stopped at `max` with more to read: the caller says so.
    if (token) only.onCapped?.();
    return objects;
  }

  /**
   * One page of a list, its items read one by one as they arrive (KubernetesApi.getListPage):
   * each typed, its shape checked, and (for a check run) cut to what checks read, so that only
   * what is kept outlives its item. Refused as readDocument refuses a page whose envelope is not
   * a List; an item of the wrong shape is said in its turn by the caller, after the caps.
   */
  private async readListPage(path: string, listed: ApiResource, query: Record<string, string | number | undefined>, accept?: string): Promise<{ page: ObjectList; items: CheckedItem[]; bytes: number }> {
    const shapeProblem = await kubernetesShapeChecker();
    const read = (item: unknown): ListedItem => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) return { notAnObject: item };
      const object = typedItem(item as Record<string, unknown>, listed);
      const problem = shapeProblem(object);
      if (problem) return { problem: `${kubernetesResourceName(object)}: ${problem}` };
      return { object: this.leaveOutUnread ? withoutUnreadFields(object, this.shared) : object };
    };
    const { envelope, items, bytes } = await this.api.getListPage(path, query, read, NOT_AFTER_CONVERSION_FAILURE, accept);
    // The envelope's shape with its items as they came, up to the first that is not an object (the only way an item fails it).
    const firstNotAnObject = items.findIndex((item) => 'notAnObject' in item);
    const checked = isObject(envelope) && firstNotAnObject >= 0 ? { ...envelope, items: items.slice(0, firstNotAnObject + 1).map((item) => ('notAnObject' in item ? item.notAnObject : {})) } : envelope;
    const problem = await envelopeProblem('kubernetesList', checked);
    if (problem) throw new ApiFailure(`GET ${path}: the answer is not ${ENVELOPE_NAMES.kubernetesList} (${problem})`, undefined, { code: 'INVALID_BODY' });
    return { page: envelope as ObjectList, items: items as CheckedItem[], bytes };
  }

  /** One GET of a list page or a discovery document, refused (naming the path) when its envelope is not what the API defines. */
  private async readDocument<T>(envelope: keyof typeof ENVELOPE_NAMES, path: string, query?: Record<string, string | number | undefined>, retry?: RetryOptions, accept?: string): Promise<{ value: T; bytes: number }> {
    const document = await this.api.getSizedJson<unknown>(path, query, retry, accept);
    const problem = await envelopeProblem(envelope, document.value);
    if (problem) throw new ApiFailure(`GET ${path}: the answer is not ${ENVELOPE_NAMES[envelope]} (${problem})`, undefined, { code: 'INVALID_BODY' });
    return document as { value: T; bytes: number };
  }

  private async listCustom(listed: ApiResource): Promise<KubeObject[]> {
    try {
      return await this.list(listed);
    } catch (error) {
      // No CRD, no such objects: a cluster without BackendConfigs answers 404.
      if (toApiFailure(error).status === 404) return [];
      throw error;
    }
  }

  /**
   * The listable resources of one API group, each at the first version that serves
   * it, the preferred version first (as kubectl resolves a kind). A group the server
   * does not know (404) has none; any other failure is a failure to read.
   */
  private discoverGroup(group: string): Promise<ApiResource[]> {
    let found = this.groupDiscovery.get(group);
    if (!found) {
      found = (async () => {
        let apiGroup: { versions?: { version: string }[]; preferredVersion?: { version: string } };
        try {
          apiGroup = (await this.readDocument<typeof apiGroup>('apiGroup', `/apis/${group}`)).value;
        } catch (error) {
          if (toApiFailure(error).status === 404) return [];
          throw discoveryFailure(`/apis/${group}`, error);
        }
        const preferred = apiGroup.preferredVersion?.version;
        const versions = [...new Set([...(preferred ? [preferred] : []), ...(apiGroup.versions ?? []).map((entry) => entry.version)])];
        const resources: ApiResource[] = [];
        for (const version of versions) {
          let list: { resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[] };
          try {
            list = (await this.readDocument<typeof list>('apiResourceList', `/apis/${group}/${version}`)).value;
          } catch (error) {
            if (toApiFailure(error).status === 404) continue;
            throw discoveryFailure(`/apis/${group}/${version}`, error);
          }
          for (const entry of list.resources ?? []) {
            if (entry.name.includes('/') || !entry.verbs?.includes('list') || resources.some((known) => known.plural === entry.name)) continue;
            resources.push(resource(group, version, entry.name, entry.kind, entry.namespaced, true));
          }
        }
        return resources;
      })();
      // A failed discovery is not remembered: the next kind asks again.
      found.catch(() => this.groupDiscovery.delete(group));
      this.groupDiscovery.set(group, found);
    }
    return found;
  }

  /** The API server's resources, as the namespace controller discovers them (kubernetes-discovery.ts), each document's envelope checked. */
  private discover(): Promise<Discovery> {
    this.discovery ??= discoverResources(async <T>(envelope: 'apiGroupList' | 'apiResourceList', path: string, retry?: RetryOptions) => (await this.readDocument<T>(envelope, path, {}, retry)).value);
    return this.discovery;
  }

  /**
   * Kinds discovery does not show although the cluster defines them (an APIService or a
   * CustomResourceDefinition discovery leaves out); null when that could not be checked, with why.
   */
  private async unseenKinds(discovery: Discovery, listedClusterWide: (resource: ApiResource) => Promise<KubeObject[]> | undefined): Promise<{ unseen: UnreadKind[]; unchecked: UnreadKind[] }> {
    const names = async (listed: ApiResource) => (await (listedClusterWide(listed) ?? this.list(listed, undefined, METADATA_ONLY))).map((object) => object.metadata?.name ?? '');
    const unchecked: UnreadKind[] = [];
    const read = async (listed: ApiResource) =>
      names(listed).catch((error: unknown) => {
        const failure = toApiFailure(error);
        unchecked.push({ resource: pluralName(listed), reason: `${failure.status ? `${failure.status} ` : ''}${failure.message} (so whether API discovery left out a kind is not known)` });
        return [];
      });
    const [apiServices, crds] = await Promise.all([read(KIND_RESOURCES.APIService!), read(CUSTOM_RESOURCE_DEFINITIONS)]);
    return { unseen: unseenByDiscovery(discovery, apiServices, crds), unchecked };
  }

  /** Whether discovery still lists `listed` (a list answered 404: gone since discovery, or not). */
  private async stillServed(listed: ApiResource): Promise<boolean> {
    const path = listed.group ? `/apis/${listed.group}/${listed.version}` : `/api/${listed.version}`;
    try {
      const { value: list } = await this.readDocument<{ resources?: DiscoveredResource[] }>('apiResourceList', path);
      return (list.resources ?? []).some((entry) => entry.name === listed.plural);
    } catch (error) {
      return toApiFailure(error).status !== 404;
    }
  }
}

const CUSTOM_RESOURCE_DEFINITIONS = resource('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false);

/** An item of a list page as read: the object (as kept), or what is wrong with it. */
type ListedItem = { object: KubeObject } | { problem: string } | { notAnObject: unknown };
/** Once the envelope is checked, every item is an object. */
type CheckedItem = Exclude<ListedItem, { notAnObject: unknown }>;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Raw API lists leave `kind` and `apiVersion` off their items; a snapshot (kubectl's output) has them.
 * A metadata-only list's items say `PartialObjectMetadata`: they are objects of the listed kind.
 */
function typedItem(item: Record<string, unknown>, listed: ApiResource): KubeObject {
  const apiVersion = listed.group ? `${listed.group}/${listed.version}` : listed.version;
  const partial = item.kind === 'PartialObjectMetadata' || item.kind === undefined;
  return { ...item, kind: partial ? listed.kind : item.kind, apiVersion: partial ? apiVersion : ((item.apiVersion as string | undefined) ?? apiVersion) } as KubeObject;
}

const ENVELOPE_NAMES: Record<'kubernetesList' | 'apiGroupList' | 'apiGroup' | 'apiResourceList', string> = {
  kubernetesList: 'a List',
  apiGroupList: 'an APIGroupList',
  apiGroup: 'an APIGroup',
  apiResourceList: 'an APIResourceList',
};

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

import type { AuthClient } from 'google-auth-library';
import type { RetryOptions } from './api-failure.js';
import { ApiFailure, toApiFailure } from './api-failure.js';
import { hasDotSegment, kubernetesPathSegment } from './path-segment.js';
import { gcpShapeProblem } from '../data-shapes.js';
import type { CappedList, ClusterState, DataKey, GcpData, GcpDataKey, UnreadKind } from '../cluster-state.js';
import { GCP_DATA_KEYS, KubernetesObjects } from '../cluster-state.js';
import type { CredentialOptions } from './gcp-credentials.js';
import { googleCredentials, rejectedCredentials } from './gcp-credentials.js';
import { GOOGLE_API_SERVICES } from './gcp-endpoints.js';
import type { Deadline } from './deadline.js';
import type { IamRole } from '../gcp-types.js';
import type { KubernetesApi, RawResponse } from './kubernetes-api.js';
import type { Gateway, Ingress, KubeObject, KubernetesKind } from '../kubernetes-types.js';
import { callLimits } from './google-request.js';
import type { SelfContainedGcpDataKey } from './live-gcp.js';
import { GCP_DATA_INPUTS, GCP_DATA_SOURCES, LiveGcp, transportNames } from './live-gcp.js';
import { sharedVpcHostProject } from '../shared-vpc.js';
import { CONNECT_GATEWAY_ACCESS, PROBE_ROLE_NAME, READER_ROLE_NAME } from './kubernetes-roles.js';
import { backendServicesInUse } from '../../gke/load-balancer/backend-services-in-use.js';
import type { LiveTarget, TargetOptions } from './live-target.js';
import { kubeconfigHint, requireCluster, requireProject, resolveLiveTarget } from './live-target.js';
import type { LiveKubernetes } from './live-kubernetes.js';
import type { Progress } from './progress.js';
import type { RequestLog } from './request-log.js';
import { silentProgress } from './progress.js';
import type { Probe, ProbeResponse, StateSource } from '../source.js';

export interface LiveOptions extends TargetOptions, CredentialOptions {
  progress?: Progress;
  env?: NodeJS.ProcessEnv;
  /** The run's `--timeout`: no request or retry wait goes past it, and what is unread then is named as timed out. */
  deadline?: Deadline;
  /** How Kubernetes GETs are retried (tests shorten the backoff). */
  retry?: RetryOptions;
  /** `-v`: every HTTP request to Google and Kubernetes, as it ends. */
  requestLog?: RequestLog;
  /** In a Pod: where the service-account token and CA are mounted (default SERVICE_ACCOUNT_DIR). */
  serviceAccountDir?: string;
  /** A target already resolved (a fleet run names each cluster itself, with no kubeconfig). */
  target?: LiveTarget;
  /** Google credentials already made (a fleet run shares one for every cluster). */
  auth?: AuthClient;
  /** Where GCP data comes from instead of a reader of its own (a fleet run shares project data between clusters). */
  gcpReader?: Pick<LiveGcp, 'read' | 'customRoles' | 'backendHealth' | 'backendServiceScopes'>;
  /** How to reach the API server instead of a kubeconfig (a fleet run connects to each cluster's endpoint). */
  kubernetes?: () => Promise<KubernetesConnection>;
  /**
   * Only built-in checks read the state, and nothing writes objects back: keep only the fields
   * they read as each page is listed (unread-fields.ts; smaller objects held).
   */
  leaveOutUnreadFields?: boolean;
  /** Kubernetes objects as each list of them is read, before the state is complete (`snapshot` writes them meanwhile). */
  onObjects?: (objects: readonly KubeObject[]) => void;
}

/** What has been read so far: at the deadline, the state is made of it. */
interface Reading {
  /** The target, once complete (in a Pod, after the metadata server named the cluster). */
  target: LiveTarget | null;
  gcp: GcpData;
  customRoles?: Map<string, IamRole>;
  objects: Map<string, KubeObject>;
  unavailable: Map<DataKey, string>;
  /** Keys read in full; at the deadline, every other key asked for is named as timed out. */
  read: Set<DataKey>;
  unreadInNamespaces: Map<string, UnreadKind[]>;
  undiscovered: UnreadKind[];
  cappedLists: Map<KubernetesKind, CappedList[]>;
}

/** An API server reached, or why it cannot be. */
export type KubernetesConnection = { api: KubernetesApi } | { unavailable: string };

/**
 * Reads a real project and cluster: GCP through the Google client libraries,
 * Kubernetes through the kubeconfig. Every read runs concurrently; a read that
 * fails makes only the data it was for unavailable, with the reason.
 */
export class LiveSource implements StateSource {
  private kubernetesApi: Promise<KubernetesApi | null> | undefined;
  private target: LiveTarget | undefined;

  constructor(private readonly options: LiveOptions) {}

  async collect(keys: ReadonlySet<DataKey>): Promise<ClusterState> {
    const progress = this.options.progress ?? silentProgress;
    const deadline = this.options.deadline;
    const read: Reading = { target: null, gcp: {}, objects: new Map(), unavailable: new Map(), read: new Set(), unreadInNamespaces: new Map(), undiscovered: [], cappedLists: new Map() };
    const reading = this.read(keys, read, progress);
    try {
      if (!deadline) await reading;
      else {
        // Everything counts against --timeout, from asking the metadata server which cluster this is to the last page.
        reading.catch(() => undefined);
        const timedOut = new Promise<'timed out'>((resolve) => {
          if (deadline.signal.aborted) resolve('timed out');
          deadline.signal.addEventListener('abort', () => resolve('timed out'), { once: true });
        });
        if ((await Promise.race([reading, timedOut])) === 'timed out') {
          // Requests cut by the deadline fail with their own reason (which request, from which API) once their handlers have run.
          await new Promise((resolve) => setImmediate(resolve));
          // What was read is kept; whatever is still unread is named, and nothing written later counts.
          const what = read.target ? whatIsRead : () => 'which cluster this Pod runs in from the GKE metadata server';
          for (const key of keys) {
            if (!read.unavailable.has(key) && !read.read.has(key)) read.unavailable.set(key, deadline.failure(what(key)).message);
          }
        }
      }
    } finally {
      progress.finish();
    }
    const target = read.target ?? this.resolveTarget();
    return {
      ...read.gcp,
      ...(read.customRoles ? { customRoles: read.customRoles } : {}),
      target: { source: 'live', project: target.project, location: target.location, cluster: target.cluster },
      kubernetes: new KubernetesObjects(read.objects.values()),
      unavailable: new Map(read.unavailable),
      unreadInNamespaces: read.unreadInNamespaces,
      undiscovered: read.undiscovered,
      ...(read.cappedLists.size > 0 ? { cappedLists: new Map(read.cappedLists) } : {}),
      locations: new Map(),
    };
  }

  /** Reads every key into `into`, concurrently; resolves when each read has succeeded or failed. */
  private async read(keys: ReadonlySet<DataKey>, into: Reading, progress: Progress): Promise<void> {
    const env = this.options.env ?? process.env;
    const target = await this.completeTarget();
    into.target = target;
    // With what dependent keys are read from (GCP_DATA_INPUTS): a cluster only where the target names one.
    const asked = GCP_DATA_KEYS.filter((key) => keys.has(key));
    const gcpKeys = GCP_DATA_KEYS.filter((key) => keys.has(key) || asked.some((dependent) => GCP_DATA_INPUTS[dependent] === key && (key !== 'cluster' || target.cluster)));
    if (gcpKeys.length > 0) requireProject(target);
    if (keys.has('cluster')) requireCluster(target);
    const auth = gcpKeys.length > 0 ? (this.options.auth ?? (await googleCredentials(this.options, env))) : undefined;

    const { unavailable, read, gcp } = into;
    const addObjects = (list: KubeObject[]) => {
      for (const object of list) into.objects.set(objectKey(object), object);
      this.options.onObjects?.(list);
    };
    const tasks: Promise<void>[] = [];
    const reader = auth ? (this.options.gcpReader ?? new LiveGcp({ project: target.project!, location: target.location, cluster: target.cluster }, auth, env, callLimits(this.options.deadline, this.options.requestLog))) : undefined;
    // The Google requests leave before client-node is imported (it blocks the event loop for a while); each has its handler from the start.
    if (reader) {
      const started = new Map<GcpDataKey, Promise<void>>();
      // Backend health is read once the Ingresses and Gateways are listed (below).
      for (const key of gcpKeys.filter((candidate): candidate is SelfContainedGcpDataKey => candidate !== 'backendHealth')) {
        const input = GCP_DATA_INPUTS[key];
        const before = input ? started.get(input) : undefined;
        const task = (async () => {
          // A dependent key waits for its input, then is read from it (or needs no read).
          if (input) {
            await before?.catch(() => undefined);
            const reason = inputMissing(key, input, gcp, unavailable);
            if (reason) return void unavailable.set(key, reason);
            // The cluster's network is its own project's: no host project, nothing to read.
            if (key === 'hostIamPolicy' && !sharedVpcHostProject(gcp.cluster!, target.project!)) return void read.add(key);
            // No trigger names a topic (or subscription): nothing to read, nothing to write in a snapshot.
            if (key === 'pubsubTopics' && transportNames(gcp.eventarcTriggers!, 'topic').length === 0) return void read.add(key);
            if (key === 'pubsubSubscriptions' && transportNames(gcp.eventarcTriggers!, 'subscription').length === 0) return void read.add(key);
          }
          const done = await this.readGcp(reader, key, gcp, unavailable, progress);
          if (done) read.add(key);
          // Custom roles bound in the policy are read with it: checks decide roles by the permissions they hold.
          if (key === 'iamPolicy' && gcp.iamPolicy) into.customRoles = await reader.customRoles(gcp.iamPolicy);
        })();
        started.set(key, task);
        // Handled now (a 401 rejects it while client-node loads); Promise.all below still sees the rejection.
        task.catch(() => undefined);
        tasks.push(task);
      }
    }
    // The project's backend services are listed now, with the other Google reads: which of them matter is known once the Ingresses and Gateways are listed.
    const backendServiceScopes = reader && keys.has('backendHealth') && (this.options.kubernetes || target.kubernetes) ? reader.backendServiceScopes() : undefined;
    // Handled now: when no Ingress or Gateway names a backend service, nobody waits for it.
    backendServiceScopes?.catch(() => undefined);
    const kubernetes = await this.kubernetes();
    const { LiveKubernetes, ONLY_WHILE_TERMINATING } = await import('./live-kubernetes.js');
    const live = kubernetes ? new LiveKubernetes(kubernetes, progress, undefined, this.options.leaveOutUnreadFields) : null;
    const noKubernetes = this.noKubernetes ?? kubeconfigHint(target, env);

    const kinds = [...keys].filter((key): key is KubernetesKind => !GCP_DATA_KEYS.includes(key as GcpDataKey) && key !== 'ObjectsInTerminatingNamespaces');
    const listed = new Map<KubernetesKind, Promise<KubeObject[]>>();
    const listKind = (kind: KubernetesKind) => {
      let list = listed.get(kind);
      if (!list) {
        progress.start(kind);
        list = live!.listKind(kind);
        list.then((found) => progress.done(kind, found.length), () => progress.done(kind, 0));
        listed.set(kind, list);
      }
      return list;
    };
    // Whether any namespace is being deleted: the Namespace list decides (a failed one: read them anyway).
    const anyTerminating = () =>
      listKind('Namespace').then(
        (namespaces) => namespaces.some((namespace) => namespace.metadata?.deletionTimestamp),
        () => true,
      );
    for (const kind of kinds) {
      if (!live) {
        unavailable.set(kind, noKubernetes);
        continue;
      }
      if (kind === 'Event') {
        tasks.push(this.readEvents(live, listKind, addObjects, into, progress));
        continue;
      }
      const list = ONLY_WHILE_TERMINATING.has(kind) ? anyTerminating().then((needed) => (needed ? listKind(kind) : [])) : listKind(kind);
      tasks.push(
        list.then(
          (found) => {
            addObjects(found);
            read.add(kind);
          },
          (error) => void unavailable.set(kind, kubernetesReason(kind, toApiFailure(error), target)),
        ),
      );
    }
    if (reader && keys.has('backendHealth')) {
      // Only the backend services the cluster's Ingresses and Gateways name: what they are is known once those are listed.
      if (!live) unavailable.set('backendHealth', `cannot tell which backend services the cluster's Ingresses and Gateways use: ${noKubernetes}`);
      else tasks.push(this.readBackendHealth(reader, listKind, into, progress, backendServiceScopes ?? reader.backendServiceScopes()));
    }
    if (keys.has('ObjectsInTerminatingNamespaces')) {
      if (!live) unavailable.set('ObjectsInTerminatingNamespaces', noKubernetes);
      else {
        tasks.push(
          listKind('Namespace')
            .then(async (namespaces) => {
              addObjects(namespaces);
              const terminating = namespaces.filter((namespace) => namespace.metadata?.deletionTimestamp).map((namespace) => namespace.metadata!.name!);
              progress.start('objects in terminating namespaces');
              const found = await live.objectsInNamespaces(terminating, (resource) => {
                const kind = [...listed.keys()].find((candidate) => LiveKubernetes.serves(resource, candidate));
                return kind ? listed.get(kind) : undefined;
              });
              progress.done('objects in terminating namespaces', found.objects.length);
              addObjects(found.objects);
              into.unreadInNamespaces = found.unread;
              into.undiscovered = found.undiscovered;
              read.add('ObjectsInTerminatingNamespaces');
            })
            .catch((error) => void unavailable.set('ObjectsInTerminatingNamespaces', kubernetesReason('Namespace', toApiFailure(error), target))),
        );
      }
    }
    await Promise.all(tasks);
  }

  /** `--probe`: one GET to a Pod through the API server's pod proxy, redirects not followed. */
  readonly probe: Probe = async ({ namespace, pod, port, path, scheme }): Promise<ProbeResponse> => {
    const api = await this.kubernetes();
    if (!api) return { statusCode: 0, error: 'no kubeconfig context for the cluster' };
    const name = `${scheme === 'HTTPS' ? 'https:' : ''}${pod}:${port}`;
    const [pathname, query = ''] = path.split('?', 2) as [string, string?];
    const relative = pathname.startsWith('/') ? pathname : `/${pathname}`;
    if (hasDotSegment(relative)) return { statusCode: 0, error: `not sent: the path has a . or .. segment, which would leave the pod proxy` };
    try {
      const response = await api.get(`/api/v1/namespaces/${kubernetesPathSegment(namespace, 'the namespace')}/pods/${encodeURIComponent(name)}/proxy${relative}`, Object.fromEntries(new URLSearchParams(query)));
      const refused = apiServerAnswer(response, namespace, pod);
      if (refused) return { statusCode: 0, error: refused };
      const location = response.headers.location;
      return { statusCode: response.status, ...(location ? { location: Array.isArray(location) ? location[0] : location } : {}) };
    } catch (error) {
      return { statusCode: 0, error: toApiFailure(error).message };
    }
  };

  /** The Kubernetes API the reads went through: `--fix` writes through the same one. */
  kubernetesClient(): Promise<KubernetesApi | null> {
    return this.kubernetes();
  }

  private resolveTarget(): LiveTarget {
    return (this.target ??= this.options.target ?? resolveLiveTarget(this.options, this.options.env ?? process.env));
  }

  /** Why the API server cannot be reached, when a connection said so. */
  private noKubernetes: string | undefined;

  /** In a Pod, what the flags leave open comes from the GKE metadata server: the cluster the Pod runs in. */
  private async completeTarget(): Promise<LiveTarget> {
    const target = this.resolveTarget();
    if (!target.kubernetes?.inCluster || (target.project && target.location && target.cluster)) return target;
    const { metadataTarget } = await import('./in-cluster.js');
    const found = await metadataTarget();
    this.target = { ...target, project: target.project ?? found.project, location: target.location ?? found.location, cluster: target.cluster ?? found.cluster };
    return this.target;
  }

  private kubernetes(): Promise<KubernetesApi | null> {
    const target = this.resolveTarget();
    const env = this.options.env ?? process.env;
    const connect = this.options.kubernetes;
    if (connect) {
      this.kubernetesApi ??= connect().then((connection) => {
        if ('api' in connection) return connection.api;
        this.noKubernetes = connection.unavailable;
        return null;
      });
      return this.kubernetesApi;
    }
    this.kubernetesApi ??= !target.kubernetes
      ? Promise.resolve(null)
      : target.kubernetes.inCluster
        ? Promise.all([import('./in-cluster.js'), import('./kubernetes-api.js')]).then(async ([{ inClusterKubeConfig }, { kubernetesApiOf }]) =>
            kubernetesApiOf(await inClusterKubeConfig(env, this.options.serviceAccountDir), this.options.deadline, this.options.retry, this.options.requestLog),
          )
        : import('./kubernetes-api.js').then(({ loadKubernetesApi }) => loadKubernetesApi(target.kubernetes!, this.options.deadline, this.options.retry, this.options.requestLog));
    return this.kubernetesApi;
  }

  /**
   * Reads the Warning events where the load-balancer checks look: the namespaces of the cluster's
   * Ingresses, Gateways, routes and ManagedCertificates, never cluster-wide (LiveKubernetes.listEvents).
   */
  private async readEvents(
    live: LiveKubernetes,
    listKind: (kind: KubernetesKind) => Promise<KubeObject[]>,
    addObjects: (list: KubeObject[]) => void,
    { unavailable, read, cappedLists }: Reading,
    progress: Progress,
  ): Promise<void> {
    const target = this.resolveTarget();
    const lists = await listedOrWhyNot(['Ingress', 'Gateway', 'HTTPRoute', 'GRPCRoute', 'ManagedCertificate'], listKind, target);
    if ('unread' in lists) {
      unavailable.set('Event', `cannot list Event objects: which namespaces to read them in is not known: ${lists.unread}`);
      return;
    }
    try {
      const namespaces = [...new Set(lists.objects.map((object) => object.metadata?.namespace).filter((namespace): namespace is string => !!namespace))].sort();
      progress.start('Event');
      const { events, capped } = await live.listEvents(namespaces);
      progress.done('Event', events.length);
      addObjects(events);
      if (capped.length > 0) cappedLists.set('Event', capped);
      read.add('Event');
    } catch (error) {
      unavailable.set('Event', kubernetesReason('Event', toApiFailure(error), target));
    }
  }

  /** Reads the health of the backend services the cluster's Ingresses and Gateways use, or why it cannot be read. */
  private async readBackendHealth(
    reader: Pick<LiveGcp, 'backendHealth'>,
    listKind: (kind: KubernetesKind) => Promise<KubeObject[]>,
    { gcp, unavailable, read }: Reading,
    progress: Progress,
    scopes: ReturnType<LiveGcp['backendServiceScopes']>,
  ): Promise<void> {
    const target = this.resolveTarget();
    const lists = await listedOrWhyNot(['Ingress', 'Gateway'], listKind, target);
    if ('unread' in lists) {
      unavailable.set('backendHealth', `cannot tell which backend services the cluster's Ingresses and Gateways use: ${lists.unread}`);
      return;
    }
    const inUse = backendServicesInUse(lists.objects.filter((object) => object.kind === 'Ingress') as Ingress[], lists.objects.filter((object) => object.kind === 'Gateway') as Gateway[]);
    const what = GCP_DATA_SOURCES.backendHealth.what;
    progress.start(what);
    try {
      const value = await reader.backendHealth(inUse, scopes);
      const problem = await gcpShapeProblem('backendHealth', value);
      if (problem) throw new ApiFailure(`the API answered with ${problem}`, undefined, { code: 'INVALID_BODY' });
      gcp.backendHealth = value;
      read.add('backendHealth');
      progress.done(what, value.length);
    } catch (error) {
      progress.done(what, 0);
      const failure = toApiFailure(error);
      if (failure.status === 401) throw rejectedCredentials(this.options, this.options.env ?? process.env);
      unavailable.set('backendHealth', gcpReason('backendHealth', failure, target));
    }
  }

  /** Reads one piece of GCP data into `gcp`, or its reason into `unavailable`; true when it was read. */
  private async readGcp(reader: Pick<LiveGcp, 'read' | 'customRoles'>, key: SelfContainedGcpDataKey, gcp: GcpData, unavailable: Map<DataKey, string>, progress: Progress): Promise<boolean> {
    const target = this.resolveTarget();
    progress.start(GCP_DATA_SOURCES[key].what);
    try {
      const value = await reader.read(key, gcp);
      const problem = await gcpShapeProblem(key, value);
      if (problem) throw new ApiFailure(`the API answered with ${problem}`, undefined, { code: 'INVALID_BODY' });
      Object.assign(gcp, { [key]: value });
      progress.done(GCP_DATA_SOURCES[key].what, Array.isArray(value) ? value.length : 1);
      return true;
    } catch (error) {
      progress.done(GCP_DATA_SOURCES[key].what, 0);
      const failure = toApiFailure(error);
      if (failure.status === 401) throw rejectedCredentials(this.options, this.options.env ?? process.env);
      // No trigger can exist while the Eventarc API is off: nothing to check, and nothing to enable for it.
      if (key === 'eventarcTriggers' && failure.details.reason === 'SERVICE_DISABLED') gcp.eventarcTriggers = [];
      else unavailable.set(key, gcpReason(key, failure, target));
      return gcp[key] !== undefined;
    }
  }
}

/** Why a dependent key cannot be read: the data it is found from was not read. */
function inputMissing(key: GcpDataKey, input: GcpDataKey, gcp: GcpData, unavailable: ReadonlyMap<DataKey, string>): string | undefined {
  if (gcp[input] !== undefined) return undefined;
  return `cannot read ${GCP_DATA_SOURCES[key].what}: it is found from ${GCP_DATA_SOURCES[input].what}, which ${unavailable.has(input) ? 'could not be read' : 'was not read'}`;
}

/**
 * When the API server answered the probe itself (a meta/v1 Status) rather than the Pod: RBAC
 * refusing `pods/proxy`, the proxy failing to reach the Pod, the Pod gone. That is no answer
 * from the application, and is said as what it is.
 */
function apiServerAnswer(response: RawResponse, namespace: string, pod: string): string | undefined {
  const type = response.headers['content-type'];
  if (!/\bjson\b/i.test(Array.isArray(type) ? type.join(';') : (type ?? ''))) return undefined;
  let body: { kind?: unknown; apiVersion?: unknown; message?: unknown };
  try {
    body = JSON.parse(response.body) as typeof body;
  } catch {
    return undefined;
  }
  if (body?.kind !== 'Status' || body.apiVersion !== 'v1') return undefined;
  const message = String(body.message ?? '').split('\n')[0];
  if (response.status === 403) return `the API server refused to proxy to the Pod (403: ${message}): grant get on pods/proxy in namespace ${namespace}: bind the ClusterRole ${PROBE_ROLE_NAME} (docs/permissions.md)`;
  if (response.status === 404) return `Pod ${namespace}/${pod} is gone: the API server answered 404 (${message})`;
  return `the API server could not reach the Pod through its proxy (${response.status}: ${message})`;
}

/** Every object of `kinds`, or why one of them could not be listed. */
async function listedOrWhyNot(kinds: readonly KubernetesKind[], listKind: (kind: KubernetesKind) => Promise<KubeObject[]>, target: LiveTarget): Promise<{ objects: KubeObject[] } | { unread: string }> {
  const lists = kinds.map((kind) => listKind(kind).then((objects) => ({ objects }), (error: unknown) => ({ unread: kubernetesReason(kind, toApiFailure(error), target) })));
  const objects: KubeObject[] = [];
  for (const list of await Promise.all(lists)) {
    if ('unread' in list) return list;
    objects.push(...list.objects);
  }
  return { objects };
}

/** The reason a check is incomplete: the API, the permission and a role that grants it, or the command that enables the API. */
export function gcpReason(key: GcpDataKey, failure: ApiFailure, target: Pick<LiveTarget, 'project'>): string {
  const { api, what, permission, role } = GCP_DATA_SOURCES[key];
  const service = GOOGLE_API_SERVICES[api];
  if (failure.details.reason === 'SERVICE_DISABLED') {
    return `cannot read ${what}: the ${failure.details.service ?? service} API is disabled in project ${target.project} (gcloud services enable ${failure.details.service ?? service} --project ${target.project})`;
  }
  if (failure.status === 403) {
    const where = failure.details.project ? ` in project ${failure.details.project}, which holds the cluster's Shared VPC network` : '';
    return `cannot read ${what} (${service}): permission ${failure.details.permission ?? permission} denied${where}; ${role} grants it (or the custom role in docs/permissions.md)`;
  }
  if (failure.status === 404) return `cannot read ${what} (${service}): not found: ${failure.message}`;
  return `cannot read ${what} (${service}): ${failure.status ? `${failure.status} ` : ''}${failure.message}`;
}

/** The same for Kubernetes: the RBAC verb and resource to grant. */
export function kubernetesReason(kind: string, failure: ApiFailure, target: Pick<LiveTarget, 'kubernetes'>): string {
  const context = target.kubernetes?.context ?? '';
  if (failure.status === 403 && failure.details.permission?.startsWith('gkehub.gateway.')) {
    const { permission, role } = CONNECT_GATEWAY_ACCESS;
    return `cannot list ${kind} objects: the Connect gateway (connectgateway.googleapis.com) denies it: permission ${failure.details.permission ?? permission} denied; ${role} grants it`;
  }
  if (failure.status === 403) {
    return `cannot list ${kind} objects: Kubernetes RBAC denies it (${failure.message}); bind the ClusterRole ${READER_ROLE_NAME} (docs/permissions.md), or grant roles/container.viewer`;
  }
  if (failure.status === 401 && target.kubernetes && target.kubernetes.files.length === 0 && !target.kubernetes.inCluster) {
    return `cannot list ${kind} objects: the API server (${target.kubernetes.context}) rejected the Google access token (401)`;
  }
  if (failure.status === 401 && target.kubernetes?.inCluster) return `cannot list ${kind} objects: the API server rejected the Pod's service-account token (401)`;
  if (failure.status === 401) return `cannot list ${kind} objects: the API server rejected the credentials of kubeconfig context ${context} (401); run \`gcloud container clusters get-credentials\` again`;
  return `cannot list ${kind} objects (kubeconfig context ${context}): ${failure.status ? `${failure.status} ` : ''}${failure.message}`;
}

/** Objects read twice (a Pod listed cluster-wide and again in its terminating namespace, an Event in two API groups) count once. */
function objectKey(object: KubeObject): string {
  return object.metadata?.uid ?? `${object.apiVersion.split('/')[0]}/${object.kind}/${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

/** What a data key is, as a reason names it: "timed out reading the cluster (container.googleapis.com)". */
function whatIsRead(key: DataKey): string {
  if ((GCP_DATA_KEYS as readonly string[]).includes(key)) {
    const { api, what } = GCP_DATA_SOURCES[key as GcpDataKey];
    return `${what} (${GOOGLE_API_SERVICES[api]})`;
  }
  if (key === 'ObjectsInTerminatingNamespaces') return 'the objects left in terminating namespaces from the Kubernetes API';
  return `${key} objects from the Kubernetes API`;
}

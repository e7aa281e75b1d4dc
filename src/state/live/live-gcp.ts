import type { AuthClient } from 'google-auth-library';
import type { GcpData, GcpDataKey } from '../cluster-state.js';
import { listEventarcTriggers } from './eventarc-api.js';
import type { GoogleApi } from './gcp-endpoints.js';
import { GOOGLE_API_SERVICES, googleApiBase } from './gcp-endpoints.js';
import type { GoogleCallLimits } from './google-request.js';
import { ApiFailure } from './api-failure.js';
import { envelopeProblem } from '../data-shapes.js';
import type { GOOGLE_LIST_CAPS, Sized } from './google-request.js';
import { DEFAULT_LIMITS, readGoogleDocument, readGoogleJson, readGooglePages } from './google-request.js';
import type { BackendService, Cluster, EventarcTrigger, HealthCheck, IamPolicy, IamRole, Project, PubsubSubscription, PubsubTopic, Subnetwork } from '../gcp-types.js';
import { sharedVpcHostProject } from '../shared-vpc.js';
import { toApiFailure } from './api-failure.js';

export interface GcpTarget {
  project: string;
  location: string | null;
  cluster: string | null;
}

/** The API each piece of GCP data comes from, the permission it needs, and a predefined role that grants it. */
export const GCP_DATA_SOURCES: Record<GcpDataKey, { api: GoogleApi; what: string; permission: string; role: string }> = {
  project: { api: 'cloudresourcemanager', what: 'the project', permission: 'resourcemanager.projects.get', role: 'roles/browser' },
  iamPolicy: { api: 'cloudresourcemanager', what: "the project's IAM policy", permission: 'resourcemanager.projects.getIamPolicy', role: 'roles/iam.securityReviewer' },
  cluster: { api: 'container', what: 'the cluster', permission: 'container.clusters.get', role: 'roles/container.clusterViewer' },
  eventarcTriggers: { api: 'eventarc', what: 'Eventarc triggers', permission: 'eventarc.triggers.list', role: 'roles/eventarc.viewer' },
  healthChecks: { api: 'compute', what: 'health checks', permission: 'compute.healthChecks.list', role: 'roles/compute.viewer' },
  backendServices: { api: 'compute', what: 'backend services', permission: 'compute.backendServices.list', role: 'roles/compute.viewer' },
  subnetworks: { api: 'compute', what: 'subnetworks', permission: 'compute.subnetworks.list', role: 'roles/compute.viewer' },
  // On the host project, not the cluster's: the grant goes there (docs/permissions.md).
  hostIamPolicy: { api: 'cloudresourcemanager', what: "the Shared VPC host project's IAM policy", permission: 'resourcemanager.projects.getIamPolicy', role: 'roles/iam.securityReviewer' },
  pubsubTopics: { api: 'pubsub', what: "the Eventarc triggers' Pub/Sub topics", permission: 'pubsub.topics.get', role: 'roles/pubsub.viewer' },
  pubsubSubscriptions: { api: 'pubsub', what: "the Eventarc triggers' Pub/Sub subscriptions", permission: 'pubsub.subscriptions.get', role: 'roles/pubsub.viewer' },
};

/**
 * Data read from what other data names: the host project from the cluster's network, the topics and
 * subscriptions from the triggers' transport. The live source reads the key named here first.
 */
export const GCP_DATA_INPUTS: Partial<Record<GcpDataKey, GcpDataKey>> = { hostIamPolicy: 'cluster', pubsubTopics: 'eventarcTriggers', pubsubSubscriptions: 'eventarcTriggers' };

/** Compute's page size limit (https://cloud.google.com/compute/docs/reference/rest/v1/healthChecks/aggregatedList: maxResults ≤ 500). */
const COMPUTE_PAGE_SIZE = 500;

/** compute v1 `aggregatedList`: one entry per region and `global`, each holding that scope's items (or a warning). */
interface AggregatedList<T> {
  items?: Record<string, Record<string, T[] | unknown>>;
  nextPageToken?: string;
}

/**
 * Reads GCP data from the REST APIs in the JSON gcloud prints (what a snapshot
 * holds), through google-auth-library's authorized request. Google's generated
 * clients would give the same JSON, but cost about 0.2 s of import each before
 * the first request could leave, for URL templates a line each here.
 */
export class LiveGcp {
  private readonly bases: Record<Exclude<GoogleApi, 'storage' | 'gkehub' | 'connectgateway'>, string>;

  constructor(
    private readonly target: GcpTarget,
    private readonly auth: AuthClient,
    env: NodeJS.ProcessEnv = process.env,
    private readonly limits: GoogleCallLimits = DEFAULT_LIMITS,
    /** How much one paged list may gather (GOOGLE_LIST_CAPS unless a test lowers it). */
    private readonly listCaps?: typeof GOOGLE_LIST_CAPS,
  ) {
    this.bases = {
      container: googleApiBase('container', env),
      cloudresourcemanager: googleApiBase('cloudresourcemanager', env),
      eventarc: googleApiBase('eventarc', env),
      compute: googleApiBase('compute', env),
      iam: googleApiBase('iam', env),
      pubsub: googleApiBase('pubsub', env),
    };
  }

  /**
   * One piece of data, every page of it, within one total time (and the run's deadline). `inputs`
   * holds what a dependent key is read from (GCP_DATA_INPUTS): the cluster, the triggers.
   */
  read<K extends GcpDataKey>(key: K, inputs: GcpData = {}): Promise<NonNullable<GcpData[K]>> {
    const limits = { ...this.limits, deadline: Math.min(this.limits.deadline ?? Infinity, Date.now() + this.limits.totalTimeoutMs) };
    const sized = (api: Exclude<GoogleApi, 'storage' | 'gkehub' | 'connectgateway'>, path: string, params?: Record<string, string | number>) =>
      readGoogleDocument<object>(this.auth, { api: GOOGLE_API_SERVICES[api], url: `${this.bases[api]}${path}`, ...(params ? { params } : {}) }, limits);
    const get = async <T extends object>(api: Exclude<GoogleApi, 'storage' | 'gkehub' | 'connectgateway'>, path: string, params?: Record<string, string | number>) =>
      (await sized(api, path, params)).value as T;
    const project = encodeURIComponent(this.target.project);
    const readers: { [P in GcpDataKey]: () => Promise<NonNullable<GcpData[P]>> } = {
      // cloudresourcemanager v1 `projects.get`: the very shape `gcloud projects describe` prints.
      project: () => get<Project>('cloudresourcemanager', `v1/projects/${project}`),
      iamPolicy: () => this.iamPolicy(this.target.project, limits),
      hostIamPolicy: () => {
        const host = inputs.cluster ? sharedVpcHostProject(inputs.cluster, this.target.project) : null;
        if (!host) return Promise.reject(new Error('the cluster network is not in another project: there is no Shared VPC host project to read'));
        return this.iamPolicy(host, limits);
      },
      pubsubTopics: () => existing<PubsubTopic>((path) => get('pubsub', path), transportNames(inputs.eventarcTriggers ?? [], 'topic')),
      pubsubSubscriptions: () => existing<PubsubSubscription>((path) => get('pubsub', path), transportNames(inputs.eventarcTriggers ?? [], 'subscription')),
      cluster: () => get<Cluster>('container', `v1/projects/${project}/locations/${encodeURIComponent(this.target.location ?? '-')}/clusters/${encodeURIComponent(this.target.cluster ?? '')}`),
      eventarcTriggers: () => listEventarcTriggers((path, params) => sized('eventarc', path, params), this.target.project, this.listCaps),
      healthChecks: () => aggregatedList<HealthCheck>((path, params) => sized('compute', path, params), this.target.project, 'healthChecks', this.listCaps),
      backendServices: () => aggregatedList<BackendService>((path, params) => sized('compute', path, params), this.target.project, 'backendServices', this.listCaps),
      subnetworks: () => aggregatedList<Subnetwork>((path, params) => sized('compute', path, params), this.target.project, 'subnetworks', this.listCaps),
    };
    return readers[key]() as Promise<NonNullable<GcpData[K]>>;
  }

  /**
   * A project's allow policy (cloudresourcemanager v3 getIamPolicy) at version 3: a policy with
   * conditional bindings read at a lower version loses its conditions. `auditConfigs` come with it.
   */
  private iamPolicy(projectId: string, limits: GoogleCallLimits): Promise<IamPolicy> {
    return readGoogleJson<IamPolicy>(
      this.auth,
      {
        api: GOOGLE_API_SERVICES.cloudresourcemanager,
        url: `${this.bases.cloudresourcemanager}v3/projects/${encodeURIComponent(projectId)}:getIamPolicy`,
        method: 'POST',
        data: { options: { requestedPolicyVersion: 3 } },
      },
      limits,
    );
  }

  /**
   * The definitions of the custom roles a policy binds (IAM v1 roles.get, what `gcloud iam
   * roles describe` prints), by full name. One that cannot be read (no iam.roles.get, deleted,
   * the API failing) is left out: a check then says it could not read it.
   */
  async customRoles(policy: IamPolicy): Promise<Map<string, IamRole>> {
    const limits = { ...this.limits, deadline: Math.min(this.limits.deadline ?? Infinity, Date.now() + this.limits.totalTimeoutMs) };
    const names = new Set(
      (policy.bindings ?? [])
        .map((binding) => (binding.role ?? '').replace(/_withcond_[0-9a-f]+$/, ''))
        .filter((role) => /^(projects|organizations)\/[^/]+\/roles\/[^/]+$/.test(role)),
    );
    const roles = new Map<string, IamRole>();
    await Promise.all(
      [...names].map(async (name) => {
        const path = name.split('/').map(encodeURIComponent).join('/');
        const role = await readGoogleJson<IamRole>(this.auth, { api: GOOGLE_API_SERVICES.iam, url: `${this.bases.iam}v1/${path}` }, limits).catch(() => undefined);
        if (role && typeof role.name === 'string') roles.set(name, role);
      }),
    );
    return roles;
  }
}

type PageReader = (path: string, params: Record<string, string | number>) => Promise<Sized<object>>;

/** The topics (or subscriptions) the triggers' transport names, each once, sorted. */
export function transportNames(triggers: readonly EventarcTrigger[], field: 'topic' | 'subscription'): string[] {
  return [...new Set(triggers.map((trigger) => trigger.transport?.pubsub?.[field]).filter((name): name is string => typeof name === 'string' && /^projects\/[^/]+\/(topics|subscriptions)\/[^/]+$/.test(name)))].sort();
}

/**
 * Pub/Sub v1 topics.get / subscriptions.get of each name (https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.topics/get):
 * only what triggers name, never the project's whole list. A 404 means it no longer exists, and it is
 * left out, as `gcloud pubsub … list` would; any other failure fails the read.
 */
async function existing<T extends { name: string }>(get: (path: string) => Promise<object>, names: readonly string[]): Promise<T[]> {
  const found = await Promise.all(
    names.map((name) =>
      get(`v1/${name.split('/').map(encodeURIComponent).join('/')}`).catch((error: unknown) => {
        if (toApiFailure(error).status === 404) return undefined;
        throw error;
      }),
    ),
  );
  return found.filter((item): item is T => item !== undefined && typeof (item as { name?: unknown }).name === 'string');
}

/** Every page of compute's aggregated list, flattened over its scopes, as `gcloud compute … list` prints it. */
async function aggregatedList<T>(get: PageReader, project: string, collection: 'healthChecks' | 'backendServices' | 'subnetworks', caps?: typeof GOOGLE_LIST_CAPS): Promise<T[]> {
  const path = `projects/${encodeURIComponent(project)}/aggregated/${collection}`;
  return readGooglePages(
    `compute.googleapis.com ${path}`,
    async (pageToken) => {
      const { value, bytes } = await get(path, { maxResults: COMPUTE_PAGE_SIZE, ...(pageToken ? { pageToken } : {}) });
      const problem = await envelopeProblem('computeAggregatedList', value);
      if (problem) throw new ApiFailure(`compute.googleapis.com ${path}: the answer is not an aggregated list (${problem})`, undefined, { code: 'EBADRESPONSE' });
      const page = value as AggregatedList<T>;
      const items = Object.values(page.items ?? {}).flatMap((scoped) => ((scoped as Record<string, T[] | undefined>)[collection] ?? []));
      return { items, nextPageToken: page.nextPageToken, bytes };
    },
    caps,
  );
}

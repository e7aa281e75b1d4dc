import type { AuthClient } from 'google-auth-library';
import { eachAtMost } from '../../each-at-most.js';
import type { GcpData, GcpDataKey } from '../cluster-state.js';
import type { BackendServiceRef, BackendServiceScopes } from './backend-health-api.js';
import { listBackendServiceScopes, readBackendHealth } from './backend-health-api.js';
import { listEventarcTriggers } from './eventarc-api.js';
import type { GoogleApi } from './gcp-endpoints.js';
import { GOOGLE_API_SERVICES, googleApiBase } from './gcp-endpoints.js';
import type { GoogleCallLimits } from './google-request.js';
import { ApiFailure, toApiFailure } from './api-failure.js';
import { envelopeProblem } from '../data-shapes.js';
import type { GOOGLE_LIST_CAPS, Sized } from './google-request.js';
import { DEFAULT_LIMITS, readGoogleDocument, readGoogleJson, readGooglePages } from './google-request.js';
import type { BackendService, BackendServiceHealth, Cluster, EffectiveFirewalls, EventarcTrigger, Firewall, HealthCheck, IamPolicy, IamRole, Project, PubsubSubscription, PubsubTopic, Subnetwork } from '../gcp-types.js';
import { clusterNetwork } from '../cluster-network.js';
import { sharedVpcHostProject } from '../shared-vpc.js';

export interface GcpTarget {
  project: string;
  location: string | null;
  cluster: string | null;
}

/** The API each piece of GCP data comes from, the permission it needs, and a predefined role that grants it. */
export const GCP_DATA_SOURCES: Record<GcpDataKey, { api: GoogleApi; what: string; permission: string; /** Further permissions the read needs (a 403 names the one refused). */ alsoNeeds?: readonly string[]; role: string }> = {
  project: { api: 'cloudresourcemanager', what: 'the project', permission: 'resourcemanager.projects.get', role: 'roles/browser' },
  iamPolicy: { api: 'cloudresourcemanager', what: "the project's IAM policy", permission: 'resourcemanager.projects.getIamPolicy', role: 'roles/iam.securityReviewer' },
  cluster: { api: 'container', what: 'the cluster', permission: 'container.clusters.get', role: 'roles/container.clusterViewer' },
  eventarcTriggers: { api: 'eventarc', what: 'Eventarc triggers', permission: 'eventarc.triggers.list', role: 'roles/eventarc.viewer' },
  healthChecks: { api: 'compute', what: 'health checks', permission: 'compute.healthChecks.list', role: 'roles/compute.viewer' },
  backendServices: { api: 'compute', what: 'backend services', permission: 'compute.backendServices.list', role: 'roles/compute.viewer' },
  // In the network's project, as the firewall data: a Shared VPC's subnets (its proxy-only subnets too) are the host project's.
  subnetworks: { api: 'compute', what: 'subnetworks', permission: 'compute.subnetworks.list', role: 'roles/compute.viewer' },
  // On the host project, not the cluster's: the grant goes there (docs/permissions.md).
  hostIamPolicy: { api: 'cloudresourcemanager', what: "the Shared VPC host project's IAM policy", permission: 'resourcemanager.projects.getIamPolicy', role: 'roles/iam.securityReviewer' },
  pubsubTopics: { api: 'pubsub', what: "the Eventarc triggers' Pub/Sub topics", permission: 'pubsub.topics.get', role: 'roles/pubsub.viewer' },
  pubsubSubscriptions: { api: 'pubsub', what: "the Eventarc triggers' Pub/Sub subscriptions", permission: 'pubsub.subscriptions.get', role: 'roles/pubsub.viewer' },
  // In the network's project: on a Shared VPC, the host project (the permission must be granted there).
  firewalls: { api: 'compute', what: "the VPC firewall rules of the cluster's network", permission: 'compute.firewalls.list', role: 'roles/compute.networkViewer' },
  effectiveFirewalls: {
    api: 'compute',
    what: "the effective firewalls of the cluster's network",
    permission: 'compute.networks.getEffectiveFirewalls',
    role: 'roles/compute.networkViewer',
  },
  // networks.get (https://cloud.google.com/compute/docs/reference/rest/v1/networks/get), in the network's project.
  network: { api: 'compute', what: "the cluster's VPC network", permission: 'compute.networks.get', role: 'roles/compute.networkViewer' },
  // regionNetworkFirewallPolicies.getEffectiveFirewalls (https://cloud.google.com/compute/docs/reference/rest/v1/regionNetworkFirewallPolicies/getEffectiveFirewalls).
  regionalEffectiveFirewalls: {
    api: 'compute',
    what: "the effective firewalls of the cluster's network in its region",
    permission: 'compute.networks.getRegionEffectiveFirewalls',
    role: 'roles/compute.networkViewer',
  },
  // backendServices.aggregatedList, then getHealth of each backend group (https://cloud.google.com/compute/docs/reference/rest/v1/backendServices/getHealth):
  // compute.backendServices.list on the project and compute.backendServices.get (backend-health-api.ts).
  backendHealth: { api: 'compute', what: 'backend health', permission: 'compute.backendServices.list', alsoNeeds: ['compute.backendServices.get'], role: 'roles/compute.viewer' },
};

/** With the IAM policy, the custom roles it binds (IAM v1 roles.get): unread ones are named by the checks that need them. */
export const CUSTOM_ROLES_SOURCE = { api: 'iam', what: 'custom roles the IAM policy binds', permission: 'iam.roles.get', role: 'roles/iam.roleViewer' } as const;
/** Every permission a piece of data is read with: the one a 403 names when the API does not say, then the others. */
export function permissionsOf(source: { permission: string; alsoNeeds?: readonly string[] }): string[] {
  return [source.permission, ...(source.alsoNeeds ?? [])];
}

/**
 * Data read from what other data names: the host project from the cluster's network, the topics and
 * subscriptions from the triggers' transport. The live source reads the key named here first.
 */
export const GCP_DATA_INPUTS: Partial<Record<GcpDataKey, GcpDataKey>> = { hostIamPolicy: 'cluster', pubsubTopics: 'eventarcTriggers', pubsubSubscriptions: 'eventarcTriggers' };

/** What `read` reads by itself: backend health needs to be told which backend services (LiveGcp.backendHealth). */
export type SelfContainedGcpDataKey = Exclude<GcpDataKey, 'backendHealth'>;

/** The keys read in the cluster network's project, for the cluster's network alone. */
export const NETWORK_DATA_KEYS = ['subnetworks', 'firewalls', 'effectiveFirewalls', 'network', 'regionalEffectiveFirewalls'] as const;
export type NetworkDataKey = (typeof NETWORK_DATA_KEYS)[number];

export function isNetworkDataKey(key: GcpDataKey): key is NetworkDataKey {
  return (NETWORK_DATA_KEYS as readonly string[]).includes(key);
}

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
  private readonly bases: Record<Exclude<GoogleApi, 'storage' | 'gkehub' | 'connectgateway' | 'cloudasset'>, string>;

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
  read<K extends SelfContainedGcpDataKey>(key: K, inputs: GcpData = {}): Promise<NonNullable<GcpData[K]>> {
    const limits = { ...this.limits, deadline: Math.min(this.limits.deadline ?? Infinity, Date.now() + this.limits.totalTimeoutMs) };
    const sized = (api: Exclude<GoogleApi, 'storage' | 'gkehub' | 'connectgateway' | 'cloudasset'>, path: string, params?: Record<string, string | number>) =>
      readGoogleDocument<object>(this.auth, { api: GOOGLE_API_SERVICES[api], url: `${this.bases[api]}${path}`, ...(params ? { params } : {}) }, limits);
    const get = async <T extends object>(api: Exclude<GoogleApi, 'storage' | 'gkehub' | 'connectgateway' | 'cloudasset'>, path: string, params?: Record<string, string | number>) =>
      (await sized(api, path, params)).value as T;
    const project = encodeURIComponent(this.target.project);
    const readers: { [P in SelfContainedGcpDataKey]: () => Promise<NonNullable<GcpData[P]>> } = {
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
      subnetworks: () => this.clusterOnce().then((cluster) => this.readNetworkData('subnetworks', cluster)),
      firewalls: () => this.clusterOnce().then((cluster) => this.readNetworkData('firewalls', cluster)),
      effectiveFirewalls: () => this.clusterOnce().then((cluster) => this.readNetworkData('effectiveFirewalls', cluster)),
      network: () => this.clusterOnce().then((cluster) => this.readNetworkData('network', cluster)),
      regionalEffectiveFirewalls: () => this.clusterOnce().then((cluster) => this.readNetworkData('regionalEffectiveFirewalls', cluster)),
    };
    return readers[key]() as Promise<NonNullable<GcpData[K]>>;
  }

  private cluster: Promise<Cluster> | undefined;

  /** The cluster, read once however many network reads need its network. */
  private clusterOnce(): Promise<Cluster> {
    if (!this.cluster) {
      this.cluster = this.read('cluster').catch((error: unknown) => {
        const failure = toApiFailure(error);
        throw new ApiFailure(`the cluster could not be read, so neither could its network's (${failure.status ? `${failure.status} ` : ''}${failure.message})`, undefined, { code: 'NO_CLUSTER' });
      });
      this.cluster.catch(() => undefined);
    }
    return this.cluster;
  }

  /**
   * Subnets and firewall data of the cluster's network, from the network's project (the host
   * project on a Shared VPC): its subnets (aggregated list), the VPC firewall rules filtered to the network
   * (firewalls.list), networks.getEffectiveFirewalls, the network itself (networks.get), and the
   * effective firewalls in the cluster's region (regionNetworkFirewallPolicies.getEffectiveFirewalls).
   */
  async readNetworkData<K extends NetworkDataKey>(key: K, cluster: Cluster): Promise<NonNullable<GcpData[K]>> {
    const network = clusterNetwork(cluster, this.target.project);
    if (!network) throw new ApiFailure("the cluster's network is not known (cluster.json has no networkConfig.network)", undefined, { code: 'NO_NETWORK' });
    const limits = { ...this.limits, deadline: Math.min(this.limits.deadline ?? Infinity, Date.now() + this.limits.totalTimeoutMs) };
    const project = encodeURIComponent(network.project);
    const sized = (path: string, params?: Record<string, string | number>) =>
      readGoogleDocument<object>(this.auth, { api: GOOGLE_API_SERVICES.compute, url: `${this.bases.compute}${path}`, ...(params ? { params } : {}) }, limits).catch((error: unknown) => {
        const failure = toApiFailure(error);
        // A host project's refusal names that project: the permission must be granted there, not in the cluster's.
        if (network.project === this.target.project || failure.status === undefined) throw failure;
        throw new ApiFailure(failure.message, failure.status, { ...failure.details, project: network.project });
      });
    if (key === 'effectiveFirewalls') {
      return (await sized(`projects/${project}/global/networks/${encodeURIComponent(network.name)}/getEffectiveFirewalls`)).value as EffectiveFirewalls as NonNullable<GcpData[K]>;
    }
    // https://cloud.google.com/vpc/docs/shared-vpc: the subnets of a Shared VPC network, proxy-only ones included, belong to the host project.
    if (key === 'subnetworks') return (await aggregatedList<Subnetwork>(sized, network.project, 'subnetworks', this.listCaps)) as NonNullable<GcpData[K]>;
    if (key === 'network') return (await sized(`projects/${project}/global/networks/${encodeURIComponent(network.name)}`)).value as unknown as NonNullable<GcpData[K]>;
    if (key === 'regionalEffectiveFirewalls') {
      // A zonal cluster's location is a zone (europe-west1-b): its nodes are in region europe-west1.
      const region = cluster.location?.replace(/^([a-z]+-[a-z]+\d+)-[a-z]$/, '$1');
      if (!region) throw new ApiFailure("the cluster's region is not known (cluster.json has no location)", undefined, { code: 'NO_REGION' });
      const networkUrl = `https://www.googleapis.com/compute/v1/${network.path}`;
      return (await sized(`projects/${project}/regions/${encodeURIComponent(region)}/firewallPolicies/getEffectiveFirewalls`, { network: networkUrl })).value as EffectiveFirewalls as NonNullable<GcpData[K]>;
    }
    const path = `projects/${project}/global/firewalls`;
    const rules = await readGooglePages<Firewall>(
      `compute.googleapis.com ${path}`,
      async (pageToken) => {
        const { value, bytes } = await sized(path, {
          filter: `network = "https://www.googleapis.com/compute/v1/projects/${network.project}/global/networks/${network.name}"`,
          maxResults: COMPUTE_PAGE_SIZE,
          ...(pageToken ? { pageToken } : {}),
        });
        const problem = await envelopeProblem('computeList', value);
        if (problem) throw new ApiFailure(`compute.googleapis.com ${path}: the answer is not a list (${problem})`, undefined, { code: 'EBADRESPONSE' });
        const page = value as { items?: Firewall[]; nextPageToken?: string };
        return { items: page.items ?? [], nextPageToken: page.nextPageToken, bytes };
      },
      this.listCaps,
    );
    return rules as NonNullable<GcpData[K]>;
  }

  /**
   * The health of the backend services the cluster's Ingresses and Gateways use, within one total
   * time like any read: what `gcloud compute backend-services get-health` prints for each.
   */
  backendHealth(services: readonly BackendServiceRef[], scopes: Promise<BackendServiceScopes> = this.backendServiceScopes()): Promise<BackendServiceHealth[]> {
    const limits = this.readLimits();
    const location = this.target.location;
    // A zonal cluster's location is a zone (europe-west1-b): its regional load balancers are in europe-west1.
    const region = location ? location.replace(/^([a-z]+-[a-z]+\d+)-[a-z]$/, '$1') : null;
    const request = <T extends object>(path: string, body?: unknown) =>
      readGoogleJson<T>(this.auth, { api: GOOGLE_API_SERVICES.compute, url: `${this.bases.compute}${path}`, ...(body !== undefined ? { method: 'POST' as const, data: body } : {}) }, limits);
    return readBackendHealth(request, this.target.project, services, region, scopes);
  }

  /**
   * The project's backend services by scope (one paged aggregated list): the live source starts it
   * with the other Google reads, before the Ingresses that say which ones matter are listed.
   */
  backendServiceScopes(): Promise<BackendServiceScopes> {
    const limits = this.readLimits();
    const page = (path: string, params: Record<string, string | number>) => readGoogleDocument<object>(this.auth, { api: GOOGLE_API_SERVICES.compute, url: `${this.bases.compute}${path}`, params }, limits);
    return listBackendServiceScopes(page, this.target.project, this.listCaps);
  }

  private readLimits(): GoogleCallLimits {
    return { ...this.limits, deadline: Math.min(this.limits.deadline ?? Infinity, Date.now() + this.limits.totalTimeoutMs) };
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
    const limits = this.readLimits();
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

/** Pub/Sub GETs in flight at once: one per trigger otherwise (200 at 4x the benchmark), each on a connection of its own. */
const PUBSUB_CONCURRENCY = 16;

/**
 * Pub/Sub v1 topics.get / subscriptions.get of each name (https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.topics/get):
 * only what triggers name, never the project's whole list. A 404 means it no longer exists, and it is
 * left out, as `gcloud pubsub … list` would; any other failure fails the read.
 */
async function existing<T extends { name: string }>(get: (path: string) => Promise<object>, names: readonly string[]): Promise<T[]> {
  const found = await eachAtMost(names, PUBSUB_CONCURRENCY, (name) =>
    get(`v1/${name.split('/').map(encodeURIComponent).join('/')}`).catch((error: unknown) => {
      if (toApiFailure(error).status === 404) return undefined;
      throw error;
    }),
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

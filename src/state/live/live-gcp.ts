import type { AuthClient } from 'google-auth-library';
import type { GcpData, GcpDataKey } from '../cluster-state.js';
import { withRetry, withTimeout } from './api-failure.js';
import { listEventarcTriggers } from './eventarc-api.js';
import type { Endpoint, GoogleApi } from './gcp-endpoints.js';
import { googleApiEndpoint } from './gcp-endpoints.js';
import type { BackendService, Cluster, HealthCheck, IamPolicy, Project } from '../gcp-types.js';
import { restJson, zeroEnumNames } from './proto-json.js';

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
};

const TIMEOUT_MS = 30_000;
/** google-gax retries some codes by itself; gke-doctor retries (honouring Retry-After) in one place instead. */
const CALL_OPTIONS = { timeout: TIMEOUT_MS, retry: { retryCodes: [] } };

/**
 * Reads GCP data through the Google client libraries in REST mode, each library
 * imported when first needed, and hands it back in the REST JSON shape gcloud
 * prints (what a snapshot holds).
 */
export class LiveGcp {
  private readonly clients = new Map<string, Promise<unknown>>();

  constructor(
    private readonly target: GcpTarget,
    private readonly auth: AuthClient,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  read<K extends GcpDataKey>(key: K): Promise<NonNullable<GcpData[K]>> {
    const readers: { [P in GcpDataKey]: () => Promise<NonNullable<GcpData[P]>> } = {
      project: () => this.project(),
      iamPolicy: () => this.iamPolicy(),
      cluster: () => this.cluster(),
      eventarcTriggers: () => this.eventarcTriggers(),
      healthChecks: () => this.healthChecks(),
      backendServices: () => this.backendServices(),
    };
    return withRetry(() => withTimeout(readers[key](), TIMEOUT_MS * 2, GCP_DATA_SOURCES[key].what)) as Promise<NonNullable<GcpData[K]>>;
  }

  /** cloudresourcemanager v3, converted to the v1 shape `gcloud projects describe` prints. */
  private async project(): Promise<Project> {
    const { client, zeroEnums } = await this.resourceManager();
    const [project] = await client.getProject({ name: `projects/${this.target.project}` }, CALL_OPTIONS);
    const v3 = restJson(project, zeroEnums) as { name?: string; projectId?: string; state?: string; displayName?: string; createTime?: string; labels?: Record<string, string>; parent?: string };
    const parent = /^(organization|folder)s\/(.+)$/.exec(v3.parent ?? '');
    return {
      ...(v3.createTime ? { createTime: v3.createTime } : {}),
      ...(v3.labels ? { labels: v3.labels } : {}),
      ...(v3.state ? { lifecycleState: v3.state } : {}),
      ...(v3.displayName ? { name: v3.displayName } : {}),
      ...(parent ? { parent: { id: parent[2]!, type: parent[1]! } } : {}),
      projectId: v3.projectId ?? this.target.project,
      projectNumber: (v3.name ?? '').replace(/^projects\//, ''),
    };
  }

  private async iamPolicy(): Promise<IamPolicy> {
    const { client, zeroEnums } = await this.resourceManager();
    // Version 3: a policy with conditional bindings read at a lower version loses its conditions.
    const [policy] = await client.getIamPolicy({ resource: `projects/${this.target.project}`, options: { requestedPolicyVersion: 3 } }, CALL_OPTIONS);
    return restJson(policy, zeroEnums) as IamPolicy;
  }

  private async cluster(): Promise<Cluster> {
    const { location, cluster, project } = this.target;
    const { ClusterManagerClient, protos } = await import('@google-cloud/container');
    const client = await this.client('container', (options) => new ClusterManagerClient(options));
    const [found] = await client.getCluster({ name: `projects/${project}/locations/${location}/clusters/${cluster}` }, CALL_OPTIONS);
    return restJson(found, zeroEnumNames(protos.google.container.v1)) as Cluster;
  }

  private async eventarcTriggers() {
    return listEventarcTriggers(this.auth, this.endpoint('eventarc').origin, this.target.project, { timeoutMs: TIMEOUT_MS });
  }

  private async healthChecks(): Promise<HealthCheck[]> {
    const { HealthChecksClient } = await import('@google-cloud/compute');
    const client = await this.client('compute-health-checks', (options) => new HealthChecksClient(options));
    return this.aggregated(client.aggregatedListAsync({ project: this.target.project }, { ...CALL_OPTIONS, autoPaginate: false }), 'healthChecks') as Promise<HealthCheck[]>;
  }

  private async backendServices(): Promise<BackendService[]> {
    const { BackendServicesClient } = await import('@google-cloud/compute');
    const client = await this.client('compute-backend-services', (options) => new BackendServicesClient(options));
    return this.aggregated(client.aggregatedListAsync({ project: this.target.project }, { ...CALL_OPTIONS, autoPaginate: false }), 'backendServices') as Promise<BackendService[]>;
  }

  /** compute's aggregatedList yields `[scope, {items…}]` for every region and `global`, over every page. */
  private async aggregated(pages: AsyncIterable<[string, unknown]>, field: 'healthChecks' | 'backendServices'): Promise<unknown[]> {
    const items: unknown[] = [];
    for await (const [, scoped] of pages) {
      for (const item of ((scoped as Record<string, unknown[] | undefined>)[field] ?? [])) items.push(restJson(item, NO_ENUMS));
    }
    return items;
  }

  private async resourceManager() {
    const { ProjectsClient, protos } = await import('@google-cloud/resource-manager');
    const client = await this.client('resource-manager', (options) => new ProjectsClient(options));
    return { client, zeroEnums: zeroEnumNames(protos.google.cloud.resourcemanager.v3) };
  }

  private endpoint(api: GoogleApi): Endpoint {
    return googleApiEndpoint(api, this.env);
  }

  /** One client per library, in REST mode (`fallback`), at the endpoint gcloud's override names. */
  private client<T>(name: string, create: (options: RestClientOptions) => T): Promise<T> {
    const api: GoogleApi = name.startsWith('compute') ? 'compute' : name === 'container' ? 'container' : 'cloudresourcemanager';
    let client = this.clients.get(name) as Promise<T> | undefined;
    if (!client) {
      const { protocol, host, port } = this.endpoint(api);
      client = Promise.resolve(create({ fallback: true, protocol, apiEndpoint: host, port, authClient: this.auth }));
      this.clients.set(name, client);
    }
    return client;
  }
}

type RestClientOptions = {
  fallback: true;
  protocol: 'http' | 'https';
  apiEndpoint: string;
  port: number;
  authClient: AuthClient;
};

/** compute's protos keep enums as strings; nothing to drop but defaults. */
const NO_ENUMS: ReadonlySet<string> = new Set();

import type { AuthClient } from 'google-auth-library';
import type { GcpData, GcpDataKey } from '../state/cluster-state.js';
import type { Cluster, IamPolicy, IamRole, Project } from '../state/gcp-types.js';
import { ApiFailure, toApiFailure } from '../state/live/api-failure.js';
import { rejectedCredentials } from '../state/live/gcp-credentials.js';
import type { CredentialOptions } from '../state/live/gcp-credentials.js';
import { GOOGLE_API_SERVICES, googleApiBase } from '../state/live/gcp-endpoints.js';
import type { Deadline } from '../state/live/deadline.js';
import { callLimits, readGoogleDocument, readGoogleJson, readGooglePages } from '../state/live/google-request.js';
import { envelopeProblem } from '../state/data-shapes.js';
import { kubernetesApiOf } from '../state/live/kubernetes-api.js';
import type { BackendServiceScopes } from '../state/live/backend-health-api.js';
import type { SelfContainedGcpDataKey } from '../state/live/live-gcp.js';
import { LiveGcp, isNetworkDataKey } from '../state/live/live-gcp.js';
import type { KubernetesConnection } from '../state/live/live-source.js';
import { LiveSource } from '../state/live/live-source.js';
import type { Progress } from '../state/live/progress.js';
import type { RequestLog } from '../state/live/request-log.js';
import type { EndpointKind, Membership } from './cluster-endpoint.js';
import { bearerKubeConfig, clusterEndpoint } from './cluster-endpoint.js';
import type { FleetDiscovery, FleetProject } from '../engine/fleet-report.js';
import type { FleetMember } from './run-fleet.js';
import { eachAtMost } from '../each-at-most.js';
import { FLEET_PERMISSIONS } from './fleet-permissions.js';

export interface AllClustersOptions extends CredentialOptions {
  projects: string[];
  /** `--parent`: every project with a cluster beneath this folder or organization too. */
  parent?: string;
  /** Only clusters in this region or zone. */
  location?: string;
  /** Only clusters whose name matches this glob (`*`, `?`). */
  clusterFilter?: string;
  endpoint: EndpointKind;
  auth: AuthClient;
  env: NodeJS.ProcessEnv;
  /** The run's `--timeout`: the listing, every cluster's reads and its connection end by it. */
  deadline: Deadline;
  /** `--concurrency`: how many projects are listed at once, as clusters are read. */
  concurrency: number;
  progress: Progress;
  /** `-v`: every HTTP request, as it ends. */
  requestLog?: RequestLog;
  /** Leave out the fields no built-in check reads as pages arrive (a check run of built-in checks only; not `snapshot`). */
  leaveOutUnreadFields?: boolean;
}

/** What a fleet run found to check: its clusters, and every project it looked in. */
export interface FleetListing {
  members: FleetMember[];
  projects: FleetProject[];
  /** How `--parent` found its projects. */
  discovery?: FleetDiscovery;
}

/**
 * Every cluster of every project, as fleet members: listed with the container
 * API (`locations/-`), at most `concurrency` projects at once, each cluster read
 * without a kubeconfig (its endpoint and CA from the listing, a Google access
 * token as the bearer, as gke-gcloud-auth-plugin does). Project-level data
 * (project, IAM policy, Eventarc triggers, health checks, backend services) is
 * read once per project and shared by its clusters, and let go when the last of
 * them is done. A project named twice is listed once; one whose clusters cannot
 * be listed is a project that says why, not a cluster.
 */
export async function allClusters(options: AllClustersOptions): Promise<FleetListing> {
  const beneath = options.parent ? await (await import('./parent-discovery.js')).projectsBeneath({ ...options, parent: options.parent }) : undefined;
  const projects = [...new Set([...options.projects, ...(beneath?.projects ?? [])])];
  // A project found by walking the folders may never have had the container API turned on: it has no clusters, which is no gap.
  const walked = new Set(beneath?.discovery.via === 'resource-manager' ? beneath.projects : []);
  const listed = await eachAtMost(projects, options.concurrency, (project) => projectMembers(project, options, walked.has(project) && !options.projects.includes(project)));
  return { members: listed.flatMap(({ members }) => members), projects: listed.map(({ project }) => project), ...(beneath ? { discovery: beneath.discovery } : {}) };
}

async function projectMembers(project: string, options: AllClustersOptions, disabledMeansNone = false): Promise<{ project: FleetProject; members: FleetMember[] }> {
  if (options.deadline.passed) return { project: unlisted(project, { reason: options.deadline.notStarted(`listing the clusters of project ${project}`) }), members: [] };
  const container = googleApiBase('container', options.env);
  let listed: { clusters?: Cluster[]; missingZones?: string[] };
  try {
    const path = `v1/projects/${encodeURIComponent(project)}/locations/-/clusters`;
    listed = await readGoogleJson(options.auth, { api: GOOGLE_API_SERVICES.container, url: `${container}${path}` }, callLimits(options.deadline, options.requestLog));
    const problem = await envelopeProblem('gkeClusterList', listed);
    if (problem) throw new ApiFailure(`container.googleapis.com ${path}: the answer is not a ListClustersResponse (${problem})`, undefined, { code: 'EBADRESPONSE' });
  } catch (error) {
    const failure = toApiFailure(error);
    if (failure.status === 401) throw rejectedCredentials(options, options.env);
    if (disabledMeansNone && failure.details.reason === 'SERVICE_DISABLED') return { project: { project, status: 'listed', clusters: 0, reason: null }, members: [] };
    return { project: unlisted(project, listFailure(project, failure)), members: [] };
  }
  const pattern = options.clusterFilter === undefined ? null : globPattern(options.clusterFilter);
  const clusters = (listed.clusters ?? []).filter((cluster) => (!options.location || cluster.location === options.location) && (!pattern || pattern.test(cluster.name ?? '')));
  const missingZones = listed.missingZones ?? [];
  // ListClustersResponse.missingZones: "If any zones are listed here, the list of clusters returned may be missing those zones" (container v1 REST reference).
  const listing: FleetProject = missingZones.length
    ? { project, status: 'incomplete', clusters: clusters.length, reason: `the clusters in ${missingZones.join(', ')} could not be listed (those zones did not answer container.googleapis.com)`, missingZones }
    : { project, status: 'listed', clusters: clusters.length, reason: null };
  if (listing.reason) options.progress.note(`project ${project}: ${listing.reason}`);
  const shared = new ProjectData(project, options, clusters.length);
  const members = clusters.map((cluster): FleetMember => {
    const target = { source: 'live', project, location: cluster.location ?? null, cluster: cluster.name ?? null };
    // Notes name the cluster they are about: several clusters are read at once.
    const name = `${project}/${target.location}/${target.cluster}`;
    let connection: Promise<KubernetesConnection> | undefined;
    return {
      target,
      source: (deadline) =>
        new LiveSource({
          env: options.env,
          progress: { ...options.progress, note: (message) => options.progress.note(`${name}: ${message}`) },
          target: { project, location: target.location, cluster: target.cluster, kubernetes: { files: [], context: `${options.endpoint} endpoint` } },
          auth: options.auth,
          deadline,
          ...(options.requestLog ? { requestLog: options.requestLog } : {}),
          ...(options.leaveOutUnreadFields ? { leaveOutUnreadFields: true } : {}),
          gcpReader: shared.forCluster(cluster, deadline),
          kubernetes: () => (connection ??= shared.connect(cluster, options.endpoint, deadline)),
        }),
      release: () => {
        // Its API server's connections close, and the project's shared data goes with its last cluster.
        void connection?.then((reached) => ('api' in reached ? reached.api.close() : undefined)).catch(() => undefined);
        shared.release();
      },
    };
  });
  return { project: listing, members };
}

function unlisted(project: string, why: { reason: string; permission?: string; role?: string }): FleetProject {
  return { project, status: 'unlisted', clusters: 0, ...why };
}

/** What the clusters of one project share, each read at most once. */
class ProjectData {
  private readonly reads = new Map<GcpDataKey, Promise<unknown>>();
  private memberships: Promise<Membership[]> | undefined;
  private readonly reader: LiveGcp;

  constructor(
    private readonly project: string,
    private readonly options: AllClustersOptions,
    /** Its clusters not yet done: the shared data is let go after the last. */
    private remaining: number,
  ) {
    // Shared reads answer several clusters: the run's deadline bounds them, not one cluster's share.
    this.reader = new LiveGcp({ project, location: null, cluster: null }, options.auth, options.env, callLimits(options.deadline, options.requestLog));
  }

  /** One of its clusters is done; after the last, nothing of the project is held. */
  release(): void {
    if (--this.remaining > 0) return;
    this.reads.clear();
    this.roles = undefined;
    this.backendServices = undefined;
    this.memberships = undefined;
  }

  /** The cluster comes from the listing; the rest is the project's, read once. */
  forCluster(cluster: Cluster, deadline: Deadline): Pick<LiveGcp, 'read' | 'customRoles' | 'backendHealth' | 'backendServiceScopes'> {
    // Backend health is the cluster's own (its Ingresses' and Gateways' backend services), read for it alone, within its share;
    // the project's list of backend services it is read from is the project's, listed once.
    const own = new LiveGcp({ project: this.project, location: cluster.location ?? null, cluster: cluster.name ?? null }, this.options.auth, this.options.env, callLimits(deadline, this.options.requestLog));
    return {
      backendServiceScopes: () => (this.backendServices ??= this.reader.backendServiceScopes()),
      backendHealth: (services, scopes) => own.backendHealth(services, scopes),
      read: <K extends SelfContainedGcpDataKey>(key: K, inputs: GcpData = {}) =>
        key === 'cluster'
          ? Promise.resolve(cluster as NonNullable<GcpData[K]>)
          : isNetworkDataKey(key)
            ? (this.reader.readNetworkData(key, cluster) as Promise<NonNullable<GcpData[K]>>)
            : // What is read from the cluster (its Shared VPC host's policy) is the cluster's own; the rest is the project's.
              key === 'hostIamPolicy'
              ? this.reader.read(key, inputs)
              : this.read(key, inputs),
      // The custom roles the project's policy binds: one policy per project, so read once too.
      customRoles: (policy: IamPolicy) => (this.roles ??= this.reader.customRoles(policy)),
    };
  }

  private roles: Promise<Map<string, IamRole>> | undefined;
  private backendServices: Promise<BackendServiceScopes> | undefined;

  read<K extends SelfContainedGcpDataKey>(key: K, inputs: GcpData = {}): Promise<NonNullable<GcpData[K]>> {
    let read = this.reads.get(key);
    if (!read) {
      read = this.reader.read(key, inputs);
      read.catch(() => undefined);
      this.reads.set(key, read);
    }
    return read as Promise<NonNullable<GcpData[K]>>;
  }

  async connect(cluster: Cluster, kind: EndpointKind, deadline: Deadline): Promise<KubernetesConnection> {
    let gateway: Parameters<typeof clusterEndpoint>[2];
    try {
      if (kind === 'connect-gateway') {
        const [memberships, project] = await Promise.all([this.listMemberships(), this.read('project').catch(() => undefined as Project | undefined)]);
        gateway = { origin: googleApiBase('connectgateway', this.options.env).replace(/\/$/, ''), memberships, ...(project?.projectNumber ? { projectNumber: project.projectNumber } : {}) };
      }
    } catch (error) {
      const failure = toApiFailure(error);
      const { permission, role } = FLEET_PERMISSIONS.listMemberships;
      const why = failure.status === 403 ? `permission ${failure.details.permission ?? permission} denied; ${role} grants it` : failure.message;
      return { unavailable: `cannot find the cluster's fleet membership for the Connect gateway (gkehub.googleapis.com): ${why}` };
    }
    const endpoint = clusterEndpoint(cluster, kind, gateway);
    if ('unreachable' in endpoint) return { unavailable: `cannot reach the cluster's API server: ${endpoint.unreachable}` };
    const { token } = await this.options.auth.getAccessToken();
    if (!token) return { unavailable: 'no Google access token to reach the cluster with' };
    return { api: await kubernetesApiOf(await bearerKubeConfig(endpoint, token, `${this.project}_${cluster.location}_${cluster.name}`), deadline, undefined, this.options.requestLog) };
  }

  /** GKE Hub v1 `projects.locations.memberships.list` over every location, every page. */
  private listMemberships(): Promise<Membership[]> {
    this.memberships ??= (async () => {
      const base = googleApiBase('gkehub', this.options.env);
      const path = `v1/projects/${encodeURIComponent(this.project)}/locations/-/memberships`;
      return readGooglePages<Membership>(`gkehub.googleapis.com ${path}`, async (pageToken) => {
        const { value, bytes } = await readGoogleDocument<{ resources?: Membership[]; nextPageToken?: string }>(
          this.options.auth,
          { api: GOOGLE_API_SERVICES.gkehub, url: `${base}${path}`, ...(pageToken ? { params: { pageToken } } : {}) },
          callLimits(this.options.deadline, this.options.requestLog),
        );
        const problem = await envelopeProblem('gkeHubMembershipList', value);
        if (problem) throw new ApiFailure(`gkehub.googleapis.com ${path}: the answer is not a ListMembershipsResponse (${problem})`, undefined, { code: 'EBADRESPONSE' });
        return { items: value.resources ?? [], nextPageToken: value.nextPageToken, bytes };
      });
    })();
    return this.memberships;
  }
}

function listFailure(project: string, failure: ReturnType<typeof toApiFailure>): { reason: string; permission?: string; role?: string } {
  if (failure.details.reason === 'SERVICE_DISABLED') return { reason: `cannot list the clusters of project ${project}: the container.googleapis.com API is disabled there` };
  if (failure.status === 403) {
    const permission = failure.details.permission ?? FLEET_PERMISSIONS.listClusters.permission;
    const role = FLEET_PERMISSIONS.listClusters.role;
    return { reason: `cannot list the clusters of project ${project} (container.googleapis.com): permission ${permission} denied; ${role} grants it`, permission, role };
  }
  return { reason: `cannot list the clusters of project ${project} (container.googleapis.com): ${failure.status ? `${failure.status} ` : ''}${failure.message}` };
}

/** `--cluster-filter`: `*` any run of characters, `?` one; cluster names hold no other special character. */
export function globPattern(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

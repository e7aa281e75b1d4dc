import type { AuthClient } from 'google-auth-library';
import { InputError } from '../errors.js';
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
import type { SelfContainedGcpDataKey } from '../state/live/live-gcp.js';
import { LiveGcp, isNetworkDataKey } from '../state/live/live-gcp.js';
import type { KubernetesConnection, LiveOptions } from '../state/live/live-source.js';
import { LiveSource } from '../state/live/live-source.js';
import type { Progress } from '../state/live/progress.js';
import type { RequestLog } from '../state/live/request-log.js';
import type { EndpointKind, Membership } from './cluster-endpoint.js';
import { bearerKubeConfig, clusterEndpoint } from './cluster-endpoint.js';
import type { FleetMember } from './run-fleet.js';

export interface AllClustersOptions extends CredentialOptions {
  projects: string[];
  /** Only clusters in this region or zone. */
  location?: string;
  /** Only clusters whose name matches this glob (`*`, `?`). */
  clusterFilter?: string;
  endpoint: EndpointKind;
  auth: AuthClient;
  env: NodeJS.ProcessEnv;
  /** The run's `--timeout`: the listing, every cluster's reads and its connection end by it. */
  deadline: Deadline;
  progress: Progress;
  /** `-v`: every HTTP request, as it ends. */
  requestLog?: RequestLog;
}

/**
 * Every cluster of every project, as fleet members: listed with the container
 * API (`locations/-`), each read without a kubeconfig (its endpoint and CA from
 * the listing, a Google access token as the bearer, as gke-gcloud-auth-plugin
 * does). Project-level data (project, IAM policy, Eventarc triggers, health
 * checks, backend services) is read once per project and shared by its clusters;
 * a project whose clusters cannot be listed is one member that says why.
 */
export async function allClusters(options: AllClustersOptions): Promise<FleetMember[]> {
  const members = await Promise.all(options.projects.map((project) => projectMembers(project, options)));
  return members.flat();
}

async function projectMembers(project: string, options: AllClustersOptions): Promise<FleetMember[]> {
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
    const reason = listReason(project, failure);
    return [{ target: { source: 'live', project, location: null, cluster: null }, source: () => Promise.reject(new InputError(reason)) }];
  }
  if (listed.missingZones?.length) options.progress.note(`project ${project}: clusters in ${listed.missingZones.join(', ')} could not be listed (the zones did not answer)`);
  const shared = new ProjectData(project, options);
  const pattern = options.clusterFilter === undefined ? null : globPattern(options.clusterFilter);
  return (listed.clusters ?? [])
    .filter((cluster) => (!options.location || cluster.location === options.location) && (!pattern || pattern.test(cluster.name ?? '')))
    .map((cluster) => {
      const target = { source: 'live', project, location: cluster.location ?? null, cluster: cluster.name ?? null };
      // Notes name the cluster they are about: several clusters are read at once.
      const name = `${project}/${target.location}/${target.cluster}`;
      const liveOptions: LiveOptions = {
        env: options.env,
        progress: { ...options.progress, note: (message) => options.progress.note(`${name}: ${message}`) },
        target: { project, location: target.location, cluster: target.cluster, kubernetes: { files: [], context: `${options.endpoint} endpoint` } },
        auth: options.auth,
        deadline: options.deadline,
        ...(options.requestLog ? { requestLog: options.requestLog } : {}),
        gcpReader: shared.forCluster(cluster),
        kubernetes: () => shared.connect(cluster, options.endpoint),
      };
      return { target, source: () => new LiveSource(liveOptions) };
    });
}

/** What the clusters of one project share, each read at most once. */
class ProjectData {
  private readonly reads = new Map<GcpDataKey, Promise<unknown>>();
  private memberships: Promise<Membership[]> | undefined;
  private readonly reader: LiveGcp;

  constructor(
    private readonly project: string,
    private readonly options: AllClustersOptions,
  ) {
    this.reader = new LiveGcp({ project, location: null, cluster: null }, options.auth, options.env, callLimits(options.deadline, options.requestLog));
  }

  /** The cluster comes from the listing; the rest is the project's, read once. */
  forCluster(cluster: Cluster): Pick<LiveGcp, 'read' | 'customRoles' | 'backendHealth'> {
    // Backend health is the cluster's own (its Ingresses' and Gateways' backend services), read for it alone.
    const own = new LiveGcp({ project: this.project, location: cluster.location ?? null, cluster: cluster.name ?? null }, this.options.auth, this.options.env, callLimits(this.options.deadline, this.options.requestLog));
    return {
      backendHealth: (services) => own.backendHealth(services),
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

  read<K extends SelfContainedGcpDataKey>(key: K, inputs: GcpData = {}): Promise<NonNullable<GcpData[K]>> {
    let read = this.reads.get(key);
    if (!read) {
      read = this.reader.read(key, inputs);
      read.catch(() => undefined);
      this.reads.set(key, read);
    }
    return read as Promise<NonNullable<GcpData[K]>>;
  }

  async connect(cluster: Cluster, kind: EndpointKind): Promise<KubernetesConnection> {
    let gateway: Parameters<typeof clusterEndpoint>[2];
    try {
      if (kind === 'connect-gateway') {
        const [memberships, project] = await Promise.all([this.listMemberships(), this.read('project').catch(() => undefined as Project | undefined)]);
        gateway = { origin: googleApiBase('connectgateway', this.options.env).replace(/\/$/, ''), memberships, ...(project?.projectNumber ? { projectNumber: project.projectNumber } : {}) };
      }
    } catch (error) {
      return { unavailable: `cannot find the cluster's fleet membership for the Connect gateway (gkehub.googleapis.com): ${toApiFailure(error).message}` };
    }
    const endpoint = clusterEndpoint(cluster, kind, gateway);
    if ('unreachable' in endpoint) return { unavailable: `cannot reach the cluster's API server: ${endpoint.unreachable}` };
    const { token } = await this.options.auth.getAccessToken();
    if (!token) return { unavailable: 'no Google access token to reach the cluster with' };
    return { api: await kubernetesApiOf(await bearerKubeConfig(endpoint, token, `${this.project}_${cluster.location}_${cluster.name}`), this.options.deadline, undefined, this.options.requestLog) };
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

function listReason(project: string, failure: ReturnType<typeof toApiFailure>): string {
  if (failure.details.reason === 'SERVICE_DISABLED') return `cannot list the clusters of project ${project}: the container.googleapis.com API is disabled there`;
  if (failure.status === 403) {
    return `cannot list the clusters of project ${project} (container.googleapis.com): permission ${failure.details.permission ?? 'container.clusters.list'} denied; roles/container.clusterViewer grants it`;
  }
  return `cannot list the clusters of project ${project} (container.googleapis.com): ${failure.status ? `${failure.status} ` : ''}${failure.message}`;
}

/** `--cluster-filter`: `*` any run of characters, `?` one; cluster names hold no other special character. */
export function globPattern(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

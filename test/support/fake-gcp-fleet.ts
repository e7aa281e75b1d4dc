import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakeRequest, FakeResponse } from './fake-http.js';
import { FakeHttpServer, TEST_TLS } from './fake-http.js';
import { FakeGcp, googleError, paginate, permissionDenied, serviceDisabled } from './fake-gcp.js';
import { FakeKubeApiServer } from './fake-kube-apiserver.js';
import { fixturePath } from './fixtures.js';
import { fakeGoogleEnv } from './fake-google-env.js';

export interface FleetClusterSpec {
  location: string;
  name: string;
  /** The fixture whose cluster.json describes it and whose k8s/ its API server serves. */
  fixture: string;
  /** No API server answers at its endpoint. */
  unreachable?: boolean;
}

/**
 * The Resource Manager hierarchy above the projects, for `--parent`: each folder or organization
 * with its direct children. Projects named here but not served by a spec exist without clusters.
 */
export interface FleetHierarchy {
  children: Record<string, { folders?: string[]; projects?: string[] }>;
  /** Parents whose children the caller may not list (403 naming resourcemanager.folders.list / projects.list). */
  denied?: string[];
  /** Projects whose container API is not enabled (the cluster list answers SERVICE_DISABLED). */
  containerDisabled?: string[];
}

/** How Cloud Asset Inventory answers `searchAllResources`. */
export type AssetApiState = 'enabled' | 'disabled' | 'denied';

export interface FleetProjectSpec {
  /** The fixture whose project.json, IAM policy, triggers and compute lists are the project's. */
  fixture: string;
  clusters: FleetClusterSpec[];
}

/**
 * Several projects behind one fake of the Google APIs, each with clusters whose
 * API servers run in this process (HTTPS, the test CA as their
 * `masterAuth.clusterCaCertificate`): the container API lists them
 * (`locations/-`, the shape of projects.locations.clusters.list), the GKE Hub
 * API lists their fleet memberships, and every other request goes to its
 * project's FakeGcp. Each API server is reachable at every endpoint a cluster
 * can have: public 127.0.0.1:PORT, private and DNS-based localhost:PORT (the
 * test certificate names both), and through the fake Connect gateway.
 */
export class FakeGcpFleet extends FakeHttpServer {
  readonly kube = new Map<string, FakeKubeApiServer>();
  /** The Connect gateway (connectgateway.googleapis.com) in front of every cluster registered to a fleet. */
  readonly gateway = new FakeHttpServer((request) => this.throughGateway(request), (status, message) => googleError(status, message));
  /** IAM refuses the caller gkehub.gateway.get (Connect gateway) or gkehub.memberships.list (GKE Hub). */
  denied: { gateway?: boolean; memberships?: boolean } = {};
  private readonly projects = new Map<string, { gcp: FakeGcp; clusters: Record<string, unknown>[]; memberships: Record<string, unknown>[] }>();
  /** `NUMBER/LOCATION/MEMBERSHIP` of each registered cluster: its API server. */
  private readonly members = new Map<string, FakeKubeApiServer>();
  private hierarchy: FleetHierarchy = { children: {} };
  /** Cloud Asset Inventory's state for the caller; tests switch it to see the Resource Manager walk. */
  asset: AssetApiState = 'enabled';
  /** Page size of the Asset and Resource Manager lists (small, so paging is exercised). */
  readonly discoveryPageSize = 2;
  private readonly numbers = new Map<string, string>();

  constructor() {
    super((request) => this.answer(request), (status, message) => googleError(status, message));
  }

  /**
   * With `rttMs`, every server is behind a network of that round trip (network-delay.ts); with
   * `shareApiServers`, clusters of the same fixture share one API server (the benchmark's large
   * fleets: each is still its own cluster to the client, at the same endpoint); with `hierarchy`,
   * the folders and organization above the projects (`--parent`).
   */
  static async serve(specs: FleetProjectSpec[], options: { rttMs?: number; shareApiServers?: boolean; hierarchy?: FleetHierarchy } = {}): Promise<FakeGcpFleet> {
    const fleet = new FakeGcpFleet();
    if (options.hierarchy) fleet.hierarchy = options.hierarchy;
    const shared = new Map<string, FakeKubeApiServer>();
    for (const spec of specs) {
      const gcp = await FakeGcp.load(fixtureDirectory(spec.fixture));
      const project = JSON.parse(await readFile(join(fixtureDirectory(spec.fixture), 'project.json'), 'utf8')) as { projectId: string; projectNumber: string };
      const clusters: Record<string, unknown>[] = [];
      const memberships: Record<string, unknown>[] = [];
      for (const cluster of spec.clusters) {
        const described = JSON.parse(await readFile(join(fixtureDirectory(cluster.fixture), 'cluster.json'), 'utf8')) as Record<string, unknown>;
        let port = 9;
        if (!cluster.unreachable) {
          const kube = (options.shareApiServers && shared.get(cluster.fixture)) || (await FakeKubeApiServer.serve(fixtureDirectory(cluster.fixture), { tls: true, rttMs: options.rttMs }));
          shared.set(cluster.fixture, kube);
          fleet.kube.set(`${project.projectId}/${cluster.location}/${cluster.name}`, kube);
          port = kube.port;
          // GKE Hub v1 Membership of a registered GKE cluster (gcloud container fleet memberships describe --format=json).
          memberships.push({
            name: `projects/${project.projectId}/locations/global/memberships/${cluster.name}`,
            endpoint: { gkeCluster: { resourceLink: `//container.googleapis.com/projects/${project.projectId}/locations/${cluster.location}/clusters/${cluster.name}` } },
            state: { code: 'READY' },
          });
          fleet.members.set(`${project.projectNumber}/global/${cluster.name}`, kube);
        }
        clusters.push({
          ...described,
          name: cluster.name,
          location: cluster.location,
          selfLink: `https://container.googleapis.com/v1/projects/${project.projectId}/locations/${cluster.location}/clusters/${cluster.name}`,
          endpoint: `127.0.0.1:${port}`,
          masterAuth: { clusterCaCertificate: Buffer.from(TEST_TLS.ca).toString('base64') },
          privateClusterConfig: { enablePrivateNodes: true, privateEndpoint: `localhost:${port}`, publicEndpoint: `127.0.0.1:${port}` },
          controlPlaneEndpointsConfig: {
            dnsEndpointConfig: { allowExternalTraffic: true, endpoint: `localhost:${port}` },
            ipEndpointsConfig: { enabled: true, enablePublicEndpoint: true, globalAccess: false, privateEndpoint: `localhost:${port}`, publicEndpoint: `127.0.0.1:${port}` },
          },
        });
      }
      fleet.projects.set(project.projectId, { gcp, clusters, memberships });
      fleet.numbers.set(project.projectId, project.projectNumber);
    }
    await fleet.gateway.start({ tls: true, rttMs: options.rttMs });
    return fleet.start({ rttMs: options.rttMs });
  }

  /**
   * The environment a client of this fleet runs with: no kubeconfig or gcloud configuration
   * (under `home`), a Google access token, and every Google API (and the Connect gateway)
   * pointed at the fakes, as gcloud's endpoint overrides do.
   */
  clientEnv(home: string): NodeJS.ProcessEnv {
    return {
      KUBECONFIG: join(home, 'no-kubeconfig'),
      ...fakeGoogleEnv(this.url, home, ['container', 'cloudresourcemanager', 'eventarc', 'pubsub', 'compute', 'gkehub', 'cloudasset']),
      CLOUDSDK_API_ENDPOINT_OVERRIDES_CONNECTGATEWAY: `${this.gateway.url}/`,
    };
  }

  override async close(): Promise<void> {
    await Promise.all([super.close(), this.gateway.close(), ...[...new Set(this.kube.values())].map((kube) => kube.close())]);
  }

  /**
   * The Connect gateway: `/v1/projects/NUMBER/locations/LOCATION/gkeMemberships/MEMBERSHIP/…`
   * is that cluster's API server at `…`, for a Google access token
   * (cloud.google.com/kubernetes-engine/enterprise/multicluster-management/gateway/using).
   */
  private throughGateway(request: FakeRequest): FakeResponse {
    const match = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/gkeMemberships\/([^/]+)(\/.*)$/.exec(request.path);
    const kube = match && this.members.get(`${match[1]}/${match[2]}/${match[3]}`);
    if (!match || !kube) return { status: 404, body: googleError(404, `no such membership: ${request.path}`) };
    if (!/^Bearer \S+/.test(String(request.headers.authorization ?? ''))) return { status: 401, body: googleError(401, 'Request is missing required authentication credential.') };
    if (this.denied.gateway) return { status: 403, body: permissionDenied('gkehub.gateway.get', 'gkehub.googleapis.com', `projects/${match[1]}/locations/${match[2]}/memberships/${match[3]}`) };
    return kube.route({ ...request, path: match[4]! });
  }

  private answer(request: FakeRequest): FakeResponse {
    const discovered = this.discovery(request);
    if (discovered) return discovered;
    const id = /^\/(?:compute\/)?v\d\/projects\/([^/:]+)/.exec(request.path)?.[1];
    const project = id === undefined ? undefined : this.projects.get(id);
    if (!project && id !== undefined && this.hierarchy.containerDisabled?.includes(id)) return { status: 403, body: serviceDisabled('container.googleapis.com', this.numberOf(id)) };
    // A project of the hierarchy without a spec exists, with no cluster.
    if (!project && id !== undefined && this.inHierarchy(id) && request.method === 'GET' && /^\/v1\/projects\/[^/]+\/locations\/-\/clusters$/.test(request.path)) return { status: 200, body: {} };
    if (!project) {
      return { status: 403, body: permissionDenied('container.clusters.list', 'container.googleapis.com', `projects/${id ?? '?'}`) };
    }
    if (request.method === 'GET' && /^\/v1\/projects\/[^/]+\/locations\/-\/clusters$/.test(request.path)) {
      if (!/^Bearer \S+/.test(String(request.headers.authorization ?? ''))) return { status: 401, body: googleError(401, 'Request is missing required authentication credential.') };
      return { status: 200, body: { clusters: project.clusters } };
    }
    // GKE Hub v1 projects.locations.memberships.list (ListMembershipsResponse: resources, nextPageToken).
    if (request.method === 'GET' && /^\/v1\/projects\/[^/]+\/locations\/-\/memberships$/.test(request.path)) {
      if (!/^Bearer \S+/.test(String(request.headers.authorization ?? ''))) return { status: 401, body: googleError(401, 'Request is missing required authentication credential.') };
      if (this.denied.memberships) return { status: 403, body: permissionDenied('gkehub.memberships.list', 'gkehub.googleapis.com', `projects/${id}/locations/-`) };
      return { status: 200, body: { resources: project.memberships } };
    }
    return project.gcp.route(request);
  }

  /**
   * Cloud Asset API v1 `searchAllResources` over a folder or organization (SearchAllResourcesResponse:
   * results, nextPageToken; https://cloud.google.com/asset-inventory/docs/reference/rest/v1/TopLevel/searchAllResources),
   * and Resource Manager v3 `folders.list` / `projects.list` of one parent's direct children
   * (ListFoldersResponse, ListProjectsResponse; https://cloud.google.com/resource-manager/reference/rest/v3/folders/list).
   */
  private discovery(request: FakeRequest): FakeResponse | undefined {
    if (request.method !== 'GET') return undefined;
    const search = /^\/v1\/((?:folders|organizations)\/\d+):searchAllResources$/.exec(request.path);
    const list = /^\/v3\/(folders|projects)$/.exec(request.path);
    if (!search && !list) return undefined;
    if (!/^Bearer \S+/.test(String(request.headers.authorization ?? ''))) return { status: 401, body: googleError(401, 'Request is missing required authentication credential.') };
    if (search) {
      const scope = search[1]!;
      if (this.asset === 'disabled') return { status: 403, body: serviceDisabled('cloudasset.googleapis.com', '999999999999') };
      if (this.asset === 'denied') return { status: 403, body: permissionDenied('cloudasset.assets.searchAllResources', 'cloudresourcemanager.googleapis.com', scope) };
      if (request.query.get('assetTypes') !== 'container.googleapis.com/Cluster') return { status: 400, body: googleError(400, 'this fake answers assetTypes=container.googleapis.com/Cluster only') };
      const results = this.projectsBeneath(scope).flatMap((projectId) =>
        (this.projects.get(projectId)?.clusters ?? []).map((cluster) => ({
          name: `//container.googleapis.com/projects/${projectId}/locations/${String(cluster.location)}/clusters/${String(cluster.name)}`,
          assetType: 'container.googleapis.com/Cluster',
          project: `projects/${this.numberOf(projectId)}`,
          displayName: cluster.name,
          location: cluster.location,
          parentFullResourceName: `//cloudresourcemanager.googleapis.com/projects/${projectId}`,
          parentAssetType: 'cloudresourcemanager.googleapis.com/Project',
          state: 'RUNNING',
        })),
      );
      const page = paginate(results, request.query, this.discoveryPageSize, 'pageSize');
      return { status: 200, body: { ...(page.items.length ? { results: page.items } : {}), ...(page.next ? { nextPageToken: page.next } : {}) } };
    }
    const collection = list![1] as 'folders' | 'projects';
    const parent = request.query.get('parent') ?? '';
    if (this.hierarchy.denied?.includes(parent)) {
      return { status: 403, body: permissionDenied(`resourcemanager.${collection}.list`, 'cloudresourcemanager.googleapis.com', parent) };
    }
    const children = this.hierarchy.children[parent];
    if (!children) return { status: 404, body: googleError(404, `Not found: ${parent}.`) };
    const items =
      collection === 'folders'
        ? (children.folders ?? []).map((name) => ({ name, parent, displayName: name, state: 'ACTIVE', createTime: '2024-04-01T00:00:00Z', etag: 'W/"1"' }))
        : (children.projects ?? []).map((projectId) => ({ name: `projects/${this.numberOf(projectId)}`, parent, projectId, state: 'ACTIVE', displayName: projectId, createTime: '2024-04-01T00:00:00Z', etag: 'W/"1"' }));
    const page = paginate(items, request.query, this.discoveryPageSize, 'pageSize');
    return { status: 200, body: { ...(page.items.length ? { [collection]: page.items } : {}), ...(page.next ? { nextPageToken: page.next } : {}) } };
  }

  /** Every project beneath a parent, however deep. */
  private projectsBeneath(parent: string): string[] {
    const children = this.hierarchy.children[parent] ?? {};
    return [...(children.projects ?? []), ...(children.folders ?? []).flatMap((folder) => this.projectsBeneath(folder))];
  }

  private inHierarchy(projectId: string): boolean {
    return Object.values(this.hierarchy.children).some((children) => children.projects?.includes(projectId));
  }

  /** A project's number: its fixture's, else one made from its id. */
  private numberOf(projectId: string): string {
    return this.numbers.get(projectId) ?? String(100_000_000_000 + [...projectId].reduce((sum, letter) => sum * 31 + letter.charCodeAt(0), 0) % 899_999_999_999);
  }
}

/** A fixture's name, or a directory's absolute path (a generated cluster). */
function fixtureDirectory(nameOrPath: string): string {
  return nameOrPath.startsWith('/') ? nameOrPath : fixturePath(nameOrPath);
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakeRequest, FakeResponse } from './fake-http.js';
import { FakeHttpServer, TEST_TLS } from './fake-http.js';
import { FakeGcp, googleError, permissionDenied } from './fake-gcp.js';
import { FakeKubeApiServer } from './fake-kube-apiserver.js';
import { fixturePath } from './fixtures.js';

export interface FleetClusterSpec {
  location: string;
  name: string;
  /** The fixture whose cluster.json describes it and whose k8s/ its API server serves. */
  fixture: string;
  /** No API server answers at its endpoint. */
  unreachable?: boolean;
}

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
  private readonly projects = new Map<string, { gcp: FakeGcp; clusters: Record<string, unknown>[]; memberships: Record<string, unknown>[] }>();
  /** `NUMBER/LOCATION/MEMBERSHIP` of each registered cluster: its API server. */
  private readonly members = new Map<string, FakeKubeApiServer>();

  constructor() {
    super((request) => this.answer(request), (status, message) => googleError(status, message));
  }

  static async serve(specs: FleetProjectSpec[]): Promise<FakeGcpFleet> {
    const fleet = new FakeGcpFleet();
    for (const spec of specs) {
      const gcp = await FakeGcp.load(fixturePath(spec.fixture));
      const project = JSON.parse(await readFile(join(fixturePath(spec.fixture), 'project.json'), 'utf8')) as { projectId: string; projectNumber: string };
      const clusters: Record<string, unknown>[] = [];
      const memberships: Record<string, unknown>[] = [];
      for (const cluster of spec.clusters) {
        const described = JSON.parse(await readFile(join(fixturePath(cluster.fixture), 'cluster.json'), 'utf8')) as Record<string, unknown>;
        let port = 9;
        if (!cluster.unreachable) {
          const kube = await FakeKubeApiServer.serve(fixturePath(cluster.fixture), { tls: true });
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
    }
    await fleet.gateway.start({ tls: true });
    return fleet.start();
  }

  /**
   * The environment a client of this fleet runs with: no kubeconfig or gcloud configuration
   * (under `home`), a Google access token, and every Google API (and the Connect gateway)
   * pointed at the fakes, as gcloud's endpoint overrides do.
   */
  clientEnv(home: string): NodeJS.ProcessEnv {
    return {
      KUBECONFIG: join(home, 'no-kubeconfig'),
      CLOUDSDK_CONFIG: join(home, 'gcloud'),
      CLOUDSDK_CORE_PROJECT: undefined,
      GOOGLE_APPLICATION_CREDENTIALS: undefined,
      METADATA_SERVER_DETECTION: 'none',
      GOOGLE_OAUTH_ACCESS_TOKEN: 'fake-google-token',
      CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER: `${this.url}/`,
      CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDRESOURCEMANAGER: `${this.url}/`,
      CLOUDSDK_API_ENDPOINT_OVERRIDES_EVENTARC: `${this.url}/`,
      CLOUDSDK_API_ENDPOINT_OVERRIDES_PUBSUB: `${this.url}/`,
      CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: `${this.url}/compute/v1/`,
      CLOUDSDK_API_ENDPOINT_OVERRIDES_GKEHUB: `${this.url}/`,
      CLOUDSDK_API_ENDPOINT_OVERRIDES_CONNECTGATEWAY: `${this.gateway.url}/`,
    };
  }

  override async close(): Promise<void> {
    await Promise.all([super.close(), this.gateway.close(), ...[...this.kube.values()].map((kube) => kube.close())]);
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
    return kube.route({ ...request, path: match[4]! });
  }

  private answer(request: FakeRequest): FakeResponse {
    const id = /^\/(?:compute\/)?v\d\/projects\/([^/:]+)/.exec(request.path)?.[1];
    const project = id === undefined ? undefined : this.projects.get(id);
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
      return { status: 200, body: { resources: project.memberships } };
    }
    return project.gcp.route(request);
  }
}

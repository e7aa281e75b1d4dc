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
 * `masterAuth.clusterCaCertificate`, endpoint 127.0.0.1:PORT): the container
 * API lists them (`locations/-`, the shape of projects.locations.clusters.list),
 * and every other request goes to its project's FakeGcp.
 */
export class FakeGcpFleet extends FakeHttpServer {
  readonly kube = new Map<string, FakeKubeApiServer>();
  private readonly projects = new Map<string, { gcp: FakeGcp; clusters: Record<string, unknown>[] }>();

  constructor() {
    super((request) => this.answer(request), (status, message) => googleError(status, message));
  }

  static async serve(specs: FleetProjectSpec[]): Promise<FakeGcpFleet> {
    const fleet = new FakeGcpFleet();
    for (const spec of specs) {
      const gcp = await FakeGcp.load(fixturePath(spec.fixture));
      const project = JSON.parse(await readFile(join(fixturePath(spec.fixture), 'project.json'), 'utf8')) as { projectId: string };
      const clusters: Record<string, unknown>[] = [];
      for (const cluster of spec.clusters) {
        const described = JSON.parse(await readFile(join(fixturePath(cluster.fixture), 'cluster.json'), 'utf8')) as Record<string, unknown>;
        let endpoint = '127.0.0.1:9';
        if (!cluster.unreachable) {
          const kube = await FakeKubeApiServer.serve(fixturePath(cluster.fixture), { tls: true });
          fleet.kube.set(`${project.projectId}/${cluster.location}/${cluster.name}`, kube);
          endpoint = `127.0.0.1:${kube.port}`;
        }
        clusters.push({
          ...described,
          name: cluster.name,
          location: cluster.location,
          selfLink: `https://container.googleapis.com/v1/projects/${project.projectId}/locations/${cluster.location}/clusters/${cluster.name}`,
          endpoint,
          masterAuth: { clusterCaCertificate: Buffer.from(TEST_TLS.ca).toString('base64') },
        });
      }
      fleet.projects.set(project.projectId, { gcp, clusters });
    }
    return fleet.start();
  }

  override async close(): Promise<void> {
    await Promise.all([super.close(), ...[...this.kube.values()].map((kube) => kube.close())]);
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
    return project.gcp.route(request);
  }
}

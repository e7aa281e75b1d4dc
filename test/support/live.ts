import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../src/engine/report.js';
import type { FakeGcpOptions } from './fake-gcp.js';
import { FakeGcp } from './fake-gcp.js';
import { fakeGoogleEnv } from './fake-google-env.js';
import type { FakeKubeOptions } from './fake-kube-apiserver.js';
import { FakeKubeApiServer } from './fake-kube-apiserver.js';
import { fixturePath } from './fixtures.js';

export interface ServedFixture {
  gcp: FakeGcp;
  kube: FakeKubeApiServer;
  target: { project: string; location: string; cluster: string };
  /** The kubeconfig written for the fakes; its current context is `gke_PROJECT_LOCATION_CLUSTER`. */
  kubeconfig: string;
  /** What a user's shell would hold: KUBECONFIG, the endpoint overrides, a token, an empty gcloud config. */
  env: NodeJS.ProcessEnv;
  directory: string;
  close(): Promise<void>;
}

/** Serves a fixture directory through both fakes, as a real project and cluster would answer. */
export async function serveFixture(nameOrPath: string, options: { gcp?: FakeGcpOptions; kube?: FakeKubeOptions } = {}): Promise<ServedFixture> {
  const directory = nameOrPath.startsWith('/') ? nameOrPath : fixturePath(nameOrPath);
  const target = await fixtureTarget(directory);
  const [gcp, kube] = await Promise.all([FakeGcp.serve(directory, options.gcp), FakeKubeApiServer.serve(directory, options.kube)]);
  const home = await mkdtemp(join(tmpdir(), 'gke-doctor-home-'));
  const kubeconfig = await kube.writeKubeconfig(join(home, 'kubeconfig'), `gke_${target.project}_${target.location}_${target.cluster}`);
  const env: NodeJS.ProcessEnv = {
    KUBECONFIG: kubeconfig,
    ...fakeGoogleEnv(gcp.url, home),
  };
  return { gcp, kube, target, kubeconfig, env, directory, close: async () => void (await Promise.all([gcp.close(), kube.close()])) };
}

/** The project, location and cluster a fixture describes (placeholders where it has no project.json or cluster.json). */
export async function fixtureTarget(directory: string): Promise<{ project: string; location: string; cluster: string }> {
  const read = async (file: string) => JSON.parse(await readFile(join(directory, file), 'utf8').catch(() => 'null')) as Record<string, unknown> | null;
  const project = await read('project.json');
  const cluster = await read('cluster.json');
  const selfLink = /projects\/([^/]+)\/(?:locations|zones)\/([^/]+)\/clusters\//.exec(String(cluster?.selfLink ?? ''));
  return {
    project: String(project?.projectId ?? selfLink?.[1] ?? 'fixture-project'),
    location: String(cluster?.location ?? selfLink?.[2] ?? 'fixture-location'),
    cluster: String(cluster?.name ?? 'fixture-cluster'),
  };
}

/** Fixture directories that are snapshots (they hold a k8s/ directory or a gcloud file). */
export async function snapshotFixtures(): Promise<string[]> {
  const root = fixturePath('');
  const names = await readdir(root);
  const result: string[] = [];
  for (const name of names.sort()) {
    const entries = await readdir(join(root, name)).catch(() => [] as string[]);
    if (entries.some((entry) => ['k8s', 'cluster.json', 'project.json', 'iam-policy.json', 'eventarc-triggers.json', 'compute'].includes(entry))) result.push(name);
  }
  return result;
}

/** A report without what differs between runs of the same data: the source and the durations. */
export function comparable(report: Pick<Report, 'target' | 'checks'>): unknown {
  return {
    ...report,
    target: { ...report.target, source: undefined },
    checks: report.checks.map((check) => ({ ...check, durationMs: undefined })),
  };
}

/** A temporary copy of the files given, as a fixture directory. */
export async function temporaryFixture(files: Record<string, string>): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-fixture-'));
  for (const [file, text] of Object.entries(files)) {
    const path = join(directory, file);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, text);
  }
  return directory;
}

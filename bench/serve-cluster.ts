// The generated cluster (bench/cluster.ts) served as a real one is reached: both fakes over TLS
// with the test certificate, behind a network of the given round trip (test/support/network-delay.ts),
// which charges connection set-up and TLS handshakes as well as each exchange.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeGcp } from '../test/support/fake-gcp.js';
import { fakeGoogleEnv } from '../test/support/fake-google-env.js';
import { FakeKubeApiServer } from '../test/support/fake-kube-apiserver.js';
import type { GeneratedCluster } from './cluster.js';

export const TEST_CA_FILE = new URL('../test/support/tls/ca.crt', import.meta.url).pathname;

export interface ServedCluster {
  kube: FakeKubeApiServer;
  gcp: FakeGcp;
  kubeconfig: string;
  /** What a user's shell would hold: KUBECONFIG, the Google endpoints, a token, the test CA trusted. */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** A snapshot directory of the cluster: its gcloud files, and with `objects` its k8s/ as one List. */
export async function writeClusterDirectory(cluster: GeneratedCluster, objects: boolean): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-bench-cluster-'));
  await mkdir(join(directory, 'compute'));
  for (const [file, value] of Object.entries(cluster.gcpFiles)) await writeFile(join(directory, file), JSON.stringify(value));
  if (objects) {
    await mkdir(join(directory, 'k8s'));
    await writeFile(join(directory, 'k8s', 'objects.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: cluster.objects, metadata: { resourceVersion: '' } }));
  }
  return directory;
}

export async function serveCluster(cluster: GeneratedCluster, rttMs: number): Promise<ServedCluster> {
  const directory = await writeClusterDirectory(cluster, false);
  // Eventarc and compute pages as large as the real APIs give.
  const gcp = await FakeGcp.serve(directory, { pageSize: 500, tls: true, rttMs });
  const kube = await new FakeKubeApiServer(cluster.objects, { tls: true }).start({ tls: true, rttMs });
  const { project, location, cluster: name } = cluster.target;
  const kubeconfig = await kube.writeKubeconfig(join(directory, 'kubeconfig'), `gke_${project}_${location}_${name}`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NO_COLOR: '1',
    NODE_EXTRA_CA_CERTS: TEST_CA_FILE,
    KUBECONFIG: kubeconfig,
    ...fakeGoogleEnv(gcp.url, directory),
  };
  return {
    kube,
    gcp,
    kubeconfig,
    env,
    close: async () => {
      await Promise.all([gcp.close(), kube.close()]);
      await rm(directory, { recursive: true, force: true });
    },
  };
}

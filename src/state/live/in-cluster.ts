import { existsSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { InputError } from '../../errors.js';
import { firstLine } from '../../first-line.js';

/** Where the kubelet mounts a Pod's service-account token, CA and namespace (kubernetes.io/docs/tasks/run-application/access-api-from-pod/). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The API server as a Pod reaches it: KUBERNETES_SERVICE_HOST and _PORT, which the kubelet sets in every container. */
export function inClusterServer(env: NodeJS.ProcessEnv): string | null {
  const host = env.KUBERNETES_SERVICE_HOST;
  if (!host) return null;
  const port = env.KUBERNETES_SERVICE_PORT || '443';
  return `https://${isIPv6(host) ? `[${host}]` : host}:${port}`;
}

/**
 * A KubeConfig for the Pod's own service account, as client-node's
 * loadFromCluster builds it (the token file is read again on each request, so
 * the kubelet's rotation of a bound token is picked up), with the directory
 * and the environment passed in rather than read from the process.
 */
export async function inClusterKubeConfig(env: NodeJS.ProcessEnv, serviceAccountDir = SERVICE_ACCOUNT_DIR): Promise<KubeConfig> {
  const server = inClusterServer(env);
  if (!server) throw new InputError('not in a Pod: KUBERNETES_SERVICE_HOST is not set');
  const tokenFile = join(serviceAccountDir, 'token');
  const caFile = join(serviceAccountDir, 'ca.crt');
  for (const file of [tokenFile, caFile]) {
    if (!existsSync(file)) throw new InputError(`${file}: no service-account ${file === tokenFile ? 'token' : 'CA'} mounted in this Pod (automountServiceAccountToken: false?)`);
  }
  const { KubeConfig } = await import('@kubernetes/client-node');
  const config = new KubeConfig();
  config.loadFromClusterAndUser(
    { name: 'in-cluster', server, caFile, skipTLSVerify: false },
    { name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile } } },
  );
  return config;
}

/** The cluster a GKE node runs in, from the metadata server (cloud.google.com/kubernetes-engine/docs/concepts/workload-identity#instance_metadata). */
export interface MetadataTarget {
  project: string;
  location: string;
  cluster: string;
}

/**
 * Reads `project/project-id`, `instance/attributes/cluster-name` and
 * `instance/attributes/cluster-location` through google-auth-library's
 * metadata client, which honours GCE_METADATA_HOST as the rest of the Google
 * libraries do. The GKE metadata server serves these to Pods using Workload Identity.
 */
export async function metadataTarget(): Promise<MetadataTarget> {
  const { gcpMetadata } = await import('google-auth-library');
  try {
    const [project, cluster, location] = await Promise.all([
      gcpMetadata.project<string>('project-id'),
      gcpMetadata.instance<string>('attributes/cluster-name'),
      gcpMetadata.instance<string>('attributes/cluster-location'),
    ]);
    return { project: String(project), cluster: String(cluster), location: String(location) };
  } catch (error) {
    throw new InputError(
      `in a Pod, but the GKE metadata server did not say which cluster this is (${firstLine((error as Error).message)}): pass --project, --location and --cluster`,
    );
  }
}

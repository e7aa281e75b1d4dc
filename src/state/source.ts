import type { ClusterState, DataKey } from './cluster-state.js';

/** The load balancer's health-check request, sent to a Pod (`--probe`, live only). */
export interface ProbeRequest {
  namespace: string;
  pod: string;
  port: number;
  path: string;
  scheme: 'HTTP' | 'HTTPS';
}

/** Result of sending the load balancer's health-check request to a Pod. */
export interface ProbeResponse {
  statusCode: number;
  location?: string;
  error?: string;
}

export type Probe = (request: ProbeRequest) => Promise<ProbeResponse>;

/** Where a ClusterState comes from: a snapshot directory, manifests and a plan, or a live project. */
export interface StateSource {
  /** Reads exactly `keys`; anything it cannot read goes into `unavailable` with the reason. */
  collect(keys: ReadonlySet<DataKey>): Promise<ClusterState>;
  /** Sends a request to a Pod (`--probe`); only a live source can. */
  probe?: Probe;
  /** The Kubernetes API a live source reads through (its kubeconfig context); `--fix` writes through the same one. */
  kubernetesClient?(): Promise<KubernetesClient | null>;
}

/** JSON over the Kubernetes API, every request with a timeout and the run's deadline. */
export interface KubernetesClient {
  /** A GET, retried on 429, 5xx and a broken connection. */
  getJson<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T>;
  /** A PUT, sent once. */
  putJson<T>(path: string, body: unknown, query?: Record<string, string | number | undefined>): Promise<T>;
}

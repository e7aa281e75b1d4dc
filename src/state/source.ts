import type { Probe } from '../plugin-api.js';
import type { ClusterState, DataKey } from './cluster-state.js';

/** Sending the load balancer's health-check request to a Pod (`--probe`, live only): shapes of the plugin API (src/plugin-api.ts). */
export type { Probe, ProbeRequest, ProbeResponse } from '../plugin-api.js';

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

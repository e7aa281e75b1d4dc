import type { KubeConfig } from '@kubernetes/client-node';
import type { CheckContext } from '../engine/check.js';
import type { ClusterState, DataKey } from './cluster-state.js';

/** Where a ClusterState comes from: a snapshot directory, manifests and a plan, or a live project. */
export interface StateSource {
  /** Reads exactly `keys`; anything it cannot read goes into `unavailable` with the reason. */
  collect(keys: ReadonlySet<DataKey>): Promise<ClusterState>;
  /** Sends a request to a Pod (`--probe`); only a live source can. */
  probe?: CheckContext['probe'];
  /** The kubeconfig context a live source reads through; `--fix` writes through the same one. */
  kubeConfig?(): Promise<KubeConfig | null>;
}

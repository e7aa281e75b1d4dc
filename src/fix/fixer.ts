import type { FixAction } from '../engine/check.js';
import type { ClusterState } from '../state/cluster-state.js';
import type { KubernetesClient } from '../state/source.js';
import type { FixOptions, FixOutcome } from './fix-outcome.js';

/** What a fixer may use: the cluster's API, the state the checks read, and the user's --fix flags. */
export interface FixEnvironment {
  api: KubernetesClient;
  state: ClusterState;
  options: FixOptions;
}

/** Applies one kind of action; it knows the action, never the check that asked for it. */
export interface Fixer<Action extends FixAction> {
  /** Prints what it is about to do and what that leaves behind, before any question or write. */
  describe(action: Action, environment: FixEnvironment): void;
  apply(action: Action, environment: FixEnvironment): Promise<FixOutcome>;
  /** The run was stopped while `apply` was still at it: what became of the action, read again within a short bound. */
  abandoned(action: Action, environment: FixEnvironment): Promise<FixOutcome>;
}

import type { DataKey, SourceLocation } from '../cluster-state.js';
import type { Cluster, EventarcTrigger, IamBinding, IamPolicy } from '../gcp-types.js';
import type { KubeObject } from '../kubernetes-types.js';

/**
 * A change Terraform plans to a project's IAM policy, in the order it applies:
 * `google_project_iam_policy` replaces the policy, `google_project_iam_binding`
 * replaces the members of one role (and condition), `google_project_iam_member`
 * adds (or, when deleted, removes) one member.
 */
export type IamChange =
  | { kind: 'policy'; policy: IamPolicy }
  | { kind: 'binding'; binding: IamBinding }
  | { kind: 'member'; binding: IamBinding; remove: boolean };

/** What manifests or a plan add on top of a base source (or of nothing). */
export interface PlannedLayer {
  /** Named in the report's target: `manifests` or `terraform-plan`. */
  source: string;
  projectId?: string;
  projectNumber?: string;
  clusters: Cluster[];
  eventarcTriggers: EventarcTrigger[];
  /** Full names of triggers the plan deletes. */
  deletedTriggers: string[];
  iam: IamChange[];
  kubernetes: KubeObject[];
  /** `Kind/namespace/name` of objects the plan deletes. */
  deletedKubernetes: string[];
  locations: Map<string, SourceLocation>;
  unknownUntilApply: Map<string, string[]>;
  /** The data keys this layer says something about; with no base, the others are unavailable. */
  provides: Set<DataKey>;
}

export function emptyLayer(source: string): PlannedLayer {
  return {
    source,
    clusters: [],
    eventarcTriggers: [],
    deletedTriggers: [],
    iam: [],
    kubernetes: [],
    deletedKubernetes: [],
    locations: new Map(),
    unknownUntilApply: new Map(),
    provides: new Set(),
  };
}

export function addUnknown(layer: PlannedLayer, resource: string, fields: readonly string[]): void {
  if (fields.length === 0) return;
  const known = layer.unknownUntilApply.get(resource) ?? [];
  layer.unknownUntilApply.set(resource, [...new Set([...known, ...fields])]);
}

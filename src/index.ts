// The interface plugins write checks against (README: Writing a check).
export type {
  Check,
  CheckContext,
  CheckResult,
  CheckStatus,
  FinalizeNamespaceAction,
  Finding,
  Fix,
  FixAction,
  MessageData,
  ReportDescriptor,
  RunContext,
  Severity,
} from './engine/check.js';
export { defineCheck, fill, format } from './engine/check.js';
export type { ClusterState, DataKey, SourceLocation, Target } from './state/cluster-state.js';
export { KubernetesObjects, kubernetesResourceName } from './state/cluster-state.js';
export type * from './state/kubernetes-types.js';
export type * from './state/gcp-types.js';
export type { Report, CheckReport, Summary } from './engine/report.js';
export { isGceIngress } from './gke/ingress-class.js';

import type { ClusterState, DataKey, SourceLocation } from '../state/cluster-state.js';
import type { Probe } from '../state/source.js';

/** What `context.probe` answers, for checks that send it. */
export type { ProbeResponse } from '../state/source.js';

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export type CheckStatus = 'passed' | 'failed' | 'not-applicable' | 'incomplete';

/** A fix is data: what to run, in order. `src/fix/` applies the `automatic` ones on `--fix`. */
export interface Fix {
  summary: string;
  commands: string[];
  terraform: string | null;
  automatic: boolean;
}

export interface Finding {
  severity: Severity;
  /** `Kind/name`, `Kind/namespace/name`, a full GCP resource name, or `serviceAccount:EMAIL`. */
  resource: string;
  message: string;
  evidence: Record<string, unknown>;
  fix: Fix | null;
  location?: SourceLocation;
}

export interface CheckResult {
  /** Every resource the check looked at; none (and no finding) means not applicable. */
  examined: string[];
  findings: Finding[];
}

export interface CheckContext {
  now: Date;
  /** A namespace counts as stuck once it has been Terminating this long. */
  stuckAfterMs: number;
  /** Present only in live mode with `--probe`. */
  probe?: Probe;
}

export interface Check {
  id: string;
  /** The good state, as a sentence: what passing means. */
  title: string;
  severity: Severity;
  /** Why it matters and how to fix it; what `explain` prints. */
  description: string;
  references: string[];
  /** Data without which the check cannot run (missing -> `incomplete`). */
  needs: readonly DataKey[];
  /** Data the check uses when a source has it. */
  optionalNeeds?: readonly DataKey[];
  /**
   * The data this check judges (kube-linter's "applies to"); the rest of `needs` is what it
   * judges it with. When the inputs of a preflight hold none of it (`state.notInInputs`), the
   * check is not applicable instead of incomplete.
   */
  appliesTo?: readonly DataKey[];
  /** Why there is nothing to look at, when `run` examines nothing. */
  notApplicable: string;
  run(state: ClusterState, context: CheckContext): CheckResult | Promise<CheckResult>;
}

/** Fills `{{name}}` placeholders: messages live in a check's metadata, not in its logic. */
export function format(template: string, data: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => (key in data ? String(data[key]) : whole));
}

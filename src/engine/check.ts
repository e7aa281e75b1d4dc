import type { RedirectingApplication } from '../gke/known-applications.js';
import type { ClusterState, DataKey, SourceLocation } from '../state/cluster-state.js';
import type { Probe } from '../state/source.js';

/** What `context.probe` answers, for checks that send it. */
export type { ProbeResponse } from '../state/source.js';

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export type CheckStatus = 'passed' | 'failed' | 'not-applicable' | 'incomplete';

/**
 * Empty `spec.finalizers` of a stuck namespace through its `/finalize` subresource.
 * What it carries is what the fixer prints before asking: how long the namespace has been
 * stuck, why, what finalizing leaves behind, and the root-cause steps it does not take.
 */
export interface FinalizeNamespaceAction {
  kind: 'finalize-namespace';
  namespace: string;
  terminatingForSeconds?: number;
  conditions: { type: string; message?: string }[];
  orphans: { resource: string; finalizers: string[] }[];
  /** The fix's commands that come before finalizing and that no fixer runs. */
  manualSteps: string[];
}

/** A change `--fix` can make, applied by the fixer registered for its `kind` (src/fix/fixers.ts). */
export type FixAction = FinalizeNamespaceAction;

/** A fix is data: what to run, in order. `src/fix/` applies the `automatic` ones that carry an `action` on `--fix`. */
export interface Fix {
  summary: string;
  commands: string[];
  terraform: string | null;
  automatic: boolean;
  action?: FixAction;
}

export interface Finding {
  severity: Severity;
  /** `Kind/name`, `Kind/namespace/name`, a full GCP resource name, or `serviceAccount:EMAIL`. */
  resource: string;
  /** The key of the message in the check's `messages` (absent only in plugins that build findings by hand). */
  messageId?: string;
  message: string;
  evidence: Record<string, unknown>;
  fix: Fix | null;
  location?: SourceLocation;
  /** Accepted by the user (config `ignore`, an annotation, a baseline): reported, never failing the run. */
  suppressed?: Suppression;
}

/** Why a finding is accepted, and by what. */
export interface Suppression {
  by: 'config' | 'annotation' | 'baseline';
  reason: string;
}

export interface CheckResult {
  /** Every resource the check looked at; none (and no finding) means not applicable. */
  examined: string[];
  findings: Finding[];
  /**
   * What the check needed for some of what it examined and could not read, each a sentence naming
   * it and why. Without a failing finding the check is `incomplete` (never `passed`), with these as
   * its reason.
   */
  unread?: string[];
}

/** Values for a message's `{{name}}` placeholders. */
export type MessageData = Record<string, string | number>;

/** What a check passes to `context.report`: the finding, with its message named, not written. */
export interface ReportDescriptor<MessageId extends string = string> {
  messageId: MessageId;
  data?: MessageData;
  resource: string;
  /** Defaults to the check's severity. */
  severity?: Severity;
  evidence?: Record<string, unknown>;
  fix?: Fix | null;
}

/** What a run gives every check: the clock, the thresholds, the live capabilities. */
export interface RunContext {
  now: Date;
  /** A namespace counts as stuck once it has been Terminating this long. */
  stuckAfterMs: number;
  /** Applications the user's config declares as redirecting plain HTTP (ingress-health-check), besides the known ones. */
  redirectingApplications?: readonly RedirectingApplication[];
  /** Present only in live mode with `--probe`. */
  probe?: Probe;
}

export interface CheckContext<MessageId extends string = string> extends RunContext {
  /** Makes a finding from one of the check's messages; an unknown id or a missing placeholder throws. */
  report(descriptor: ReportDescriptor<MessageId>): Finding;
}

export interface Check<MessageId extends string = string> {
  id: string;
  /** The good state, as a sentence: what passing means. */
  title: string;
  severity: Severity;
  /** Why it matters and how to fix it; what `explain` prints. */
  description: string;
  references: string[];
  /** Where the check is documented (ESLint's `meta.docs.url`); built-in checks: their page in docs/checks. */
  url?: string;
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
  /**
   * Every finding's message, by id, with `{{name}}` placeholders (like ESLint's `meta.messages`).
   * Built-in checks have them; a plugin without them builds its findings by hand.
   */
  messages?: Record<MessageId, string>;
  run(state: ClusterState, context: CheckContext<MessageId>): CheckResult | Promise<CheckResult>;
}

/** Types a check's `report` calls by the ids of its own `messages`. */
export function defineCheck<const Messages extends Record<string, string>>(
  check: Check<Extract<keyof Messages, string>> & { messages: Messages },
): Check<Extract<keyof Messages, string>> & { messages: Messages } {
  return check;
}

/** The context one check runs with: `report` fills that check's messages. */
export function checkContext<MessageId extends string>(check: Pick<Check<MessageId>, 'id' | 'severity' | 'messages'>, context: RunContext): CheckContext<MessageId> {
  return {
    ...context,
    report({ messageId, data = {}, resource, severity, evidence = {}, fix = null }) {
      const template = check.messages && Object.hasOwn(check.messages, messageId) ? check.messages[messageId] : undefined;
      if (template === undefined) throw new Error(`check ${check.id} has no message "${messageId}"`);
      return { severity: severity ?? check.severity, resource, messageId, message: fill(template, data, `${check.id} ${messageId}`), evidence, fix };
    },
  };
}

/**
 * Fills `{{name}}` placeholders; one missing from `data` throws (naming `where`), so a typo
 * fails the check's tests instead of reaching a report.
 */
export function fill(template: string, data: MessageData, where = 'message'): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_whole, key: string) => {
    const value = Object.hasOwn(data, key) ? data[key] : undefined;
    if (value === undefined) throw new Error(`${where}: no value for {{${key}}}`);
    return String(value);
  });
}

/** Fills `{{name}}` placeholders, leaving unknown ones as written (for plugins; built-in checks use `fill`). */
export function format(template: string, data: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => (key in data ? String(data[key]) : whole));
}

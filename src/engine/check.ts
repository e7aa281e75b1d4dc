import type { RedirectingApplication } from '../gke/load-balancer/known-applications.js';
import type { CheckContext as PluginCheckContext, Check as PluginCheck, CheckResult, MessageData, RunContext as PluginRunContext, Severity } from '../plugin-api.js';
import type { ClusterState } from '../state/cluster-state.js';

// The shapes that name no dependency have one definition, in the plugin API (src/plugin-api.ts);
// ProbeResponse is what `context.probe` answers, for checks that send it.
export type { CheckResult, CheckStatus, FinalizeNamespaceAction, Finding, Fix, FixAction, MessageData, ProbeResponse, ReportDescriptor, Severity, Suppression } from '../plugin-api.js';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** What a run gives every check: the plugin API's context, and what only built-in checks read. */
export interface RunContext extends PluginRunContext {
  /** The run's deadline (`--timeout`): a check not finished by then is incomplete. */
  deadline?: { ms: number; remainingMs(): number };
  /** Applications the user's config declares as redirecting plain HTTP (ingress-health-check), besides the known ones. */
  redirectingApplications?: readonly RedirectingApplication[];
}

export interface CheckContext<MessageId extends string = string> extends RunContext, PluginCheckContext<MessageId> {}

/** A check as the plugin API declares it, run on the engine's ClusterState (whose objects client-node types). */
export interface Check<MessageId extends string = string> extends Omit<PluginCheck<MessageId>, 'run'> {
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

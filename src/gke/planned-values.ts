import type { ClusterState } from '../state/cluster-state.js';
import { unknownFields } from './unknown-fields.js';

export { unknownFields };

/** `FIELD of RESOURCE (ADDRESS)`, naming the plan's resource address when the state knows it. */
export function describeUnknownFields(state: ClusterState, resource: string, fields: readonly string[]): string {
  const address = state.locations.get(resource)?.address;
  return `${fields.join(', ')} of ${resource}${address ? ` (${address})` : ''}`;
}

const KNOWN_AFTER_APPLY = {
  one: '{{fields}} is known only after apply',
  many: '{{fields}} are known only after apply',
};

/**
 * The clause every "cannot be decided before apply" message ends with: `FIELD of RESOURCE (ADDRESS)`
 * for each input, then "is" or "are known only after apply" for `count` fields in all.
 */
export function knownAfterApplyClause(parts: readonly string[], count: number): string {
  return (count === 1 ? KNOWN_AFTER_APPLY.one : KNOWN_AFTER_APPLY.many).replace('{{fields}}', parts.join('; '));
}

/** The clause for `fields` of one resource. */
export function unknownFieldsClause(state: ClusterState, resource: string, fields: readonly string[]): string {
  return knownAfterApplyClause([describeUnknownFields(state, resource, fields)], fields.length);
}

/** The fix of every finding that cannot be decided before apply. */
export function afterApplyFix(advice: 'set-value' | 'grant-known-member'): { summary: string; commands: string[]; terraform: null; automatic: false } {
  const how =
    advice === 'set-value'
      ? 'set the value in the configuration to something Terraform knows while planning'
      : 'grant to a member the plan already knows (a literal email, data "google_project" for the project number)';
  return { summary: `Run gke-doctor again once the plan is applied, or ${how}.`, commands: [], terraform: null, automatic: false };
}

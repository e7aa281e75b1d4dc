// Room iam/ (rank 1): allow policies, roles by the permissions they grant, conditions. Imports only src/gke/*.ts.
// Ranks are enforced by test/architecture (GKE_ROOM_RANKS in test/support/import-graph.ts).
import type { IamBinding, IamPolicy } from '../../state/gcp-types.js';
import type { ConditionVerdict } from './iam-condition.js';
import { evaluateCondition } from './iam-condition.js';
import type { CustomRole } from './iam-permissions.js';
import { REQUIRED_ROLE_PERMISSIONS, ROLE_FACTS, grantsRequiredRole, isCustomRole } from './iam-permissions.js';

/**
 * Offline IAM evaluation: does a project's allow policy grant `role` to a principal?
 * Only the policy is known here (no group membership, no inherited folder or
 * organization policies), so the answer says how sure it is.
 */
export type RoleGrant =
  /** An unconditional binding of `role` to the principal itself, or to allUsers / allAuthenticatedUsers. */
  | { status: 'granted'; role: string; member: string; condition?: string }
  /** A binding of another role that holds the permissions `role` exists to grant (a basic, predefined or custom role). */
  | { status: 'granted-through-role'; role: string; member: string; throughRole: string; reference: string; condition?: string }
  /** Bound only under IAM conditions that cannot be decided offline, or that will stop holding. */
  | { status: 'conditional'; role: string; conditions: GrantCondition[] }
  /** Bound to groups, domains or principal sets whose members cannot be listed offline. */
  | { status: 'possibly'; role: string; members: string[] }
  /** Bound through a custom role whose definition was not read (or that would be needed whole). */
  | { status: 'custom-role-unread'; role: string; member: string; customRole: string; permissions: readonly string[] }
  | { status: 'not-granted'; role: string; notes: string[] };

export interface GrantCondition {
  member: string;
  role: string;
  /** The condition's title; null when the policy was read below version 3 (a `_withcond_` role name). */
  title: string | null;
  expression: string | null;
  /** What the condition decides offline; `depends` when it cannot be decided. */
  verdict: ConditionVerdict;
}

export interface RoleEvaluation {
  /** The moment conditions on `request.time` are decided at; without it every condition stays undecided. */
  now?: Date;
  /**
   * Custom role definitions read (IAM roles.get, or `roles/ROLE_ID.json` in a snapshot), by full
   * name; a bound custom role missing from it is reported as not read. Without it, custom roles
   * are not evaluated (they grant nothing).
   */
  customRoles?: ReadonlyMap<string, CustomRole>;
}

const BASIC_ROLES = ['roles/owner', 'roles/editor', 'roles/viewer'];

/**
 * Decides, from the project's allow policy alone, whether `principal` (`serviceAccount:EMAIL`,
 * `user:EMAIL`, `principal://…`) holds what `role` is needed for: the role itself, or another
 * role that holds its permissions (iam-permissions.ts), under no condition or one that holds
 * now and from then on (iam-condition.ts).
 */
export function evaluateRole(policy: IamPolicy, principal: string, role: string, options: RoleEvaluation = {}): RoleGrant {
  const bindings = policy.bindings ?? [];
  const conditions: GrantCondition[] = [];
  const possibly: string[] = [];
  const lapsed: string[] = [];
  let throughRole: Extract<RoleGrant, { status: 'granted-through-role' }> | undefined;
  let unread: Extract<RoleGrant, { status: 'custom-role-unread' }> | undefined;

  for (const binding of bindings) {
    const bound = boundRole(binding);
    if (!bound) continue;
    const grants = grantsRequiredRole(bound.role, role, options.customRoles);
    if (grants === 'no') continue;
    for (const member of binding.members ?? []) {
      const match = memberMatches(member, principal);
      if (match === 'no') continue;
      // A basic role bound to a group or domain is how people get access; it is no sign that a service account
      // is a member, and counting it would turn every missing role into a "possibly".
      if (match === 'possibly' && bound.role !== role && BASIC_ROLES.includes(bound.role)) continue;
      let condition: string | undefined;
      if (bound.conditional) {
        const title = binding.condition?.title ?? null;
        const expression = binding.condition?.expression ?? null;
        const verdict: ConditionVerdict =
          expression === null
            ? { verdict: 'depends', why: 'the policy was read below version 3, which hides conditions' }
            : options.now
              ? evaluateCondition(expression, options.now)
              : { verdict: 'depends', why: 'no time to decide it at' };
        if (verdict.verdict === 'expired' || verdict.verdict === 'from') {
          lapsed.push(lapsedNote(bound.role, title, verdict));
          continue;
        }
        if (verdict.verdict !== 'holds') {
          // A condition on a group binding is still only a condition: name it.
          conditions.push({ member, role: bound.role, title, expression, verdict });
          continue;
        }
        condition = title ?? expression ?? undefined;
      }
      if (grants === 'unknown') {
        unread ??= { status: 'custom-role-unread', role, member, customRole: bound.role, permissions: REQUIRED_ROLE_PERMISSIONS[role]?.permissions ?? [] };
      } else if (match === 'possibly') {
        possibly.push(bound.role === role ? member : `${member} (through ${bound.role})`);
      } else if (bound.role === role) {
        return { status: 'granted', role, member, ...(condition ? { condition } : {}) };
      } else {
        const reference = isCustomRole(bound.role) ? `the definition of custom role ${bound.role}` : `${ROLE_FACTS.reference}, as of ${ROLE_FACTS.recordedOn}`;
        throughRole ??= { status: 'granted-through-role', role, member, throughRole: bound.role, reference, ...(condition ? { condition } : {}) };
      }
    }
  }
  if (throughRole) return throughRole;
  if (conditions.length > 0) return { status: 'conditional', role, conditions };
  if (possibly.length > 0) return { status: 'possibly', role, members: [...new Set(possibly)] };
  if (unread) return unread;
  return { status: 'not-granted', role, notes: [...lapsed, ...notGrantedNotes(bindings, principal, role)] };
}

function lapsedNote(role: string, title: string | null, verdict: Extract<ConditionVerdict, { verdict: 'expired' | 'from' }>): string {
  const name = title ? `"${title}"` : 'its IAM condition';
  return verdict.verdict === 'expired'
    ? `the binding of ${role} under condition ${name} has expired${verdict.since ? ` (${verdict.since})` : ''}`
    : `the binding of ${role} under condition ${name} holds only from ${verdict.from}`;
}

type Match = 'yes' | 'possibly' | 'no';

/**
 * Whether a policy member names `principal` (member forms:
 * https://cloud.google.com/iam/docs/principal-identifiers).
 */
export function memberMatches(member: string, principal: string): Match {
  if (member === 'allUsers') return 'yes';
  // Every Google account and service account; whether it covers a federated identity is not evaluated here.
  if (member === 'allAuthenticatedUsers') {
    if (principal.startsWith('user:') || principal.startsWith('serviceAccount:')) return 'yes';
    return principal.startsWith('principal://') ? 'possibly' : 'no';
  }
  // A deleted principal's binding does not apply to a new one of the same name.
  if (member.startsWith('deleted:')) return 'no';
  const [kind, value = ''] = splitMember(member);
  const [principalKind, principalValue = ''] = splitMember(principal);
  switch (kind) {
    case 'user':
    case 'serviceAccount':
      return kind === principalKind && value.toLowerCase() === principalValue.toLowerCase() ? 'yes' : 'no';
    case 'group':
      // Groups can hold users, service accounts and other groups; their members are not in the policy.
      return principalKind === 'user' || principalKind === 'serviceAccount' || principalKind === 'group' ? 'possibly' : 'no';
    case 'domain':
      // A domain holds the Google accounts of a Workspace or Cloud Identity account; service accounts belong to none.
      return principalKind === 'user' && emailDomain(principalValue) === value.toLowerCase() ? 'possibly' : 'no';
    case 'principal':
      return member === principal ? 'yes' : 'no';
    case 'principalSet':
      return principalSetMayContain(member, principal) ? 'possibly' : 'no';
    default:
      return 'no';
  }
}

/** The deleted principals, basic roles and other hints worth saying when a role is not granted. */
function notGrantedNotes(bindings: readonly IamBinding[], principal: string, role: string): string[] {
  const notes: string[] = [];
  const held = heldRoles(bindings, principal);
  const basic = held.filter((candidate) => BASIC_ROLES.includes(candidate));
  for (const other of basic) {
    notes.push(`it holds ${other}, which does not hold every permission ${role} is needed for (${ROLE_FACTS.reference}, as of ${ROLE_FACTS.recordedOn})`);
  }
  for (const binding of bindings) {
    if (boundRole(binding)?.role !== role) continue;
    for (const member of binding.members ?? []) {
      const deleted = /^deleted:(.+?)\?uid=(\d+)$/.exec(member);
      if (deleted && deleted[1]?.toLowerCase() === principal.toLowerCase()) {
        notes.push(`the binding to ${deleted[1]} belongs to a deleted account (uid ${deleted[2]}); it does not apply to the account of that name now`);
      }
    }
  }
  return notes;
}

/** Every role bound unconditionally to the principal itself (for notes only). */
function heldRoles(bindings: readonly IamBinding[], principal: string): string[] {
  return bindings
    .filter((binding) => !boundRole(binding)?.conditional && (binding.members ?? []).some((member) => memberMatches(member, principal) === 'yes'))
    .map((binding) => binding.role ?? '');
}

/**
 * A binding's role and whether it is conditional. A policy read below version 3
 * hides conditions and suffixes the role with `_withcond_HASH`
 * (https://cloud.google.com/iam/docs/troubleshooting-withcond).
 */
function boundRole(binding: IamBinding): { role: string; conditional: boolean } | undefined {
  if (!binding.role) return undefined;
  const withcond = /^(.*)_withcond_[0-9a-f]+$/.exec(binding.role);
  if (withcond) return { role: withcond[1]!, conditional: true };
  return { role: binding.role, conditional: Boolean(binding.condition) };
}

/** `serviceAccount:a@b` -> [`serviceAccount`, `a@b`]; `principal://…` -> [`principal`, `//…`]. */
function splitMember(member: string): [string, string | undefined] {
  const colon = member.indexOf(':');
  return colon === -1 ? [member, undefined] : [member.slice(0, colon), member.slice(colon + 1)];
}

function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * A principal set of a workload identity (or workforce) pool may hold a
 * `principal://` identity of the same pool; the `cloudresourcemanager` sets of
 * service accounts may hold a service account. Attribute sets cannot be
 * evaluated offline, so either is only "possibly".
 */
function principalSetMayContain(member: string, principal: string): boolean {
  const pool = /^principalSet:\/\/iam\.googleapis\.com\/(.+?\/(?:workloadIdentityPools|workforcePools)\/[^/]+)\//.exec(member)?.[1];
  if (pool) return principal.startsWith(`principal://iam.googleapis.com/${pool}/`);
  if (member.startsWith('principalSet://cloudresourcemanager.googleapis.com/') && member.endsWith('/type/ServiceAccount')) {
    return principal.startsWith('serviceAccount:');
  }
  return false;
}

/** Service agents Google derives from the project number (https://cloud.google.com/iam/docs/service-agents). */
export function eventarcServiceAgent(projectNumber: string): string {
  return `serviceAccount:service-${projectNumber}@gcp-sa-eventarc.iam.gserviceaccount.com`;
}

export function pubsubServiceAgent(projectNumber: string): string {
  return `serviceAccount:service-${projectNumber}@gcp-sa-pubsub.iam.gserviceaccount.com`;
}

/** `serviceAccount:EMAIL` -> `EMAIL` (other members unchanged). */
export function memberEmail(member: string): string {
  return member.replace(/^serviceAccount:/, '');
}

/**
 * A service account ID for a trigger's own account, `TRIGGER-events`, made valid: 6 to 30
 * lower-case letters, digits and hyphens, starting with a letter
 * (https://cloud.google.com/iam/docs/service-accounts-create).
 */
export function dedicatedAccountId(trigger: string): string {
  const base = trigger.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^[^a-z]+/, '');
  return `${(base || 'eventarc').slice(0, 23).replace(/-+$/, '')}-events`;
}

/** `NUMBER-compute@developer.gserviceaccount.com`: the Compute Engine default service account. */
export function isComputeDefaultServiceAccount(email: string): boolean {
  return /^\d+-compute@developer\.gserviceaccount\.com$/i.test(email);
}

/**
 * The exact command that grants `role` on `project` to `member`. On a policy
 * that holds conditional bindings gcloud asks for a condition unless given
 * `--condition=None` (an unconditional binding).
 */
export function grantCommand(project: string, member: string, role: string, policy?: IamPolicy): string {
  const condition = policy && hasConditions(policy) ? ' --condition=None' : '';
  return `gcloud projects add-iam-policy-binding ${project} --member=${member} --role=${role}${condition}`;
}

export function hasConditions(policy: IamPolicy): boolean {
  return (policy.bindings ?? []).some((binding) => boundRole(binding)?.conditional);
}

export function grantTerraform(project: string, member: string, role: string, name: string): string {
  return [
    `resource "google_project_iam_member" "${name}" {`,
    `  project = "${project}"`,
    `  role    = "${role}"`,
    `  member  = "${member}"`,
    '}',
  ].join('\n');
}

/** A Terraform resource name from a principal and a role: `jobapp_events_pubsub_subscriber`. */
export function terraformName(principalLabel: string, role: string): string {
  const roleName = role.replace(/^roles\//, '');
  return `${principalLabel}_${roleName}`.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
}

/** How a grant reads in a finding. */
export function describeGrant(grant: RoleGrant): string {
  const under = (condition: string | undefined) => (condition ? ` under IAM condition "${condition}", which holds now and from then on` : '');
  switch (grant.status) {
    case 'granted':
      return `${grant.role} is granted${grant.member.startsWith('all') ? ` to ${grant.member}` : ''}${under(grant.condition)}`;
    case 'granted-through-role':
      return `${grant.role} is not bound, but ${grant.throughRole} holds the permissions it is needed for (${grant.reference})${under(grant.condition)}; ${grant.role} itself grants less`;
    case 'conditional':
      return `${grant.role} is granted only under IAM condition${grant.conditions.length > 1 ? 's' : ''} ${grant.conditions.map((condition) => describeCondition(condition, grant.role)).join(', ')}`;
    case 'possibly':
      return `${grant.role} is possibly granted through ${grant.members.join(', ')}, whose members cannot be listed offline`;
    case 'custom-role-unread':
      return `${grant.role} is not bound, and custom role ${grant.customRole} is: its definition was not read, so whether it holds ${grant.permissions.length > 0 ? grant.permissions.join(', ') : `every permission of ${grant.role}`} is not known`;
    case 'not-granted':
      return `${grant.role} is not granted directly${grant.notes.length ? ` (${grant.notes.join('; ')})` : ''}`;
  }
  return grant satisfies never;
}

function describeCondition(condition: GrantCondition, role: string): string {
  const name = condition.title ? `"${condition.title}"` : `(hidden: the policy was read below version 3, role ${condition.role}_withcond_…)`;
  const verdict = condition.verdict;
  const what = verdict.verdict === 'until' ? `, which holds until ${verdict.until}, and then the role is no longer granted` : verdict.verdict === 'depends' ? `, which ${verdict.why === 'it reads attributes known only when a request is made' ? 'depends on attributes known only when a request is made' : `cannot be decided: ${verdict.why}`}; while it is false the role is not granted` : '';
  return `${name}${conditionVia(condition, role)}${what}`;
}

function conditionVia(condition: GrantCondition, role: string): string {
  const member = /^(group|domain|principalSet|allUsers|allAuthenticatedUsers)/.test(condition.member) ? ` on ${condition.member}` : '';
  return `${member}${condition.role !== role ? ` (through ${condition.role})` : ''}`;
}

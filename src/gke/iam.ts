import type { IamBinding, IamPolicy } from '../state/gcp-types.js';

/**
 * Offline IAM evaluation: does a project's allow policy grant `role` to a principal?
 * Only the policy is known here (no group membership, no inherited folder or
 * organization policies), so the answer says how sure it is.
 */
export type RoleGrant =
  /** An unconditional binding of `role` to the principal itself, or to allUsers / allAuthenticatedUsers. */
  | { status: 'granted'; role: string; member: string }
  /** An unconditional binding of a role Google documents as containing every permission of `role`. */
  | { status: 'granted-through-role'; role: string; member: string; throughRole: string; reference: string }
  /** Bound only under IAM conditions: granted while the condition holds, so never counted as a plain grant. */
  | { status: 'conditional'; role: string; conditions: GrantCondition[] }
  /** Bound to groups, domains or principal sets whose members cannot be listed offline. */
  | { status: 'possibly'; role: string; members: string[] }
  | { status: 'not-granted'; role: string; notes: string[] };

export interface GrantCondition {
  member: string;
  role: string;
  /** The condition's title; null when the policy was read below version 3 (a `_withcond_` role name). */
  title: string | null;
  expression: string | null;
}

/**
 * Roles that contain every permission of another role, where Google's role
 * reference shows it (https://cloud.google.com/iam/docs/roles-permissions):
 * roles/pubsub.admin holds `pubsub.*` and roles/eventarc.admin holds `eventarc.*`.
 * Only inclusions checked against that reference are listed; anything else is
 * "not granted directly". Basic roles are deliberately absent as containers of
 * predefined roles: roles/owner and roles/editor hold most predefined
 * permissions but not all (https://cloud.google.com/iam/docs/roles-overview#basic).
 */
export const DOCUMENTED_ROLE_INCLUSIONS: readonly { role: string; includedIn: string; reference: string }[] = [
  { role: 'roles/editor', includedIn: 'roles/owner', reference: 'https://cloud.google.com/iam/docs/roles-overview#basic' },
  { role: 'roles/viewer', includedIn: 'roles/editor', reference: 'https://cloud.google.com/iam/docs/roles-overview#basic' },
  { role: 'roles/viewer', includedIn: 'roles/owner', reference: 'https://cloud.google.com/iam/docs/roles-overview#basic' },
  { role: 'roles/pubsub.subscriber', includedIn: 'roles/pubsub.admin', reference: 'https://cloud.google.com/iam/docs/roles-permissions/pubsub' },
  { role: 'roles/eventarc.eventReceiver', includedIn: 'roles/eventarc.admin', reference: 'https://cloud.google.com/iam/docs/roles-permissions/eventarc' },
];

const BASIC_ROLES = ['roles/owner', 'roles/editor', 'roles/viewer'];

/** Decides, from the project's allow policy alone, whether `principal` (`serviceAccount:EMAIL`, `user:EMAIL`, `principal://…`) holds `role`. */
export function evaluateRole(policy: IamPolicy, principal: string, role: string): RoleGrant {
  const bindings = policy.bindings ?? [];
  const containers = [role, ...DOCUMENTED_ROLE_INCLUSIONS.filter((inclusion) => inclusion.role === role).map((inclusion) => inclusion.includedIn)];
  const conditions: GrantCondition[] = [];
  const possibly: string[] = [];
  let throughRole: Extract<RoleGrant, { status: 'granted-through-role' }> | undefined;

  for (const binding of bindings) {
    const bound = boundRole(binding);
    if (!bound || !containers.includes(bound.role)) continue;
    for (const member of binding.members ?? []) {
      const match = memberMatches(member, principal);
      if (match === 'no') continue;
      if (bound.conditional) {
        // A condition on a group binding is still only a condition: name it.
        conditions.push({ member, role: bound.role, title: binding.condition?.title ?? null, expression: binding.condition?.expression ?? null });
      } else if (match === 'possibly') {
        possibly.push(bound.role === role ? member : `${member} (through ${bound.role})`);
      } else if (bound.role === role) {
        return { status: 'granted', role, member };
      } else {
        const inclusion = DOCUMENTED_ROLE_INCLUSIONS.find((candidate) => candidate.role === role && candidate.includedIn === bound.role)!;
        throughRole ??= { status: 'granted-through-role', role, member, throughRole: bound.role, reference: inclusion.reference };
      }
    }
  }
  if (throughRole) return throughRole;
  if (conditions.length > 0) return { status: 'conditional', role, conditions };
  if (possibly.length > 0) return { status: 'possibly', role, members: [...new Set(possibly)] };
  return { status: 'not-granted', role, notes: notGrantedNotes(bindings, principal, role) };
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
  if (basic.length > 0) {
    notes.push(
      `it holds ${basic.join(', ')}, which includes most predefined permissions but not all; Google does not document that it includes ${role}, so it is not counted`,
    );
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
  switch (grant.status) {
    case 'granted':
      return `${grant.role} is granted${grant.member.startsWith('all') ? ` to ${grant.member}` : ''}`;
    case 'granted-through-role':
      return `${grant.role} is granted through ${grant.throughRole}, which includes it (${grant.reference})`;
    case 'conditional':
      return `${grant.role} is granted only under IAM condition${grant.conditions.length > 1 ? 's' : ''} ${grant.conditions
        .map((condition) => `${condition.title ? `"${condition.title}"` : `(hidden: the policy was read below version 3, role ${condition.role}_withcond_…)`}${conditionVia(condition, grant.role)}`)
        .join(', ')}; while the condition is false the role is not granted`;
    case 'possibly':
      return `${grant.role} is possibly granted through ${grant.members.join(', ')}, whose members cannot be listed offline`;
    case 'not-granted':
      return `${grant.role} is not granted directly${grant.notes.length ? ` (${grant.notes.join('; ')})` : ''}`;
  }
}

function conditionVia(condition: GrantCondition, role: string): string {
  const member = /^(group|domain|principalSet|allUsers|allAuthenticatedUsers)/.test(condition.member) ? ` on ${condition.member}` : '';
  return `${member}${condition.role !== role ? ` (through ${condition.role})` : ''}`;
}

import type { ClusterState } from '../../state/cluster-state.js';
import { grantMembersField } from '../../state/cluster-state.js';
import type { IamPolicy } from '../../state/gcp-types.js';
import type { RoleEvaluation, RoleGrant } from './iam.js';
import { evaluateRole } from './iam.js';
import { unknownFields } from '../unknown-fields.js';

/** What every principal's roles on a project are judged with. */
export interface GrantJudge {
  project: string;
  policy: IamPolicy;
  options: RoleEvaluation;
  /** Roles a plan grants to members known only after apply (src/gke/planned-values.ts). */
  knownAfterApply: (role: string) => boolean;
}

/** The judge of the project's allow policy as read, at the time of the run. */
export function grantJudge(state: ClusterState, now: Date): GrantJudge {
  const project = state.project!.projectId;
  return {
    project,
    policy: state.iamPolicy!,
    // Conditions on request.time are decided at the run's time; custom roles by the definitions read (one not read is said).
    options: { now, customRoles: state.customRoles ?? new Map() },
    knownAfterApply: (role) => unknownFields(state, `projects/${project}`, [grantMembersField(role)]).length > 0,
  };
}

/** What an allow policy says of the roles a principal needs, sorted by how sure it is. */
export interface PrincipalGrants {
  /** Not granted: no binding, or only under an IAM condition that has expired (an error). */
  missing: RoleGrant[];
  /**
   * Granted only under a condition that depends on request attributes or will stop holding, possibly
   * through a group, or through a custom role whose definition was not read: a warning, never an error.
   */
  uncertain: RoleGrant[];
  /** Granted only through broader or other roles that hold its permissions: enough, though not least privilege. */
  throughOtherRoles: RoleGrant[];
  /** Not granted by what is known, but a plan grants it to a member known only after apply. */
  knownAfterApply: string[];
}

/**
 * Evaluates each of `roles` for `principal` (src/gke/iam/iam.ts evaluateRole) and sorts the answers;
 * the judge's `knownAfterApply` says which roles a plan grants to members it knows only after apply.
 */
export function principalGrants({ policy, options, knownAfterApply }: GrantJudge, principal: string, roles: readonly string[]): PrincipalGrants {
  const grants = roles.map((role) => evaluateRole(policy, principal, role, options));
  const notGranted = grants.filter((grant) => grant.status === 'not-granted');
  return {
    missing: notGranted.filter((grant) => !knownAfterApply(grant.role)),
    uncertain: grants.filter((grant) => grant.status === 'conditional' || grant.status === 'possibly' || grant.status === 'custom-role-unread'),
    throughOtherRoles: grants.filter((grant) => grant.status === 'granted-through-role'),
    knownAfterApply: notGranted.filter((grant) => knownAfterApply(grant.role)).map((grant) => grant.role),
  };
}

/** The sorted grants by the severity each is reported at, leaving out empty groups: missing, then uncertain, then through other roles. */
export function grantsBySeverity(grants: PrincipalGrants): ['error' | 'warning' | 'info', RoleGrant[]][] {
  const groups: ['error' | 'warning' | 'info', RoleGrant[]][] = [['error', grants.missing], ['warning', grants.uncertain], ['info', grants.throughOtherRoles]];
  return groups.filter(([, group]) => group.length > 0);
}

/** Granted for sure: the role itself, or one that holds its permissions. */
export function isPlainGrant(grant: RoleGrant): boolean {
  return grant.status === 'granted' || grant.status === 'granted-through-role';
}

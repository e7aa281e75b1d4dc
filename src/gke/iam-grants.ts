import type { IamPolicy } from '../state/gcp-types.js';
import type { RoleEvaluation, RoleGrant } from './iam.js';
import { evaluateRole } from './iam.js';

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
 * Evaluates each of `roles` for `principal` (src/gke/iam.ts evaluateRole) and sorts the answers;
 * `knownAfterApply` says which roles a plan grants to members it knows only after apply.
 */
export function principalGrants(
  policy: IamPolicy,
  principal: string,
  roles: readonly string[],
  options: RoleEvaluation,
  knownAfterApply: (role: string) => boolean,
): PrincipalGrants {
  const grants = roles.map((role) => evaluateRole(policy, principal, role, options));
  const notGranted = grants.filter((grant) => grant.status === 'not-granted');
  return {
    missing: notGranted.filter((grant) => !knownAfterApply(grant.role)),
    uncertain: grants.filter((grant) => grant.status === 'conditional' || grant.status === 'possibly' || grant.status === 'custom-role-unread'),
    throughOtherRoles: grants.filter((grant) => grant.status === 'granted-through-role'),
    knownAfterApply: notGranted.filter((grant) => knownAfterApply(grant.role)).map((grant) => grant.role),
  };
}

/** Granted for sure: the role itself, or one that holds its permissions. */
export function isPlainGrant(grant: RoleGrant): boolean {
  return grant.status === 'granted' || grant.status === 'granted-through-role';
}

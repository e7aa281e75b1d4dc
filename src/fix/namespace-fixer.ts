import type { FinalizeNamespaceAction } from '../engine/check.js';
import { humanDuration } from '../gke/duration.js';
import { storesNoObjects } from '../gke/namespaces/metrics-apis.js';
import { BLOCKER_KINDS } from '../gke/namespaces/deletion-blockers.js';
import type { ClusterState } from '../state/cluster-state.js';
import type { KubernetesClient } from '../state/source.js';
import type { NamespaceObject, PlannedNamespace } from './finalize-namespace.js';
import { finalizeNamespace, namespacePath, waitUntilGone } from './finalize-namespace.js';
import { ApiFailure, toApiFailure } from '../state/live/api-failure.js';
import { FIX_ROLE_NAME } from '../state/live/kubernetes-roles.js';
import type { FixOptions, FixOutcome } from './fix-outcome.js';
import { outcome } from './fix-outcome.js';
import type { Fixer } from './fixer.js';
import { isProtectedByConfig, protectedNamespace } from './protected-namespaces.js';

class BackupError extends Error {}

/** Per action in progress: its backup, and whether its finalize was sent (what a stopped run reads again for). */
const inFlight = new WeakMap<FinalizeNamespaceAction, { backup: string | null; sent: boolean }>();

/** How long a stopped run reads an abandoned namespace again to tell whether its finalize landed. */
const REREAD_MS = 5_000;

/** The RBAC rule `--fix` needs, for the 403 message and docs/permissions.md. */
export const FINALIZE_RBAC_RULE = '{apiGroups: [""], resources: ["namespaces/finalize"], verbs: ["update"]}';

/** API group versions and kinds discovery did not show in full, but for the metrics APIs, which store nothing. */
function unseenKinds(state: ClusterState) {
  return (state.undiscovered ?? []).filter((group) => !storesNoObjects(group.resource));
}

/** Why `name` cannot be finalized safely from what was read, or null. */
function unreadReason(name: string, state: ClusterState): string | null {
  const whole = state.unavailable.get('ObjectsInTerminatingNamespaces');
  if (whole) return `what is left in it could not be read (${whole})`;
  // A conversion or admission webhook that cannot be called may hold it: not known without them.
  const blockers = BLOCKER_KINDS.flatMap((kind) => (state.unavailable.has(kind) ? [`${kind} (${state.unavailable.get(kind)})`] : []));
  if (blockers.length > 0) return `what may hold it could not be read: ${blockers.join('; ')}`;
  const unread = state.unreadInNamespaces?.get(name) ?? [];
  const unseen = unseenKinds(state);
  const reasons = [
    unread.length > 0 ? `these kinds could not be read in it, so what finalizing would orphan is unknown: ${unread.map((kind) => `${kind.resource} (${kind.reason})`).join('; ')}` : null,
    // The namespace controller does not see these either; objects of them (a custom resource with a cloud finalizer) may be inside.
    unseen.length > 0 ? `API discovery did not show every kind, so objects of these may be in it unseen: ${unseen.map((group) => `${group.resource} (${group.reason})`).join('; ')}` : null,
  ].filter(Boolean);
  return reasons.length > 0 ? reasons.join('; and ') : null;
}

/**
 * The namespace object the action was planned on: the action names it (uid, finalizers);
 * an action that does not (a plugin's) is bound to the namespace the checks read.
 */
function plannedNamespace(action: FinalizeNamespaceAction, state: ClusterState): PlannedNamespace | null {
  const read = state.kubernetes.list('Namespace').find((namespace) => namespace.metadata?.name === action.namespace);
  const uid = action.uid ?? read?.metadata?.uid;
  if (!uid) return null;
  const sameObject = read?.metadata?.uid === uid;
  return {
    uid,
    resourceVersion: action.resourceVersion ?? (sameObject ? read?.metadata?.resourceVersion : undefined),
    specFinalizers: action.specFinalizers ?? (sameObject ? (read?.spec?.finalizers ?? []) : []),
    metadataFinalizers: action.metadataFinalizers ?? (sameObject ? (read?.metadata?.finalizers ?? []) : []),
  };
}

/** The plan's lines about the namespace object itself: which one, and which finalizers finalizing empties and leaves. */
function describeObject(plan: PlannedNamespace, log: (line: string) => void): void {
  log(`  the namespace as checked: uid ${plan.uid}${plan.resourceVersion ? `, resourceVersion ${plan.resourceVersion}` : ''} (a namespace re-created under this name is left alone)`);
  if (plan.specFinalizers.length > 0) log(`  emptied: spec.finalizers ${plan.specFinalizers.join(', ')}`);
  if (plan.metadataFinalizers.length > 0) log(`  kept: metadata.finalizers ${plan.metadataFinalizers.join(', ')} (/finalize does not clear them: the namespace stays until their controller removes them)`);
}

/**
 * Finalizes a stuck namespace: never one it could not see in full, nor a
 * protected one without --force; asks, backs it up as read, PUTs it to
 * /finalize with that resourceVersion, and waits for it to go.
 */
export const finalizeNamespaceFixer: Fixer<FinalizeNamespaceAction> = {
  describe(action, { state, options }) {
    const age = action.terminatingForSeconds === undefined ? '' : ` (Terminating for ${humanDuration(action.terminatingForSeconds * 1000)})`;
    options.log(`${options.dryRun ? 'Dry run: would finalize' : 'Finalize'} Namespace/${action.namespace}${age}`);
    for (const condition of action.conditions) options.log(`  stuck because ${condition.type}: ${condition.message ?? ''}`);
    const plan = plannedNamespace(action, state);
    if (plan) describeObject(plan, options.log);
    const unread = unreadReason(action.namespace, state);
    if (unread) options.log(`  not fully read: ${unread}`);
    else {
      options.log(
        action.orphans.length === 0
          ? '  orphaned: nothing is left in the namespace'
          : `  orphaned (left behind, with the cloud resources they manage): ${action.orphans.map((o) => `${o.resource}${o.finalizers.length ? ` [${o.finalizers.join(', ')}]` : ''}`).join(', ')}`,
      );
    }
    for (const group of state.undiscovered ?? []) {
      const harmless = storesNoObjects(group.resource);
      options.log(`  not listed: kinds of ${group.resource} (${group.reason}); the namespace controller cannot see them either${harmless ? ', but the metrics APIs store no object' : ''}`);
    }
    if (!options.dryRun) {
      options.log('  backup first: the namespace and everything read in it (Secrets with their values) go to files only you can read (0600)');
    }
    if (action.manualSteps.length > 0) {
      options.log('  not fixed automatically (the root cause):');
      for (const command of action.manualSteps) options.log(`    ${command}`);
    }
  },

  async apply(action, { api, state, options }) {
    const name = action.namespace;
    const owner = protectedNamespace(name, state.cluster);
    if (owner && !options.force) {
      return outcome(name, 'skipped', `${name} is run by ${owner.owner} (${owner.source}); gke-doctor finalizes it only with --force`);
    }
    if (isProtectedByConfig(name, options.protectedNamespaces ?? []) && !options.force) {
      return outcome(name, 'skipped', `${name} is protected by the config (protected-namespaces); gke-doctor finalizes it only with --force`);
    }
    // Never finalize what could not be seen: --force does not override this.
    const unread = unreadReason(name, state);
    if (unread) return outcome(name, 'skipped', `${unread}; make them readable (grant list on them, docs/permissions.md; repair the API whose discovery fails) and run again`);
    const plan = plannedNamespace(action, state);
    if (!plan) return outcome(name, 'skipped', `which namespace object the plan was made from is not known (no uid was read for ${name}): nothing written; run check again`);
    if (!options.dryRun && !options.yes) {
      if (!options.confirm) return outcome(name, 'declined', 'no terminal to ask in: nothing written; pass --yes to finalize without asking');
      if (!(await options.confirm(`Finalize Namespace/${name}? [y/N] `))) return outcome(name, 'declined', 'not confirmed: nothing written');
    }

    let backup: string | null = null;
    const progress = { backup: null as string | null, sent: false };
    inFlight.set(action, progress);
    const saveBackup = async (namespace: NamespaceObject, attempt: number) => {
      try {
        backup ??= await options.backups.directoryFor(name);
        progress.backup = backup;
        await options.backups.write(backup, attempt === 0 ? 'namespace.json' : `namespace.${attempt + 1}.json`, { ...namespace, apiVersion: 'v1', kind: 'Namespace' });
        if (attempt === 0) await options.backups.write(backup, 'objects.json', { apiVersion: 'v1', kind: 'List', items: state.kubernetes.inNamespace(name) });
      } catch (error) {
        const { path, code, message } = error as NodeJS.ErrnoException;
        throw new BackupError(`cannot write the backup to ${path ?? backup ?? 'the backup directory'} (${code ?? message}); nothing was finalized`);
      }
      options.log(`  backup: ${backup}/${attempt === 0 ? 'namespace.json and objects.json' : `namespace.${attempt + 1}.json (read again after a conflict)`}`);
    };

    // Finalizers the printed plan did not show: --yes stops there; in a terminal, the new plan is shown and asked again.
    let declinedChange = false;
    const planChanged = async (current: NamespaceObject, added: string[]) => {
      options.log(`  changed since the plan was printed: it now also carries ${added.join(', ')}`);
      if (options.yes || options.dryRun || !options.confirm) return false;
      options.log(`The plan for Namespace/${name} as it is now:`);
      describeObject({ uid: current.metadata?.uid ?? '', resourceVersion: current.metadata?.resourceVersion, specFinalizers: current.spec?.finalizers ?? [], metadataFinalizers: current.metadata?.finalizers ?? [] }, options.log);
      const agreed = await options.confirm(`Finalize Namespace/${name} with the finalizers above? [y/N] `);
      declinedChange = !agreed;
      return agreed;
    };

    let result;
    try {
      result = await finalizeNamespace(api, name, plan, { dryRun: options.dryRun, beforeWrite: saveBackup, planChanged, stop: options.stop, onSend: () => void (progress.sent = true) });
    } catch (error) {
      if (error instanceof BackupError) return outcome(name, 'failed', error.message, { backupFailed: true, backup });
      throw error;
    }
    const withBackup = { backup };
    switch (result.result) {
      case 'dry-run':
        return outcome(name, 'planned', 'the API server accepted the finalize as a dry run (dryRun=All); nothing changed');
      case 'gone':
        return outcome(name, 'skipped', 'already deleted (finalized by someone else?); nothing to do', { resolved: true, ...withBackup });
      case 'finalized-elsewhere':
        return outcome(name, 'skipped', 'someone else finalized it meanwhile; nothing written by this run', { resolved: true, ...withBackup });
      case 'not-terminating':
        return outcome(name, 'skipped', 'no longer Terminating; left alone', { resolved: true });
      case 'stopped':
        return outcome(name, 'skipped', `the run was stopped (${String(options.stop?.reason)}) before the finalize was sent: nothing written`, withBackup);
      case 'replaced':
        return outcome(
          name,
          'skipped',
          `deleted and re-created since it was checked: Namespace/${name} is now another object (uid ${result.uid ?? 'none'}, the plan was made from uid ${plan.uid}), with other contents the plan did not show; left alone: run check again to see it`,
          withBackup,
        );
      case 'plan-changed':
        return declinedChange
          ? outcome(name, 'declined', `not confirmed after it changed (${result.added.join(', ')}): nothing written`, withBackup)
          : outcome(name, 'skipped', `it now carries finalizers the printed plan did not show (${result.added.join(', ')}): nothing written; run check again to see the new plan`, withBackup);
      case 'forbidden':
        return outcome(name, 'failed', `${result.message}. Bind the ClusterRole ${FIX_ROLE_NAME} (docs/permissions.md), or add this rule to yours: ${FINALIZE_RBAC_RULE}`, withBackup);
      case 'conflict':
        return outcome(name, 'failed', 'the namespace kept changing under us (409 Conflict on every retry); run again', withBackup);
      case 'error':
        return outcome(name, 'failed', result.message, withBackup);
      case 'finalized':
        return { ...(await waitForDeletion(api, name, plan.uid, options)), ...withBackup };
    }
  },

  async abandoned(action, { api, state, options }) {
    const name = action.namespace;
    const progress = inFlight.get(action);
    const why = `the run was stopped (${String(options.stop?.reason ?? 'interrupted')})`;
    const withBackup = { backup: progress?.backup ?? null };
    if (!progress?.sent) return outcome(name, 'skipped', `${why} before the finalize was sent: nothing written`, withBackup);
    const uid = plannedNamespace(action, state)?.uid;
    let now: NamespaceObject;
    try {
      now = await within(api.getJson<NamespaceObject>(namespacePath(name)), REREAD_MS, `GET ${namespacePath(name)}`);
    } catch (error) {
      const failure = toApiFailure(error);
      if (failure.status === 404) return outcome(name, 'finalized', `${why} while the finalize was in flight; read again: the namespace is gone`, withBackup);
      return outcome(name, 'failed', `${why} while the finalize was in flight, and reading it again failed (${failure.message}): whether it landed is unknown; run \`kubectl get namespace ${name} -o yaml\``, withBackup);
    }
    if (now.metadata?.uid !== uid) {
      return outcome(name, 'failed', `${why} while the finalize was in flight; read again, the name belongs to another namespace now (uid ${now.metadata?.uid}): whether the planned one was finalized is unknown; the new one was not touched`, withBackup);
    }
    if ((now.spec?.finalizers ?? []).length === 0) return outcome(name, 'finalized', `${why} while the finalize was in flight; read again: it landed (spec.finalizers is empty)`, withBackup);
    return outcome(name, 'failed', `${why} while the finalize was in flight; read again: it has not landed (spec.finalizers ${(now.spec?.finalizers ?? []).join(', ')}), though the request may still arrive; run check again`, withBackup);
  },
};

async function waitForDeletion(api: KubernetesClient, name: string, uid: string, options: FixOptions): Promise<FixOutcome> {
  let remaining: NamespaceObject | null;
  try {
    remaining = await waitUntilGone(api, name, uid, options.waitMs, 500, options.stop);
  } catch (error) {
    return outcome(name, 'finalized', `finalized, but reading it afterwards failed (${(error as Error).message}): check with \`kubectl get namespace ${name}\``);
  }
  if (!remaining) return outcome(name, 'finalized', 'the namespace is gone');
  if (options.stop?.aborted) return outcome(name, 'finalized', `finalized; not waited for it to disappear: the run was stopped (${String(options.stop.reason)})`);
  const holders = [
    remaining.spec?.finalizers?.length ? `spec.finalizers ${remaining.spec.finalizers.join(', ')}` : null,
    remaining.metadata?.finalizers?.length ? `metadata.finalizers ${remaining.metadata.finalizers.join(', ')} (not cleared by /finalize)` : null,
  ].filter(Boolean);
  return outcome(name, 'failed', `finalized, but still present after ${humanDuration(options.waitMs)}${holders.length ? `: held by ${holders.join('; ')}` : ''}`);
}

/** `work`, or a failure naming `what` when it takes longer than `ms`. */
async function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ApiFailure(`${what}: no answer within ${ms / 1000}s`, undefined, { code: 'ETIMEDOUT' })), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

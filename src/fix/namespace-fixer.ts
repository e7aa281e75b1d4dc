import type { FinalizeNamespaceAction } from '../engine/check.js';
import { formatDuration } from '../gke/duration.js';
import { BLOCKER_KINDS } from '../gke/namespaces/deletion-blockers.js';
import type { ClusterState } from '../state/cluster-state.js';
import type { KubernetesClient } from '../state/source.js';
import type { NamespaceObject } from './finalize-namespace.js';
import { finalizeNamespace, waitUntilGone } from './finalize-namespace.js';
import type { FixOptions, FixOutcome } from './fix-outcome.js';
import { outcome } from './fix-outcome.js';
import type { Fixer } from './fixers.js';
import { isProtectedByConfig, protectedNamespace } from './protected-namespaces.js';

class BackupError extends Error {}

/** The RBAC rule `--fix` needs, for the 403 message and the README. */
export const FINALIZE_RBAC_RULE = '{apiGroups: [""], resources: ["namespaces/finalize"], verbs: ["update"]}';

/** Why `name` cannot be finalized safely from what was read, or null. */
function unreadReason(name: string, state: ClusterState): string | null {
  const whole = state.unavailable.get('ObjectsInTerminatingNamespaces');
  if (whole) return `what is left in it could not be read (${whole})`;
  // A conversion or admission webhook that cannot be called may hold it: not known without them.
  const blockers = BLOCKER_KINDS.flatMap((kind) => (state.unavailable.has(kind) ? [`${kind} (${state.unavailable.get(kind)})`] : []));
  if (blockers.length > 0) return `what may hold it could not be read: ${blockers.join('; ')}`;
  const unread = state.unreadInNamespaces?.get(name) ?? [];
  if (unread.length === 0) return null;
  return `these kinds could not be read in it, so what finalizing would orphan is unknown: ${unread.map((kind) => `${kind.resource} (${kind.reason})`).join('; ')}`;
}

/**
 * Finalizes a stuck namespace: never one it could not see in full, nor a
 * protected one without --force; asks, backs it up as read, PUTs it to
 * /finalize with that resourceVersion, and waits for it to go.
 */
export const finalizeNamespaceFixer: Fixer<FinalizeNamespaceAction> = {
  describe(action, { state, options }) {
    const age = action.terminatingForSeconds === undefined ? '' : ` (Terminating for ${formatDuration(action.terminatingForSeconds * 1000)})`;
    options.log(`${options.dryRun ? 'Dry run: would finalize' : 'Finalize'} Namespace/${action.namespace}${age}`);
    for (const condition of action.conditions) options.log(`  stuck because ${condition.type}: ${condition.message ?? ''}`);
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
      options.log(`  not listed: kinds of ${group.resource} (API discovery failed: ${group.reason}); the namespace controller cannot see them either`);
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
    if (unread) return outcome(name, 'skipped', `${unread}; grant list on them (README: Permissions) and run again`);
    if (!options.dryRun && !options.yes) {
      if (!options.confirm) return outcome(name, 'declined', 'no terminal to ask in: nothing written; pass --yes to finalize without asking');
      if (!(await options.confirm(`Finalize Namespace/${name}? [y/N] `))) return outcome(name, 'declined', 'not confirmed: nothing written');
    }

    let backup: string | null = null;
    const saveBackup = async (namespace: NamespaceObject, attempt: number) => {
      try {
        backup ??= await options.backups.directoryFor(name);
        await options.backups.write(backup, attempt === 0 ? 'namespace.json' : `namespace.${attempt + 1}.json`, { ...namespace, apiVersion: 'v1', kind: 'Namespace' });
        if (attempt === 0) await options.backups.write(backup, 'objects.json', { apiVersion: 'v1', kind: 'List', items: state.kubernetes.inNamespace(name) });
      } catch (error) {
        const { path, code, message } = error as NodeJS.ErrnoException;
        throw new BackupError(`cannot write the backup to ${path ?? backup ?? 'the backup directory'} (${code ?? message}); nothing was finalized`);
      }
      options.log(`  backup: ${backup}/${attempt === 0 ? 'namespace.json and objects.json' : `namespace.${attempt + 1}.json (read again after a conflict)`}`);
    };

    let result;
    try {
      result = await finalizeNamespace(api, name, { dryRun: options.dryRun, beforeWrite: saveBackup });
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
      case 'forbidden':
        return outcome(name, 'failed', `${result.message}. Add this rule to your ClusterRole: ${FINALIZE_RBAC_RULE}`, withBackup);
      case 'conflict':
        return outcome(name, 'failed', 'the namespace kept changing under us (409 Conflict on every retry); run again', withBackup);
      case 'error':
        return outcome(name, 'failed', result.message, withBackup);
      case 'finalized':
        return { ...(await waitForDeletion(api, name, options)), ...withBackup };
    }
  },
};

async function waitForDeletion(api: KubernetesClient, name: string, options: FixOptions): Promise<FixOutcome> {
  let remaining: NamespaceObject | null;
  try {
    remaining = await waitUntilGone(api, name, options.waitMs);
  } catch (error) {
    return outcome(name, 'finalized', `finalized, but reading it afterwards failed (${(error as Error).message}): check with \`kubectl get namespace ${name}\``);
  }
  if (!remaining) return outcome(name, 'finalized', 'the namespace is gone');
  const holders = [
    remaining.spec?.finalizers?.length ? `spec.finalizers ${remaining.spec.finalizers.join(', ')}` : null,
    remaining.metadata?.finalizers?.length ? `metadata.finalizers ${remaining.metadata.finalizers.join(', ')} (not cleared by /finalize)` : null,
  ].filter(Boolean);
  return outcome(name, 'failed', `finalized, but still present after ${formatDuration(options.waitMs)}${holders.length ? `: held by ${holders.join('; ')}` : ''}`);
}

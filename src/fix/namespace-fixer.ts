import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CoreV1Api, V1Namespace } from '@kubernetes/client-node';
import type { FinalizeNamespaceAction } from '../engine/check.js';
import { formatDuration } from '../gke/duration.js';
import { finalizeNamespace, waitUntilGone } from './finalize-namespace.js';
import type { FixOptions, FixOutcome } from './fix-outcome.js';
import type { Fixer } from './fixers.js';
import { isProtectedByConfig, isProtectedNamespace } from './protected-namespaces.js';

class BackupError extends Error {}

/** The RBAC rule `--fix` needs, for the 403 message and the README. */
export const FINALIZE_RBAC_RULE = '{apiGroups: [""], resources: ["namespaces/finalize"], verbs: ["update"]}';

/** Finalizes a stuck namespace: asks, backs it up with what is left in it, PUTs it to /finalize, waits for it to go. */
export const finalizeNamespaceFixer: Fixer<FinalizeNamespaceAction> = {
  describe(action, { options }) {
    const age = action.terminatingForSeconds === undefined ? '' : ` (Terminating for ${formatDuration(action.terminatingForSeconds * 1000)})`;
    options.log(`${options.dryRun ? 'Dry run: would finalize' : 'Finalize'} Namespace/${action.namespace}${age}`);
    for (const condition of action.conditions) options.log(`  stuck because ${condition.type}: ${condition.message ?? ''}`);
    options.log(
      action.orphans.length === 0
        ? '  orphaned: nothing is left in the namespace'
        : `  orphaned (left behind, with the cloud resources they manage): ${action.orphans.map((o) => `${o.resource}${o.finalizers.length ? ` [${o.finalizers.join(', ')}]` : ''}`).join(', ')}`,
    );
    if (action.manualSteps.length > 0) {
      options.log('  not fixed automatically (the root cause):');
      for (const command of action.manualSteps) options.log(`    ${command}`);
    }
  },

  async apply(action, { core, state, options }) {
    const name = action.namespace;
    if (isProtectedNamespace(name) && !options.force) {
      return { namespace: name, status: 'refused', detail: `${name} is run by Kubernetes or GKE itself; gke-doctor finalizes it only with --force` };
    }
    if (isProtectedByConfig(name, options.protectedNamespaces ?? []) && !options.force) {
      return { namespace: name, status: 'refused', detail: `${name} is protected by the config (protected-namespaces); gke-doctor finalizes it only with --force` };
    }
    if (!options.dryRun && !options.yes) {
      if (!options.confirm) {
        return { namespace: name, status: 'declined', detail: 'no terminal to ask in: nothing written; pass --yes to finalize without asking' };
      }
      if (!(await options.confirm(`Finalize Namespace/${name}? [y/N] `))) {
        return { namespace: name, status: 'declined', detail: 'not confirmed: nothing written' };
      }
    }

    const backup = async (namespace: V1Namespace) => {
      const directory = join(options.backupDir, name);
      try {
        await mkdir(directory, { recursive: true });
        await writeFile(join(directory, 'namespace.json'), `${JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', ...namespace }, null, 2)}\n`);
        const items = state.kubernetes.inNamespace(name);
        await writeFile(join(directory, 'objects.json'), `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2)}\n`);
      } catch (error) {
        throw new BackupError(`cannot write the backup to ${directory} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); nothing was finalized`);
      }
      options.log(`  backup: ${directory}/namespace.json and objects.json`);
    };

    let outcome;
    try {
      outcome = await finalizeNamespace(core, name, { dryRun: options.dryRun, beforeFirstWrite: options.dryRun ? undefined : backup });
    } catch (error) {
      if (error instanceof BackupError) return { namespace: name, status: 'failed', detail: error.message, backupFailed: true };
      throw error;
    }
    switch (outcome.result) {
      case 'dry-run':
        return { namespace: name, status: 'dry-run', detail: 'the API server accepted the finalize as a dry run (dryRun=All); nothing changed' };
      case 'gone':
        return { namespace: name, status: 'gone', detail: 'already deleted; nothing to do' };
      case 'not-terminating':
        return { namespace: name, status: 'not-terminating', detail: 'no longer Terminating; left alone' };
      case 'forbidden':
        return { namespace: name, status: 'failed', detail: `${outcome.message}. Add this rule to your ClusterRole: ${FINALIZE_RBAC_RULE}` };
      case 'conflict':
        return { namespace: name, status: 'failed', detail: 'the namespace kept changing under us (409 Conflict on every retry); run again' };
      case 'error':
        return { namespace: name, status: 'failed', detail: outcome.message };
      case 'finalized':
        return waitForDeletion(core, name, options);
    }
  },
};

async function waitForDeletion(core: CoreV1Api, name: string, options: FixOptions): Promise<FixOutcome> {
  const remaining = await waitUntilGone(core, name, options.waitMs);
  if (!remaining) return { namespace: name, status: 'finalized', detail: 'the namespace is gone' };
  const holders = [
    remaining.spec?.finalizers?.length ? `spec.finalizers ${remaining.spec.finalizers.join(', ')}` : null,
    remaining.metadata?.finalizers?.length ? `metadata.finalizers ${remaining.metadata.finalizers.join(', ')} (not cleared by /finalize)` : null,
  ].filter(Boolean);
  return {
    namespace: name,
    status: 'failed',
    detail: `finalized, but still present after ${formatDuration(options.waitMs)}${holders.length ? `: held by ${holders.join('; ')}` : ''}`,
  };
}

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CoreV1Api, V1Namespace } from '@kubernetes/client-node';
import type { Finding } from '../engine/check.js';
import type { Report } from '../engine/report.js';
import { formatDuration } from '../gke/duration.js';
import type { ClusterState } from '../state/cluster-state.js';
import { finalizeNamespace, waitUntilGone } from './finalize-namespace.js';
import { isProtectedNamespace } from './protected-namespaces.js';

export interface FixOptions {
  /** Finalize without asking (required when there is no terminal). */
  yes: boolean;
  /** Send only server-side dry-run requests. */
  dryRun: boolean;
  /** Also finalize protected namespaces (kube-system, default, gke-*, …). */
  force: boolean;
  backupDir: string;
  waitMs: number;
  /** Asks the user (y/N); absent when there is no terminal. */
  confirm?: (question: string) => Promise<boolean>;
  log: (line: string) => void;
}

export type FixStatus = 'finalized' | 'dry-run' | 'gone' | 'not-terminating' | 'declined' | 'refused' | 'failed';

export interface FixOutcome {
  namespace: string;
  status: FixStatus;
  detail: string;
  /** Without a backup nothing more is finalized in this run. */
  backupFailed?: boolean;
}

class BackupError extends Error {}

const SUCCEEDED: readonly FixStatus[] = ['finalized', 'dry-run', 'gone', 'not-terminating'];

/** DESIGN.md with `--fix`: 0 when every planned fix succeeded, 1 when any failed or was declined. */
export function fixExitCode(outcomes: readonly FixOutcome[]): number {
  return outcomes.every((outcome) => SUCCEEDED.includes(outcome.status)) ? 0 : 1;
}

/** The automatic fixes in a report: today, finalizing each stuck namespace. */
export function plannedFinalizations(report: Report): Finding[] {
  return report.checks
    .filter((check) => check.id === 'terminating-namespace')
    .flatMap((check) => check.findings)
    .filter((finding) => finding.fix?.automatic && finding.resource.startsWith('Namespace/'));
}

/** Prints the plan for each stuck namespace, asks, backs up, and finalizes; one failing does not stop the others. */
export async function finalizeStuckNamespaces(api: CoreV1Api, findings: readonly Finding[], state: ClusterState, options: FixOptions): Promise<FixOutcome[]> {
  const outcomes: FixOutcome[] = [];
  for (const finding of findings) {
    const name = finding.resource.slice('Namespace/'.length);
    if (outcomes.some((outcome) => outcome.backupFailed)) {
      outcomes.push({ namespace: name, status: 'failed', detail: 'not attempted: an earlier backup could not be written' });
      continue;
    }
    printPlan(finding, name, options);
    const outcome = await fixOne(api, name, state, options);
    options.log(`  ${outcome.status}: ${outcome.detail}`);
    options.log('');
    outcomes.push(outcome);
  }
  return outcomes;
}

async function fixOne(api: CoreV1Api, name: string, state: ClusterState, options: FixOptions): Promise<FixOutcome> {
  if (isProtectedNamespace(name) && !options.force) {
    return { namespace: name, status: 'refused', detail: `${name} is run by Kubernetes or GKE itself; gke-doctor finalizes it only with --force` };
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
    outcome = await finalizeNamespace(api, name, { dryRun: options.dryRun, beforeFirstWrite: options.dryRun ? undefined : backup });
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
      return waitForDeletion(api, name, options);
  }
}

async function waitForDeletion(api: CoreV1Api, name: string, options: FixOptions): Promise<FixOutcome> {
  const remaining = await waitUntilGone(api, name, options.waitMs);
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

function printPlan(finding: Finding, name: string, options: FixOptions): void {
  const evidence = finding.evidence as {
    terminatingForSeconds?: number;
    conditions?: { type: string; message?: string }[];
    remainingObjects?: { resource: string; finalizers: string[] }[];
  };
  const age = evidence.terminatingForSeconds === undefined ? '' : ` (Terminating for ${formatDuration(evidence.terminatingForSeconds * 1000)})`;
  options.log(`${options.dryRun ? 'Dry run: would finalize' : 'Finalize'} Namespace/${name}${age}`);
  for (const condition of evidence.conditions ?? []) options.log(`  stuck because ${condition.type}: ${condition.message ?? ''}`);
  const remaining = evidence.remainingObjects ?? [];
  options.log(
    remaining.length === 0
      ? '  orphaned: nothing is left in the namespace'
      : `  orphaned (left behind, with the cloud resources they manage): ${remaining.map((o) => `${o.resource}${o.finalizers.length ? ` [${o.finalizers.join(', ')}]` : ''}`).join(', ')}`,
  );
  const rootCause = (finding.fix?.commands ?? []).filter((command) => !command.includes('/finalize') && !command.startsWith('# Then'));
  if (rootCause.length > 0) {
    options.log('  not fixed automatically (the root cause):');
    for (const command of rootCause) options.log(`    ${command}`);
  }
}

/** The RBAC rule `--fix` needs, for the 403 message and the README. */
export const FINALIZE_RBAC_RULE = '{apiGroups: [""], resources: ["namespaces/finalize"], verbs: ["update"]}';

import type { Finding } from '../engine/check.js';
import type { FixReport, Report } from '../engine/report.js';
import { formatDuration } from '../gke/duration.js';
import type { ClusterState } from '../state/cluster-state.js';
import type { KubernetesClient } from '../state/source.js';
import type { BackupStore } from './backup.js';
import type { NamespaceObject } from './finalize-namespace.js';
import { finalizeNamespace, waitUntilGone } from './finalize-namespace.js';
import { protectedNamespace } from './protected-namespaces.js';

export interface FixOptions {
  /** Finalize without asking (required when there is no terminal). */
  yes: boolean;
  /** Send only server-side dry-run requests. */
  dryRun: boolean;
  /** Also finalize protected namespaces (kube-system, default, gke-*, …). */
  force: boolean;
  backups: BackupStore;
  waitMs: number;
  /** Asks the user (y/N); absent when there is no terminal. Rejects with FixInterrupted on Ctrl-C. */
  confirm?: (question: string) => Promise<boolean>;
  log: (line: string) => void;
}

/** Ctrl-C at a prompt: the whole run stops, nothing more is written. */
export class FixInterrupted extends Error {
  override name = 'FixInterrupted';
}

export type FixOutcome = FixReport;

class BackupError extends Error {}

/** The automatic fixes in a report: today, finalizing each stuck namespace. */
export function plannedFinalizations(report: Report): Finding[] {
  return report.checks
    .filter((check) => check.id === 'terminating-namespace')
    .flatMap((check) => check.findings)
    .filter((finding) => finding.fix?.automatic && finding.resource.startsWith('Namespace/'));
}

/**
 * Prints the plan for each stuck namespace, asks, backs up, and finalizes; one
 * failing does not stop the others, but a backup that cannot be written or a
 * Ctrl-C stops everything after it.
 */
export async function finalizeStuckNamespaces(
  api: KubernetesClient,
  findings: readonly Finding[],
  state: ClusterState,
  options: FixOptions,
): Promise<{ outcomes: FixOutcome[]; interrupted: boolean }> {
  const outcomes: FixOutcome[] = [];
  let stop: string | null = null;
  let interrupted = false;
  for (const finding of findings) {
    const name = finding.resource.slice('Namespace/'.length);
    if (stop) {
      outcomes.push(outcome(name, 'skipped', `not attempted: ${stop}`));
      continue;
    }
    printPlan(finding, name, state, options);
    let result: FixOutcome;
    try {
      result = await fixOne(api, name, state, options);
    } catch (error) {
      if (!(error instanceof FixInterrupted)) throw error;
      interrupted = true;
      stop = 'the run was interrupted (Ctrl-C)';
      result = outcome(name, 'declined', 'interrupted (Ctrl-C): nothing written');
    }
    options.log(`  ${result.status}: ${result.detail}`);
    options.log('');
    outcomes.push(result);
    if (result.backupFailed) stop = 'an earlier backup could not be written';
  }
  return { outcomes, interrupted };
}

function outcome(namespace: string, status: FixOutcome['status'], detail: string, extra: Partial<FixOutcome> = {}): FixOutcome {
  const resolved = status === 'finalized' || extra.resolved === true;
  return { action: { kind: 'finalize-namespace', namespace }, resource: `Namespace/${namespace}`, status, detail, resolved, backup: null, ...extra };
}

/** Why `name` cannot be finalized safely from what was read, or null. */
function unreadReason(name: string, state: ClusterState): string | null {
  const whole = state.unavailable.get('ObjectsInTerminatingNamespaces');
  if (whole) return `what is left in it could not be read (${whole})`;
  const unread = state.unreadInNamespaces?.get(name) ?? [];
  if (unread.length === 0) return null;
  return `these kinds could not be read in it, so what finalizing would orphan is unknown: ${unread.map((kind) => `${kind.resource} (${kind.reason})`).join('; ')}`;
}

async function fixOne(api: KubernetesClient, name: string, state: ClusterState, options: FixOptions): Promise<FixOutcome> {
  const owner = protectedNamespace(name, state.cluster);
  if (owner && !options.force) {
    return outcome(name, 'skipped', `${name} is run by ${owner.owner} (${owner.source}); gke-doctor finalizes it only with --force`);
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
}

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

function printPlan(finding: Finding, name: string, state: ClusterState, options: FixOptions): void {
  const evidence = finding.evidence as {
    terminatingForSeconds?: number;
    conditions?: { type: string; message?: string }[];
    remainingObjects?: { resource: string; finalizers: string[] }[];
  };
  const age = evidence.terminatingForSeconds === undefined ? '' : ` (Terminating for ${formatDuration(evidence.terminatingForSeconds * 1000)})`;
  options.log(`${options.dryRun ? 'Dry run: would finalize' : 'Finalize'} Namespace/${name}${age}`);
  for (const condition of evidence.conditions ?? []) options.log(`  stuck because ${condition.type}: ${condition.message ?? ''}`);
  const remaining = evidence.remainingObjects ?? [];
  const unread = unreadReason(name, state);
  if (unread) options.log(`  not fully read: ${unread}`);
  else {
    options.log(
      remaining.length === 0
        ? '  orphaned: nothing is left in the namespace'
        : `  orphaned (left behind, with the cloud resources they manage): ${remaining.map((o) => `${o.resource}${o.finalizers.length ? ` [${o.finalizers.join(', ')}]` : ''}`).join(', ')}`,
    );
  }
  for (const group of state.undiscovered ?? []) {
    options.log(`  not listed: kinds of ${group.resource} (API discovery failed: ${group.reason}); the namespace controller cannot see them either`);
  }
  if (!options.dryRun) {
    options.log('  backup first: the namespace and everything read in it (Secrets with their values) go to files only you can read (0600)');
  }
  const rootCause = (finding.fix?.commands ?? []).filter((command) => !command.includes('/finalize') && !command.startsWith('# Then'));
  if (rootCause.length > 0) {
    options.log('  not fixed automatically (the root cause):');
    for (const command of rootCause) options.log(`    ${command}`);
  }
}

/**
 * DESIGN.md with `--fix`: the exit code of the report as it stands after fixing
 * (a finding whose namespace was finalized no longer counts), and 1 when a
 * planned fix failed or was declined.
 */
export function exitCodeAfterFixes(report: Report, outcomes: readonly FixOutcome[], exitCodeFor: (report: Report) => number): number {
  const resolved = new Set(outcomes.filter((entry) => entry.resolved).map((entry) => entry.resource));
  const remaining: Report = {
    ...report,
    checks: report.checks.map((check) => ({
      ...check,
      findings: check.id === 'terminating-namespace' ? check.findings.filter((finding) => !resolved.has(finding.resource)) : check.findings,
    })),
  };
  const code = exitCodeFor(remaining);
  return code === 0 && outcomes.some((entry) => entry.status === 'failed' || entry.status === 'declined') ? 1 : code;
}

/** The RBAC rule `--fix` needs, for the 403 message and the README. */
export const FINALIZE_RBAC_RULE = '{apiGroups: [""], resources: ["namespaces/finalize"], verbs: ["update"]}';

import type { FixReport } from '../engine/report.js';
import type { BackupStore } from './backup.js';

export interface FixOptions {
  /** Apply without asking (required when there is no terminal). */
  yes: boolean;
  /** Send only server-side dry-run requests. */
  dryRun: boolean;
  /** Also finalize protected namespaces (kube-system, default, gke-*, …). */
  force: boolean;
  /** More namespaces (names or globs) the user's config protects like the built-in ones. */
  protectedNamespaces?: readonly string[];
  backups: BackupStore;
  waitMs: number;
  /**
   * Aborted on SIGINT or SIGTERM (its reason is the signal's name): no namespace is started and no
   * write is sent after it; the one in flight finishes, or is abandoned and read again to tell.
   */
  stop?: AbortSignal;
  /** Asks the user (y/N); absent when there is no terminal. Rejects with FixInterrupted on Ctrl-C. */
  confirm?: (question: string) => Promise<boolean>;
  log: (line: string) => void;
}

/** What one fix came to: the JSON report's `fixes` entry. */
export type FixOutcome = FixReport;
export type FixStatus = FixReport['status'];

/** Ctrl-C at a prompt: the whole run stops, nothing more is written. */
export class FixInterrupted extends Error {
  override name = 'FixInterrupted';
}

export function outcome(namespace: string, status: FixStatus, detail: string, extra: Partial<FixOutcome> = {}): FixOutcome {
  const resolved = status === 'finalized' || extra.resolved === true;
  return { action: { kind: 'finalize-namespace', namespace }, resource: `Namespace/${namespace}`, status, detail, resolved, backup: null, ...extra };
}

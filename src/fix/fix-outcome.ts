export interface FixOptions {
  /** Apply without asking (required when there is no terminal). */
  yes: boolean;
  /** Send only server-side dry-run requests. */
  dryRun: boolean;
  /** Also finalize protected namespaces (kube-system, default, gke-*, …). */
  force: boolean;
  /** More namespaces (names or globs) the user's config protects like the built-in ones. */
  protectedNamespaces?: readonly string[];
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
  /** Without a backup nothing more is changed in this run. */
  backupFailed?: boolean;
}

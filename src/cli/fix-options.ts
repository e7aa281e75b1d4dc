import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { Report } from '../engine/report.js';
import { InputError } from '../errors.js';
import { parseDuration } from './duration-flag.js';
import type { ClusterState } from '../state/cluster-state.js';
import type { StateSource } from '../state/source.js';
import { flagName } from './flag-name.js';
import type { ProcessIo } from './process-io.js';

export interface FixFlags {
  fix?: boolean;
  yes?: boolean;
  dryRun?: boolean;
  force?: boolean;
  backupDir?: string;
  wait?: string;
}

const DEFAULT_WAIT = '30s';

export function addFixOptions(command: Command): Command {
  return command
    .option('--fix', 'after the checks, apply the fixes marked automatic (finalize stuck namespaces), asking first in a terminal')
    .option('--yes', 'with --fix: apply without asking (required without a terminal, e.g. in CI)')
    .option('--dry-run', 'with --fix: print the plan and send only server-side dry-run requests (dryRun=All)')
    .option('--force', 'with --fix: also finalize protected namespaces (kube-system, kube-public, kube-node-lease, default, gke-*, gmp-*)')
    .option('--backup-dir <dir>', 'with --fix: where each namespace and what is left in it are saved first (default ./gke-doctor-backup-TIMESTAMP)')
    .option('--wait <duration>', 'with --fix: how long to wait for a finalized namespace to disappear (default 30s)');
}

/** Flags that only mean something with `--fix`, and `--fix` itself only in live mode. */
export function validateFixFlags(flags: FixFlags, live: boolean): void {
  if (!flags.fix) {
    const stray = (['yes', 'dryRun', 'force', 'backupDir', 'wait'] as const).find((name) => flags[name] !== undefined);
    if (stray) throw new InputError(`${flagName(stray)} only means something with --fix`);
    return;
  }
  if (!live) throw new InputError('--fix writes to the cluster: it needs live mode (drop --snapshot, --manifests and --terraform-plan)');
  parseDuration(flags.wait ?? DEFAULT_WAIT, '--wait');
}

/** Runs `--fix` after the report: returns the exit code (DESIGN.md: 0 when every planned fix succeeded, else 1), or null when nothing was planned. */
export async function applyFixes(
  report: Report,
  state: ClusterState,
  source: StateSource,
  flags: FixFlags,
  io: ProcessIo,
  protectedNamespaces: readonly string[] = [],
): Promise<number | null> {
  const { plannedFixes, applyFixActions, fixExitCode } = await import('../fix/apply-fixes.js');
  const log = (line: string) => void io.stderr.write(`${line}\n`);
  const planned = plannedFixes(report);
  if (planned.length === 0) {
    log('gke-doctor --fix: nothing to fix automatically.');
    return null;
  }
  const config = await source.kubeConfig?.();
  if (!config) throw new InputError('--fix needs a kubeconfig context for the cluster (--context or --kubeconfig)');
  const { CoreV1Api } = await import('@kubernetes/client-node');
  const interactive = Boolean(io.stdin.isTTY && io.stderr.isTTY);
  const outcomes = await applyFixActions(config.makeApiClient(CoreV1Api), planned, state, {
    yes: Boolean(flags.yes),
    dryRun: Boolean(flags.dryRun),
    force: Boolean(flags.force),
    protectedNamespaces,
    backupDir: flags.backupDir ?? `gke-doctor-backup-${io.now().toISOString().replace(/[-:]|\.\d+/g, '')}`,
    waitMs: parseDuration(flags.wait ?? DEFAULT_WAIT, '--wait'),
    confirm: interactive ? terminalConfirm(io.stdin, io.stderr) : undefined,
    log,
  });
  return fixExitCode(outcomes);
}

/**
 * Asks y/N on the terminal. Ctrl-C or Ctrl-D answers no, to this question and to
 * every later one: the user wants out, and nothing more is written.
 */
export function terminalConfirm(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): (question: string) => Promise<boolean> {
  let stopped = false;
  return async (question) => {
    if (stopped) return false;
    const prompt = createInterface({ input, output, terminal: true });
    try {
      const answer = await new Promise<string | null>((resolve, reject) => {
        prompt.once('close', () => resolve(null));
        prompt.question(question).then(resolve, reject);
      });
      if (answer !== null) return /^y(es)?$/i.test(answer.trim());
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
    } finally {
      prompt.close();
    }
    stopped = true;
    output.write('\n');
    return false;
  };
}

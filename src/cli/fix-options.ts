import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { FailOn, FixReport, Report } from '../engine/report.js';
import { exitCodeFor } from '../engine/report.js';
import { InputError } from '../errors.js';
import { parseDuration } from './duration-flag.js';
import type { ClusterState } from '../state/cluster-state.js';
import type { StateSource } from '../state/source.js';
import { flagName } from './flag-name.js';
import type { ProcessIo } from './process-io.js';
import { printable } from '../terminal-text.js';
import { DEFAULT_BACKUP_DIRECTORY } from '../fix/backup.js';
import { PROTECTED_NAMESPACES } from '../fix/protected-namespace-names.js';

export interface FixFlags {
  fix?: boolean;
  yes?: boolean;
  dryRun?: boolean;
  force?: boolean;
  backupDir?: string;
  wait?: string;
}

const DEFAULT_WAIT = '30s';

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
const SIGNAL_EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

export function addFixOptions(command: Command): Command {
  return command
    .option('--fix', 'after the checks, apply the fixes marked automatic (finalize stuck namespaces), asking first in a terminal')
    .option('--yes', 'with --fix: apply without asking (required without a terminal, e.g. in CI)')
    .option('--dry-run', 'with --fix: print the plan and send only server-side dry-run requests (dryRun=All)')
    .option('--force', `with --fix: also finalize protected namespaces (${PROTECTED_NAMESPACES.join(', ')}; and the config's protected-namespaces)`)
    .option('--backup-dir <dir>', `with --fix: where each namespace and what is left in it are saved first (default ${DEFAULT_BACKUP_DIRECTORY})`)
    .option('--wait <duration>', `with --fix: how long to wait for a finalized namespace to disappear (default ${DEFAULT_WAIT})`);
}

/** Flags that only mean something with `--fix`, and `--fix` itself only in live mode. */
export function validateFixFlags(flags: FixFlags, live: boolean): void {
  if (!flags.fix) {
    const stray = (['yes', 'dryRun', 'force', 'backupDir', 'wait'] as const).find((name) => flags[name] !== undefined);
    if (stray) throw new InputError(`${flagName(stray)} only means something with --fix`);
    return;
  }
  if (!live) throw new InputError('--fix writes to the cluster: it needs live mode (drop --snapshot, --manifests and --terraform-plan)');
  parseDuration(flags.wait ?? DEFAULT_WAIT, '--wait', { timer: true });
}

/** What `--fix` did: one outcome per planned fix, and the exit code of the run after fixing. */
export interface FixRun {
  outcomes: FixReport[];
  exitCode: number;
}

/**
 * Runs `--fix` after the checks; null when nothing was planned. The exit code is
 * DESIGN.md's for what remains after fixing (a finalized namespace no longer
 * counts; a failed or declined fix is 1), and 130 after Ctrl-C at a prompt.
 */
export async function applyFixes(report: Report, state: ClusterState, source: StateSource, flags: FixFlags, failOn: FailOn, io: ProcessIo, protectedNamespaces: readonly string[] = []): Promise<FixRun | null> {
  const { plannedFixes, applyFixActions, exitCodeAfterFixes } = await import('../fix/apply-fixes.js');
  const { BackupStore, defaultBackupPrefix } = await import('../fix/backup.js');
  // The plan and each outcome name namespaces, finalizers and conditions from the API: shown, never obeyed.
  const log = (line: string) => void io.stderr.write(`${printable(line)}\n`);
  const planned = plannedFixes(report);
  if (planned.length === 0) {
    log('gke-doctor --fix: nothing to fix automatically.');
    return null;
  }
  const api = await source.kubernetesClient?.();
  if (!api) throw new InputError('--fix needs a kubeconfig context for the cluster (--context or --kubeconfig)');
  const interactive = Boolean(io.stdin.isTTY && io.stderr.isTTY);
  // SIGINT/SIGTERM: finish or abandon the namespace in flight, start nothing more, write the report; a second one ends the run now.
  const stopping = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping.signal.aborted) process.exit(SIGNAL_EXIT_CODES[signal] ?? 130);
    log(`gke-doctor: ${signal}: stopping after the namespace in progress; the report follows (${signal} again to stop now)`);
    stopping.abort(signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  let applied: Awaited<ReturnType<typeof applyFixActions>>;
  try {
    applied = await applyFixActions(api, planned, state, {
    yes: Boolean(flags.yes),
    dryRun: Boolean(flags.dryRun),
    force: Boolean(flags.force),
    protectedNamespaces,
    backups: new BackupStore(flags.backupDir ? { directory: flags.backupDir } : { prefix: defaultBackupPrefix(io.now()) }),
    waitMs: parseDuration(flags.wait ?? DEFAULT_WAIT, '--wait', { timer: true }),
    confirm: interactive ? terminalConfirm(io.stdin, io.stderr) : undefined,
    stop: stopping.signal,
    log,
  });
  } finally {
    for (const signal of STOP_SIGNALS) process.removeListener(signal, onSignal);
  }
  const { outcomes, interrupted } = applied;
  // The shell's code for a run a signal ended: 128 + the signal's number.
  const stoppedBy = stopping.signal.aborted ? SIGNAL_EXIT_CODES[stopping.signal.reason as NodeJS.Signals] : undefined;
  return { outcomes, exitCode: stoppedBy ?? (interrupted ? 130 : exitCodeAfterFixes(report, outcomes, (remaining) => exitCodeFor(remaining, failOn))) };
}

/**
 * Asks y/N on the terminal. Ctrl-D answers no, to this question and to every
 * later one; Ctrl-C stops the whole run (FixInterrupted): nothing more is written.
 */
export function terminalConfirm(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): (question: string) => Promise<boolean> {
  let stopped = false;
  return async (question) => {
    if (stopped) return false;
    const prompt = createInterface({ input, output, terminal: true });
    let answer: string | null | typeof INTERRUPT;
    try {
      answer = await new Promise<string | null | typeof INTERRUPT>((resolve, reject) => {
        prompt.once('SIGINT', () => resolve(INTERRUPT));
        prompt.once('close', () => resolve(null));
        prompt.question(printable(question)).then(resolve, reject);
      });
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
      answer = null;
    } finally {
      prompt.close();
    }
    if (typeof answer === 'string') return /^y(es)?$/i.test(answer.trim());
    stopped = true;
    output.write('\n');
    if (answer === INTERRUPT) {
      const { FixInterrupted } = await import('../fix/apply-fixes.js');
      throw new FixInterrupted('interrupted at the prompt');
    }
    return false;
  };
}

const INTERRUPT = Symbol('Ctrl-C');

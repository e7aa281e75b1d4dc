import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { spawn } from 'node:child_process';
import type { KubeConfig } from '@kubernetes/client-node';

/** How long a credential plugin may run before it is killed with its children (kubectl has no bound; gke-gcloud-auth-plugin answers in about a second). */
export const EXEC_PLUGIN_LIMIT_MS = 30_000;

/**
 * Credential exec plugins (kubeconfig `users[].user.exec`, such as gke-gcloud-auth-plugin) as
 * client-node 1.4.0 runs them: `ExecAuth.getCredential` (dist/exec_auth.js) spawns the command
 * with no timeout and waits for its stdout to close, so a plugin that hangs holds the request
 * forever, and one that leaves a child holding its stdout outlives the run. Here each plugin runs
 * in a process group of its own (`detached`), and the whole group is killed when the plugin
 * exits (what it left behind), when it runs past `limitMs`, and when the run ends.
 */
export class ExecPlugins {
  private readonly running = new Set<ChildProcess>();
  private readonly killAllOnExit = () => this.killAll();

  constructor(private readonly limitMs = EXEC_PLUGIN_LIMIT_MS) {}

  /** Makes `config`'s exec authenticator spawn through this. */
  install(config: KubeConfig): void {
    const authenticators = (config as unknown as { authenticators?: { execFn?: unknown }[] }).authenticators ?? [];
    const execAuth = authenticators.find((authenticator) => typeof authenticator.execFn === 'function');
    if (execAuth) execAuth.execFn = (command: string, args: readonly string[] | undefined, options: SpawnOptions) => this.spawn(command, args, options);
  }

  /** How many plugins were killed for running past the limit: a request compares it before and after. */
  get killedForTime(): number {
    return this.timeouts;
  }

  private timeouts = 0;
  private lastOverdue = '';

  /** What a request whose credential plugin was killed for time failed with. */
  overdueMessage(): string {
    return `the kubeconfig's credential plugin (users[].user.exec: ${this.lastOverdue}) gave no credential within ${this.limitMs / 1000}s; it was stopped with its child processes`;
  }

  /** Kills every plugin still running, with its children. */
  killAll(): void {
    for (const child of this.running) killGroup(child);
  }

  private spawn(command: string, args: readonly string[] | undefined, options: SpawnOptions): ChildProcess {
    const child = spawn(command, args ?? [], { ...options, detached: true });
    if (this.running.size === 0) process.once('exit', this.killAllOnExit);
    this.running.add(child);
    const timer = setTimeout(() => {
      this.timeouts++;
      this.lastOverdue = command;
      killGroup(child);
    }, this.limitMs);
    timer.unref();
    const settle = () => {
      clearTimeout(timer);
      // What it started and left running (holding its stdout open) goes with it.
      killGroup(child);
      this.running.delete(child);
      if (this.running.size === 0) process.removeListener('exit', this.killAllOnExit);
    };
    child.once('exit', settle);
    child.once('error', settle);
    return child;
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // ESRCH: nothing of the group is left.
  }
}

import { setMaxListeners } from 'node:events';
import { ApiFailure } from './api-failure.js';

/**
 * The moment the whole run must be over (`--timeout`): every request is cut at
 * it, and no retry waits past it. Reads still unfinished then are reported as
 * timed out; what was read is kept.
 */
export class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;

  /**
   * `reserveMs`: the part of `ms` kept back for what comes after the reads (uploading the
   * report): this deadline passes that much earlier, and still names the whole `--timeout`.
   */
  constructor(
    readonly ms: number,
    private readonly now: () => number = Date.now,
    /** The flag that set it, as reasons name it. */
    readonly flag = '--timeout',
    reserveMs = 0,
  ) {
    this.at = now() + ms - reserveMs;
    // Every request in flight listens for the deadline.
    setMaxListeners(0, this.controller.signal);
    if (Number.isFinite(ms)) {
      this.timer = setTimeout(() => this.controller.abort(this.failure()), Math.max(0, ms - reserveMs));
      // The deadline alone must never keep a finished run alive.
      this.timer.unref();
    }
  }

  readonly at: number;

  /** Aborted when the deadline passes. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get passed(): boolean {
    return this.controller.signal.aborted || this.now() >= this.at;
  }

  remainingMs(): number {
    return Math.max(0, this.at - this.now());
  }

  /** What a read cut by the deadline failed with. */
  failure(what?: string): ApiFailure {
    return new ApiFailure(`timed out${what ? ` reading ${what}` : ''} (${this.flag} ${formatMs(this.ms)})`, undefined, { code: 'DEADLINE' });
  }

  /** Why work never begun is not done: its turn came after this deadline (a fleet's cluster queued behind others). */
  notStarted(what?: string): string {
    return `${what ? `${what}: ` : ''}not started before the run's deadline (${this.flag} ${formatMs(this.ms)})`;
  }

  /**
   * A shorter deadline within this one (a fleet cluster's share of the run, `--cluster-timeout`):
   * this one itself when it ends first, so a reason names the limit that really cut the read.
   * The caller disposes it.
   */
  within(ms: number, flag: string): Deadline {
    if (ms >= this.remainingMs()) return this;
    const inner = new Deadline(ms, this.now, flag);
    const abort = () => inner.controller.abort(this.signal.reason);
    this.signal.addEventListener('abort', abort, { once: true });
    inner.signal.addEventListener('abort', () => this.signal.removeEventListener('abort', abort), { once: true });
    inner.disposeAlso = () => this.signal.removeEventListener('abort', abort);
    return inner;
  }

  private disposeAlso: (() => void) | undefined;

  dispose(): void {
    clearTimeout(this.timer);
    this.disposeAlso?.();
  }

  /** No deadline: for tests and library callers that bound nothing. */
  static none(): Deadline {
    return new Deadline(Number.POSITIVE_INFINITY);
  }
}

function formatMs(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

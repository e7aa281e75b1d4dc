/** A stream the CLI writes to: the terminal's `isTTY` and `columns` decide colour, progress and help width. */
export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/**
 * What the CLI takes from the process it runs in. bin/gke-doctor.js passes the
 * real ones; tests pass their own, so the whole CLI runs in the test's process.
 */
export interface ProcessIo {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: OutputStream;
  stderr: OutputStream;
  /** The clock: when a check run or a snapshot happens. */
  now(): Date;
  /** The working directory, where a report that could not be uploaded is written (default: the process's). */
  cwd?: string;
}

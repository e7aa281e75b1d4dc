/** What a live source reports while it reads; the CLI shows it on a terminal. */
export interface Progress {
  /** Reading `what` has started. */
  start(what: string): void;
  /** Reading `what` is over; `objects` were read. */
  done(what: string, objects: number): void;
  /** Something read only in part, worth one line (the checks still run). */
  note(message: string): void;
  /** Collection is over: clear the line. */
  finish(): void;
}

export const silentProgress: Progress = { start() {}, done() {}, note() {}, finish() {} };

import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Severity } from './check.js';
import type { Report, Summary } from './report.js';
import type { FleetTargets } from './fleet-targets.js';
import { summarize } from './report.js';

/** Where one cluster's report is in the spool file, and what the fleet's summary needs of it. */
interface Entry {
  label: string;
  order: number;
  offset: number;
  length: number;
  /** The report's JSON itself, where no file could be made. */
  text?: string;
}

const RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };

/**
 * The clusters' reports of a fleet run (or a merge), written out as each one is done, so that
 * memory holds the reports in flight rather than the whole fleet's (issue #27): each report is one
 * line of JSON in a file of its own under $TMPDIR (mode 0600, removed on close, and at once where the
 * system allows), and only what the fleet's summary and exit code need stays in memory. Where
 * $TMPDIR cannot be written (the shipped Jobs' read-only root filesystem without a volume there),
 * each report's JSON text is held instead: more memory, the same report. The writers
 * read the reports back one at a time, in the report's order (`targetLabel`, as `fleetReport` sorts).
 */
export class TargetSpool implements FleetTargets {
  /** The file and its directory; null where $TMPDIR cannot be written (a read-only root filesystem): the reports' JSON is then held in memory. */
  private readonly file: { directory: string; path: string; fd: number } | null;
  private readonly entries: Entry[] = [];
  private size = 0;
  private sorted = true;
  /** The fleet's summary so far: the sum of each cluster's (summarize is a sum over checks). */
  readonly summary: Summary = { error: 0, warning: 0, info: 0, passed: 0, failed: 0, incomplete: 0, notApplicable: 0, suppressed: 0 };
  /** Clusters with a failed check, and with a check that could not run. */
  failing = 0;
  incomplete = 0;
  /** The highest severity of a finding that is not suppressed (exit 1 at or below it), 0 for none. */
  worstRank = 0;

  constructor(
    private readonly label: (report: Report) => string,
    /** Where the file goes (tests name one that cannot be written). */
    directory = tmpdir(),
  ) {
    this.file = openSpoolFile(directory);
  }

  get count(): number {
    return this.entries.length;
  }

  /** Writes one cluster's report out; `order` breaks ties between equal labels (the order it was found in). */
  add(report: Report, order = this.entries.length): void {
    const json = `${JSON.stringify(report)}\n`;
    let text: string | undefined;
    let length = 0;
    try {
      if (!this.file) throw new Error('no spool file');
      const bytes = Buffer.from(json);
      while (length < bytes.length) length += writeSync(this.file.fd, bytes, length, bytes.length - length, this.size + length);
    } catch {
      // No file, or it cannot take more (a full disk): this report is held in memory.
      text = json;
      length = 0;
    }
    const entry: Entry = { label: this.label(report), order, offset: this.size, length, ...(text === undefined ? {} : { text }) };
    const last = this.entries.at(-1);
    if (last && compare(last, entry) > 0) this.sorted = false;
    this.entries.push(entry);
    this.size += length;
    const summary = summarize(report.checks);
    for (const key of Object.keys(summary) as (keyof Summary)[]) this.summary[key] += summary[key];
    if (report.checks.some((check) => check.status === 'failed')) this.failing++;
    if (report.checks.some((check) => check.status === 'incomplete')) this.incomplete++;
    for (const check of report.checks) for (const finding of check.findings) if (!finding.suppressed) this.worstRank = Math.max(this.worstRank, RANK[finding.severity] ?? 0);
  }

  /** Whether a finding not suppressed is at or above `severity`. */
  hasFindingAtOrAbove(severity: Severity): boolean {
    return this.worstRank >= RANK[severity];
  }

  /** Each report, read back in the report's order: a new pass each call. */
  *all(): Generator<Report> {
    for (let index = 0; index < this.entries.length; index++) yield this.at(index);
  }

  /** The report at `index` in the report's order. */
  at(index: number): Report {
    if (!this.sorted) {
      this.entries.sort(compare);
      this.sorted = true;
    }
    const { offset, length, text } = this.entries[index]!;
    if (text !== undefined || !this.file) return JSON.parse(text!) as Report;
    const buffer = Buffer.allocUnsafe(length);
    let read = 0;
    while (read < length) {
      const got = readSync(this.file.fd, buffer, read, length - read, offset + read);
      if (got === 0) throw new Error(`the spooled reports in ${this.file.path} were cut short`);
      read += got;
    }
    return JSON.parse(buffer.toString('utf8')) as Report;
  }

  close(): void {
    if (!this.file) return;
    try {
      closeSync(this.file.fd);
    } catch {
      // already closed
    }
    rmSync(this.file.directory, { recursive: true, force: true });
  }
}

/** A new file of its own under $TMPDIR, readable by its owner only; null where none can be made. */
function openSpoolFile(parent: string): { directory: string; path: string; fd: number } | null {
  let directory: string;
  try {
    directory = mkdtempSync(join(parent, 'gke-doctor-reports-'));
  } catch {
    return null;
  }
  const path = join(directory, 'targets.jsonl');
  try {
    const fd = openSync(path, 'wx+', 0o600);
    try {
      // Nothing is left behind if the process dies: the open descriptor keeps the data (POSIX).
      rmSync(directory, { recursive: true, force: true });
    } catch {
      // Removed on close instead.
    }
    return { directory, path, fd };
  } catch {
    rmSync(directory, { recursive: true, force: true });
    return null;
  }
}

function compare(a: Entry, b: Entry): number {
  return a.label.localeCompare(b.label) || a.order - b.order;
}

import { InputError } from '../errors.js';
import { MAX_SHARDS } from './shard.js';

/** A report found under a directory or a gs:// prefix. */
export interface ListedReport {
  /** How messages name it: the file's path, or its gs:// URL. */
  name: string;
  /** Its path below the directory or prefix (`RUN_ID/shard-0-of-4.json`, `report.json`). */
  relative: string;
  /** When it was last written (a file's mtime, an object's `updated`), in epoch milliseconds. */
  writtenAt: number;
}

/** The shards of one run, as a run-scoped prefix holds them (`PREFIX/RUN_ID/shard-I-of-N.json`). */
interface ListedRun<T> {
  id: string;
  shards: T[];
  /** The shard count their names give; null when they disagree. */
  count: number | null;
  missing: number[];
  writtenAt: number;
}

const SHARD = /^([^/]+)\/shard-(\d+)-of-(\d+)\.json$/;

/**
 * The reports `merge DIR` or `merge gs://BUCKET/PREFIX/` combines. Reports directly under it are
 * one set, as before shards were run-scoped. Once it holds run directories (what
 * `--output-file PREFIX/` writes), it is a history of runs: the latest complete run is merged (the
 * latest being the run whose newest shard was written last), and the notes say which run that
 * was and which were skipped. When no run is complete, nothing is merged: merging a part of a
 * run must be asked for by naming that run's directory, whose missing shards are then named.
 */
export function selectRun<T extends ListedReport>(where: string, listed: readonly T[]): { reports: T[]; notes: string[] } {
  const byRun = new Map<string, T[]>();
  const loose: T[] = [];
  for (const report of listed) {
    const run = SHARD.exec(report.relative)?.[1];
    if (run !== undefined) byRun.set(run, [...(byRun.get(run) ?? []), report]);
    else if (!report.relative.includes('/') && report.relative.endsWith('.json')) loose.push(report);
  }
  if (byRun.size === 0) {
    if (loose.length === 0) throw new InputError(`${where}: no .json reports here`);
    return { reports: loose, notes: [] };
  }
  const runs = [...byRun].map(([id, shards]) => listedRun(id, shards)).sort((a, b) => b.writtenAt - a.writtenAt || b.id.localeCompare(a.id));
  const chosen = runs.find((run) => run.count !== null && run.missing.length === 0);
  if (!chosen) {
    const latest = runs[0]!;
    throw new InputError(`${where}: no complete run to merge: the latest, ${latest.id}, ${incompleteness(latest)}${runs.length > 1 ? `, and the ${runs.length - 1} before it are incomplete too` : ''}; merge ${where.replace(/\/?$/, '/')}${latest.id}/ to merge it as it is`);
  }
  const skipped = runs.filter((run) => run !== chosen);
  const newer = skipped.filter((run) => run.writtenAt > chosen.writtenAt || (run.writtenAt === chosen.writtenAt && run.id > chosen.id));
  const notes = [`merge: ${where}: merged run ${chosen.id} (${chosen.count} of ${chosen.count} shards), the latest complete run`];
  if (newer.length > 0) notes.push(`merge: ${where}: skipped newer incomplete ${newer.length === 1 ? 'run' : 'runs'} ${few(newer.map((run) => `${run.id} (${incompleteness(run)})`))}`);
  const older = skipped.length - newer.length;
  if (older > 0) notes.push(`merge: ${where}: skipped ${older} older ${older === 1 ? 'run' : 'runs'}: ${few(skipped.filter((run) => !newer.includes(run)).map((run) => run.id))}`);
  if (loose.length > 0) notes.push(`merge: ${where}: skipped ${loose.length} ${loose.length === 1 ? 'report' : 'reports'} outside a run directory: ${few(loose.map((report) => report.relative))}`);
  return { reports: [...chosen.shards].sort((a, b) => a.relative.localeCompare(b.relative, 'en', { numeric: true })), notes };
}

function listedRun<T extends ListedReport>(id: string, shards: T[]): ListedRun<T> {
  const counts = new Set(shards.map((shard) => Number(SHARD.exec(shard.relative)![3])));
  const count = counts.size === 1 && [...counts][0]! <= MAX_SHARDS ? [...counts][0]! : null;
  const present = new Set(shards.map((shard) => Number(SHARD.exec(shard.relative)![2])));
  const missing = count === null ? [] : Array.from({ length: count }, (_, index) => index).filter((index) => !present.has(index));
  return { id, shards, count, missing, writtenAt: Math.max(...shards.map((shard) => shard.writtenAt)) };
}

function incompleteness(run: ListedRun<ListedReport>): string {
  if (run.count === null) return 'has shards of different counts';
  return `misses shard ${few(run.missing.map((index) => `${index}/${run.count}`))}`;
}

/** The first few of a list, and how many more: a prefix can hold a year of nightly runs. */
function few(items: readonly string[], shown = 10): string {
  return `${items.slice(0, shown).join(', ')}${items.length > shown ? ` and ${items.length - shown} more` : ''}`;
}

import { readdir, stat } from 'node:fs/promises';
import { readInputFile } from '../state/files/input-file.js';
import { join } from 'node:path';
import { fleetExitCode } from '../engine/fleet-report.js';
import type { FailOn } from '../engine/report.js';
import { InputError } from '../errors.js';
import { isGsUrl, parseGsUrl } from '../fleet/gs-url.js';
import type { ReportText } from '../fleet/merge-reports.js';
import type { ListedReport } from '../fleet/run-selection.js';
import { selectRun } from '../fleet/run-selection.js';
import { mergeReports } from '../fleet/merge-reports.js';
import type { CredentialOptions } from '../state/live/gcp-credentials.js';
import { availableChecks } from './available-checks.js';
import type { OutputFlag } from './output-flags.js';
import { resolveOutputs } from './output-flags.js';
import { writeOutputs } from './outputs.js';
import type { ProcessIo } from './process-io.js';
import type { VerboseFlags } from './verbose.js';
import { stderrRequestLog } from './verbose.js';
import type { ProgramWithExitCode } from './program-with-exit-code.js';

export interface MergeOptions extends CredentialOptions, VerboseFlags {
  failOn: FailOn;
  plugin: string[];
}

/** `gke-doctor merge REPORTS...`: reads the reports, merges them and writes the fleet report. */
export async function mergeReportsOf(paths: readonly string[], options: MergeOptions, outputFlags: readonly OutputFlag[], program: ProgramWithExitCode, io: ProcessIo): Promise<void> {
  const outputList = resolveOutputs(outputFlags);
  const reports: ReportText[] = [];
  for (const path of paths) {
    const found = isGsUrl(path) ? await listGsReports(path, options, io) : await listLocalReports(path);
    for (const note of found.notes) io.stderr.write(`gke-doctor: ${note}\n`);
    reports.push(...found.reports);
  }
  const merged = await mergeReports(reports);
  try {
    const { shards } = merged.head.fleet;
    for (const index of shards?.missing ?? []) io.stderr.write(`gke-doctor: merge: shard ${index}/${shards!.count} is missing: its clusters are not in the report\n`);
    await writeOutputs(merged, outputList, await availableChecks(options.plugin), program.opts<{ color: boolean }>().color, io, options);
    program.exitCode = fleetExitCode(merged, options.failOn);
  } finally {
    merged.spool.close();
  }
}

interface Found {
  reports: ReportText[];
  notes: string[];
}

/** A file; or the reports in a directory: its .json files, or the latest complete run of its run directories (run-selection.ts). */
async function listLocalReports(path: string): Promise<Found> {
  if (!(await statOf(path)).isDirectory()) return { reports: [localReport(path)], notes: [] };
  const listed: (ListedReport & ReportText)[] = [];
  const add = async (relative: string) => {
    const file = join(path, relative);
    const stats = await statOf(file);
    if (stats.isFile()) listed.push({ ...localReport(file), relative, writtenAt: stats.mtimeMs });
  };
  for (const entry of await entriesOf(path)) {
    if (entry.isDirectory()) {
      for (const inner of await entriesOf(join(path, entry.name))) if (/^shard-\d+-of-\d+\.json$/.test(inner.name)) await add(`${entry.name}/${inner.name}`);
    } else if (entry.name.endsWith('.json')) await add(entry.name);
  }
  const { reports, notes } = selectRun(path, listed.sort((a, b) => a.relative.localeCompare(b.relative)));
  return { reports, notes };
}

function localReport(file: string): ReportText {
  return { name: file, read: () => readInputFile(file, file) };
}

async function entriesOf(path: string) {
  try {
    return await readdir(path, { withFileTypes: true });
  } catch (error) {
    throw new InputError(`${path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

async function statOf(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    throw new InputError(`${path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** The object itself; or, under a prefix, its .json objects or the latest complete run of its run directories. */
async function listGsReports(url: string, options: MergeOptions, io: ProcessIo): Promise<Found> {
  const [{ CloudStorage }, { googleCredentials }] = await Promise.all([import('../fleet/cloud-storage.js'), import('../state/live/gcp-credentials.js')]);
  const storage = new CloudStorage(await googleCredentials(options, io.env), io.env, stderrRequestLog(options, io.stderr));
  const location = parseGsUrl(url);
  const objects = await storage.list(location);
  const report = (object: string): ReportText => ({
    name: `gs://${location.bucket}/${object}`,
    read: async () => JSON.stringify(await storage.readJson({ bucket: location.bucket, object })),
  });
  if (objects.some((object) => object.name === location.object)) return { reports: [report(location.object)], notes: [] };
  const prefix = location.object === '' || location.object.endsWith('/') ? location.object : `${location.object}/`;
  const listed = objects
    .filter((object) => object.name.startsWith(prefix))
    .map((object) => ({ ...report(object.name), relative: object.name.slice(prefix.length), writtenAt: object.updated ? Date.parse(object.updated) || 0 : 0 }))
    .sort((a, b) => a.relative.localeCompare(b.relative));
  const { reports, notes } = selectRun(url, listed);
  return { reports, notes };
}

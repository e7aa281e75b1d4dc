import { randomBytes } from 'node:crypto';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Deadline } from '../state/live/deadline.js';
import { InputError } from '../errors.js';
import type { Check } from '../engine/check.js';
import type { SpooledFleet } from '../engine/fleet-report.js';
import { isFleetReport, isSpooledFleet } from '../engine/fleet-report.js';
import type { Report } from '../engine/report.js';
import { renderPieces } from '../report/stream.js';
import { isGsUrl, parseGsUrl } from '../fleet/gs-url.js';
import type { CredentialOptions } from '../state/live/gcp-credentials.js';
import { colorLevel } from './color.js';
import type { ProcessIo } from './process-io.js';
import type { VerboseFlags } from './verbose.js';
import type { Output } from './output-flags.js';
import { stderrRequestLog } from './verbose.js';

const EXTENSIONS: Record<string, string> = { text: 'txt', json: 'json', sarif: 'sarif', junit: 'xml', 'json-lines': 'jsonl', html: 'html', openmetrics: 'prom' };

/**
 * `--output-file PREFIX/` (a directory or a gs:// prefix, ending in `/`) names each
 * shard's report itself, `RUN_ID/shard-INDEX-of-COUNT.EXT`, so one job definition serves
 * every task of a sharded run, and a run never overwrites another run's shard.
 */
function shardFile(file: string, format: string, report: Report): string {
  if (!file.endsWith('/')) return file;
  const shards = isFleetReport(report) ? report.fleet.shards : null;
  const run = isFleetReport(report) ? report.run : undefined;
  if (!shards || shards.present.length !== 1 || !run) throw new InputError(shardPrefixRefusal(file));
  return `${file}${run.id}/shard-${shards.present[0]}-of-${shards.count}.${EXTENSIONS[format] ?? 'out'}`;
}

export function shardPrefixRefusal(file: string): string {
  return `--output-file ${file}: a name ending in / is for the report of one shard (--shard, or a job's task index)`;
}

/** The Content-Type of each format, for a report written to Cloud Storage. */
const CONTENT_TYPES: Record<string, string> = {
  text: 'text/plain; charset=utf-8',
  json: 'application/json',
  sarif: 'application/sarif+json',
  junit: 'application/xml',
  'json-lines': 'application/x-ndjson',
  html: 'text/html; charset=utf-8',
  // OpenMetrics 1.0, Overall Structure.
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

/**
 * The part of `--timeout` kept for uploading the report, when one goes to Cloud Storage: the
 * reads end that much earlier. A tenth, at least 1 s and at most 30 s, never over half.
 */
export function uploadReserveMs(timeoutMs: number, outputs: readonly Output[]): number {
  if (!Number.isFinite(timeoutMs) || !outputs.some((output) => output.file !== undefined && isGsUrl(output.file))) return 0;
  return Math.min(timeoutMs / 2, Math.max(1_000, Math.min(30_000, timeoutMs / 10)));
}

/**
 * Writes each output. An upload to Cloud Storage that fails (or does not finish by `deadline`,
 * the run's `--timeout`) leaves the report written locally instead, and the run fails in one
 * line saying where it is: a report that did not reach its bucket was not written (exit 2).
 */
export async function writeOutputs(
  written: Report | SpooledFleet,
  outputs: Output[],
  checks: readonly Check[],
  color: boolean,
  io: ProcessIo,
  credentials: CredentialOptions & VerboseFlags = {},
  deadline?: Deadline,
): Promise<void> {
  const report = isSpooledFleet(written) ? written.head : written;
  const unwritten: string[] = [];
  for (const { format, file: given } of outputs) {
    const output = { format, file: given === undefined ? undefined : shardFile(given, format, report) };
    const pieces = () => renderPieces(output.format, written, { checks, colorLevel: colorLevel(output.file ? null : io.stdout, color, io.env), now: io.now() });
    if (!output.file) {
      await writePieces(io.stdout, pieces());
      continue;
    }
    if (isGsUrl(output.file)) {
      // One upload of the whole text (Cloud Storage's simple upload takes a body of known length).
      const text = [...pieces()].join('');
      const [{ CloudStorage }, { googleCredentials }] = await Promise.all([import('../fleet/cloud-storage.js'), import('../state/live/gcp-credentials.js')]);
      try {
        const storage = new CloudStorage(await googleCredentials(credentials, io.env), io.env, stderrRequestLog(credentials, io.stderr));
        await storage.write(parseGsUrl(output.file), text, CONTENT_TYPES[output.format] ?? 'application/octet-stream', deadline);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        unwritten.push(`${error.message}; ${await writeLocalCopy(text, output.format, report, io)}`);
      }
      continue;
    }
    try {
      // A run's own directory under a PREFIX/ is made for it.
      if (output.file !== given) await mkdir(dirname(output.file), { recursive: true });
      const file = await open(output.file, 'w');
      try {
        for (const piece of pieces()) await file.write(piece);
      } finally {
        await file.close();
      }
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(`--output-file ${output.file}: cannot write: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  if (unwritten.length > 0) throw new InputError(unwritten.join('; '));
}

/** Writes each piece as the stream takes it (a pipe or a terminal slower than the report waits for it). */
async function writePieces(stream: ProcessIo['stdout'], pieces: Iterable<string>): Promise<void> {
  for (const piece of pieces) {
    if (!stream.write(piece)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  }
}

/**
 * Writes a report that could not be uploaded to a file of its own, in the working directory or
 * else $TMPDIR, readable by its owner only (it can name every cluster and finding), never over
 * an existing file; says where, or why nowhere.
 */
async function writeLocalCopy(text: string, format: string, report: Report, io: ProcessIo): Promise<string> {
  const run = isFleetReport(report) ? report.run : undefined;
  const shard = run?.shard ? `-shard-${run.shard.index}-of-${run.shard.count}` : '';
  const stem = `gke-doctor-report-${run ? run.id : io.now().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}${shard}`;
  const extension = EXTENSIONS[format] ?? 'out';
  const failures: string[] = [];
  for (const directory of [...new Set([io.cwd ?? process.cwd(), io.env.TMPDIR || tmpdir()])]) {
    for (const name of [`${stem}.${extension}`, `${stem}-${randomBytes(3).toString('hex')}.${extension}`]) {
      const path = join(directory, name);
      try {
        // wx: never through a link someone left at that name, never over another file.
        await writeFile(path, text, { mode: 0o600, flag: 'wx' });
        return `wrote the report to ${path} instead`;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        if (code === 'EEXIST') continue;
        failures.push(`${directory}: ${code}`);
        break;
      }
    }
  }
  return `nor could it be written locally (${failures.join(', ')})`;
}

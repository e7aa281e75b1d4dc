import { writeFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import type { Check } from '../engine/check.js';
import { isFleetReport } from '../engine/fleet-report.js';
import type { Report } from '../engine/report.js';
import { RENDERERS } from '../report/index.js';
import { isGsUrl, parseGsUrl } from '../fleet/cloud-storage.js';
import type { CredentialOptions } from '../state/live/gcp-credentials.js';
import { colorLevel } from './color.js';
import type { ProcessIo } from './process-io.js';

/** One report to write: a format, and a file (stdout when none). */
export interface Output {
  format: string;
  file?: string;
}

/**
 * Commander calls option parsers in argv order, so `--output-file` pairs with
 * the `--output` before it: `--output text --output sarif --output-file r.sarif`.
 * Both options write into the one list this returns.
 */
export function outputOptionParsers(): { outputs: Output[]; addFormat: (format: string) => Output[]; addFile: (file: string) => Output[] } {
  const outputs: Output[] = [];
  const addFormat = (format: string): Output[] => {
    if (!Object.hasOwn(RENDERERS, format)) throw new InputError(`--output ${format}: unknown format; use ${Object.keys(RENDERERS).join(', ')}`);
    outputs.push({ format });
    return outputs;
  };
  const addFile = (file: string): Output[] => {
    if (isGsUrl(file)) parseGsUrl(file);
    const last = outputs.at(-1);
    if (!last) outputs.push({ format: 'text', file });
    else if (last.file) throw new InputError(`--output-file ${file}: each --output-file follows its own --output (the previous one already goes to ${last.file})`);
    else last.file = file;
    return outputs;
  };
  return { outputs, addFormat, addFile };
}

/** The outputs to write (text to stdout by default); checked before anything runs. */
export function resolveOutputs(outputs: Output[]): Output[] {
  const list = outputs.length > 0 ? outputs : [{ format: 'text' }];
  if (list.filter((output) => !output.file).length > 1) {
    throw new InputError('only one --output can go to standard output; give the others an --output-file');
  }
  return list;
}

const EXTENSIONS: Record<string, string> = { text: 'txt', json: 'json', sarif: 'sarif', junit: 'xml', 'json-lines': 'jsonl' };

/**
 * `--output-file PREFIX/` (a directory or a gs:// prefix, ending in `/`) names each
 * shard's report itself, `shard-INDEX-of-COUNT.EXT`, so one job definition serves
 * every task of a sharded run.
 */
function shardFile(file: string, format: string, report: Report): string {
  if (!file.endsWith('/')) return file;
  const shards = isFleetReport(report) ? report.fleet.shards : null;
  if (!shards || shards.present.length !== 1) throw new InputError(`--output-file ${file}: a name ending in / is for the report of one shard (--shard, or a job's task index)`);
  return `${file}shard-${shards.present[0]}-of-${shards.count}.${EXTENSIONS[format] ?? 'out'}`;
}

/** The Content-Type of each format, for a report written to Cloud Storage. */
const CONTENT_TYPES: Record<string, string> = {
  text: 'text/plain; charset=utf-8',
  json: 'application/json',
  sarif: 'application/sarif+json',
  junit: 'application/xml',
  'json-lines': 'application/x-ndjson',
};

export async function writeOutputs(
  report: Report,
  outputs: Output[],
  checks: readonly Check[],
  color: boolean,
  io: ProcessIo,
  credentials: CredentialOptions = {},
): Promise<void> {
  for (const { format, file: given } of outputs) {
    const output = { format, file: given === undefined ? undefined : shardFile(given, format, report) };
    const render = RENDERERS[output.format]!;
    const text = render(report, { checks, colorLevel: colorLevel(output.file ? null : io.stdout, color, io.env) });
    if (!output.file) {
      io.stdout.write(text);
      continue;
    }
    if (isGsUrl(output.file)) {
      const [{ CloudStorage }, { googleCredentials }] = await Promise.all([import('../fleet/cloud-storage.js'), import('../state/live/gcp-credentials.js')]);
      const storage = new CloudStorage(await googleCredentials(credentials, io.env), io.env);
      await storage.write(parseGsUrl(output.file), text, CONTENT_TYPES[output.format] ?? 'application/octet-stream');
      continue;
    }
    try {
      await writeFile(output.file, text);
    } catch (error) {
      throw new InputError(`--output-file ${output.file}: cannot write: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
}

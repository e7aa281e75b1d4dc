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
import type { VerboseFlags } from './verbose.js';
import { stderrRequestLog } from './verbose.js';

/** One report to write: a format, and a file (stdout when none). */
export interface Output {
  format: string;
  file?: string;
}

/** `--output` and `--output-file` as given, in argv order (commander calls option parsers in that order). */
export type OutputFlag = { format: string } | { file: string };

/** Parsers for `-o/--output` (and its alias `--format`) and `--output-file`, both writing into one list in argv order. */
export function outputOptionParsers(): { flags: OutputFlag[]; addFormat: (format: string) => OutputFlag[]; addFile: (file: string) => OutputFlag[] } {
  const flags: OutputFlag[] = [];
  const addFormat = (format: string): OutputFlag[] => {
    if (!Object.hasOwn(RENDERERS, format)) throw new InputError(`--output ${format}: unknown format; use ${Object.keys(RENDERERS).join(', ')}`);
    flags.push({ format });
    return flags;
  };
  const addFile = (file: string): OutputFlag[] => {
    if (isGsUrl(file)) parseGsUrl(file);
    flags.push({ file });
    return flags;
  };
  return { flags, addFormat, addFile };
}

/**
 * The outputs to write (text to stdout by default), checked before anything runs. One
 * `--output` and one `--output-file` pair whatever their order (`--output-file r.sarif -o sarif`,
 * as trivy and ESLint users write it); with several, each `--output-file` goes with the
 * `--output` right before it. `--output-file -` is standard output.
 */
export function resolveOutputs(flags: readonly OutputFlag[]): Output[] {
  const formats = flags.filter((flag) => 'format' in flag).length;
  const files = flags.filter((flag): flag is { file: string } => 'file' in flag);
  let outputs: Output[];
  if (formats <= 1 && files.length <= 1) {
    const format = flags.find((flag) => 'format' in flag)?.format ?? 'text';
    outputs = formats === 0 && files.length === 0 ? [{ format }] : [{ format, ...(files[0] ? { file: files[0].file } : {}) }];
  } else {
    outputs = [];
    for (const flag of flags) {
      if ('format' in flag) {
        outputs.push({ format: flag.format });
        continue;
      }
      const last = outputs.at(-1);
      if (!last) throw new InputError(`--output-file ${flag.file} comes before any --output: with several, put each --output-file right after its --output`);
      if (last.file !== undefined) throw new InputError(`--output-file ${flag.file}: each --output-file follows its own --output (the previous one already goes to ${last.file})`);
      last.file = flag.file;
    }
  }
  const resolved = outputs.map(({ format, file }) => (file === undefined || file === '-' ? { format } : { format, file }));
  if (resolved.filter((output) => !output.file).length > 1) {
    throw new InputError('only one --output can go to standard output; give the others an --output-file');
  }
  return resolved;
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
  credentials: CredentialOptions & VerboseFlags = {},
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
      const storage = new CloudStorage(await googleCredentials(credentials, io.env), io.env, stderrRequestLog(credentials, io.stderr));
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

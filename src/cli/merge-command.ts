import { readdir, stat } from 'node:fs/promises';
import { readInputFile } from '../state/files/input-file.js';
import { join } from 'node:path';
import { Option } from 'commander';
import { fleetExitCode } from '../engine/fleet-report.js';
import type { FailOn } from '../engine/report.js';
import { FAIL_ON } from '../engine/report.js';
import { InputError } from '../errors.js';
import { isGsUrl, parseGsUrl } from '../fleet/cloud-storage.js';
import type { ReportText } from '../fleet/merge-reports.js';
import { mergeReports } from '../fleet/merge-reports.js';
import type { CredentialOptions } from '../state/live/gcp-credentials.js';
import { availableChecks } from './available-checks.js';
import { collect } from './list-command.js';
import { outputOptionParsers, resolveOutputs, writeOutputs } from './outputs.js';
import type { ProcessIo } from './process-io.js';
import type { VerboseFlags } from './verbose.js';
import { addVerboseOption, stderrRequestLog } from './verbose.js';
import type { ProgramWithExitCode } from './program-with-exit-code.js';

interface MergeOptions extends CredentialOptions, VerboseFlags {
  failOn: FailOn;
  plugin: string[];
}

export function registerMergeCommand(program: ProgramWithExitCode, io: ProcessIo): void {
  const { flags: outputFlags, addFormat, addFile } = outputOptionParsers();
  const command = program
    .command('merge <reports...>')
    .description('combine JSON reports (shards of a fleet run: files, directories or gs://BUCKET/PREFIX) into one fleet report; names any missing shard')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(FAIL_ON).default('error'))
    .option('-o, --output <format>', 'report format: text, json, sarif, junit or json-lines (repeatable, each with its own --output-file)', addFormat)
    .option('--format <format>', 'the same as --output', addFormat)
    .option('--output-file <file>', 'write the --output to this file (or gs://BUCKET/OBJECT; - for stdout); with several --output, each --output-file follows its own', addFile)
    .option('--access-token-file <file>', 'for gs:// reports: use this OAuth access token instead of Application Default Credentials (also GOOGLE_OAUTH_ACCESS_TOKEN)')
    .option('--plugin <module>', 'the plugins the shards ran with, for their checks\' descriptions in SARIF (repeatable)', collect, []);
  addVerboseOption(command)
    .action(async (paths: string[], options: MergeOptions) => {
      const outputList = resolveOutputs(outputFlags);
      const texts: ReportText[] = [];
      for (const path of paths) texts.push(...(isGsUrl(path) ? await readGsReports(path, options, io) : await readLocalReports(path)));
      const report = await mergeReports(texts);
      for (const index of report.fleet.shards?.missing ?? []) {
        io.stderr.write(`gke-doctor: merge: shard ${index}/${report.fleet.shards!.count} is missing: its clusters are not in the report\n`);
      }
      await writeOutputs(report, outputList, await availableChecks(options.plugin), program.opts<{ color: boolean }>().color, io, options);
      program.exitCode = fleetExitCode(report, options.failOn);
    });
}

/** A file, or every .json file directly in a directory. */
async function readLocalReports(path: string): Promise<ReportText[]> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    throw new InputError(`${path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const files = isDirectory ? (await readdir(path)).filter((name) => name.endsWith('.json')).sort().map((name) => join(path, name)) : [path];
  if (files.length === 0) throw new InputError(`${path}: no .json reports in this directory`);
  return Promise.all(files.map(async (file) => ({ name: file, text: await readInputFile(file, file) })));
}

/** The object itself, or every .json object under the prefix. */
async function readGsReports(url: string, options: MergeOptions, io: ProcessIo): Promise<ReportText[]> {
  const [{ CloudStorage }, { googleCredentials }] = await Promise.all([import('../fleet/cloud-storage.js'), import('../state/live/gcp-credentials.js')]);
  const storage = new CloudStorage(await googleCredentials(options, io.env), io.env, stderrRequestLog(options, io.stderr));
  const location = parseGsUrl(url);
  const names = (await storage.list(location)).filter((name) => name === location.object || name.endsWith('.json')).sort();
  if (names.length === 0) throw new InputError(`${url}: no .json reports under this prefix`);
  return Promise.all(
    names.map(async (name) => ({ name: `gs://${location.bucket}/${name}`, text: JSON.stringify(await storage.readJson({ bucket: location.bucket, object: name })) })),
  );
}

import { Option } from 'commander';
import { FAIL_ON } from '../engine/report.js';
import { collect } from './list-command.js';
import { outputOptionParsers } from './output-flags.js';
import type { ProcessIo } from './process-io.js';
import { addVerboseOption } from './verbose.js';
import type { ProgramWithExitCode } from './program-with-exit-code.js';
import type { MergeOptions } from './merge-action.js';

export function registerMergeCommand(program: ProgramWithExitCode, io: ProcessIo): void {
  const { flags: outputFlags, addFormat, addFile } = outputOptionParsers();
  const command = program
    .command('merge <reports...>')
    .description('combine JSON reports (shards of a fleet run: files, directories or gs://BUCKET/PREFIX) into one fleet report; names any missing shard')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(FAIL_ON).default('error'))
    .option('-o, --output <format>', 'report format: text, json, sarif, junit, json-lines, html or openmetrics (repeatable, each with its own --output-file)', addFormat)
    .option('--format <format>', 'the same as --output', addFormat)
    .option('--output-file <file>', 'write the --output to this file (or gs://BUCKET/OBJECT; - for stdout); with several --output, each --output-file follows its own', addFile)
    .option('--access-token-file <file>', 'for gs:// reports: use this OAuth access token instead of Application Default Credentials (also GOOGLE_OAUTH_ACCESS_TOKEN)')
    .option('--plugin <module>', 'the plugins the shards ran with, for their checks\' descriptions in SARIF (repeatable)', collect, []);
  addVerboseOption(command)
    .action(async (paths: string[], options: MergeOptions) => {
      // The report readers and writers load only now, not for `--help` or another command.
      const { mergeReportsOf } = await import('./merge-action.js');
      await mergeReportsOf(paths, options, outputFlags, program, io);
    });
}

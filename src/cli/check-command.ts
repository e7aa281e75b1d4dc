import { Option } from 'commander';
import { FAIL_ON } from '../engine/report.js';
import { CONFIG_FILE_NAMES } from '../config/load-config.js';
import { addFixOptions } from './fix-options.js';
import { collect } from './list-command.js';
import { outputOptionParsers } from './output-flags.js';
import { addFleetOptions } from './fleet-flags.js';
import type { ProcessIo } from './process-io.js';
import type { ProgramWithExitCode } from './program-with-exit-code.js';
import { addLiveOptions } from './live-options.js';
import { addVerboseOption } from './verbose.js';
import type { CheckOptions } from './check-options.js';
import { DEFAULT_STUCK_AFTER } from './check-options.js';

export function registerCheckCommand(program: ProgramWithExitCode, io: ProcessIo): void {
  const { flags: outputFlags, addFormat, addFile } = outputOptionParsers();
  const command = program
    .command('check')
    .description('run the checks and print what is wrong, with the exact fix (live project and cluster unless --snapshot)')
    .option('--snapshot <dir>', 'read a snapshot directory instead of a live project (see docs/snapshots.md)')
    .option('--manifests <paths...>', 'also read these rendered manifests: files, directories, or - for stdin (helm template, kustomize build)')
    .option('--terraform-plan <file>', 'also read this Terraform plan: the JSON of `terraform show -json PLAN`');
  addLiveOptions(command, 'stop after this long: the live reads, and any check still running (a plugin\'s); what was done is reported, the rest is incomplete (exit 3)')
    .option('--probe', 'live only: send the load balancer health-check request to a serving Pod through the API server proxy')
    .option('--only <ids>', 'run only these checks (comma-separated, repeatable)', collect, [])
    .option('--skip <ids>', 'skip these checks (comma-separated, repeatable)', collect, [])
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(FAIL_ON).default('error'))
    .option('-o, --output <format>', 'report format: text, json, sarif, junit, json-lines, html or openmetrics (repeatable, each with its own --output-file)', addFormat)
    .option('--format <format>', 'the same as --output', addFormat)
    .option('--output-file <file>', 'write the --output to this file (or gs://BUCKET/OBJECT; - for stdout); with several --output, each --output-file follows its own', addFile)
    .option('--plugin <module>', 'also load checks from a module: a path or an installed package (repeatable)', collect, [])
    .option('--stuck-after <duration>', `a namespace Terminating this long counts as stuck (default ${DEFAULT_STUCK_AFTER})`)
    .option('--config <file>', `read this config file instead of the nearest ${CONFIG_FILE_NAMES.join(' or ')} from the working directory up`)
    .option('--no-config', 'read no config file')
    .option('--no-inline-ignores', 'refuse gke-doctor.io/ignore annotations on objects: their findings count')
    .option('--baseline <file>', 'accept the findings recorded in this baseline: only new ones fail the run')
    .option('--write-baseline <file>', "record this run's findings as accepted (then exit as a run with --baseline would)")
    .option('--report-unused-ignores', 'warn about config ignores that matched no finding');
  addVerboseOption(command, true);
  addFleetOptions(addFixOptions(command)).action(async (options: CheckOptions) => {
    // What the run needs (sources, checks, reporters) loads only now: `--help` and the other commands load none of it.
    const { runCheck } = await import('./check-action.js');
    await runCheck(options, outputFlags, program, io);
  });
}

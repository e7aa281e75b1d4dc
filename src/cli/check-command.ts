import { Option } from 'commander';
import { InputError } from '../errors.js';
import { allChecks } from '../engine/registry.js';
import type { FailOn } from '../engine/report.js';
import { FAIL_ON, exitCodeFor } from '../engine/report.js';
import { runChecks } from '../engine/runner.js';
import { selectChecks, splitIds } from '../engine/select.js';
import { parseDuration } from '../gke/duration.js';
import { readStandardInput } from '../state/manifest-files.js';
import { PlannedSource } from '../state/planned-source.js';
import { SnapshotSource } from '../state/snapshot-source.js';
import type { StateSource } from '../state/source.js';
import { collect } from './list-command.js';
import { outputOptionParsers, resolveOutputs, writeOutputs } from './outputs.js';
import type { ProgramWithExitCode } from './program.js';

export interface CheckOptions {
  snapshot?: string;
  manifests?: string[];
  terraformPlan?: string;
  only: string[];
  skip: string[];
  failOn: FailOn;
  plugin: string[];
  stuckAfter: string;
}

export function registerCheckCommand(program: ProgramWithExitCode): void {
  const { outputs, addFormat, addFile } = outputOptionParsers();
  program
    .command('check')
    .description('run the checks and print what is wrong, with the exact fix')
    .option('--snapshot <dir>', 'read a snapshot directory instead of a live project (see README: Snapshot layout)')
    .option('--manifests <paths...>', 'also read these rendered manifests: files, directories, or - for stdin (helm template, kustomize build)')
    .option('--terraform-plan <file>', 'also read this Terraform plan: the JSON of `terraform show -json PLAN`')
    .option('--only <ids>', 'run only these checks (comma-separated, repeatable)', collect, [])
    .option('--skip <ids>', 'skip these checks (comma-separated, repeatable)', collect, [])
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(FAIL_ON).default('error'))
    .option('--output <format>', 'report format: text, json, sarif or junit (repeatable, each with its own --output-file)', addFormat)
    .option('--output-file <file>', 'write the preceding --output to this file instead of stdout', addFile)
    .option('--plugin <module>', 'also load checks from a module: a path or an installed package (repeatable)', collect, [])
    .option('--stuck-after <duration>', 'a namespace Terminating this long counts as stuck', '5m')
    .action(async (options: CheckOptions) => {
      const stuckAfterMs = parseDuration(options.stuckAfter, '--stuck-after');
      const outputList = resolveOutputs(outputs);
      const checks = selectChecks(await allChecks(options.plugin), splitIds(options.only), splitIds(options.skip));
      const report = await runChecks(checks, createSource(options), { now: new Date(), stuckAfterMs });
      await writeOutputs(report, outputList, checks, program.opts<{ color: boolean }>().color);
      program.exitCode = exitCodeFor(report, options.failOn);
    });
}

/** The base source (what exists), with manifests and a plan (what will) laid on top when given. */
function createSource(options: CheckOptions): StateSource {
  const base = options.snapshot ? new SnapshotSource(options.snapshot) : null;
  const manifests = options.manifests ?? [];
  if (manifests.length > 0 || options.terraformPlan) {
    return PlannedSource.fromFiles(base, { manifests, terraformPlan: options.terraformPlan, readStdin: readStandardInput });
  }
  if (base) return base;
  throw new InputError('no target: pass --snapshot DIR, --manifests PATH… or --terraform-plan FILE (see README)');
}

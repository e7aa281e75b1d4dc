import { Option } from 'commander';
import { InputError } from '../errors.js';
import { allChecks } from '../engine/registry.js';
import type { FailOn } from '../engine/report.js';
import { FAIL_ON, exitCodeFor } from '../engine/report.js';
import { runChecks } from '../engine/runner.js';
import { selectChecks, splitIds } from '../engine/select.js';
import { parseDuration } from '../gke/duration.js';
import { SnapshotSource } from '../state/snapshot-source.js';
import type { StateSource } from '../state/source.js';
import { collect } from './list-command.js';
import { outputOptionParsers, resolveOutputs, writeOutputs } from './outputs.js';
import type { ProgramWithExitCode } from './program.js';
import type { LiveFlags } from './live-options.js';
import { LIVE_FLAG_NAMES, addLiveOptions, createLiveSource, flagName } from './live-options.js';

export interface CheckOptions extends LiveFlags {
  snapshot?: string;
  probe?: boolean;
  only: string[];
  skip: string[];
  failOn: FailOn;
  plugin: string[];
  stuckAfter: string;
}

export function registerCheckCommand(program: ProgramWithExitCode): void {
  const { outputs, addFormat, addFile } = outputOptionParsers();
  const command = program
    .command('check')
    .description('run the checks and print what is wrong, with the exact fix (live project and cluster unless --snapshot)')
    .option('--snapshot <dir>', 'read a snapshot directory instead of a live project (see README: Snapshot layout)');
  addLiveOptions(command)
    .option('--probe', 'live only: send the load balancer health-check request to a serving Pod through the API server proxy')
    .option('--only <ids>', 'run only these checks (comma-separated, repeatable)', collect, [])
    .option('--skip <ids>', 'skip these checks (comma-separated, repeatable)', collect, [])
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(FAIL_ON).default('error'))
    .option('--output <format>', 'report format: text or json (repeatable, each with its own --output-file)', addFormat)
    .option('--output-file <file>', 'write the preceding --output to this file instead of stdout', addFile)
    .option('--plugin <module>', 'also load checks from a module: a path or an installed package (repeatable)', collect, [])
    .option('--stuck-after <duration>', 'a namespace Terminating this long counts as stuck', '5m')
    .action(async (options: CheckOptions) => {
      const stuckAfterMs = parseDuration(options.stuckAfter, '--stuck-after');
      const outputList = resolveOutputs(outputs);
      const checks = selectChecks(await allChecks(options.plugin), splitIds(options.only), splitIds(options.skip));
      const source = await createSource(options);
      const probe = options.probe ? source.probe : undefined;
      const report = await runChecks(checks, source, { now: new Date(), stuckAfterMs, ...(probe ? { probe } : {}) });
      await writeOutputs(report, outputList, checks, program.opts<{ color: boolean }>().color);
      program.exitCode = exitCodeFor(report, options.failOn);
    });
}

/** The one place that chooses where the state comes from: a snapshot directory, else the live project and cluster. */
async function createSource(options: CheckOptions): Promise<StateSource> {
  if (options.snapshot) {
    const live = LIVE_FLAG_NAMES.find((name) => options[name] !== undefined);
    if (live) throw new InputError(`${flagName(live)} is for live mode; a snapshot names its own project and cluster (drop --snapshot to read them live)`);
    if (options.probe) throw new InputError('--probe needs live mode: it sends requests to Pods, which a snapshot cannot');
    return new SnapshotSource(options.snapshot);
  }
  return createLiveSource(options);
}

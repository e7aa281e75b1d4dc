import { addLiveOptions } from './live-options.js';
import type { LiveFlags } from './live-options.js';
import type { ProcessIo } from './process-io.js';
import type { ProgramWithExitCode } from './program-with-exit-code.js';
import type { FleetFlags } from './fleet-flags.js';
import { addAllClustersOptions } from './fleet-flags.js';
import { DEFAULT_CONCURRENCY } from '../fleet/schedule.js';
import { addVerboseOption } from './verbose.js';

export function registerSnapshotCommand(program: ProgramWithExitCode, io: ProcessIo): void {
  const command = program
    .command('snapshot <dir>')
    .description('write the live project and cluster to a snapshot directory (redacted; replay with check --snapshot DIR)');
  addVerboseOption(addAllClustersOptions(addLiveOptions(command, 'stop reading after this long; what was read is written, and what was not is named (exit 3)')).option('--concurrency <n>', `with --all-clusters: how many projects are listed and clusters read at once (default ${DEFAULT_CONCURRENCY})`));
  command.action(async (directory: string, options: LiveFlags & FleetFlags) => {
    // The live sources and the snapshot writer load only now, not for `--help` or another command.
    const { writeSnapshotOf } = await import('./snapshot-action.js');
    program.exitCode = await writeSnapshotOf(directory, options, io);
  });
}

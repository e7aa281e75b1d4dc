import { parseDuration } from './duration-flag.js';
import type { DataKey } from '../state/cluster-state.js';
import { Deadline } from '../state/live/deadline.js';
import { GCP_DATA_KEYS } from '../state/cluster-state.js';
import { KUBERNETES_KINDS } from '../state/kubernetes-types.js';
import type { LiveFlags } from './live-options.js';
import { addLiveOptions, createLiveSource } from './live-options.js';
import type { ProcessIo } from './process-io.js';
import type { ProgramWithExitCode } from './program.js';

/** Everything any check can read: a snapshot serves every check. */
const ALL_DATA: DataKey[] = [...GCP_DATA_KEYS, ...KUBERNETES_KINDS, 'ObjectsInTerminatingNamespaces'];

export function registerSnapshotCommand(program: ProgramWithExitCode, io: ProcessIo): void {
  const command = program
    .command('snapshot <dir>')
    .description('write the live project and cluster to a snapshot directory (redacted; replay with check --snapshot DIR)');
  addLiveOptions(command).action(async (directory: string, options: LiveFlags) => {
    const { writeSnapshot, requireEmptyDirectory } = await import('../state/snapshot/snapshot-writer.js');
    await requireEmptyDirectory(directory);
    const deadline = new Deadline(parseDuration(options.timeout, '--timeout'));
    const source = await createLiveSource(options, io, deadline);
    const takenAt = io.now();
    const state = await source.collect(new Set(ALL_DATA)).finally(() => deadline.dispose());
    const written = await writeSnapshot(directory, state, takenAt);
    for (const [key, reason] of state.unavailable) io.stderr.write(`gke-doctor: not in the snapshot: ${key}: ${reason}\n`);
    io.stderr.write(
      `gke-doctor: wrote ${directory}: ${written.files.length} files, ${written.objects} Kubernetes objects; ${written.redactions.length} values redacted (see REDACTED.md)\n`,
    );
    // Like an incomplete check: the snapshot is usable, but some data is missing.
    program.exitCode = state.unavailable.size > 0 ? 3 : 0;
  });
}

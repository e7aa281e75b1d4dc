import type { Command } from 'commander';
import type { Deadline } from '../state/live/deadline.js';
import type { LiveOptions } from '../state/live/live-source.js';
import type { ProcessIo } from './process-io.js';
import type { VerboseFlags } from './verbose.js';
import { stderrRequestLog } from './verbose.js';

/** Flags that pick the live project and cluster, shared by `check` and `snapshot`. */
export interface LiveFlags extends VerboseFlags {
  project?: string;
  location?: string;
  cluster?: string;
  context?: string;
  kubeconfig?: string;
  accessTokenFile?: string;
  quiet?: boolean;
  timeout: string;
}

export const LIVE_FLAG_NAMES = ['project', 'location', 'cluster', 'context', 'kubeconfig', 'accessTokenFile'] as const;

/** `--timeout`: `whatItStops` says what the command stops when it passes (check also stops its checks, snapshot only reads). */
export function addLiveOptions(command: Command, whatItStops: string): Command {
  return command
    // Repeated or comma-separated projects are for --all-clusters; kept as one comma-separated value.
    .option('--project <id>', 'GCP project (default: from the kubeconfig context, CLOUDSDK_CORE_PROJECT or gcloud config)', (value: string, previous?: string) =>
      previous === undefined ? value : `${previous},${value}`,
    )
    .option('--location <location>', "the cluster's region or zone (default: from the kubeconfig context)")
    .option('--cluster <name>', 'GKE cluster name (default: from the kubeconfig context)')
    .option('--context <name>', 'kubeconfig context to read the cluster through (default: the current one)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: KUBECONFIG, else ~/.kube/config)')
    .option('--access-token-file <file>', 'use this OAuth access token instead of Application Default Credentials (also GOOGLE_OAUTH_ACCESS_TOKEN)')
    .option('--quiet', 'no progress line on stderr')
    .option('--timeout <duration>', whatItStops, '2m');
}

/** The live source for these flags; the Google and Kubernetes libraries load only now, when used. */
export async function createLiveSource(flags: Omit<LiveFlags, 'timeout'>, io: Pick<ProcessIo, 'env' | 'stderr'>, deadline?: Deadline, reading: Pick<LiveOptions, 'leaveOutUnreadFields' | 'onObjects'> = {}) {
  const [{ LiveSource }, { stderrProgress }] = await Promise.all([import('../state/live/live-source.js'), import('./progress.js')]);
  const requestLog = stderrRequestLog(flags, io.stderr);
  return new LiveSource({ ...flags, env: io.env, progress: stderrProgress(Boolean(flags.quiet), io.stderr, Boolean(flags.verbose)), deadline, ...(requestLog ? { requestLog } : {}), ...reading });
}

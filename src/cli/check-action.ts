import { stat } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { exitCodeFor } from '../engine/report.js';
import { dataKeysFor, runChecksOn } from '../engine/runner.js';
import { baselineOf, describeBaselineChange, existingBaseline, readBaseline, writeBaseline } from '../engine/baseline.js';
import type { Check, RunContext } from '../engine/check.js';
import { applySeverities, checksNotOff } from '../engine/severity-settings.js';
import { applySuppressions } from '../engine/suppressions.js';
import type { Config } from '../config/config.js';
import { loadConfig } from '../config/load-config.js';
import { configuredRedirectingApplications } from '../config/redirecting-applications.js';
import { selectChecks, splitIds } from '../engine/select.js';
import { parseDuration } from './duration-flag.js';
import { Deadline } from '../state/live/deadline.js';
import { readStandardInput } from '../state/plan/manifest-files.js';
import { PlannedSource } from '../state/plan/planned-source.js';
import { SnapshotSource } from '../state/snapshot/snapshot-source.js';
import type { StateSource } from '../state/source.js';
import { applyFixes, validateFixFlags } from './fix-options.js';
import type { OutputFlag } from './output-flags.js';
import { resolveOutputs } from './output-flags.js';
import { shardPrefixRefusal, uploadReserveMs, writeOutputs } from './outputs.js';
import { resolveShard } from '../fleet/shard.js';
import { allClustersMembers, checkFleet, fleetRun, rejectFleetFlags } from './fleet-options.js';
import { fleetExitCode } from '../engine/fleet-report.js';
import { isSnapshot, snapshotTreeMembers } from '../fleet/snapshot-tree.js';
import type { ProcessIo } from './process-io.js';
import type { ProgramWithExitCode } from './program-with-exit-code.js';
import { LIVE_FLAG_NAMES, createLiveSource } from './live-options.js';
import { flagName } from './flag-name.js';
import { availableChecks } from './available-checks.js';
import { printable } from '../terminal-text.js';
import { reportConfigFile } from './verbose.js';
import type { CheckOptions } from './check-options.js';
import { DEFAULT_STUCK_AFTER } from './check-options.js';

/** `gke-doctor check`: what it does once its flags are parsed (loaded only then: `--help` needs none of it). */
export async function runCheck(options: CheckOptions, outputFlags: readonly OutputFlag[], program: ProgramWithExitCode, io: ProcessIo): Promise<void> {
  const outputList = resolveOutputs(outputFlags);
  // A PREFIX/ is named after this task's shard: without one it is refused now, not after the whole run.
  const prefix = outputList.find((output) => output.file?.endsWith('/'));
  if (prefix && !resolveShard(options, io.env)) throw new InputError(shardPrefixRefusal(prefix.file!));
  validateFixFlags(options, isLiveOnly(options));
  const config = await loadConfig(options.config);
  reportConfigFile(options, config, io.stderr);
  const known = await availableChecks(options.plugin);
  requireKnownChecks(config, known);
  const checks = checksNotOff(selectChecks(known, splitIds(options.only), splitIds(options.skip)), config.checks);
  if (checks.length === 0) throw new InputError(`${config.file}: every selected check is off`);
  const baseline = options.baseline ? { file: options.baseline, baseline: await readBaseline(options.baseline) } : undefined;
  if (options.allClusters) {
    const other = (['snapshot', 'terraformPlan', 'probe', 'fix'] as const).find((name) => options[name] !== undefined) ?? (options.manifests?.length ? 'manifests' : undefined);
    if (other) throw new InputError(`${flagName(other)} is for one cluster; --all-clusters checks every cluster of each --project live`);
  }
  const timeoutMs = parseDuration(options.timeout, '--timeout', { timer: true });
  // The run ends at --timeout, report uploaded; its reads end earlier, leaving the upload its time.
  const runEnd = new Deadline(timeoutMs);
  const deadline = new Deadline(timeoutMs, Date.now, '--timeout', uploadReserveMs(timeoutMs, outputList));
  try {
    // Settled before the clusters are listed: a sharded task without a run id stops here.
    const liveRun = options.allClusters ? fleetRun(options, io.env, io.now()) : null;
    const tree = options.allClusters
      ? // Only built-in checks read the state (--fix is refused): as for one cluster, the fields none of them reads are left out as pages arrive.
      await allClustersMembers(options, io, deadline, { leaveOutUnreadFields: options.plugin.length === 0 })
      : options.snapshot && !options.manifests?.length && options.terraformPlan === undefined
        ? await snapshotTreeMembers(options.snapshot).then((members) => members && { members })
        : null;
    if (!tree && options.snapshot && !(await isSnapshot(options.snapshot)) && (await isDirectory(options.snapshot))) {
      throw new InputError(`--snapshot ${options.snapshot}: no inputs found in ${options.snapshot} (no file of the snapshot layout, such as cluster.json or k8s/, nor a PROJECT/LOCATION/CLUSTER tree of snapshots)`);
    }
    if (tree) {
      validateSnapshotFlags(options);
      // A baseline records findings by check, resource and message, which clusters of a fleet share.
      if (baseline || options.writeBaseline) throw new InputError('--baseline and --write-baseline are for one cluster, not a fleet run');
      const rules = { ignores: config.ignore, configFile: config.file, inlineIgnores: options.inlineIgnores, now: io.now() };
      const run = liveRun ?? fleetRun(options, io.env, io.now());
      const report = await checkFleet(run.inputs.source, tree, checks, { now: io.now(), deadline, ...checkOptions(options, config) }, options, run, (target, state) => {
        applySeverities(target, checks, config.checks);
        for (const note of applySuppressions(target, state, rules).expired) io.stderr.write(`gke-doctor: warning: ${printable(note)}\n`);
      });
      try {
        await writeOutputs(report, outputList, checks, program.opts<{ color: boolean }>().color, io, options, runEnd);
        program.exitCode = fleetExitCode(report, options.failOn);
      } finally {
        report.spool.close();
      }
      return;
    }
    rejectFleetFlags(options);
    const source = await createSource(options, io, deadline);
    const probe = options.probe ? source.probe : undefined;
    const state = await source.collect(dataKeysFor(checks));
    const report = await runChecksOn(state, checks, { now: io.now(), deadline, ...checkOptions(options, config), ...(probe ? { probe } : {}) });
    applySeverities(report, checks, config.checks);
    const knownChecks = new Set(known.map((check) => check.id));
    const rules = { ignores: config.ignore, configFile: config.file, inlineIgnores: options.inlineIgnores, baseline, now: io.now(), knownChecks };
    let notes = applySuppressions(report, state, rules);
    if (options.writeBaseline) {
      const previous = baseline?.file === options.writeBaseline ? baseline.baseline : await existingBaseline(options.writeBaseline);
      const recorded = baselineOf(report);
      await writeBaseline(options.writeBaseline, recorded);
      notes = applySuppressions(report, state, { ...rules, baseline: { file: options.writeBaseline, baseline: recorded } });
      io.stderr.write(`gke-doctor: wrote ${options.writeBaseline}: ${describeBaselineChange(previous, recorded)}\n`);
    }
    for (const note of [...notes.expired, ...notes.unknown]) io.stderr.write(`gke-doctor: warning: ${printable(note)}\n`);
    if (options.reportUnusedIgnores) for (const note of notes.unused) io.stderr.write(`gke-doctor: warning: ${printable(note)}\n`);
    let exitCode = exitCodeFor(report, options.failOn);
    // The report is written after the fixes, so it can say what they did.
    const fixed = options.fix ? await applyFixes(report, state, source, options, options.failOn, io, config.checks['terminating-namespace']?.['protected-namespaces']) : null;
    if (fixed) {
      report.fixes = fixed.outcomes;
      exitCode = fixed.exitCode;
    }
    await writeOutputs(report, outputList, checks, program.opts<{ color: boolean }>().color, io, options, runEnd);
    program.exitCode = exitCode;
  } finally {
    deadline.dispose();
    runEnd.dispose();
  }
}

/** What the config and the flags set for the checks; a flag wins over the config. */
function checkOptions(options: CheckOptions, config: Config): Pick<RunContext, 'stuckAfterMs' | 'redirectingApplications'> {
  const namespaceSettings = config.checks['terminating-namespace'];
  const stuckAfter = options.stuckAfter ?? namespaceSettings?.['stuck-after'];
  const where = options.stuckAfter !== undefined ? '--stuck-after' : `${config.file}: checks.terminating-namespace.stuck-after`;
  const applications = config.checks['ingress-health-check']?.['redirecting-applications'] ?? [];
  return {
    stuckAfterMs: parseDuration(stuckAfter ?? DEFAULT_STUCK_AFTER, where),
    redirectingApplications: configuredRedirectingApplications(applications, config.file ?? 'the config'),
  };
}

/** A config that names a check gke-doctor does not have is a typo to point at, not to ignore. */
function requireKnownChecks(config: Config, checks: readonly Check[]): void {
  const known = new Set(checks.map((check) => check.id));
  const list = [...known].join(', ');
  for (const id of Object.keys(config.checks)) {
    if (!known.has(id)) throw new InputError(`${config.file}: checks.${id}: unknown check; known checks: ${list}`);
  }
  for (const [index, rule] of config.ignore.entries()) {
    if (!known.has(rule.check)) throw new InputError(`${config.file}: ignore[${index}].check: unknown check "${rule.check}"; known checks: ${list}`);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Whether the state comes from the live cluster alone (what `--fix` can act on). */
function isLiveOnly(options: CheckOptions): boolean {
  return !options.snapshot && (options.manifests ?? []).length === 0 && options.terraformPlan === undefined;
}

/** A snapshot names its own project and cluster, and has no Pods to probe. */
function validateSnapshotFlags(options: CheckOptions): void {
  if (!options.snapshot) return;
  const liveFlag = LIVE_FLAG_NAMES.find((name) => options[name] !== undefined);
  if (liveFlag) throw new InputError(`${flagName(liveFlag)} is for live mode; a snapshot names its own project and cluster (drop --snapshot to read them live)`);
  if (options.probe) throw new InputError('--probe needs live mode: it sends requests to Pods, which a snapshot cannot');
}

/**
 * The one place that chooses where the state comes from. The base is a snapshot,
 * or the live project and cluster; manifests and a plan are laid on top. With
 * only manifests or a plan, the base is live only when a live flag names a
 * target, so a CI preflight needs no cloud access.
 */
async function createSource(options: CheckOptions, io: ProcessIo, deadline: Deadline): Promise<StateSource> {
  const liveFlag = LIVE_FLAG_NAMES.find((name) => options[name] !== undefined);
  validateSnapshotFlags(options);
  const manifests = options.manifests ?? [];
  const planned = manifests.length > 0 || options.terraformPlan !== undefined;
  const readLive = !options.snapshot && (!planned || liveFlag !== undefined || options.probe === true);
  // Only built-in checks read the state and nothing is written back: the fields none of them reads can be left out as pages arrive.
  const leaveOutUnreadFields = options.plugin.length === 0 && !options.fix;
  const base = options.snapshot ? new SnapshotSource(options.snapshot) : readLive ? await createLiveSource(options, io, deadline, { leaveOutUnreadFields }) : null;
  if (!planned) return base!;
  return PlannedSource.fromFiles(base, { manifests, terraformPlan: options.terraformPlan, readStdin: () => readStandardInput(io.stdin) });
}

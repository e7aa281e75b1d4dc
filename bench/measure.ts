// One measured child process, and the medians and spread of several: what every part of the
// benchmark reports. The machine is shared, so each run carries the load average it started at.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface Measurement {
  wallMs: number;
  /** User + system CPU time: less disturbed than wall time by other work on the machine. */
  cpuMs: number;
  peakRssMb: number;
  exitCode: number;
  stdoutBytes: number;
  /** The machine's 1-minute load average when the run started (2 cores). */
  load: number;
}

export interface Summary {
  medianWallMs: number;
  medianCpuMs: number;
  medianPeakRssMb: number;
  /** Slowest minus fastest wall time. */
  spreadWallMs: number;
  medianLoad: number;
  runs: Measurement[];
}

/** Runs `command` under /usr/bin/time, stdout counted and dropped; exit codes other than 0, 1 and 3 fail. */
export async function measure(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Measurement> {
  const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-bench-'));
  const timeFile = join(directory, 'time');
  const load = Number(loadavg()[0]!.toFixed(1));
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-o', timeFile, '-f', '%M %U %S', command, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdoutBytes = 0;
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdoutBytes += chunk.length));
  child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  const wallMs = performance.now() - started;
  const [peakKb, user, system] = (await readFile(timeFile, 'utf8')).trim().split('\n').pop()!.split(' ').map(Number) as [number, number, number];
  await rm(directory, { recursive: true, force: true });
  if (exitCode === 2 || exitCode < 0 || exitCode > 3 || (command === 'kubectl' && exitCode !== 0)) throw new Error(`${command} ${args.join(' ')} failed (${exitCode}): ${stderr.slice(0, 500)}`);
  return { wallMs, cpuMs: (user + system) * 1000, peakRssMb: peakKb / 1024, exitCode, stdoutBytes, load };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function summarize(runs: Measurement[]): Summary {
  const walls = runs.map((run) => run.wallMs);
  return {
    medianWallMs: median(walls),
    medianCpuMs: median(runs.map((run) => run.cpuMs)),
    medianPeakRssMb: median(runs.map((run) => run.peakRssMb)),
    spreadWallMs: Math.max(...walls) - Math.min(...walls),
    medianLoad: median(runs.map((run) => run.load)),
    runs,
  };
}

/** One line on stderr per run, so a long bench shows where it is. */
export function say(what: string, run: Measurement): void {
  process.stderr.write(`  ${what}: ${Math.round(run.wallMs)} ms (cpu ${Math.round(run.cpuMs)} ms, ${Math.round(run.peakRssMb)} MB, load ${run.load})\n`);
}

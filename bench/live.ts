// The live benchmark (issue #12): a generated cluster at three scales, served by the
// fakes in test/support with a delay on every answer; the built CLI's full live check
// and `kubectl get ns,pods,svc,ingress -A -o json` run against the same fakes as child
// processes, alternating, median of five. Also start-up (--help, the seed snapshot
// check, node -e 0), a full-size YAML snapshot, and the production install of the
// packed tarball. Writes bench/results.json and bench/RESULTS.md.
//
//   npm run bench                      # all of it
//   BENCH_SCALES=0.1 BENCH_RUNS=3 BENCH_DELAY_MS=50 BENCH_SKIP_INSTALL=1 npm run bench
//
// Runs per scale: BENCH_RUNS (default 5) below full scale, BENCH_RUNS_FULL (default 1) at
// 1.0, where one kubectl dump alone takes about a minute on a 2-core machine: so that the
// whole bench fits in 10 minutes from a fresh clone.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, freemem, loadavg, totalmem, tmpdir, type as osType, release } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { dump } from 'js-yaml';
import type { LoggedRequest } from '../test/support/fake-http.js';
import type { ServedFixture } from '../test/support/live.js';
import { serveFixture } from '../test/support/live.js';
import type { GeneratedCluster } from './cluster.js';
import { generateCluster } from './cluster.js';
import { writeResults } from './results.js';

const ROOT = new URL('..', import.meta.url).pathname;
const CLI = join(ROOT, 'bin', 'gke-doctor.js');
const SCALES = (process.env.BENCH_SCALES ?? '0.1,0.25,1').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const RUNS_FULL = Number(process.env.BENCH_RUNS_FULL ?? 1);
const runsAt = (scale: number) => (scale >= 1 ? RUNS_FULL : RUNS);
const DELAY_MS = Number(process.env.BENCH_DELAY_MS ?? 50);

export interface Measurement {
  wallMs: number;
  /** User + system CPU time: less disturbed than wall time by other work on the machine. */
  cpuMs: number;
  peakRssMb: number;
  exitCode: number;
  stdoutBytes: number;
}

export interface Summary {
  medianWallMs: number;
  medianCpuMs: number;
  medianPeakRssMb: number;
  runs: Measurement[];
}

/** Runs `command` under /usr/bin/time, stdout counted and dropped. */
async function measure(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Measurement> {
  const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-bench-'));
  const timeFile = join(directory, 'time');
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
  return { wallMs, cpuMs: (user + system) * 1000, peakRssMb: peakKb / 1024, exitCode, stdoutBytes };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function summarize(runs: Measurement[]): Summary {
  return { medianWallMs: median(runs.map((run) => run.wallMs)), medianCpuMs: median(runs.map((run) => run.cpuMs)), medianPeakRssMb: median(runs.map((run) => run.peakRssMb)), runs };
}

/** Requests by endpoint, names of namespaces replaced by `*`. */
function requestsPerEndpoint(requests: readonly LoggedRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of requests) {
    const endpoint = `${request.method} ${request.path.replace(/\/namespaces\/[^/]+\//, '/namespaces/*/')}`;
    counts[endpoint] = (counts[endpoint] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The longest chain of requests that had to follow one another in a run: the pages of
 * one list follow each other; the lists of objects in Terminating namespaces follow
 * the Namespace list (and the discovery they need).
 */
function longestChain(requests: readonly LoggedRequest[]): number {
  const pages = new Map<string, number>();
  for (const request of requests) if (request.method === 'GET') pages.set(request.path, (pages.get(request.path) ?? 0) + 1);
  const namespacePages = pages.get('/api/v1/namespaces') ?? 0;
  let longest = 0;
  for (const [path, count] of pages) {
    const afterNamespaces = request(requests, path)?.headers.accept?.toString().includes('PartialObjectMetadataList') ?? false;
    longest = Math.max(longest, afterNamespaces ? namespacePages + 1 + count : count);
  }
  return longest;
}

function request(requests: readonly LoggedRequest[], path: string): LoggedRequest | undefined {
  return requests.find((candidate) => candidate.path === path);
}

async function writeSnapshot(cluster: GeneratedCluster, format: 'json' | 'yaml'): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), `gke-doctor-bench-${format}-`));
  await mkdir(join(directory, 'k8s'));
  await mkdir(join(directory, 'compute'));
  for (const [file, value] of Object.entries(cluster.gcpFiles)) await writeFile(join(directory, file), JSON.stringify(value, null, 2));
  const list = { apiVersion: 'v1', kind: 'List', items: cluster.objects, metadata: { resourceVersion: '' } };
  await writeFile(join(directory, 'k8s', `objects.${format}`), format === 'json' ? JSON.stringify(list) : dump(list, { noRefs: true, lineWidth: -1 }));
  return directory;
}

async function liveScale(scale: number) {
  const cluster = await generateCluster(scale);
  const snapshot = await writeSnapshot(cluster, 'json');
  // Eventarc and compute pages as large as the real APIs give.
  const served: ServedFixture = await serveFixture(snapshot, { gcp: { pageSize: 500 } });
  try {
    served.gcp.delayMs = DELAY_MS;
    served.kube.delayMs = DELAY_MS;
    const env = { ...process.env, ...served.env, NO_COLOR: '1' };
    const cliArgs = [CLI, 'check', '--output', 'json', '--kubeconfig', served.kubeconfig];
    const kubectlArgs = ['--kubeconfig', served.kubeconfig, 'get', 'ns,pods,svc,ingress', '-A', '-o', 'json'];
    const cli: Measurement[] = [];
    const kubectl: Measurement[] = [];
    let cliRequests: LoggedRequest[] = [];
    let kubectlRequests: LoggedRequest[] = [];
    const runs = runsAt(scale);
    for (let run = 0; run < runs; run++) {
      served.kube.requests.length = 0;
      served.gcp.requests.length = 0;
      cli.push(await measure('node', cliArgs, env));
      cliRequests = [...served.kube.requests, ...served.gcp.requests];
      served.kube.requests.length = 0;
      kubectl.push(await measure('kubectl', kubectlArgs, env));
      kubectlRequests = [...served.kube.requests];
      const [doctor, dump] = [cli.at(-1)!, kubectl.at(-1)!];
      process.stderr.write(
        `  scale ${scale} run ${run + 1}/${runs}: gke-doctor ${Math.round(doctor.wallMs)} ms (cpu ${Math.round(doctor.cpuMs)} ms, ${Math.round(doctor.peakRssMb)} MB), kubectl ${Math.round(dump.wallMs)} ms (cpu ${Math.round(dump.cpuMs)} ms, ${Math.round(dump.peakRssMb)} MB)\n`,
      );
    }
    const bytes = JSON.stringify({ items: cluster.objects });
    const parseStarted = performance.now();
    JSON.parse(bytes);
    const parseMs = performance.now() - parseStarted;
    const chain = longestChain(cliRequests);
    return {
      scale,
      runs,
      counts: cluster.counts,
      objects: cluster.objects.length,
      megabytes: bytes.length / 1e6,
      gkeDoctor: { ...summarize(cli), requests: cliRequests.length, requestsPerEndpoint: requestsPerEndpoint(cliRequests) },
      kubectl: { ...summarize(kubectl), requests: kubectlRequests.length, requestsPerEndpoint: requestsPerEndpoint(kubectlRequests) },
      physicalLimit: { chain, delayMs: DELAY_MS, jsonParseMs: parseMs },
    };
  } finally {
    await served.close();
    await rm(snapshot, { recursive: true, force: true });
  }
}

async function startup() {
  const runs = async (command: string, args: string[]) => {
    const results: Measurement[] = [];
    for (let run = 0; run < RUNS; run++) results.push(await measure(command, args, { ...process.env, NO_COLOR: '1' }));
    return summarize(results);
  };
  return {
    nodeBare: await runs('node', ['-e', '0']),
    help: await runs('node', [CLI, '--help']),
    seedSnapshot: await runs('node', [CLI, 'check', '--snapshot', join(ROOT, 'fixtures', 'seed-eventarc-stuck-namespace')]),
  };
}

/** A full-size snapshot with k8s/ in YAML, checked: the memory a large YAML snapshot costs. */
async function yamlSnapshot() {
  const cluster = await generateCluster(1);
  const directory = await writeSnapshot(cluster, 'yaml');
  try {
    const megabytes = (await stat(join(directory, 'k8s', 'objects.yaml'))).size / 1e6;
    const run = await measure('node', [CLI, 'check', '--snapshot', directory, '--output', 'json'], { ...process.env, NO_COLOR: '1' });
    return { objects: cluster.objects.length, megabytes, wallMs: run.wallMs, peakRssMb: run.peakRssMb };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** `npm pack` (of what `npm run bench` just built), then a production install of the tarball into an empty directory. */
async function install() {
  const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-install-'));
  try {
    const tarball = execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', directory], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
    const target = join(directory, 'app');
    await mkdir(target);
    await writeFile(join(target, 'package.json'), '{"name":"bench-install","version":"1.0.0","private":true}');
    const started = performance.now();
    execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error', join(directory, tarball)], { cwd: target, stdio: 'ignore' });
    const seconds = (performance.now() - started) / 1000;
    const megabytes = Number(execFileSync('du', ['-sk', join(target, 'node_modules')], { encoding: 'utf8' }).split('\t')[0]) / 1024;
    const packages = (await readdir(join(target, 'node_modules'))).length;
    return { tarballKb: (await stat(join(directory, tarball))).size / 1024, seconds, megabytes, topLevelEntries: packages };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

function machine() {
  const kubectl = execFileSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  return {
    date: new Date().toISOString(),
    os: `${osType()} ${release()}`,
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    memoryGb: Math.round(totalmem() / 1e9),
    freeMemoryGb: Math.round(freemem() / 1e9),
    /** Other work on the machine while the bench ran (1-minute load average at its start). */
    loadAverage: Number(loadavg()[0]!.toFixed(1)),
    node: process.version,
    kubectl: (JSON.parse(kubectl) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion ?? '?',
    runs: RUNS,
    delayMs: DELAY_MS,
  };
}

const started = performance.now();
const results = {
  machine: machine(),
  startup: await startup(),
  scales: [] as Awaited<ReturnType<typeof liveScale>>[],
  yamlSnapshot: undefined as Awaited<ReturnType<typeof yamlSnapshot>> | { error: string } | undefined,
  install: undefined as Awaited<ReturnType<typeof install>> | undefined,
  benchSeconds: 0,
};
for (const scale of SCALES) {
  process.stderr.write(`scale ${scale}\n`);
  results.scales.push(await liveScale(scale));
}
if (!process.env.BENCH_SKIP_YAML) results.yamlSnapshot = await yamlSnapshot().catch((error: Error) => ({ error: error.message.slice(0, 300) }));
if (!process.env.BENCH_SKIP_INSTALL) results.install = await install();
results.benchSeconds = (performance.now() - started) / 1000;
await writeResults(results);

// The benchmark (issue #27). A generated cluster (bench/cluster.ts) at each scale, served by the fakes
// in test/support over TLS behind a network of each round trip (the relay charges connection set-up
// and handshakes, not only a sleep per answer); the built CLI's full live check, kubectl, and (at 1x
// and up) `snapshot DIR` run in the same iteration, one after the other, as child processes. Also a
// fleet of 0.1x clusters, and start-up. Writes bench/results.json and bench/RESULTS.md, whose summary
// compares against bench/thresholds.json.
//
//   npm run bench
//   BENCH_SCALES=0.1 BENCH_RTTS=30 BENCH_RUNS=3 BENCH_FLEETS= npm run bench
//
// Runs per scale and round trip: BENCH_RUNS_SMALL (default 5) below 1x, BENCH_RUNS (default 3) at 1x,
// BENCH_RUNS_LARGE (default 1) at 4x and up, where one kubectl dump takes most of a minute on 2 shared
// cores; at 4x kubectl runs only at the goals' round trip (BENCH_KUBECTL_LARGE_RTTS, default 30), and
// BENCH_RTTS_LARGE can leave out round trips there: so that the whole bench fits in 10 minutes.
// BENCH_BACKEND_GROUPS=3 makes the backend services the Ingresses name exist, 3 NEGs each (one per zone),
// so a check reads their health as on a real cluster (default 0: none exists, as in earlier rounds).
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, freemem, loadavg, release, tmpdir, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { LoggedRequest } from '../test/support/fake-http.js';
import { FakeGcpFleet } from '../test/support/fake-gcp-fleet.js';
import { generateCluster } from './cluster.js';
import type { Measurement } from './measure.js';
import { measure, median, say, summarize } from './measure.js';
import { writeResults } from './results.js';
import type { Results } from './results.js';
import { serveCluster, TEST_CA_FILE, writeClusterDirectory } from './serve-cluster.js';

const ROOT = new URL('..', import.meta.url).pathname;
const CLI = join(ROOT, 'bin', 'gke-doctor.js');
const list = (text: string) => text.split(',').filter(Boolean).map(Number);
const SCALES = list(process.env.BENCH_SCALES ?? '0.1,1,4');
const RTTS = list(process.env.BENCH_RTTS ?? '0,30');
const FLEETS = list(process.env.BENCH_FLEETS ?? '20,100');
const RUNS_SMALL = Number(process.env.BENCH_RUNS_SMALL ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const RUNS_LARGE = Number(process.env.BENCH_RUNS_LARGE ?? 1);
/** Round trips at 4x and up (each costs minutes there). */
const RTTS_LARGE = list(process.env.BENCH_RTTS_LARGE ?? process.env.BENCH_RTTS ?? '0,30');
const KUBECTL_LARGE_RTTS = list(process.env.BENCH_KUBECTL_LARGE_RTTS ?? '30');
const STARTUP_RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 7);
/** NEGs of each backend service the Ingresses name (bench/cluster.ts); 0: no such backend service exists. */
const BACKEND_GROUPS = Number(process.env.BENCH_BACKEND_GROUPS ?? 0);
const runsAt = (scale: number) => (scale < 1 ? RUNS_SMALL : scale >= 4 ? RUNS_LARGE : RUNS);

/**
 * The shortest chain of round trips a live check needs, whatever the page size: the TCP and the
 * TLS 1.3 handshakes, discovery (`/apis`, then a group version), then the lists (each one answer).
 */
const SHORTEST_CHAIN = 5;

/** Requests by endpoint, names of namespaces replaced by `*`. */
function requestsPerEndpoint(requests: readonly LoggedRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of requests) {
    const endpoint = `${request.method} ${request.path.replace(/\/namespaces\/[^/]+\//, '/namespaces/*/')}`;
    counts[endpoint] = (counts[endpoint] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** The most pages any one list took (its pages follow one another). */
function longestList(requests: readonly LoggedRequest[]): number {
  const pages = new Map<string, number>();
  for (const request of requests) if (request.method === 'GET' && !request.query.continue) pages.set(request.path, 0);
  for (const request of requests) if (request.method === 'GET') pages.set(request.path, (pages.get(request.path) ?? 0) + 1);
  return Math.max(0, ...pages.values());
}

/** JSON.parse of the bytes a check needs (every object of the cluster, as the fake serves them): median of three. */
function parseMs(text: string): number {
  const times: number[] = [];
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    JSON.parse(text);
    times.push(performance.now() - started);
  }
  return median(times);
}

async function liveScale(scale: number) {
  const cluster = await generateCluster(scale, { backendGroups: BACKEND_GROUPS });
  const bytes = JSON.stringify({ items: cluster.objects });
  const jsonParseMs = parseMs(bytes);
  const byRtt = [];
  for (const rttMs of scale >= 4 ? RTTS_LARGE : RTTS) {
    const served = await serveCluster(cluster, rttMs);
    const output = await mkdtemp(join(tmpdir(), 'gke-doctor-bench-snapshot-'));
    try {
      const withKubectl = scale < 4 || KUBECTL_LARGE_RTTS.includes(rttMs);
      const withSnapshot = scale >= 1;
      const runs = { check: [] as Measurement[], kubectl: [] as Measurement[], snapshot: [] as Measurement[] };
      let requests: LoggedRequest[] = [];
      for (let run = 0; run < runsAt(scale); run++) {
        const label = `${scale}x ${rttMs} ms run ${run + 1}/${runsAt(scale)}`;
        served.kube.requests.length = 0;
        served.gcp.requests.length = 0;
        runs.check.push(await measure('node', [CLI, 'check', '--output', 'json'], served.env));
        say(`${label} check`, runs.check.at(-1)!);
        requests = [...served.kube.requests, ...served.gcp.requests];
        if (withKubectl) {
          runs.kubectl.push(await measure('kubectl', ['--kubeconfig', served.kubeconfig, '--cache-dir', join(output, 'kubectl-cache'), 'get', 'ns,pods,svc,ingress', '-A', '-o', 'json'], served.env));
          say(`${label} kubectl`, runs.kubectl.at(-1)!);
        }
        if (withSnapshot) {
          const directory = join(output, `snapshot-${run}`);
          runs.snapshot.push(await measure('node', [CLI, 'snapshot', directory], served.env));
          say(`${label} snapshot`, runs.snapshot.at(-1)!);
          await rm(directory, { recursive: true, force: true });
        }
      }
      byRtt.push({
        rttMs,
        runs: runsAt(scale),
        check: { ...summarize(runs.check), requests: requests.length, longestList: longestList(requests), requestsPerEndpoint: requestsPerEndpoint(requests) },
        kubectl: runs.kubectl.length ? summarize(runs.kubectl) : undefined,
        snapshot: runs.snapshot.length ? summarize(runs.snapshot) : undefined,
        physicalLimit: { chain: SHORTEST_CHAIN, rttMs, jsonParseMs },
      });
    } finally {
      await served.close();
      await rm(output, { recursive: true, force: true });
    }
  }
  return { scale, counts: cluster.counts, objects: cluster.objects.length, megabytes: bytes.length / 1e6, byRtt };
}

/** `check --all-clusters` over one project of `size` clusters of 0.1x each, at the goal's round trip. */
async function fleet(size: number, rttMs: number) {
  const cluster = await generateCluster(0.1);
  const directory = await writeClusterDirectory(cluster, true);
  const served = await FakeGcpFleet.serve(
    [{ fixture: directory, clusters: Array.from({ length: size }, (_, index) => ({ location: 'asia-northeast1', name: `cluster-${String(index).padStart(3, '0')}`, fixture: directory })) }],
    { rttMs, shareApiServers: true },
  );
  const home = await mkdtemp(join(tmpdir(), 'gke-doctor-bench-home-'));
  try {
    const env = { ...process.env, ...served.clientEnv(home), NO_COLOR: '1', NODE_EXTRA_CA_CERTS: TEST_CA_FILE };
    const runs: Measurement[] = [];
    for (let run = 0; run < Math.max(1, Math.min(RUNS, 2)); run++) {
      runs.push(await measure('node', [CLI, 'check', '--all-clusters', '--project', cluster.target.project, '--output', 'json'], env));
      say(`fleet of ${size} run ${run + 1}`, runs.at(-1)!);
    }
    return { clusters: size, scale: 0.1, rttMs, objectsPerCluster: cluster.objects.length, ...summarize(runs) };
  } finally {
    await served.close();
    await rm(home, { recursive: true, force: true });
    await rm(directory, { recursive: true, force: true });
  }
}

/** `node -e 0`, `--help` and the seed snapshot check, interleaved in each iteration. */
async function startup() {
  const env = { ...process.env, NO_COLOR: '1' };
  const commands = {
    nodeBare: ['-e', '0'],
    help: [CLI, '--help'],
    seedSnapshot: [CLI, 'check', '--snapshot', join(ROOT, 'fixtures', 'seed-eventarc-stuck-namespace')],
  };
  const runs: Record<keyof typeof commands, Measurement[]> = { nodeBare: [], help: [], seedSnapshot: [] };
  for (let run = 0; run < STARTUP_RUNS; run++) for (const [name, args] of Object.entries(commands)) runs[name as keyof typeof commands].push(await measure('node', args, env));
  return { nodeBare: summarize(runs.nodeBare), help: summarize(runs.help), seedSnapshot: summarize(runs.seedSnapshot) };
}

function machine() {
  const kubectl = execFileSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  return {
    date: new Date().toISOString(),
    os: `${osType()} ${release()}`,
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    memoryGb: Math.round(totalmem() / 1e9),
    freeMemoryGb: Math.round(freemem() / 1e9),
    loadAverage: Number(loadavg()[0]!.toFixed(1)),
    node: process.version,
    kubectl: (JSON.parse(kubectl) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion ?? '?',
    runsSmall: RUNS_SMALL,
    runs: RUNS,
    runsLarge: RUNS_LARGE,
    startupRuns: STARTUP_RUNS,
  };
}

const started = performance.now();
const results: Results = { machine: machine(), startup: await startup(), scales: [], fleets: [], benchSeconds: 0 };
for (const scale of SCALES) {
  process.stderr.write(`scale ${scale}\n`);
  results.scales.push(await liveScale(scale));
}
for (const size of FLEETS) results.fleets.push(await fleet(size, 30));
results.machine.loadAverageAtEnd = Number(loadavg()[0]!.toFixed(1));
results.benchSeconds = (performance.now() - started) / 1000;
await writeResults(results);

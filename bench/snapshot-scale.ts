// `gke-doctor snapshot` against the live benchmark's generated cluster (bench/cluster.ts) served by
// the fakes in test/support, at the scales given (issue 21: it was quadratic). One run per scale;
// wall and CPU time of the built CLI, and with BENCH_CPU_PROF=DIR a V8 CPU profile of each run.
//
//   npm run build && BENCH_SCALES=1,4 npx vite-node bench/snapshot-scale.ts
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { serveFixture } from '../test/support/live.js';
import { generateCluster } from './cluster.js';

const CLI = join(new URL('..', import.meta.url).pathname, 'bin', 'gke-doctor.js');
const SCALES = (process.env.BENCH_SCALES ?? '1,4').split(',').map(Number);
const PROFILES = process.env.BENCH_CPU_PROF;

for (const scale of SCALES) {
  const cluster = await generateCluster(scale);
  const fixture = await mkdtemp(join(tmpdir(), 'gke-doctor-snapshot-bench-'));
  await mkdir(join(fixture, 'k8s'));
  await mkdir(join(fixture, 'compute'));
  for (const [file, value] of Object.entries(cluster.gcpFiles)) await writeFile(join(fixture, file), JSON.stringify(value));
  await writeFile(join(fixture, 'k8s', 'objects.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: cluster.objects, metadata: { resourceVersion: '' } }));
  const served = await serveFixture(fixture, { gcp: { pageSize: 500 } });
  const output = join(fixture, 'written');
  const timeFile = join(fixture, 'time');
  try {
    const profile = PROFILES ? ['--cpu-prof', '--cpu-prof-dir', PROFILES, '--cpu-prof-name', `snapshot-${scale}x.cpuprofile`] : [];
    const started = performance.now();
    const load = loadavg()[0]!.toFixed(1);
    const child = spawn('/usr/bin/time', ['-o', timeFile, '-f', '%M %U %S', 'node', ...profile, CLI, 'snapshot', output], {
      env: { ...process.env, ...served.env, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    const code = await new Promise<number>((resolve) => child.on('close', (exit) => resolve(exit ?? -1)));
    const wallMs = performance.now() - started;
    const [peakKb, user, system] = (await readFile(timeFile, 'utf8')).trim().split('\n').pop()!.split(' ').map(Number) as [number, number, number];
    process.stdout.write(
      `scale ${scale}: ${cluster.objects.length} objects, exit ${code}, wall ${(wallMs / 1000).toFixed(1)} s, cpu ${(user + system).toFixed(1)} s, peak RSS ${Math.round(peakKb / 1024)} MB (load ${load} at start)\n`,
    );
    if (code !== 0) process.stdout.write(stderr.slice(-500));
  } finally {
    await served.close();
    await rm(fixture, { recursive: true, force: true });
  }
}

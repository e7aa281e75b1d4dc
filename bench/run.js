// Measures `check --snapshot` on synthetic clusters of growing size: reading the
// snapshot and running every built-in check. Run with `npm run bench` (after a build).
// What it shows: with k8s/ as JSON (`kubectl get -o json`, what `gke-doctor snapshot`
// writes) time grows linearly with the number of objects; YAML is read by the yaml
// library's full parser (it gives line numbers for manifests) and is far slower per object.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { builtinChecks } from '../dist/checks/index.js';
import { runChecks } from '../dist/src/engine/runner.js';
import { SnapshotSource } from '../dist/src/state/snapshot/snapshot-source.js';

const RUNS = [
  { format: 'json', sizes: [1_000, 5_000, 25_000, 100_000] },
  { format: 'yaml', sizes: [1_000, 5_000] },
];

function syntheticCluster(objectCount) {
  const objects = [];
  const perNamespace = 50;
  for (let n = 0; objects.length < objectCount; n++) {
    const namespace = `team-${n}`;
    objects.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: n % 40 === 0 ? { name: namespace, deletionTimestamp: '2024-01-01T00:00:00Z' } : { name: namespace },
      spec: { finalizers: ['kubernetes'] },
    });
    for (let a = 0; a < perNamespace / 5; a++) {
      const app = `app-${a}`;
      const labels = { app };
      objects.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: app, namespace, annotations: { 'cloud.google.com/neg': '{"ingress": true}' } },
        spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      });
      for (let p = 0; p < 3; p++) {
        objects.push({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `${app}-${p}`, namespace, labels },
          spec: {
            containers: [
              {
                name: app,
                image: 'example/app:1',
                ports: [{ name: 'http', containerPort: 8080 }],
                readinessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' } },
              },
            ],
          },
          status: { conditions: [{ type: 'Ready', status: 'True' }] },
        });
      }
      objects.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: app, namespace },
        spec: { defaultBackend: { service: { name: app, port: { number: 80 } } } },
      });
    }
  }
  return objects;
}

async function measure(format, objectCount) {
  const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-bench-'));
  await mkdir(join(directory, 'k8s'));
  const items = syntheticCluster(objectCount);
  const list = { apiVersion: 'v1', kind: 'List', items };
  await writeFile(join(directory, 'k8s', `all.${format}`), format === 'json' ? JSON.stringify(list) : stringify(list));
  await writeFile(join(directory, 'cluster.json'), JSON.stringify({ name: 'bench', location: 'europe-west1', addonsConfig: {} }));
  const context = { now: new Date('2024-01-02T00:00:00Z'), stuckAfterMs: 300_000 };
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await runChecks(builtinChecks, new SnapshotSource(directory), context);
    runs.push(performance.now() - started);
  }
  await rm(directory, { recursive: true, force: true });
  return { format, objects: items.length, ms: Math.min(...runs) };
}

console.log('format  objects   best of 3   µs/object');
for (const { format, sizes } of RUNS) {
  for (const size of sizes) {
    const { objects, ms } = await measure(format, size);
    console.log(`${format.padEnd(6)} ${String(objects).padStart(8)}  ${ms.toFixed(0).padStart(8)} ms  ${((ms * 1000) / objects).toFixed(1).padStart(9)}`);
  }
}

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../support/fixtures.js';
import { spawnCli } from '../support/cli.js';

/**
 * `--output openmetrics` read by the readers it is written for, from Debian's packages (.ci/run
 * installs them): the Prometheus Python client's OpenMetrics parser (the reference parser of the
 * format, prometheus_client/openmetrics/parser.py), and node-exporter's textfile collector, which
 * reads it as Prometheus text. Under CI (CI set) a missing one fails; elsewhere it is skipped, saying so.
 */
const PYTHON = '/usr/bin/python3';
const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';
const hasParser = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import prometheus_client.openmetrics.parser']).status === 0;
const hasExporter = existsSync(NODE_EXPORTER);
for (const [present, what] of [
  [hasParser, 'python3-prometheus-client'],
  [hasExporter, 'prometheus-node-exporter'],
] as const) {
  if (!present && !process.env.CI) console.warn(`skipping the OpenMetrics test that needs ${what}: apt-get install -y --no-install-recommends ${what}`);
}

const HOSTILE = 'a"b\\c';
let root: string;
let metrics: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gke-doctor-openmetrics-'));
  for (const [path, fixture] of [
    ['proj-a/us-central1/argocd', 'seed-argocd-unhealthy'],
    [`proj-b/europe-west1-b/${HOSTILE}`, 'healthy'],
  ]) {
    await cp(fixturePath(fixture!), join(root, 'fleet', path!), { recursive: true });
  }
  await mkdir(join(root, 'fleet/proj-b/europe-west1-b/broken'), { recursive: true });
  await writeFile(join(root, 'fleet/proj-b/europe-west1-b/broken/cluster.json'), '{ not json');
  const run = await spawnCli(['check', '--snapshot', join(root, 'fleet'), '--fail-on', 'never', '--output', 'openmetrics']);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  metrics = run.stdout;
}, 60_000);

afterAll(() => rm(root, { recursive: true, force: true }));

describe.skipIf(!hasParser && !process.env.CI)('the OpenMetrics reference parser (prometheus_client)', () => {
  it('reads every family and label value as written', () => {
    if (!hasParser) throw new Error(`${PYTHON} with prometheus_client is missing under CI: .ci/run installs python3-prometheus-client`);
    const script = [
      'import json, sys',
      'from prometheus_client.openmetrics.parser import text_string_to_metric_families',
      'families = list(text_string_to_metric_families(sys.stdin.read()))',
      'print(json.dumps([{"name": f.name, "type": f.type, "unit": f.unit, "clusters": sorted({s.labels.get("cluster", "") for s in f.samples})} for f in families]))',
    ].join('\n');
    const parsed = spawnSync(PYTHON, ['-c', script], { input: metrics, encoding: 'utf8' });
    expect(parsed.stderr).toBe('');
    const families = JSON.parse(parsed.stdout) as { name: string; type: string; unit: string; clusters: string[] }[];
    // The run's duration is there when the report names its run (fleet runs that identify themselves).
    expect(families.map(({ name, type, unit }) => [name, type, unit]).filter(([name]) => name !== 'gke_doctor_run_duration_seconds')).toEqual([
      ['gke_doctor_findings', 'gauge', ''],
      ['gke_doctor_check_incomplete', 'gauge', ''],
      ['gke_doctor_check_duration_seconds', 'gauge', 'seconds'],
      ['gke_doctor_check_last_success_timestamp_seconds', 'gauge', 'seconds'],
    ]);
    expect(families[0]!.clusters).toEqual([HOSTILE, 'argocd', 'broken']);
  });
});

describe.skipIf(!hasExporter && !process.env.CI)("node-exporter's textfile collector", () => {
  it('exports every sample of the file', async () => {
    if (!hasExporter) throw new Error(`${NODE_EXPORTER} is missing under CI: .ci/run installs prometheus-node-exporter`);
    const directory = join(root, 'textfile');
    await mkdir(directory);
    await writeFile(join(directory, 'gke_doctor.prom'), metrics);
    const port = await freePort();
    const exporter = spawn(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${port}`, '--collector.disable-defaults', '--collector.textfile', `--collector.textfile.directory=${directory}`], { stdio: 'ignore' });
    try {
      let text = '';
      for (let attempt = 0; attempt < 50 && !text; attempt++) {
        text = await fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text()).catch(async () => (await new Promise((resolve) => setTimeout(resolve, 100)), ''));
      }
      // The collector says when a file could not be read (node_textfile_scrape_error 1).
      expect(text).toMatch(/^node_textfile_scrape_error 0$/m);
      const samples = (source: string) => source.split('\n').filter((line) => line.startsWith('gke_doctor_'));
      expect(samples(text)).toHaveLength(samples(metrics).length);
      expect(text).toContain('cluster="a\\"b\\\\c"');
    } finally {
      exporter.kill();
    }
  }, 30_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

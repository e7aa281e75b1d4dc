import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetReport } from '../../src/engine/fleet-report.js';
import type { Report } from '../../src/engine/report.js';
import { FakeGcs } from '../support/fake-gcs.js';
import { fixturePath } from '../support/fixtures.js';
import { runCli } from '../support/cli.js';
import { comparable } from '../support/live.js';
import { sarifValidator } from '../support/preflight.js';
import { VERSION } from '../../src/version.js';
import { availableChecks } from '../../src/cli/available-checks.js';
import { RENDERERS } from '../../src/report/index.js';

/** What Cloud Run sets in a job's task (cloud.google.com/run/docs/container-contract#jobs-env-vars). */
const cloudRunTask = (index: number, count: number, execution: string) => ({
  CLOUD_RUN_JOB: 'gke-doctor-fleet',
  CLOUD_RUN_EXECUTION: execution,
  CLOUD_RUN_TASK_INDEX: String(index),
  CLOUD_RUN_TASK_COUNT: String(count),
  CLOUD_RUN_TASK_ATTEMPT: '0',
});

/** A fleet snapshot tree made of real fixture snapshots, plus one cluster whose snapshot is broken. */
const TREE: Record<string, string> = {
  'proj-a/us-central1/events': 'seed-eventarc-stuck-namespace',
  'proj-a/us-central1/healthy': 'healthy',
  'proj-b/europe-west1-b/web': 'seed-ingress-addon-disabled',
  'proj-b/europe-west1-b/argocd': 'seed-argocd-unhealthy',
};

let root: string;
let tree: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gke-doctor-fleet-'));
  tree = join(root, 'fleet');
  for (const [path, fixture] of Object.entries(TREE)) await cp(fixturePath(fixture), join(tree, path), { recursive: true });
  await mkdir(join(tree, 'proj-b/europe-west1-b/broken'), { recursive: true });
  await writeFile(join(tree, 'proj-b/europe-west1-b/broken/cluster.json'), '{ not json');
});

async function fleetJson(...args: string[]): Promise<{ code: number; report: FleetReport; stderr: string }> {
  const { code, stdout, stderr } = await runCli(['check', '--snapshot', tree, '--output', 'json', ...args]);
  return { code, report: JSON.parse(stdout) as FleetReport, stderr };
}

const labels = (report: FleetReport) => report.targets.map(({ target }) => `${target.project}/${target.location}/${target.cluster}`);

describe('check --snapshot of a DIR/PROJECT/LOCATION/CLUSTER/ tree', () => {
  it('checks every cluster as a fleet, each report what a single run of that snapshot gives', async () => {
    const { code, report } = await fleetJson();
    expect(labels(report)).toEqual([
      'proj-a/us-central1/events',
      'proj-a/us-central1/healthy',
      'proj-b/europe-west1-b/argocd',
      'proj-b/europe-west1-b/broken',
      'proj-b/europe-west1-b/web',
    ]);
    expect(report).toMatchObject({ version: 1, target: { source: 'snapshot', project: null, cluster: null }, checks: [] });
    for (const path of Object.keys(TREE)) {
      const single = JSON.parse((await runCli(['check', '--snapshot', join(tree, path), '--output', 'json'])).stdout) as Report;
      const inFleet = report.targets.find(({ target }) => `${target.project}/${target.location}/${target.cluster}` === path)!;
      expect(comparable({ ...inFleet, target: single.target })).toEqual(comparable(single));
    }
    // The summary is the sum over the clusters; the exit code the worst (error findings: 1).
    const errors = report.targets.reduce((sum, target) => sum + target.summary.error, 0);
    expect(report.summary.error).toBe(errors);
    expect(errors).toBeGreaterThan(0);
    expect(report.fleet).toMatchObject({ clusters: 5, shards: null });
    expect(report.fleet.failing).toBe(report.targets.filter((target) => target.summary.failed > 0).length);
    expect(code).toBe(1);
  });

  it('marks a cluster whose snapshot cannot be read incomplete, naming the file, and goes on with the others', async () => {
    const { report } = await fleetJson();
    const broken = report.targets.find(({ target }) => target.cluster === 'broken')!;
    expect(broken.checks.length).toBeGreaterThan(0);
    for (const check of broken.checks) expect(check).toMatchObject({ status: 'incomplete', reason: expect.stringContaining('broken/cluster.json: invalid JSON') });
  });

  it('exits 0 with --fail-on never whenever the report was written, though a cluster is incomplete', async () => {
    const { report, code } = await fleetJson('--fail-on', 'never');
    expect(report.targets.some((target) => target.checks.some((check) => check.status === 'incomplete'))).toBe(true);
    expect(code).toBe(0);
  });

  it('keeps the version-1 shape exactly for one snapshot', async () => {
    const report = JSON.parse((await runCli(['check', '--snapshot', fixturePath('healthy'), '--output', 'json'])).stdout) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(['version', 'target', 'checks', 'summary']);
  });

  it('prints the fleet summary first, then each project and its clusters', async () => {
    const { stdout } = await runCli(['check', '--snapshot', tree]);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('gke-doctor · fleet · snapshot · 5 clusters in 2 projects');
    expect(lines[2]).toMatch(/^Fleet: 5 clusters checked: \d+ failing, \d+ incomplete, \d+ clean$/);
    expect(stdout).toContain('Worst findings:\n  ERROR    proj-');
    expect(stdout).toContain('Could not be checked:\n  proj-b/europe-west1-b/broken: ');
    expect(stdout.indexOf('Project proj-a')).toBeGreaterThan(stdout.indexOf('Worst findings'));
    expect(stdout.indexOf('Project proj-b')).toBeGreaterThan(stdout.indexOf('Project proj-a'));
    expect(stdout.indexOf('cluster us-central1/events')).toBeGreaterThan(stdout.indexOf('Project proj-a'));
  });

  it('json-lines: one Cloud Logging structured entry per finding and per check that could not run', async () => {
    const { report } = await fleetJson();
    const { stdout } = await runCli(['check', '--snapshot', tree, '--output', 'json-lines']);
    const entries = stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const findings = report.targets.flatMap((target) => target.checks.flatMap((check) => check.findings.map((finding) => ({ target: target.target, check, finding }))));
    const incomplete = report.targets.flatMap((target) => target.checks.filter((check) => check.status === 'incomplete'));
    expect(entries).toHaveLength(findings.length + incomplete.length);
    for (const { target, check, finding } of findings) {
      expect(entries).toContainEqual(
        expect.objectContaining({
          severity: finding.severity.toUpperCase(),
          message: `${check.id}: ${finding.resource}: ${finding.message}`,
          project: target.project,
          location: target.location,
          cluster: target.cluster,
          check: check.id,
          resource: finding.resource,
        }),
      );
    }
    expect(entries).toContainEqual(expect.objectContaining({ severity: 'WARNING', cluster: 'broken', status: 'incomplete' }));
  });

  it('SARIF: one valid run whose results each name their cluster', async () => {
    const { stdout } = await runCli(['check', '--snapshot', tree, '--output', 'sarif']);
    const log = JSON.parse(stdout);
    const validate = sarifValidator();
    expect(validate(log)).toBe(true);
    const results = log.runs[0].results as { message: { text: string }; properties: { cluster: { cluster: string } }; partialFingerprints: Record<string, string>; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
    expect(results.length).toBeGreaterThan(0);
    for (const result of results) {
      expect(result.message.text).toMatch(/^proj-[ab]\/[^/]+\/[^/:]+: /);
      expect(result.properties.cluster.cluster).toBeTruthy();
      expect(result.locations[0]!.physicalLocation.artifactLocation.uri).toMatch(/^proj-[ab]\//);
    }
    expect(new Set(results.map((result) => result.partialFingerprints['gkeDoctorFinding/v2'])).size).toBe(results.length);
    expect(log.runs[0].properties.fleet.clusters).toBe(5);
  });

  it('JUnit: a testsuite per cluster and check, named with the cluster', async () => {
    const { stdout } = await runCli(['check', '--snapshot', tree, '--output', 'junit']);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(stdout) as { testsuites: { testsuite: { name: string; properties: { property: { name: string; value: string }[] } }[] } };
    const suites = xml.testsuites.testsuite;
    expect(suites.some((suite) => suite.name === 'proj-a/us-central1/events: terminating-namespace')).toBe(true);
    for (const suite of suites) expect(suite.properties.property[0]).toMatchObject({ name: 'cluster', value: suite.name.split(': ')[0] });
  });
});

describe('shards and merge', () => {
  it('the shards of a run cover every cluster once, and merge gives back the whole fleet', async () => {
    const whole = (await fleetJson()).report;
    const files: string[] = [];
    for (let index = 0; index < 3; index++) {
      const file = join(root, `shard-${index}.json`);
      // The shard from the environment, as a Cloud Run job task sees it.
      const run = await runCli(['check', '--snapshot', tree, '--output', 'json', '--output-file', file], { env: cloudRunTask(index, 3, 'nightly-x7k2p') });
      expect(run.stderr).toBe('');
      const shard = JSON.parse(await readFile(file, 'utf8')) as FleetReport;
      expect(shard.fleet.shards).toEqual({ count: 3, present: [index], missing: [] });
      // The run names itself: the Cloud Run execution every task shares, its inputs, its shard.
      expect(shard.run).toEqual({
        id: 'nightly-x7k2p',
        startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        version: VERSION,
        inputs: { source: 'snapshot', projects: null, parent: null, location: null, clusterFilter: null, endpoint: null, snapshot: tree },
        shard: { index, count: 3 },
      });
      files.push(file);
    }
    const shardLabels = await Promise.all(files.map(async (file) => labels(JSON.parse(await readFile(file, 'utf8')) as FleetReport)));
    expect(shardLabels.flat().sort()).toEqual(labels(whole));

    const merged = await runCli(['merge', ...files, '--output', 'json']);
    const report = JSON.parse(merged.stdout) as FleetReport;
    expect(labels(report)).toEqual(labels(whole));
    expect(report.targets.map(comparable)).toEqual(whole.targets.map(comparable));
    expect(report.fleet.shards).toEqual({ count: 3, present: [0, 1, 2], missing: [] });
    expect(report.run).toMatchObject({ id: 'nightly-x7k2p', shard: null, inputs: { snapshot: tree } });
    expect(report.summary).toEqual(whole.summary);
    expect(merged.code).toBe(1);
    expect(merged.stderr).toBe('');
  });

  it('merge writes every format of the merged fleet, HTML included, a cluster at a time: the text of the merged report in memory', async () => {
    const files: string[] = [];
    for (let index = 0; index < 2; index++) {
      const file = join(root, `formats-${index}.json`);
      await runCli(['check', '--snapshot', tree, '--shard', `${index}/2`, '--run-id', 'formats', '--fail-on', 'never', '--output', 'json', '--output-file', file]);
      files.push(file);
    }
    const now = () => new Date('2024-01-15T03:00:00Z');
    const whole = JSON.parse((await runCli(['merge', ...files, '--output', 'json'], { now })).stdout) as FleetReport;
    for (const format of Object.keys(RENDERERS)) {
      const merged = await runCli(['merge', ...files, '--output', format], { now });
      expect(merged.stdout).toBe(RENDERERS[format]!(whole, { checks: await availableChecks([]), colorLevel: 0, now: now() }));
      if (format !== 'html') continue;
      // The merged page has a section for every cluster of every shard.
      const sections = [...merged.stdout.matchAll(/<section class="cluster" id="cluster-\d+" data-cluster="([^"]+)"/g)].map((match) => match[1]);
      expect(sections).toEqual(labels(whole));
      expect(sections).toHaveLength(Object.keys(TREE).length + 1);
    }
  });

  it('names a missing shard, and the merged report is incomplete without it', async () => {
    const files: string[] = [];
    for (const index of [0, 2]) {
      const file = join(root, `partial-${index}.json`);
      await runCli(['check', '--snapshot', tree, '--shard', `${index}/3`, '--run-id', 'partial', '--fail-on', 'never', '--output', 'json', '--output-file', file]);
      files.push(file);
    }
    const merged = await runCli(['merge', ...files, '--fail-on', 'never', '-o', 'json']);
    expect(merged.stderr).toBe('gke-doctor: merge: shard 1/3 is missing: its clusters are not in the report\n');
    expect((JSON.parse(merged.stdout) as FleetReport).fleet.shards).toEqual({ count: 3, present: [0, 2], missing: [1] });
    expect(merged.code).toBe(0);
    const text = await runCli(['merge', ...files, '--fail-on', 'never']);
    expect(text.stdout).toContain('Shards: 0, 2 of 3; missing: 1/3 (their clusters are not in this report)');
  });

  it('refuses what it cannot merge, in one line', async () => {
    const notJson = join(root, 'not-a-report.json');
    await writeFile(notJson, '<html>');
    expect(await runCli(['merge', notJson])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^gke-doctor: .*not-a-report\.json: not a gke-doctor JSON report \(invalid JSON: .*\)\n$/) });
    const a = join(root, 'twice-a.json');
    await runCli(['check', '--snapshot', tree, '--shard', '0/2', '--run-id', 'r1', '--output', 'json', '--output-file', a]);
    const other = join(root, 'other-count.json');
    await runCli(['check', '--snapshot', tree, '--shard', '0/3', '--run-id', 'r1', '--output', 'json', '--output-file', other]);
    expect((await runCli(['merge', a, other])).stderr).toMatch(/is a shard of 3, but .*twice-a\.json is a shard of 2: merge the shards of one run\n$/);
    expect((await runCli(['merge', a, a])).stderr).toMatch(/^gke-doctor: shard 0\/2 is in both .*twice-a\.json and .*twice-a\.json: merge each shard once\n$/);
    expect((await runCli(['merge', join(root, 'nothing-here.json')])).stderr).toBe(`gke-doctor: ${join(root, 'nothing-here.json')}: cannot read: ENOENT\n`);
  });

  it('--shard is refused for a run over one cluster', async () => {
    expect(await runCli(['check', '--snapshot', fixturePath('healthy'), '--shard', '0/2'])).toMatchObject({
      code: 2,
      stderr: 'gke-doctor: --shard is for fleet runs: pass --all-clusters, or --snapshot of a DIR/PROJECT/LOCATION/CLUSTER/ tree\n',
    });
  });
});

describe('reports in Cloud Storage', () => {
  let gcs: FakeGcs;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    gcs = await new FakeGcs().bucket('fleet-reports').start();
    env = gcs.clientEnv();
  });
  afterAll(() => gcs.close());

  it('each shard writes its report to gs://, and merge reads them back by prefix', async () => {
    for (let index = 0; index < 3; index++) {
      const run = await runCli(['check', '--snapshot', tree, '--shard', `${index}/3`, '--run-id', 'run-1', '--output', 'json', '--output-file', `gs://fleet-reports/run-1/shard-${index}.json`], { env });
      expect(run.stderr).toBe('');
    }
    expect([...gcs.buckets.get('fleet-reports')!.keys()].sort()).toEqual(['run-1/shard-0.json', 'run-1/shard-1.json', 'run-1/shard-2.json']);
    const uploads = gcs.requests.filter((request) => request.method === 'POST');
    expect(uploads.map((request) => request.headers.authorization)).toEqual(Array(3).fill('Bearer fake-google-token'));
    expect(uploads[0]!.headers['content-type']).toBe('application/json');

    const merged = await runCli(['merge', 'gs://fleet-reports/run-1/', '--output', 'json'], { env });
    const report = JSON.parse(merged.stdout) as FleetReport;
    expect(report.fleet.shards).toEqual({ count: 3, present: [0, 1, 2], missing: [] });
    expect(report.targets).toHaveLength(5);
    // Three objects at two per page: the listing followed nextPageToken.
    expect(gcs.requests.filter((request) => request.method === 'GET' && request.path === '/storage/v1/b/fleet-reports/o')).toHaveLength(2);
  });

  it('a prefix ending in / names each task\'s report after its shard: one job definition for every task', async () => {
    for (let index = 0; index < 3; index++) {
      const run = await runCli(['check', '--snapshot', tree, '--output', 'json', '--output-file', 'gs://fleet-reports/run-2/'], { env: { ...env, ...cloudRunTask(index, 3, 'exec-a') } });
      expect(run.stderr).toBe('');
    }
    expect([...gcs.buckets.get('fleet-reports')!.keys()].filter((name) => name.startsWith('run-2/')).sort()).toEqual(['run-2/exec-a/shard-0-of-3.json', 'run-2/exec-a/shard-1-of-3.json', 'run-2/exec-a/shard-2-of-3.json']);
    const merged = await runCli(['merge', 'gs://fleet-reports/run-2/', '--output', 'json'], { env });
    expect(merged).toMatchObject({ code: 1, stderr: 'gke-doctor: merge: gs://fleet-reports/run-2/: merged run exec-a (3 of 3 shards), the latest complete run\n' });
    expect((JSON.parse(merged.stdout) as FleetReport).targets).toHaveLength(5);
    expect(await runCli(['check', '--snapshot', tree, '--output', 'json', '--output-file', 'gs://fleet-reports/run-3/'], { env })).toMatchObject({
      code: 2,
      stderr: "gke-doctor: --output-file gs://fleet-reports/run-3/: a name ending in / is for the report of one shard (--shard, or a job's task index)\n",
    });
  });

  it('names a shard that never arrived in the bucket', async () => {
    gcs.buckets.get('fleet-reports')!.delete('run-1/shard-1.json');
    const merged = await runCli(['merge', 'gs://fleet-reports/run-1/', '--fail-on', 'never', '--output', 'json'], { env });
    expect(merged.stderr).toBe('gke-doctor: merge: shard 1/3 is missing: its clusters are not in the report\n');
    expect(merged.code).toBe(0);
  });

  it('replacing a report needs storage.objects.delete as well as create: the refusal names it and the role that grants both', async () => {
    const report = ['check', '--snapshot', tree, '--output', 'json', '--output-file', 'gs://fleet-reports/run-4/report.json'];
    try {
      gcs.grant(['storage.objects.create']);
      expect((await runCli(report, { env })).stderr).toBe('');
      // The line may go on to say where the report was written instead (a report that did not reach its bucket).
      expect(await runCli(report, { env })).toMatchObject({
        code: 2,
        stderr: expect.stringContaining(
          'gke-doctor: gs://fleet-reports/run-4/report.json: permission storage.objects.delete denied (replacing the report already there needs it, with storage.objects.create); roles/storage.objectUser on the bucket grants both',
        ),
      });
      gcs.grant(['storage.objects.create', 'storage.objects.delete']);
      expect((await runCli(report, { env })).stderr).toBe('');
    } finally {
      gcs.grant(null);
    }
  });

  it('says which permission a denied bucket needs, in one line', async () => {
    gcs.inject({ path: '/storage/v1/b/fleet-reports/o', status: 403, times: 1 });
    expect(await runCli(['merge', 'gs://fleet-reports/run-1/'], { env })).toMatchObject({
      code: 2,
      stderr: 'gke-doctor: gs://fleet-reports/run-1/: permission storage.objects.list denied; roles/storage.objectViewer on the bucket grants it\n',
    });
    expect(await runCli(['merge', 'gs://no-such-bucket/x/'], { env })).toMatchObject({ code: 2, stderr: 'gke-doctor: gs://no-such-bucket/x/: no such bucket\n' });
    const cwd = await mkdtemp(join(tmpdir(), 'gke-doctor-cwd-'));
    expect(await runCli(['check', '--snapshot', tree, '--output', 'json', '--output-file', 'gs://no-such-bucket/r.json'], { env, cwd })).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^gke-doctor: gs:\/\/no-such-bucket\/r\.json: no such bucket; wrote the report to .*\/gke-doctor-report-\d{8}T\d{6}Z-[0-9a-f]{8}\.json instead\n$/),
    });
  });
});

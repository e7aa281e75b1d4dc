import { cp, mkdtemp, readFile, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetReport } from '../../src/engine/fleet-report.js';
import { resolveRunId } from '../../src/fleet/run-identity.js';
import { selectRun } from '../../src/fleet/run-selection.js';
import { uploadReserveMs } from '../../src/cli/outputs.js';
import { FakeGcs } from '../support/fake-gcs.js';
import { fixturePath } from '../support/fixtures.js';
import { runCli } from '../support/cli.js';

/** Runs that identify themselves (issue 26): run ids, run-scoped shards, and merge of a history of runs. */

let root: string;
let tree: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gke-doctor-runs-'));
  tree = join(root, 'fleet');
  await cp(fixturePath('seed-eventarc-stuck-namespace'), join(tree, 'proj-a/us-central1/events'), { recursive: true });
  await cp(fixturePath('healthy'), join(tree, 'proj-a/us-central1/healthy'), { recursive: true });
  await cp(fixturePath('seed-ingress-addon-disabled'), join(tree, 'proj-b/europe-west1-b/web'), { recursive: true });
});

const NOW = new Date('2026-12-07T23:30:05.123Z');

/** One shard of a run over the snapshot tree, its report written to `output`. */
const shard = (index: number, count: number, output: string, ...args: string[]) =>
  runCli(['check', '--snapshot', tree, '--shard', `${index}/${count}`, '--fail-on', 'never', '--output', 'json', '--output-file', output, ...args], { now: () => NOW });

describe('the run id', () => {
  it('comes from --run-id, then GKE_DOCTOR_RUN_ID (a Kubernetes Job), then CLOUD_RUN_EXECUTION, else the time and random bits', () => {
    const env = { GKE_DOCTOR_RUN_ID: '5f1c7a2e-8d6b-4c1e-9a3f-0b2d4e6f8a1c', CLOUD_RUN_EXECUTION: 'gke-doctor-fleet-x7k2p' };
    expect(resolveRunId('nightly', env, NOW, null)).toBe('nightly');
    expect(resolveRunId(undefined, env, NOW, { index: 0, count: 4 })).toBe('5f1c7a2e-8d6b-4c1e-9a3f-0b2d4e6f8a1c');
    expect(resolveRunId(undefined, { CLOUD_RUN_EXECUTION: 'gke-doctor-fleet-x7k2p' }, NOW, { index: 0, count: 4 })).toBe('gke-doctor-fleet-x7k2p');
    expect(resolveRunId(undefined, { GKE_DOCTOR_RUN_ID: '' }, NOW, null)).toMatch(/^20261207T233005Z-[0-9a-f]{8}$/);
    expect(resolveRunId(undefined, {}, NOW, null)).not.toBe(resolveRunId(undefined, {}, NOW, null));
  });

  it('refuses a made-up id for a shard, and one that could climb out of its directory', () => {
    expect(() => resolveRunId(undefined, { JOB_COMPLETION_INDEX: '1' }, NOW, { index: 1, count: 4 })).toThrow(
      'shard 1/4 has no run id, so merge could not tell its run from another: set GKE_DOCTOR_RUN_ID from the Pod label batch.kubernetes.io/controller-uid (deploy/fleet/indexed-job.yaml), or pass --run-id',
    );
    expect(() => resolveRunId(undefined, {}, NOW, { index: 0, count: 2 })).toThrow('pass the same --run-id to every shard of the run');
    for (const bad of ['..', '../x', 'a/b', '.hidden', 'x'.repeat(129), 'a b']) expect(() => resolveRunId(bad, {}, NOW, null)).toThrow(/^--run-id ".*": a run id is 1 to 128/);
    expect(() => resolveRunId(undefined, { CLOUD_RUN_EXECUTION: '../up' }, NOW, null)).toThrow(/^CLOUD_RUN_EXECUTION "\.\.\/up"/);
  });

  it('a sharded task without one stops before reading anything (exit 2); an unsharded run gets one made up', async () => {
    expect(await shard(0, 2, join(root, 'never.json'))).toMatchObject({ code: 2, stderr: expect.stringContaining('gke-doctor: shard 0/2 has no run id') });
    const { stdout } = await runCli(['check', '--snapshot', tree, '--output', 'json'], { now: () => NOW });
    expect((JSON.parse(stdout) as FleetReport).run).toMatchObject({ id: expect.stringMatching(/^20261207T233005Z-/), startedAt: '2026-12-07T23:30:05.123Z', shard: null });
    expect(await runCli(['check', '--snapshot', fixturePath('healthy'), '--run-id', 'x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--run-id is for fleet runs') });
  });
});

describe('run-scoped shards in a directory', () => {
  it('each run writes under its own directory, so a re-run never overwrites another run\'s shard', async () => {
    const dir = join(root, 'history');
    for (const index of [0, 1]) expect((await shard(index, 2, `${dir}/`, '--run-id', 'monday')).code).toBe(0);
    expect((await shard(0, 2, `${dir}/`, '--run-id', 'tuesday')).code).toBe(0);
    expect(await readdir(join(dir, 'monday'))).toEqual(['shard-0-of-2.json', 'shard-1-of-2.json']);
    expect(await readdir(join(dir, 'tuesday'))).toEqual(['shard-0-of-2.json']);
    expect((JSON.parse(await readFile(join(dir, 'tuesday/shard-0-of-2.json'), 'utf8')) as FleetReport).run).toMatchObject({ id: 'tuesday', shard: { index: 0, count: 2 } });
  });

  it('merge DIR merges the latest complete run and says which it merged and skipped', async () => {
    const dir = join(root, 'history');
    await age(join(dir, 'monday'), 3_600);
    const merged = await runCli(['merge', `${dir}/`, '--fail-on', 'never', '--output', 'json']);
    expect(merged.stderr).toBe(
      [
        `gke-doctor: merge: ${dir}/: merged run monday (2 of 2 shards), the latest complete run`,
        `gke-doctor: merge: ${dir}/: skipped newer incomplete run tuesday (misses shard 1/2)`,
        '',
      ].join('\n'),
    );
    const report = JSON.parse(merged.stdout) as FleetReport;
    expect(report.run).toMatchObject({ id: 'monday', shard: null });
    expect(report.fleet.shards).toEqual({ count: 2, present: [0, 1], missing: [] });
    expect(report.targets).toHaveLength(3);
    expect(merged.code).toBe(0);
  });

  it('refuses when no run is complete, and merges an incomplete run when its directory is named', async () => {
    const dir = join(root, 'unfinished');
    await shard(1, 3, `${dir}/`, '--run-id', 'wednesday');
    expect(await runCli(['merge', dir])).toMatchObject({
      code: 2,
      stderr: `gke-doctor: ${dir}: no complete run to merge: the latest, wednesday, misses shard 0/3, 2/3; merge ${dir}/wednesday/ to merge it as it is\n`,
    });
    const named = await runCli(['merge', join(dir, 'wednesday'), '--fail-on', 'never', '--output', 'json']);
    expect(named.stderr).toBe('gke-doctor: merge: shard 0/3 is missing: its clusters are not in the report\ngke-doctor: merge: shard 2/3 is missing: its clusters are not in the report\n');
    expect((JSON.parse(named.stdout) as FleetReport).fleet.shards).toEqual({ count: 3, present: [1], missing: [0, 2] });
  });

  it('refuses shards of different runs, or of one run with different inputs, in one line naming the files', async () => {
    const a = join(root, 'run-a-0.json');
    const b = join(root, 'run-b-1.json');
    await shard(0, 2, a, '--run-id', 'run-a');
    await shard(1, 2, b, '--run-id', 'run-b');
    expect(await runCli(['merge', a, b])).toMatchObject({ code: 2, stderr: `gke-doctor: ${b} is run run-b, but ${a} is run run-a: merge the shards of one run\n` });

    const otherTree = join(root, 'other-fleet');
    await cp(tree, otherTree, { recursive: true });
    const c = join(root, 'run-a-1-elsewhere.json');
    await runCli(['check', '--snapshot', otherTree, '--shard', '1/2', '--run-id', 'run-a', '--output', 'json', '--output-file', c]);
    expect(await runCli(['merge', a, c])).toMatchObject({
      code: 2,
      stderr: `gke-doctor: ${a} and ${c} are shards of run run-a with different inputs (snapshot ${tree} and ${otherTree}): merge the shards of one run, as it was given\n`,
    });

    // A shard from before runs were named cannot be told from a stale one.
    const legacy = join(root, 'legacy-1.json');
    const report = JSON.parse(await readFile(b, 'utf8')) as FleetReport;
    delete report.run;
    await writeFile(legacy, JSON.stringify(report));
    expect(await runCli(['merge', a, legacy])).toMatchObject({
      code: 2,
      stderr: `gke-doctor: ${legacy} has no run id (written before gke-doctor named its runs), but ${a} is run run-a: merge the shards of one run\n`,
    });
  });
});

describe('run-scoped shards in Cloud Storage', () => {
  let gcs: FakeGcs;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    gcs = await new FakeGcs().bucket('fleet-reports').start();
    env = gcs.clientEnv();
  });
  afterAll(() => gcs.close());

  const task = (index: number, count: number, execution: string) =>
    runCli(['check', '--snapshot', tree, '--fail-on', 'never', '--output', 'json', '--output-file', 'gs://fleet-reports/nightly/'], {
      env: { ...env, CLOUD_RUN_JOB: 'gke-doctor-fleet', CLOUD_RUN_EXECUTION: execution, CLOUD_RUN_TASK_INDEX: String(index), CLOUD_RUN_TASK_COUNT: String(count) },
    });

  it('merge of the prefix takes the latest complete run over pages of objects, and never reads a stale shard', async () => {
    // A report from before run-scoped shards, two complete runs, then one still running.
    gcs.put('fleet-reports', 'nightly/shard-0-of-2.json', '{}');
    for (const execution of ['gke-doctor-fleet-aaaaa', 'gke-doctor-fleet-bbbbb']) for (const index of [0, 1]) expect((await task(index, 2, execution)).stderr).toBe('');
    expect((await task(1, 2, 'gke-doctor-fleet-ccccc')).stderr).toBe('');
    gcs.requests.length = 0;

    const merged = await runCli(['merge', 'gs://fleet-reports/nightly/', '--fail-on', 'never', '--output', 'json'], { env });
    expect(merged.stderr).toBe(
      [
        'gke-doctor: merge: gs://fleet-reports/nightly/: merged run gke-doctor-fleet-bbbbb (2 of 2 shards), the latest complete run',
        'gke-doctor: merge: gs://fleet-reports/nightly/: skipped newer incomplete run gke-doctor-fleet-ccccc (misses shard 0/2)',
        'gke-doctor: merge: gs://fleet-reports/nightly/: skipped 1 older run: gke-doctor-fleet-aaaaa',
        'gke-doctor: merge: gs://fleet-reports/nightly/: skipped 1 report outside a run directory: shard-0-of-2.json',
        '',
      ].join('\n'),
    );
    const report = JSON.parse(merged.stdout) as FleetReport;
    expect(report.run).toMatchObject({ id: 'gke-doctor-fleet-bbbbb', shard: null });
    expect(report.targets).toHaveLength(3);
    // Six objects at two a page: three list requests; only the merged run's two shards are read.
    expect(gcs.requests.filter((request) => request.path === '/storage/v1/b/fleet-reports/o')).toHaveLength(3);
    expect(gcs.requests.filter((request) => request.path.startsWith('/storage/v1/b/fleet-reports/o/')).map((request) => decodeURIComponent(request.path.split('/o/')[1]!))).toEqual([
      'nightly/gke-doctor-fleet-bbbbb/shard-0-of-2.json',
      'nightly/gke-doctor-fleet-bbbbb/shard-1-of-2.json',
    ]);
  });

  it('a shard copied into another run\'s directory is refused, naming both objects', async () => {
    const bucket = gcs.buckets.get('fleet-reports')!;
    gcs.put('fleet-reports', 'nightly/gke-doctor-fleet-ccccc/shard-0-of-2.json', bucket.get('nightly/gke-doctor-fleet-aaaaa/shard-0-of-2.json')!);
    expect(await runCli(['merge', 'gs://fleet-reports/nightly/'], { env })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        'gke-doctor: gs://fleet-reports/nightly/gke-doctor-fleet-ccccc/shard-1-of-2.json is run gke-doctor-fleet-ccccc, but gs://fleet-reports/nightly/gke-doctor-fleet-ccccc/shard-0-of-2.json is run gke-doctor-fleet-aaaaa: merge the shards of one run\n',
      ),
    });
  });
});

describe('a report that cannot be uploaded', () => {
  let gcs: FakeGcs;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    gcs = await new FakeGcs().bucket('fleet-reports').start();
    env = { ...gcs.clientEnv(), CLOUD_RUN_EXECUTION: 'exec-d', CLOUD_RUN_TASK_INDEX: '1', CLOUD_RUN_TASK_COUNT: '2' };
  });
  afterAll(() => gcs.close());
  const denyUpload = () => gcs.inject({ method: 'POST', path: '/upload/storage/v1/b/fleet-reports/o', status: 403, times: 1 });
  const args = ['check', '--snapshot', '', '--fail-on', 'never', '--output', 'json', '--output-file', 'gs://fleet-reports/nightly/'];
  const run = (options: { cwd: string; env?: NodeJS.ProcessEnv }) => runCli(args.map((arg) => arg || tree), { env: { ...env, ...options.env }, cwd: options.cwd });

  it('is written locally, owner-only, never over another file, and the run says where in one line (exit 2)', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'gke-doctor-cwd-'));
    denyUpload();
    const local = join(cwd, 'gke-doctor-report-exec-d-shard-1-of-2.json');
    expect(await run({ cwd })).toMatchObject({
      code: 2,
      stderr: `gke-doctor: gs://fleet-reports/nightly/exec-d/shard-1-of-2.json: permission storage.objects.create denied; roles/storage.objectCreator on the bucket grants it; wrote the report to ${local} instead\n`,
    });
    expect((await stat(local)).mode & 0o777).toBe(0o600);
    expect((JSON.parse(await readFile(local, 'utf8')) as FleetReport).run).toMatchObject({ id: 'exec-d', shard: { index: 1, count: 2 } });
    // The task retried: a file of its own beside the first.
    denyUpload();
    expect((await run({ cwd })).stderr).toMatch(/wrote the report to .*\/gke-doctor-report-exec-d-shard-1-of-2-[0-9a-f]{6}\.json instead\n$/);
    expect(await readdir(cwd)).toHaveLength(2);
  });

  it('goes to $TMPDIR when the working directory cannot be written, and says so when nowhere can', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'gke-doctor-tmp-'));
    denyUpload();
    expect((await run({ cwd: join(tmp, 'gone'), env: { TMPDIR: tmp } })).stderr).toContain(`; wrote the report to ${join(tmp, 'gke-doctor-report-exec-d-shard-1-of-2.json')} instead\n`);
    denyUpload();
    expect(await run({ cwd: join(tmp, 'gone'), env: { TMPDIR: join(tmp, 'also-gone') } })).toMatchObject({
      code: 2,
      stderr: `gke-doctor: gs://fleet-reports/nightly/exec-d/shard-1-of-2.json: permission storage.objects.create denied; roles/storage.objectCreator on the bucket grants it; nor could it be written locally (${join(tmp, 'gone')}: ENOENT, ${join(tmp, 'also-gone')}: ENOENT)\n`,
    });
  });
});

/** Sets a directory's files back `seconds`, as if written that long ago. */
async function age(dir: string, seconds: number): Promise<void> {
  const then = new Date(Date.now() - seconds * 1000);
  for (const name of await readdir(dir)) await utimes(join(dir, name), then, then);
}

describe('selectRun', () => {
  const at = (relative: string, writtenAt: number) => ({ name: relative, relative, writtenAt });
  it('keeps reports directly under the prefix as one set when there are no run directories', () => {
    expect(selectRun('d', [at('a.json', 1), at('b.json', 2), at('notes.txt', 3)]).reports.map((report) => report.relative)).toEqual(['a.json', 'b.json']);
    expect(() => selectRun('d', [at('x/y/z.json', 1)])).toThrow('d: no .json reports here');
  });

  it('a run whose shards disagree on their count is never complete', () => {
    expect(() => selectRun('d', [at('r/shard-0-of-2.json', 1), at('r/shard-1-of-3.json', 2)])).toThrow('the latest, r, has shards of different counts');
  });
});

describe('uploadReserveMs', () => {
  const upload = [{ format: 'json', file: 'gs://b/r.json' }];
  it('keeps a tenth of --timeout for the upload, at least 1 s and at most 30 s, never over half; nothing without an upload', () => {
    expect(uploadReserveMs(120_000, upload)).toBe(12_000);
    expect(uploadReserveMs(5_000, upload)).toBe(1_000);
    expect(uploadReserveMs(1_000, upload)).toBe(500);
    expect(uploadReserveMs(3_600_000, upload)).toBe(30_000);
    expect(uploadReserveMs(Number.POSITIVE_INFINITY, upload)).toBe(0);
    expect(uploadReserveMs(120_000, [{ format: 'json', file: 'r.json' }, { format: 'text' }])).toBe(0);
  });
});

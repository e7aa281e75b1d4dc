import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FleetReport } from '../../src/engine/fleet-report.js';
import { runCli } from '../support/cli.js';
import { byCluster, checkResult as check, label, useTestFleet } from '../support/test-fleet.js';

// The deadline cases (--timeout over a hanging cluster) wait out real time: test/e2e/fleet-deadlines.test.ts.
const t = useTestFleet();

describe('check --all-clusters', () => {
  it('checks every cluster of every project in one fleet report, each read without a kubeconfig; exit code the worst', async () => {
    t.fleet.requests.length = 0;
    const { code, report, stderr } = await t.checkAll();
    // The seed cluster's metrics.k8s.io APIService is unavailable: the note says which cluster it is about.
    expect(stderr).toMatch(/^gke-doctor: note: acme-jobs-prod\/asia-northeast1\/prod-cluster: API discovery failed for metrics\.k8s\.io\/v1beta1/);
    expect(report!.targets.map(label)).toEqual([
      'acme-jobs-prod/asia-northeast1/prod-cluster',
      'acme-jobs-prod/asia-northeast1/quiet',
      'acme-jobs-prod/us-central1/gone',
      'acme-platform/asia-northeast1-a/tools',
    ]);
    expect(check(byCluster(report!, 'prod-cluster'), 'terminating-namespace').findings.map((finding) => finding.resource)).toEqual(['Namespace/events-system']);
    expect(check(byCluster(report!, 'tools'), 'http-load-balancing-addon').status).toBe('failed');
    expect(check(byCluster(report!, 'quiet'), 'terminating-namespace').status).toBe('passed');
    expect(code).toBe(1);
    // Each API server saw the Google access token as its bearer token, and the CA from the listing verified it.
    for (const kube of t.fleet.kube.values()) {
      expect(kube.requests.length).toBeGreaterThan(0);
      expect(new Set(kube.requests.map((request) => request.headers.authorization))).toEqual(new Set(['Bearer fake-google-token']));
    }
  });

  it('marks the cluster it cannot reach incomplete with the reason, and a project it cannot list, and only those', async () => {
    const { report } = await t.checkAll();
    const gone = byCluster(report!, 'gone');
    expect(check(gone, 'terminating-namespace')).toMatchObject({ status: 'incomplete', reason: expect.stringMatching(/cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:9: ECONNREFUSED/) });
    // The denied project is a project, with the permission and a role that grants it, not a cluster.
    expect(report!.targets.filter((target) => target.target.project === 'locked-out')).toEqual([]);
    expect(report!.fleet.projects).toEqual([
      { project: 'acme-jobs-prod', status: 'listed', clusters: 3, reason: null },
      { project: 'acme-platform', status: 'listed', clusters: 1, reason: null },
      {
        project: 'locked-out',
        status: 'unlisted',
        clusters: 0,
        reason: 'cannot list the clusters of project locked-out (container.googleapis.com): permission container.clusters.list denied; roles/container.clusterViewer grants it',
        permission: 'container.clusters.list',
        role: 'roles/container.clusterViewer',
      },
    ]);
    expect(report!.fleet).toMatchObject({ clusters: 4 });
    expect(report!.fleet.incomplete).toBeGreaterThanOrEqual(1);
  });

  it('a denied project alone makes the run incomplete (exit 3), and every format names it', async () => {
    const { code, report } = await t.checkAll('--cluster-filter', 'quiet', '--only', 'terminating-namespace');
    expect(report!.summary).toMatchObject({ failed: 0 });
    expect(code).toBe(3);
    const text = await runCli(['check', '--all-clusters', '--project', 'acme-jobs-prod,locked-out', '--cluster-filter', 'quiet'], { env: t.env, now: t.now });
    expect(text.stdout).toContain('1 cluster in 2 projects');
    expect(text.stdout).toMatch(/Could not be checked:\n {2}project locked-out: cannot list the clusters of project locked-out \(container\.googleapis\.com\): permission container\.clusters\.list denied/);
    const lines = await runCli(['check', '--all-clusters', '--project', 'acme-jobs-prod,locked-out', '--cluster-filter', 'quiet', '--output', 'json-lines'], { env: t.env, now: t.now });
    expect(lines.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>)).toContainEqual(
      expect.objectContaining({ severity: 'WARNING', project: 'locked-out', cluster: null, status: 'unlisted', reason: expect.stringContaining('container.clusters.list') }),
    );
    const junit = await runCli(['check', '--all-clusters', '--project', 'acme-jobs-prod,locked-out', '--cluster-filter', 'quiet', '--output', 'junit'], { env: t.env, now: t.now });
    expect(junit.stdout).toContain('<testsuite name="locked-out: cluster-list"');
    const sarif = await runCli(['check', '--all-clusters', '--project', 'acme-jobs-prod,locked-out', '--cluster-filter', 'quiet', '--output', 'sarif'], { env: t.env, now: t.now });
    expect(sarif.stdout).toContain('project locked-out: cannot list the clusters of project locked-out');
  });

  it('lists a project named twice once; lists a project with no cluster as one with 0 clusters', async () => {
    t.fleet.requests.length = 0;
    t.fleet.inject({ method: 'GET', path: '/v1/projects/acme-platform/locations/-/clusters', status: 200, body: {} });
    try {
      const result = await runCli(['check', '--all-clusters', '--project', 'acme-platform,acme-jobs-prod', '--project', 'acme-platform', '--cluster-filter', 'quiet', '--only', 'terminating-namespace', '--output', 'json'], { env: t.env, now: t.now });
      const report = JSON.parse(result.stdout) as FleetReport;
      expect(t.fleet.requests.filter((request) => request.path === '/v1/projects/acme-platform/locations/-/clusters')).toHaveLength(1);
      expect(report.fleet.projects).toEqual([
        { project: 'acme-jobs-prod', status: 'listed', clusters: 1, reason: null },
        { project: 'acme-platform', status: 'listed', clusters: 0, reason: null },
      ]);
      expect(result.code).toBe(0);
      const text = await runCli(['check', '--all-clusters', '--project', 'acme-platform,acme-jobs-prod', '--cluster-filter', 'quiet'], { env: t.env, now: t.now });
      expect(text.stdout).toContain('Projects with 0 clusters: acme-platform');
    } finally {
      t.fleet.clearInjections();
    }
  });

  it('a cluster list with missingZones is in the report and makes the run incomplete (exit 3), not only a note', async () => {
    // ListClustersResponse.missingZones (container v1): zones that did not answer; their clusters may be missing from the list.
    t.fleet.inject({ method: 'GET', path: '/v1/projects/acme-platform/locations/-/clusters', status: 200, body: { clusters: [], missingZones: ['asia-northeast1-a'] } });
    try {
      const result = await runCli(['check', '--all-clusters', '--project', 'acme-platform', '--output', 'json'], { env: t.env, now: t.now });
      const report = JSON.parse(result.stdout) as FleetReport;
      expect(report.fleet.projects).toEqual([
        {
          project: 'acme-platform',
          status: 'incomplete',
          clusters: 0,
          reason: 'the clusters in asia-northeast1-a could not be listed (those zones did not answer container.googleapis.com)',
          missingZones: ['asia-northeast1-a'],
        },
      ]);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('project acme-platform: the clusters in asia-northeast1-a could not be listed');
    } finally {
      t.fleet.clearInjections();
    }
  });

  it('every shard lists every project; merge keeps each project once, with the worst listing', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-fleet-shards-'));
    for (const index of [0, 1]) {
      const { stdout } = await t.checkAll('--shard', `${index}/2`, '--run-id', 'projects-merge');
      await writeFile(join(directory, `shard-${index}.json`), stdout);
    }
    const merged = await runCli(['merge', directory, '--output', 'json'], { env: t.env });
    const report = JSON.parse(merged.stdout) as FleetReport;
    expect(report.fleet.projects?.map((project) => `${project.project} ${project.status} ${project.clusters}`)).toEqual(['acme-jobs-prod listed 3', 'acme-platform listed 1', 'locked-out unlisted 0']);
    expect(report.fleet.clusters).toBe(4);
  });

  it('lists at most --concurrency projects at once', async () => {
    t.fleet.requests.length = 0;
    await runCli(['check', '--all-clusters', '--project', 'acme-jobs-prod,acme-platform,locked-out,p4,p5', '--cluster-filter', 'none', '--concurrency', '2', '--output', 'json'], { env: t.env, now: t.now });
    const lists = t.fleet.requests.filter((request) => /\/locations\/-\/clusters$/.test(request.path));
    expect(lists).toHaveLength(5);
    const busiest = Math.max(...lists.map(({ receivedAt }) => lists.filter((other) => other.receivedAt <= receivedAt && receivedAt <= other.answeredAt).length));
    expect(busiest).toBeLessThanOrEqual(2);
  });

  it('--fail-on never exits 0 whenever the report was written, with a cluster unreachable and a project denied (the shipped Jobs)', async () => {
    const { code, report } = await t.checkAll('--fail-on', 'never');
    expect(report!.fleet.incomplete).toBeGreaterThanOrEqual(1);
    expect(report!.fleet.projects?.find((project) => project.project === 'locked-out')?.status).toBe('unlisted');
    expect(code).toBe(0);
  });

  it.each([
    ['clusters that are not a list', { clusters: 7 }, /the answer is not a ListClustersResponse \(clusters must be a list\)/],
    ['a cluster without a name', { clusters: [{ location: 'l' }] }, /the answer is not a ListClustersResponse \(clusters\[0\] needs "name"\)/],
    ['a bare array', [{ name: 'c' }], /container\.googleapis\.com answered \d+ bytes that are not a JSON object/],
  ])('a cluster list in the wrong shape (%s) makes that project unlisted, naming the API; the run goes on', async (_, body, reason) => {
    t.fleet.inject({ method: 'GET', path: '/v1/projects/acme-platform/locations/-/clusters', status: 200, body });
    try {
      const { report, stderr } = await t.checkAll();
      expect(stderr).not.toMatch(/TypeError|\n\s+at /);
      expect(report!.fleet.projects?.find((project) => project.project === 'acme-platform')).toMatchObject({ status: 'unlisted', clusters: 0, reason: expect.stringMatching(reason) });
      expect(byCluster(report!, 'prod-cluster')).toBeDefined();
    } finally {
      t.fleet.clearInjections();
    }
  });

  it('reads project data once per project, shared by its clusters, and never the cluster again', async () => {
    t.fleet.requests.length = 0;
    await t.checkAll();
    const count = (method: string, path: string) => t.fleet.requests.filter((request) => request.method === method && request.path === path && !request.query.pageToken).length;
    for (const project of ['acme-jobs-prod', 'acme-platform']) {
      expect(count('GET', `/v1/projects/${project}/locations/-/clusters`)).toBe(1);
      expect(count('GET', `/v1/projects/${project}`)).toBe(1);
      expect(count('POST', `/v3/projects/${project}:getIamPolicy`)).toBe(1);
      expect(count('GET', `/v1/projects/${project}/locations/-/triggers`)).toBe(1);
      expect(count('GET', `/compute/v1/projects/${project}/aggregated/healthChecks`)).toBeLessThanOrEqual(1);
      // The project's backend services, which each cluster's backend health is read from.
      expect(count('GET', `/compute/v1/projects/${project}/aggregated/backendServices`)).toBe(1);
    }
    expect(t.fleet.requests.filter((request) => /\/clusters\/[^/]+$/.test(request.path))).toEqual([]);
  });

  it('reads at most --concurrency clusters at once (the API servers\' request logs)', async () => {
    for (const concurrency of [1, 2]) {
      for (const kube of t.fleet.kube.values()) kube.requests.length = 0;
      await t.checkAll('--concurrency', String(concurrency));
      const spans = [...t.fleet.kube.values()].map((kube) => ({
        start: Math.min(...kube.requests.map((request) => request.receivedAt)),
        end: Math.max(...kube.requests.map((request) => request.answeredAt)),
      }));
      const busiest = Math.max(...spans.map(({ start }) => spans.filter((span) => span.start <= start && start <= span.end).length));
      expect(busiest).toBeLessThanOrEqual(concurrency);
    }
  });

  it('--location and --cluster-filter narrow it; shards split it', async () => {
    expect((await t.checkAll('--cluster-filter', 'q*')).report!.targets.map(label)).toEqual(['acme-jobs-prod/asia-northeast1/quiet']);
    expect((await t.checkAll('--location', 'us-central1')).report!.targets.map(label)).toEqual(['acme-jobs-prod/us-central1/gone']);
    const shards = await Promise.all([0, 1].map(async (index) => (await t.checkAll('--shard', `${index}/2`, '--run-id', 'split')).report!.targets.map(label)));
    expect(shards.flat().sort()).toEqual((await t.checkAll()).report!.targets.map(label).sort());
  });

  it('names its run: the Job\'s id from GKE_DOCTOR_RUN_ID (downward API), its inputs and its shard', async () => {
    const result = await runCli(
      ['check', '--all-clusters', '--project', 'acme-jobs-prod,acme-platform', '--project', 'locked-out', '--cluster-filter', 'q*', '--endpoint', 'private', '--shard-count', '2', '--output', 'json'],
      { env: { ...t.env, JOB_COMPLETION_INDEX: '1', GKE_DOCTOR_RUN_ID: '5f1c7a2e-8d6b-4c1e-9a3f-0b2d4e6f8a1c' }, now: t.now },
    );
    expect((JSON.parse(result.stdout) as FleetReport).run).toEqual({
      id: '5f1c7a2e-8d6b-4c1e-9a3f-0b2d4e6f8a1c',
      startedAt: t.now().toISOString(),
      version: expect.any(String),
      inputs: { source: 'live', projects: ['acme-jobs-prod', 'acme-platform', 'locked-out'], parent: null, location: null, clusterFilter: 'q*', endpoint: 'private', snapshot: null },
      shard: { index: 1, count: 2 },
    });
  });

  it('--endpoint private reaches each API server at its private endpoint with the cluster CA', async () => {
    for (const kube of t.fleet.kube.values()) kube.requests.length = 0;
    const { report } = await t.checkAll('--endpoint', 'private', '--cluster-filter', 'prod-cluster');
    expect(check(byCluster(report!, 'prod-cluster'), 'terminating-namespace').findings.map((finding) => finding.resource)).toEqual(['Namespace/events-system']);
    const kube = t.fleet.kube.get('acme-jobs-prod/asia-northeast1/prod-cluster')!;
    expect(new Set(kube.requests.map((request) => request.headers.host))).toEqual(new Set([`localhost:${kube.port}`]));
  });

  it('--endpoint dns trusts only publicly trusted roots, not the cluster CA (test/e2e/fleet-endpoints.test.ts reads through it)', async () => {
    const { report } = await t.checkAll('--endpoint', 'dns', '--cluster-filter', 'prod-cluster');
    expect(check(byCluster(report!, 'prod-cluster'), 'terminating-namespace')).toMatchObject({
      status: 'incomplete',
      reason: expect.stringMatching(/cannot reach the Kubernetes API at https:\/\/localhost:\d+: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/),
    });
  });

  it('refuses --fix and flags that name one cluster, in one line', async () => {
    expect(await runCli(['check', '--all-clusters', '--project', 'p', '--fix'], { env: t.env })).toMatchObject({ code: 2, stderr: 'gke-doctor: --fix is for one cluster; --all-clusters checks every cluster of each --project live\n' });
    expect(await runCli(['check', '--all-clusters', '--project', 'p', '--cluster', 'c'], { env: t.env })).toMatchObject({ code: 2, stderr: expect.stringMatching(/^gke-doctor: --cluster names one cluster; --all-clusters reads every cluster/) });
    expect(await runCli(['check', '--all-clusters'], { env: t.env })).toMatchObject({ code: 2, stderr: 'gke-doctor: --all-clusters needs --project PROJECT (repeatable, or comma-separated) or --parent folders/ID | organizations/ID\n' });
    expect(await runCli(['check', '--project', 'a,b'], { env: t.env })).toMatchObject({ code: 2, stderr: 'gke-doctor: --project a,b: several projects are for --all-clusters\n' });
    expect(await runCli(['check', '--all-clusters', '--project', 'acme-platform', '--cluster-timeout', '0s'], { env: t.env })).toMatchObject({
      code: 2,
      stderr: 'gke-doctor: --cluster-timeout 0s: expected a duration of more than 0, such as 30s or 2m\n',
    });
    expect(await runCli(['check', '--project', 'p', '--cluster-timeout', '5s'], { env: t.env })).toMatchObject({ code: 2, stderr: expect.stringMatching(/^gke-doctor: --cluster-timeout is for fleet runs/) });
  });

  it('refuses --output-file PREFIX/ without a shard before anything is read, not after the whole run', async () => {
    t.fleet.requests.length = 0;
    expect(await t.checkAll('--output-file', join(tmpdir(), 'reports/'))).toMatchObject({
      code: 2,
      stderr: `gke-doctor: --output-file ${join(tmpdir(), 'reports/')}: a name ending in / is for the report of one shard (--shard, or a job's task index)\n`,
    });
    expect(t.fleet.requests).toEqual([]);
  });
});

describe('snapshot DIR --all-clusters', () => {
  it('writes DIR/PROJECT/LOCATION/CLUSTER/, which check --snapshot DIR reads back as the same fleet', async () => {
    const directory = join(await mkdtemp(join(tmpdir(), 'gke-doctor-fleet-snapshot-')), 'fleet');
    const written = await runCli(['snapshot', directory, '--all-clusters', '--project', 'acme-jobs-prod,acme-platform,locked-out'], { env: t.env, now: t.now });
    expect(written.code).toBe(3);
    expect(written.stderr).toContain('gke-doctor: locked-out: not in the snapshot: cannot list the clusters of project locked-out');
    expect(await readdir(join(directory, 'acme-jobs-prod', 'asia-northeast1'))).toEqual(['prod-cluster', 'quiet']);
    expect(await readdir(directory)).toEqual(['acme-jobs-prod', 'acme-platform']);
    const replay = await runCli(['check', '--snapshot', directory, '--output', 'json'], { env: t.env });
    const live = (await t.checkAll()).report!;
    const fromSnapshot = JSON.parse(replay.stdout) as FleetReport;
    expect(fromSnapshot.targets.map(label)).toEqual(live.targets.map(label));
    expect(check(byCluster(fromSnapshot, 'prod-cluster'), 'terminating-namespace').findings.map((finding) => finding.resource)).toEqual(['Namespace/events-system']);
    expect(replay.code).toBe(1);
  });

});

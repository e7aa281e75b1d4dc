import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/engine/report.js';
import { runCli } from '../support/cli.js';
import { forbidden } from '../support/fake-kube-apiserver.js';
import { fixturePath, fixtureTime } from '../support/fixtures.js';
import { permissionDenied } from '../support/fake-gcp.js';
import type { ServedFixture } from '../support/live.js';
import { comparable, serveFixture } from '../support/live.js';

let served: ServedFixture | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

const SEED = 'seed-eventarc-stuck-namespace';

/** A live run measures ages to now, a snapshot to when it was taken: ages may differ, nothing else may. */
function withoutClock(report: Report): unknown {
  const text = JSON.stringify(comparable(report))
    .replace(/"terminatingForSeconds":\d+/g, '"terminatingForSeconds":0')
    .replace(/Terminating for [0-9ydhms ]+\./g, 'Terminating for AGE.');
  return JSON.parse(text);
}

describe('gke-doctor check (live), run as a user runs it', () => {
  it('kubeconfig context + endpoint overrides + GOOGLE_OAUTH_ACCESS_TOKEN give the snapshot run’s findings', async () => {
    served = await serveFixture(SEED);
    const live = await runCli(['check', '--output', 'json'], { env: served.env });
    const snapshot = await runCli(['check', '--snapshot', fixturePath(SEED), '--output', 'json'], { env: served.env });
    // Realistic: the fixture's metrics.k8s.io APIService is down, so its discovery fails, as on the real cluster.
    expect(live.stderr).toBe(
      'gke-doctor: note: API discovery failed for metrics.k8s.io/v1beta1 (503 the server is currently unable to handle the request); objects of its kinds in terminating namespaces are not listed\n',
    );
    expect(live.code).toBe(snapshot.code);
    const liveReport = JSON.parse(live.stdout) as Report;
    expect(liveReport.target).toEqual({ source: 'live', project: 'acme-jobs-prod', location: 'asia-northeast1', cluster: 'prod-cluster' });
    expect(withoutClock(liveReport)).toEqual(withoutClock(JSON.parse(snapshot.stdout) as Report));
    expect(served.gcp.requests.every((request) => request.headers.authorization === 'Bearer fake-google-token')).toBe(true);
  });

  it('--access-token-file is sent instead of the environment token', async () => {
    served = await serveFixture(SEED);
    const file = join(await mkdtemp(join(tmpdir(), 'gke-doctor-token-')), 'token');
    await writeFile(file, 'token-from-file\n');
    const result = await runCli(['check', '--only', 'http-load-balancing-addon', '--access-token-file', file, '--quiet'], { env: served.env });
    expect(result.code).toBe(0);
    expect(served.gcp.requests.map((request) => request.headers.authorization)).toEqual(['Bearer token-from-file']);
  });

  it('a rejected token: one line, exit 2', async () => {
    served = await serveFixture(SEED);
    served.gcp.inject({ path: /.*/, status: 401 });
    const result = await runCli(['check', '--only', 'http-load-balancing-addon'], { env: served.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^gke-doctor: Google APIs rejected the access token in GOOGLE_OAUTH_ACCESS_TOKEN .*gcloud auth application-default login/);
  });

  it.each([
    [['check'], { KUBECONFIG: '/nonexistent/kubeconfig' }, /no target: pass --project, --location and --cluster/],
    [['check', '--only', 'http-load-balancing-addon', '--project', 'p'], { KUBECONFIG: '/nonexistent/kubeconfig' }, /which GKE cluster\? pass --location and --cluster/],
    [['check', '--context', 'nope'], {}, /--context nope: no such context in .*kubeconfig/],
    [['check', '--snapshot', 'x', '--project', 'p'], {}, /--project is for live mode/],
    [['check', '--snapshot', 'x', '--probe'], {}, /--probe needs live mode/],
  ])('%j: one line saying which flag to pass, exit 2', async (args, env, message) => {
    served = await serveFixture(SEED);
    const result = await runCli(args, { env: { ...served.env, ...env } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--probe sends the proxy GET only when asked', async () => {
    served = await serveFixture(SEED);
    await runCli(['check', '--quiet'], { env: served.env });
    expect(served.kube.requests.filter((request) => request.path.includes('/proxy/'))).toEqual([]);
    expect([...served.kube.requests, ...served.gcp.requests].filter((request) => request.method !== 'GET' && !request.path.endsWith(':getIamPolicy'))).toEqual([]);
  });

  it('prints no progress line when stderr is not a terminal', async () => {
    served = await serveFixture(SEED);
    const result = await runCli(['check'], { env: served.env });
    expect(result.stderr).not.toContain('reading');
  });
});

describe('gke-doctor snapshot DIR', () => {
  it('writes the snapshot layout, redacted, and check --snapshot replays it with the same findings', async () => {
    served = await serveFixture(SEED);
    const directory = join(await mkdtemp(join(tmpdir(), 'gke-doctor-snap-')), 'out');
    const written = await runCli(['snapshot', directory], { env: served.env });
    expect(written.stderr).toContain(`wrote ${directory}`);
    expect(written.code).toBe(0);
    const files = (await readdir(directory, { recursive: true })).sort();
    expect(files).toEqual(
      expect.arrayContaining(['REDACTED.md', 'cluster.json', 'eventarc-triggers.json', 'iam-policy.json', 'project.json', 'compute/health-checks.json', 'compute/backend-services.json', 'k8s/namespace.json', 'k8s/pod.json', 'k8s/apiservice.apiregistration.k8s.io.json', 'snapshot.json']),
    );
    expect(JSON.parse(await readFile(join(directory, 'cluster.json'), 'utf8'))).toEqual(JSON.parse(await readFile(fixturePath(`${SEED}/cluster.json`), 'utf8')));
    const takenAt = Date.parse((JSON.parse(await readFile(join(directory, 'snapshot.json'), 'utf8')) as { takenAt: string }).takenAt);
    expect(Math.abs(Date.now() - takenAt)).toBeLessThan(60_000);
    const pods = JSON.parse(await readFile(join(directory, 'k8s/pod.json'), 'utf8')) as { kind: string; items: { kind: string; metadata: { managedFields?: unknown } }[] };
    expect(pods.kind).toBe('List');
    expect(pods.items[0]?.kind).toBe('Pod');

    const live = await runCli(['check', '--output', 'json'], { env: served.env });
    const replay = await runCli(['check', '--snapshot', directory, '--output', 'json']);
    expect(replay.code).toBe(live.code);
    expect(withoutClock(JSON.parse(replay.stdout) as Report)).toEqual(withoutClock(JSON.parse(live.stdout) as Report));
  });

  it('records what it could not read (unread.json), so the replay gives the live findings, not an empty list', async () => {
    // BackendConfigs forbidden: live, ingress-health-check says the BackendConfig could not be read; a replay
    // that took the missing file for "none exist" would instead tell the user to create one that is there.
    served = await serveFixture('ingress-backendconfig-fix');
    served.kube.inject({ path: /\/backendconfigs$/, status: 403, body: forbidden('list', 'backendconfigs', 'cloud.google.com') });
    const directory = join(await mkdtemp(join(tmpdir(), 'gke-doctor-snap-')), 'out');
    // Written, and exit 3: not everything could be read.
    expect((await runCli(['snapshot', directory], { env: served.env })).code).toBe(3);
    const unread = JSON.parse(await readFile(join(directory, 'unread.json'), 'utf8')) as { unavailable: Record<string, string> };
    expect(unread.unavailable.BackendConfig).toMatch(/^cannot list BackendConfig objects: [^]*backendconfigs/);

    const live = await runCli(['check', '--only', 'ingress-health-check,ingress-config', '--output', 'json'], { env: served.env });
    const replay = await runCli(['check', '--snapshot', directory, '--only', 'ingress-health-check,ingress-config', '--output', 'json']);
    expect(JSON.stringify(JSON.parse(live.stdout))).toMatch(/backendConfigUnread/);
    expect(replay.code).toBe(live.code);
    expect(withoutClock(JSON.parse(replay.stdout) as Report)).toEqual(withoutClock(JSON.parse(live.stdout) as Report));
  });

  it.each(['ingress-backend-health-unhealthy', 'ingress-controller-events', 'managed-certificate-not-visible'])(
    '%s: writes backend health, events and ManagedCertificates, and the replay gives the live findings',
    async (fixture) => {
      served = await serveFixture(fixture);
      const directory = join(await mkdtemp(join(tmpdir(), 'gke-doctor-snap-')), 'out');
      // Everything was read (the fixtures hold their project's allow policy and empty trigger list): exit 0, no unread.json.
      expect((await runCli(['snapshot', directory], { env: served.env, now: () => fixtureTime(fixture) })).code).toBe(0);
      const files = await readdir(directory, { recursive: true });
      expect(files).not.toContain('unread.json');
      if (fixture === 'ingress-backend-health-unhealthy') {
        expect(JSON.parse(await readFile(join(directory, 'compute/backend-health.json'), 'utf8'))).toEqual(JSON.parse(await readFile(fixturePath(`${fixture}/compute/backend-health.json`), 'utf8')));
      }
      if (fixture === 'ingress-controller-events') expect(files).toContain('k8s/event.json');
      if (fixture === 'managed-certificate-not-visible') expect(files).toContain('k8s/managedcertificate.networking.gke.io.json');
      const only = ['--only', 'ingress-health-check,load-balancer-events,managed-certificates', '--output', 'json'];
      const live = await runCli(['check', ...only], { env: served.env, now: () => fixtureTime(fixture) });
      const replay = await runCli(['check', '--snapshot', directory, ...only], { now: () => fixtureTime(fixture) });
      expect(replay.code).toBe(live.code);
      expect(withoutClock(JSON.parse(replay.stdout) as Report)).toEqual(withoutClock(JSON.parse(live.stdout) as Report));
    },
  );

  it('records backend health it could not read, so the replay does not take it for no evidence', async () => {
    served = await serveFixture('ingress-backend-health-unhealthy');
    served.gcp.inject({ method: 'POST', path: /getHealth$/, status: 403, body: permissionDenied('compute.backendServices.get', 'compute.googleapis.com', 'projects/acme-platform/global/backendServices/x') });
    const directory = join(await mkdtemp(join(tmpdir(), 'gke-doctor-snap-')), 'out');
    expect((await runCli(['snapshot', directory], { env: served.env })).code).toBe(3);
    const unread = JSON.parse(await readFile(join(directory, 'unread.json'), 'utf8')) as { unavailable: Record<string, string> };
    expect(unread.unavailable.backendHealth).toMatch(/permission compute\.backendServices\.get denied/);
    const { SnapshotSource } = await import('../../src/state/snapshot/snapshot-source.js');
    const state = await new SnapshotSource(directory).collect(new Set(['backendHealth']));
    expect(state.unavailable.get('backendHealth')).toBe(unread.unavailable.backendHealth);
  });

  it('refuses an unread.json of the wrong shape with one line naming it', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-snap-'));
    await writeFile(join(directory, 'unread.json'), JSON.stringify({ unavailable: { Secrets: 'x' } }));
    const result = await runCli(['check', '--snapshot', directory]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^gke-doctor: .*unread\.json: "unavailable" names "Secrets", which is not data gke-doctor reads\n$/);
  });

  it('refuses a directory that is not empty', async () => {
    served = await serveFixture(SEED);
    const result = await runCli(['snapshot', fixturePath(SEED)], { env: served.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not empty/);
  });
});

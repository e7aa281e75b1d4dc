import { cp, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { stderrRequestLog } from '../../src/cli/verbose.js';
import { loggableUrl, requestLine } from '../../src/state/live/request-log.js';
import { runCli } from '../support/cli.js';
import { FakeGcs } from '../support/fake-gcs.js';
import { fixturePath, FIXTURE_NOW } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture } from '../support/live.js';
import { serveTestFleet } from '../support/test-fleet.js';

// `-v` (issue #25): one stderr line per HTTP request, after kubectl's -v=6 (client-go
// transport/round_trippers.go: "GET https://host/api/v1/pods?limit=500 200 OK in 12 milliseconds"),
// with the bytes received; retries and failures too; never a header, a body or a query secret.

let served: ServedFixture | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

/** The request lines of a run's stderr. */
const requestLines = (stderr: string) => stderr.split('\n').filter((line) => /^gke-doctor: (GET|PUT|POST) /.test(line));
const ANSWERED = / \d{3} [A-Za-z -]+ in \d+ milliseconds, \d+ bytes$/;

/** Every PLANTED value of the secrets fixture, as written and as Secret data holds it in base64. */
async function plantedSecrets(): Promise<string[]> {
  const directory = fixturePath('secrets-planted');
  const found = new Set<string>();
  for (const file of await readdir(directory, { recursive: true })) {
    if (!/\.(json|ya?ml)$/.test(file)) continue;
    const text = await readFile(join(directory, file), 'utf8');
    for (const match of text.matchAll(/PLANTED-[a-z-]+/g)) found.add(match[0]);
    for (const match of text.matchAll(/: ([A-Za-z0-9+/]{16,}={0,2})$/gm)) if (Buffer.from(match[1]!, 'base64').toString('utf8').startsWith('PLANTED-')) found.add(match[1]!);
  }
  return [...found];
}

describe('check -v', () => {
  it('logs each request to Google and to the API server with its status, size and time; the probe too; never a token, a query secret or a Secret’s data', async () => {
    served = await serveFixture('secrets-planted');
    const result = await runCli(['check', '-v', '--probe', '--no-config'], { env: served.env, now: () => FIXTURE_NOW });
    const lines = requestLines(result.stderr);
    const kube = served.kube.url;
    const gcp = served.gcp.url;
    // One line per request each fake answered.
    expect(lines.filter((line) => line.includes(kube))).toHaveLength(served.kube.requests.length);
    expect(lines.filter((line) => line.includes(gcp))).toHaveLength(served.gcp.requests.length);
    expect(lines.every((line) => ANSWERED.test(line)), lines.join('\n')).toBe(true);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^gke-doctor: GET ${kube}/api/v1/namespaces\\?limit=2000 200 OK in \\d+ milliseconds, \\d+ bytes$`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^gke-doctor: GET ${gcp}/v1/projects/[^ ]+/clusters/[^ ]+ 200 OK`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^gke-doctor: POST ${gcp}/v3/projects/[^ ]+:getIamPolicy 200 OK`)));
    expect(lines).toContainEqual(expect.stringMatching(/\/proxy\/ 200 OK /));
    expect(result.stderr).toContain('gke-doctor: config: none read (--no-config)\n');
    const secrets = [...(await plantedSecrets()), 'fake-kubernetes-token', 'fake-google-token', 'Bearer'];
    expect(secrets.filter((secret) => result.stderr.includes(secret))).toEqual([]);
  });

  it('masks the query of the health-check request --probe sends (a probe path can carry a token)', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-verbose-'));
    await cp(fixturePath('seed-argocd-unhealthy'), directory, { recursive: true });
    for (const file of ['k8s/pods.yaml', 'k8s/deployments.yaml', 'compute/health-checks.json']) {
      const path = join(directory, file);
      await writeFile(path, (await readFile(path, 'utf8')).replace(/\/healthz(\?full=true)?(?=["\n])/g, '/healthz?access_token=PLANTED-query-token'));
    }
    served = await serveFixture(directory);
    const result = await runCli(['check', '-v', '--probe', '--no-config', '--only', 'ingress-health-check'], { env: served.env });
    expect(requestLines(result.stderr)).toContainEqual(expect.stringMatching(/\/proxy\/healthz\?access_token=REDACTED 200 OK /));
    expect(result.stderr).not.toContain('PLANTED-query-token');
  });

  it('logs every attempt of a retried read, and a failed one as error: reason', async () => {
    served = await serveFixture('seed-eventarc-stuck-namespace', { kube: {} });
    served.gcp.inject({ path: /\/clusters\//, status: 503, times: 1 });
    served.kube.inject({ path: '/api/v1/namespaces', status: 503, times: 1, headers: { 'retry-after': '0' } });
    served.kube.inject({ path: '/apis/apiregistration.k8s.io/v1/apiservices', fault: 'reset', times: 1 });
    const result = await runCli(['check', '--verbose', '--no-config'], { env: served.env });
    const lines = requestLines(result.stderr);
    const cluster = lines.filter((line) => /\/clusters\/[^ ]+ /.test(line));
    const answered = served.gcp.requests.filter((request) => request.path.includes('/clusters/'));
    expect(cluster.map((line) => / (\d{3}) /.exec(line)?.[1])).toEqual(answered.map((request) => String(request.status)));
    expect(answered.map((request) => request.status).slice(0, 2)).toEqual([503, 200]);
    expect(cluster[0]).toMatch(/ 503 Service Unavailable in \d+ milliseconds, \d+ bytes$/);
    const namespaces = lines.filter((line) => line.includes('/api/v1/namespaces?limit=2000 '));
    expect(namespaces[0]).toMatch(/ 503 Service Unavailable /);
    expect(namespaces.at(-1)).toMatch(/ 200 OK /);
    const apiServices = lines.filter((line) => line.includes('/apiservices?'));
    expect(apiServices[0]).toMatch(/ error: the connection to the Kubernetes API at http:\/\/127\.0\.0\.1:\d+ was reset during \/apis\/apiregistration\.k8s\.io\/v1\/apiservices \(ECONNRESET\) in \d+ milliseconds$/);
    expect(apiServices.at(-1)).toMatch(/ 200 OK /);
  });

  it('without -v, no request line', async () => {
    served = await serveFixture('seed-eventarc-stuck-namespace');
    const result = await runCli(['check', '--no-config'], { env: served.env });
    expect(requestLines(result.stderr)).toEqual([]);
    expect(result.stderr).not.toContain('config:');
  });

  it('says which config file was read, or that none was found', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-verbose-'));
    const config = join(directory, 'doctor.yaml');
    await writeFile(config, 'checks: {}\n');
    const snapshot = ['check', '--snapshot', fixturePath('healthy'), '-v'];
    expect((await runCli([...snapshot, '--config', config])).stderr).toContain(`gke-doctor: config: read ${config}\n`);
    const original = process.cwd();
    process.chdir(directory);
    try {
      expect((await runCli(snapshot)).stderr).toContain('gke-doctor: config: none found (no .gke-doctor.yaml or .gke-doctor.yml in the working directory or above it)\n');
    } finally {
      process.chdir(original);
    }
  });
});

describe('-v on the other commands that make requests', () => {
  it('snapshot -v logs its reads', async () => {
    served = await serveFixture('seed-eventarc-stuck-namespace');
    const result = await runCli(['snapshot', join(await mkdtemp(join(tmpdir(), 'gke-doctor-verbose-')), 'snap'), '-v'], { env: served.env });
    expect(requestLines(result.stderr).length).toBe(served.kube.requests.length + served.gcp.requests.length);
  });

  it('check --all-clusters -v logs the listing and every cluster’s reads', async () => {
    const fleet = await serveTestFleet();
    try {
      const { stderr } = await fleet.checkAll('-v');
      const lines = requestLines(stderr);
      expect(lines).toContainEqual(expect.stringMatching(/^gke-doctor: GET https?:\/\/[^ ]+\/v1\/projects\/acme-jobs-prod\/locations\/-\/clusters 200 OK /));
      expect(lines).toContainEqual(expect.stringMatching(/^gke-doctor: GET https?:\/\/[^ ]+\/v1\/projects\/locked-out\/locations\/-\/clusters 403 Forbidden /));
      expect(lines).toContainEqual(expect.stringMatching(/^gke-doctor: GET https:\/\/127\.0\.0\.1:9\/api\/v1\/[^ ]+ error: cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:9: ECONNREFUSED in \d+ milliseconds$/));
      expect(stderr).not.toContain('fake-google-token');
    } finally {
      await fleet.close();
    }
  });

  it('merge -v and --output-file gs:// log the Cloud Storage requests, the page token and object name masked', async () => {
    const gcs = await new FakeGcs().bucket('reports').start();
    try {
      const env = gcs.clientEnv();
      const tree = fixturePath('healthy');
      const written = await runCli(['check', '--snapshot', tree, '-o', 'json', '--output-file', 'gs://reports/run/a.json', '-v', '--no-config'], { env });
      expect(requestLines(written.stderr)).toEqual([expect.stringMatching(new RegExp(`^gke-doctor: POST ${gcs.url}/upload/storage/v1/b/reports/o\\?uploadType=media&name=REDACTED 200 OK in \\d+ milliseconds, \\d+ bytes$`))]);
      await runCli(['check', '--snapshot', tree, '-o', 'json', '--output-file', 'gs://reports/run/b.json', '--no-config'], { env });
      await runCli(['check', '--snapshot', tree, '-o', 'json', '--output-file', 'gs://reports/run/c.json', '--no-config'], { env });
      const merged = await runCli(['merge', 'gs://reports/run/', '-v', '-o', 'json'], { env });
      const lines = requestLines(merged.stderr);
      expect(lines.slice(0, 2)).toEqual([
        expect.stringMatching(new RegExp(`^gke-doctor: GET ${gcs.url}/storage/v1/b/reports/o\\?prefix=REDACTED&fields=items%28name%2Cupdated%29%2CnextPageToken 200 OK `)),
        expect.stringMatching(/\/b\/reports\/o\?prefix=REDACTED&fields=[^ ]+&pageToken=REDACTED 200 OK /),
      ]);
      // merge reads one report at a time: the second report of the same cluster is refused, and c is never read.
      expect(lines.filter((line) => line.includes('alt=media'))).toHaveLength(2);
    } finally {
      await gcs.close();
    }
  });
});

describe('what a request line may show', () => {
  it('masks every query value but those that say how a list is read, and drops a user and password', () => {
    expect(loggableUrl(new URL('https://user:pass@example.com/v1/x?access_token=ya29.SECRET&limit=500&continue=abc#frag'))).toBe('https://example.com/v1/x?access_token=REDACTED&limit=500&continue=REDACTED');
    expect(loggableUrl(new URL('https://example.com/v1/x'))).toBe('https://example.com/v1/x');
  });

  it('is one line with its control characters escaped', () => {
    let text = '';
    const stream = Object.assign(new Writable({ write: (chunk: Buffer, _encoding, done) => void ((text += String(chunk)), done()) }), { isTTY: false });
    stderrRequestLog({ verbose: true }, stream)!({ method: 'GET', url: new URL('http://h/p'), outcome: { error: 'cannot reach h\x1b[2J:\nECONNREFUSED' }, elapsedMs: 3.4 });
    expect(text).toBe('gke-doctor: GET http://h/p error: cannot reach h\\u001b[2J: ECONNREFUSED in 3 milliseconds\n');
    expect(requestLine({ method: 'PUT', url: new URL('http://h/finalize?dryRun=All'), outcome: { status: 409, bytes: 210 }, elapsedMs: 12 })).toBe('PUT http://h/finalize?dryRun=All 409 Conflict in 12 milliseconds, 210 bytes');
  });
});

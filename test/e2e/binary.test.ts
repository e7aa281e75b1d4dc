import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../support/cli.js';
import { fixturePath } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture, temporaryFixture } from '../support/live.js';

/**
 * The built binary in its own process, as a user runs it: what only a real
 * process shows (bin/gke-doctor.js wiring the real streams and environment,
 * the exit code, ending once the report is written). Everything else about
 * the CLI is tested in-process through main().
 */
const SEED = 'seed-eventarc-stuck-namespace';

let served: ServedFixture | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

describe('node bin/gke-doctor.js', () => {
  it('prints its version and help, exit 0', async () => {
    expect(await spawnCli(['--version'])).toMatchObject({ code: 0, stdout: '0.1.0\n', stderr: '' });
    const help = await spawnCli(['check', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--snapshot <dir>');
  });

  it('prints the seed diagnosis and exits 1', async () => {
    const { code, stdout, stderr } = await spawnCli(['check', '--snapshot', fixturePath(SEED)]);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout).toContain('✖ failed  terminating-namespace');
    expect(stdout).toContain('ERROR  Namespace/events-system');
  });

  it('bad input: one line on stderr, exit 2, no stack trace', async () => {
    const { code, stdout, stderr } = await spawnCli(['check', '--snapshot', '/nonexistent']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^gke-doctor: \/nonexistent: not a snapshot directory[^\n]*\n$/);
  });

  it('refuses a wrongly typed field as the in-process run does: the bundle\'s precompiled validators are the same', async () => {
    // A probe inside a Deployment's container (schema parts shared by reference), and a GCP document.
    const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        readinessProbe: {periodSeconds: "10"}\n';
    const cases: { files: Record<string, string>; said: RegExp }[] = [
      { files: { 'k8s/web.yaml': deployment }, said: /web\.yaml:1: Deployment\/default\/web: spec\.template\.spec\.containers\[0\]\.readinessProbe\.periodSeconds must be an integer\n$/ },
      { files: { 'cluster.json': '{"name": "c", "nodePools": "default-pool"}' }, said: /cluster\.json: nodePools must be a list / },
    ];
    for (const { files, said } of cases) {
      const snapshot = await temporaryFixture({ 'snapshot.json': '{"takenAt": "2026-01-01T00:00:00Z"}', ...files });
      const inProcess = await runCli(['check', '--snapshot', snapshot]);
      expect(inProcess).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(said) });
      expect(await spawnCli(['check', '--snapshot', snapshot])).toMatchObject({ code: 2, stdout: '', stderr: inProcess.stderr });
    }
  });

  it('ends once the report is written, even when a plugin leaves a timer running', async () => {
    const plugin = join(await mkdtemp(join(tmpdir(), 'gke-doctor-plugin-')), 'leaves-a-timer.mjs');
    const check = { id: 'leaves-a-timer', title: 'Nothing', severity: 'info', description: 'd', references: [], needs: [], notApplicable: 'nothing to look at' };
    await writeFile(plugin, `setInterval(() => {}, 1000);\nexport default { ...${JSON.stringify(check)}, run: () => ({ examined: ['x'], findings: [] }) };\n`);
    const { code, stdout } = await spawnCli(['check', '--snapshot', fixturePath(SEED), '--plugin', plugin, '--only', 'leaves-a-timer'], { timeoutMs: 10_000 });
    expect(code).toBe(0);
    expect(stdout).toContain('✔ passed  leaves-a-timer');
  });

  it('live: reads the project and cluster named by the kubeconfig context, with the environment’s token', async () => {
    served = await serveFixture(SEED);
    const { code, stdout } = await spawnCli(['check', '--output', 'json', '--quiet'], { env: served.env });
    expect(code).toBe(1);
    expect(JSON.parse(stdout).target).toEqual({ source: 'live', project: 'acme-jobs-prod', location: 'asia-northeast1', cluster: 'prod-cluster' });
    expect(served.gcp.requests.every((request) => request.headers.authorization === 'Bearer fake-google-token')).toBe(true);
    expect(served.kube.requests.length).toBeGreaterThan(0);
  });

  it('live without credentials: one line telling the user to log in, exit 2', async () => {
    served = await serveFixture(SEED);
    // HOME without gcloud's application default credentials: google-auth-library reads the real process environment.
    const result = await spawnCli(['check', '--only', 'http-load-balancing-addon'], { env: { ...served.env, GOOGLE_OAUTH_ACCESS_TOKEN: undefined, HOME: served.env.CLOUDSDK_CONFIG } });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('gcloud auth application-default login');
    expect(served.gcp.requests).toEqual([]);
  });
});

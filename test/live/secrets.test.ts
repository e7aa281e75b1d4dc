import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/engine/report.js';
import { runCli } from '../support/cli.js';
import { fixturePath, FIXTURE_NOW } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { comparable, serveFixture } from '../support/live.js';

const FIXTURE = 'secrets-planted';
const FORMATS = ['text', 'json', 'sarif', 'junit', 'json-lines'];

/** Every planted value, as written in the fixture and as base64 in Secret data decodes. */
async function plantedSecrets(): Promise<string[]> {
  const directory = fixturePath(FIXTURE);
  const found = new Set<string>();
  for (const file of await readdir(directory, { recursive: true })) {
    if (!/\.(json|ya?ml)$/.test(file)) continue;
    const text = await readFile(join(directory, file), 'utf8');
    for (const match of text.matchAll(/PLANTED-[a-z-]+/g)) found.add(match[0]);
    for (const match of text.matchAll(/: ([A-Za-z0-9+/]{16,}={0,2})$/gm)) {
      const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
      if (decoded.startsWith('PLANTED-')) found.add(decoded).add(match[1]!);
    }
  }
  return [...found].sort();
}

const leaked = (text: string, secrets: readonly string[]) => secrets.filter((secret) => text.includes(secret));

let secrets: string[] = [];
let served: ServedFixture;
beforeAll(async () => {
  secrets = await plantedSecrets();
  served = await serveFixture(FIXTURE);
});
afterAll(() => served.close());

const run = (args: string[]) => runCli(args, { env: served.env, now: () => FIXTURE_NOW });

describe('no planted secret leaves (issue #10 part 4)', () => {
  it('the fixture plants every kind of secret the issue names', () => {
    expect(secrets).toEqual(
      expect.arrayContaining([
        'PLANTED-probe-header',
        'PLANTED-arg-flag',
        'PLANTED-arg-after-flag',
        'PLANTED-arg-assignment',
        'PLANTED-env-value',
        'PLANTED-configmap-value',
        'PLANTED-last-applied',
        'PLANTED-pod-annotation',
        'PLANTED-service-annotation',
        'PLANTED-secret-data',
        'PLANTED-custom-resource-spec',
        'PLANTED-master-password',
        'PLANTED-startup-script',
        // issue 21
        'PLANTED-probe-query',
        'PLANTED-probe-exec',
        'PLANTED-short-flag',
        'PLANTED-poststart-exec',
        'PLANTED-prestop-header',
        'PLANTED-prestop-query',
        'PLANTED-url-credentials',
        'PLANTED-gitrepo-token',
        'PLANTED-csi-attribute',
        'PLANTED-flexvolume-option',
        'PLANTED-httproute-request-header',
        'PLANTED-httproute-response-header',
        'PLANTED-backendconfig-request-header',
        'PLANTED-backendconfig-response-header',
        'PLANTED-eventarc-path',
        'PLANTED-eventarc-label',
        'PLANTED-iam-condition-description',
      ]),
    );
  });

  it.each(FORMATS)('--output %s, from the snapshot and live: no secret, and the checks did read what holds them', async (format) => {
    const fromSnapshot = await run(['check', '--snapshot', fixturePath(FIXTURE), '--output', format]);
    const live = await run(['check', '--output', format]);
    for (const result of [fromSnapshot, live]) {
      expect([0, 1, 3]).toContain(result.code);
      expect(leaked(result.stdout + result.stderr, secrets)).toEqual([]);
    }
    if (format === 'json') {
      const report = JSON.parse(live.stdout) as Report;
      const said = JSON.stringify(report);
      // The header that makes the controller ignore the probe is named; its value is not.
      expect(said).toContain('Authorization');
      expect(said).toContain('Database/retired/orders');
    }
  });

  it('a kubeconfig credential plugin that fails: its error output (it can hold credentials) is in no report and not on stderr', async () => {
    const home = await mkdtemp(join(tmpdir(), 'gke-doctor-exec-plugin-'));
    const plugin = 'PLANTED-exec-plugin-stderr';
    const kubeconfig = {
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': `gke_${served.target.project}_${served.target.location}_${served.target.cluster}`,
      clusters: [{ name: 'c', cluster: { server: served.kube.url, 'insecure-skip-tls-verify': true } }],
      // What gke-gcloud-auth-plugin-like helpers do when they fail: say why on stderr, with what they were given.
      users: [{ name: 'u', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: '/bin/sh', args: ['-c', `echo "refresh token ${plugin} rejected" >&2; exit 1`], interactiveMode: 'Never' } } }],
      contexts: [{ name: `gke_${served.target.project}_${served.target.location}_${served.target.cluster}`, context: { cluster: 'c', user: 'u' } }],
    };
    await writeFile(join(home, 'kubeconfig'), JSON.stringify(kubeconfig));
    for (const format of FORMATS) {
      const result = await runCli(['check', '--output', format], { env: { ...served.env, KUBECONFIG: join(home, 'kubeconfig') }, now: () => FIXTURE_NOW });
      expect([1, 3]).toContain(result.code);
      expect(result.stdout + result.stderr).not.toContain(plugin);
      if (format === 'json') expect(result.stdout).toContain('credential plugin');
    }
  });

  it('snapshot DIR keeps no secret, says what it removed, and replays to the live run’s findings', async () => {
    const directory = join(await mkdtemp(join(tmpdir(), 'gke-doctor-secrets-')), 'snapshot');
    const written = await run(['snapshot', directory]);
    expect(written.code).toBe(0);
    const files = await readdir(directory, { recursive: true, withFileTypes: true });
    let text = '';
    for (const file of files.filter((entry) => entry.isFile())) text += await readFile(join(file.parentPath, file.name), 'utf8');
    expect(leaked(text + written.stderr, secrets)).toEqual([]);
    const readme = await readFile(join(directory, 'REDACTED.md'), 'utf8');
    for (const what of [
      'readinessProbe.httpGet.httpHeaders values of Authorization',
      'args: values of flags and assignments',
      'command: values of flags and assignments',
      'env values of DB_PASSWORD',
      'data values of database-url',
      'metadata.annotations values of kubectl.kubernetes.io/last-applied-configuration, example.com/webhook-token',
      'Database/retired/orders: spec',
      'Secret/retired/api-credentials: data, type',
      'masterAuth.password',
      'nodeConfig.metadata values of disable-legacy-endpoints, startup-script',
      'livenessProbe.exec.command: values of flags and assignments',
      'startupProbe.exec.command: values of flags and assignments',
      'lifecycle.postStart.exec.command: values of flags and assignments',
      'lifecycle.preStop.httpGet.httpHeaders values of X-Drain-Token',
      'lifecycle.preStop.httpGet.path: query values',
      'readinessProbe.httpGet.path: query values',
      'spec.volumes[content].gitRepo.repository: credentials',
      'spec.volumes[secrets-store].csi.volumeAttributes values of apiKey, secretProviderClass',
      'spec.volumes[legacy-share].flexVolume.options values of password',
      'spec.rules[0].filters.requestHeaderModifier values of Authorization',
      'spec.rules[0].backendRefs[0].filters.responseHeaderModifier values of X-Debug',
      'spec.customRequestHeaders.headers values',
      'spec.customResponseHeaders.headers values',
      'labels values of team, webhook-token',
      'destination.gke.path',
      'condition.description of "break-glass-until-2024"',
    ]) {
      expect(readme).toContain(what);
    }
    const live = await run(['check', '--output', 'json']);
    const replay = await run(['check', '--snapshot', directory, '--output', 'json']);
    expect(replay.code).toBe(live.code);
    expect(comparable(JSON.parse(replay.stdout) as Report)).toEqual(comparable(JSON.parse(live.stdout) as Report));
  });
});

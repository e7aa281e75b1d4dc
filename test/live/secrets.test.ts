import { mkdtemp, readFile, readdir } from 'node:fs/promises';
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
    ]) {
      expect(readme).toContain(what);
    }
    const live = await run(['check', '--output', 'json']);
    const replay = await run(['check', '--snapshot', directory, '--output', 'json']);
    expect(replay.code).toBe(live.code);
    expect(comparable(JSON.parse(replay.stdout) as Report)).toEqual(comparable(JSON.parse(live.stdout) as Report));
  });
});

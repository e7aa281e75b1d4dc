import { mkdir, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/engine/report.js';
import { runCli } from '../support/cli.js';
import { fixturePath, FIXTURE_NOW } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { comparable, serveFixture, temporaryFixture } from '../support/live.js';

/**
 * What a hostile or broken API server can answer and a real one refuses: a kind that is a path
 * (`../../victim`, served through discovery), object names with `/` and `..`, and names that are
 * Object methods (`constructor`, `__proto__`). Issue 21: the kind wrote outside the snapshot
 * directory; the ConfigMap made `snapshot` crash half-written.
 */
const OBJECTS = `
apiVersion: v1
kind: Namespace
metadata: { name: retired, uid: 8b0d2f4a-6c8e-4a1b-9d3f-7e5a1c3b5d70, creationTimestamp: '2023-01-10T02:00:00Z', deletionTimestamp: '2023-12-20T04:00:00Z' }
spec: { finalizers: [kubernetes] }
status: { phase: Terminating }
---
apiVersion: v1
kind: Namespace
metadata: { name: shop, uid: 5a1f0c1e-2b7d-4f7e-9a51-0d7e3c1f9a01, creationTimestamp: '2023-06-05T08:55:00Z' }
status: { phase: Active }
---
apiVersion: example.com/v1
kind: ../../victim
metadata: { name: orders, namespace: retired, uid: 6c8e0a2b-4d6f-4b8a-9e1c-3a5b7d9f1c03, finalizers: [databases.example.com/cleanup], deletionTimestamp: '2023-12-20T04:00:01Z' }
spec: { size: small }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: constructor, namespace: shop, uid: 3d5b7f9a-0c2e-4a6b-8d1f-5e7a9c0b2d4f }
data: { constructor: PLANTED-hostile-value }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: __proto__, namespace: shop, uid: 3d5b7f9a-0c2e-4a6b-8d1f-5e7a9c0b2d50 }
data: { __proto__: PLANTED-hostile-value }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: ../../../../etc/victim, namespace: retired, uid: 3d5b7f9a-0c2e-4a6b-8d1f-5e7a9c0b2d51 }
data: { key: PLANTED-hostile-value }
`;

let served: ServedFixture;
beforeAll(async () => {
  // The project, its policy and the cluster of secrets-planted: only the Kubernetes objects are hostile.
  const gcp = Object.fromEntries(await Promise.all(['project.json', 'iam-policy.json', 'cluster.json'].map(async (file) => [file, await readFile(join(fixturePath('secrets-planted'), file), 'utf8')])));
  served = await serveFixture(await temporaryFixture({ ...gcp, 'k8s/objects.yaml': OBJECTS }));
});
afterAll(() => served.close());

const run = (args: string[]) => runCli(args, { env: served.env, now: () => FIXTURE_NOW });

describe('snapshot of a cluster whose API server serves hostile names (issue 21)', () => {
  it('writes only inside DIR, finishes, and replays to the live run’s findings', async () => {
    const parent = join(await mkdtemp(join(tmpdir(), 'gke-doctor-hostile-')), 'a', 'b');
    await mkdir(parent, { recursive: true });
    const directory = join(parent, 'snapshot');
    const written = await run(['snapshot', directory]);
    expect(written.stderr).not.toMatch(/TypeError|is not a function/);
    expect(written.code).toBe(0);
    expect(written.stderr).toMatch(/wrote .*: \d+ files, 6 Kubernetes objects/);
    expect(await readdir(parent)).toEqual(['snapshot']);
    expect(await readdir(join(parent, '..'))).toEqual(['b']);
    const files = (await readdir(directory, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
    let text = '';
    for (const file of files) text += await readFile(join(file.parentPath, file.name), 'utf8');
    expect(text).not.toContain('PLANTED-hostile-value');
    expect(text).toContain('"kind": "../../victim"');

    const live = await run(['check', '--output', 'json']);
    const replay = await run(['check', '--snapshot', directory, '--output', 'json']);
    expect(replay.code).toBe(live.code);
    expect(comparable(JSON.parse(replay.stdout) as Report)).toEqual(comparable(JSON.parse(live.stdout) as Report));
    expect(live.stdout).toContain('../../victim/retired/orders');
  });
});

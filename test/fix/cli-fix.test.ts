import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { forbidden } from '../support/fake-kube-apiserver.js';
import { fixturePath } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture, temporaryFixture } from '../support/live.js';

const SEED = 'seed-eventarc-stuck-namespace';
const FINALIZE = '/api/v1/namespaces/events-system/finalize';

let served: ServedFixture | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

const backupDir = async () => join(await mkdtemp(join(tmpdir(), 'gke-doctor-backup-')), 'backup');
const writes = (fixture: ServedFixture) => fixture.kube.requests.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.path}${request.query.dryRun ? `?dryRun=${request.query.dryRun}` : ''}`);
const fix = async (fixture: ServedFixture, ...args: string[]) => await runCli(['check', '--only', 'terminating-namespace', '--quiet', '--fix', ...args], { env: fixture.env });

describe('check --fix against the fake kube-apiserver', () => {
  it('finalizes the seed namespace after printing the plan, leaves a backup, and a second run no longer reports it', async () => {
    served = await serveFixture(SEED);
    const backup = await backupDir();
    // Exactly as a user runs it: every check, then the fix.
    const result = await runCli(['check', '--fix', '--yes', '--backup-dir', backup], { env: served.env });
    expect(result.stdout).toContain('✖ failed  terminating-namespace');
    expect(result.stderr).toContain('Finalize Namespace/events-system (Terminating for');
    expect(result.stderr).toContain('stuck because NamespaceDeletionDiscoveryFailure: Discovery failed for some groups');
    expect(result.stderr).toContain('orphaned: nothing is left in the namespace');
    // metrics-server is down (503 on metrics.k8s.io/v1beta1): the metrics APIs store no object, so nothing is unseen.
    expect(result.stderr).toContain('  not listed: kinds of metrics.k8s.io/v1beta1 (503 the server is currently unable to handle the request); the namespace controller cannot see them either, but the metrics APIs store no object');
    expect(result.stderr).toContain('not fixed automatically (the root cause):');
    expect(result.stderr).toContain('kubectl -n kube-system describe service metrics-server');
    expect(result.stderr).toContain('\n  finalized: the namespace is gone\n');
    // The IAM errors --fix cannot fix remain: exit 1 (issue #14).
    expect(result.code).toBe(1);
    expect(writes(served)).toEqual([`PUT ${FINALIZE}`]);
    expect(served.kube.object('Namespace', undefined, 'events-system')).toBeUndefined();

    const saved = JSON.parse(await readFile(join(backup, 'events-system', 'namespace.json'), 'utf8'));
    // As the API server sent it, before the write.
    expect(saved).toMatchObject({ kind: 'Namespace', metadata: { name: 'events-system', deletionTimestamp: '2023-12-01T03:41:52Z' }, spec: { finalizers: ['kubernetes'] } });
    expect(JSON.parse(await readFile(join(backup, 'events-system', 'objects.json'), 'utf8'))).toEqual({ apiVersion: 'v1', kind: 'List', items: [] });

    const again = await runCli(['check', '--only', 'terminating-namespace', '--quiet', '--output', 'json'], { env: served.env });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).checks[0].findings).toEqual([]);
  });

  it('writes nothing without a terminal unless --yes is given, and says so', async () => {
    served = await serveFixture(SEED);
    const result = await fix(served, '--backup-dir', await backupDir());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('declined: no terminal to ask in: nothing written; pass --yes to finalize without asking');
    expect(writes(served)).toEqual([]);
    expect(served.kube.object('Namespace', undefined, 'events-system')?.metadata?.deletionTimestamp).toBeDefined();
  });

  it('--dry-run sends only a server-side dry run and changes nothing', async () => {
    served = await serveFixture(SEED);
    const backup = await backupDir();
    const result = await fix(served, '--dry-run', '--backup-dir', backup);
    expect(result.stderr).toContain('Dry run: would finalize Namespace/events-system');
    expect(result.stderr).toContain('planned: the API server accepted the finalize as a dry run (dryRun=All); nothing changed');
    // Nothing was fixed: the stuck namespace is still an error.
    expect(result.code).toBe(1);
    expect(writes(served)).toEqual([`PUT ${FINALIZE}?dryRun=All`]);
    expect(served.kube.object('Namespace', undefined, 'events-system')?.spec).toEqual({ finalizers: ['kubernetes'] });
    await expect(readdir(backup)).rejects.toThrow(/ENOENT/);
  });

  it('re-reads and retries when the namespace changed in between (409 on a stale resourceVersion)', async () => {
    served = await serveFixture(SEED);
    served.kube.inject({
      method: 'PUT',
      path: FINALIZE,
      status: 409,
      body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Conflict', code: 409, message: 'Operation cannot be fulfilled on namespaces "events-system": the object has been modified; please apply your changes to the latest version and try again' },
      times: 1,
    });
    const result = await fix(served, '--yes', '--backup-dir', await backupDir());
    expect(result.code).toBe(0);
    expect(writes(served)).toEqual([`PUT ${FINALIZE}`, `PUT ${FINALIZE}`]);
    expect(served.kube.requests.filter((request) => request.method === 'GET' && request.path === '/api/v1/namespaces/events-system')).toHaveLength(3);
    expect(served.kube.object('Namespace', undefined, 'events-system')).toBeUndefined();
  });

  it('names the missing permission and the RBAC rule on 403, exit 1', async () => {
    served = await serveFixture(SEED);
    served.kube.inject({ method: 'PUT', path: FINALIZE, status: 403, body: forbidden('update', 'namespaces/finalize') });
    const result = await fix(served, '--yes', '--backup-dir', await backupDir());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('failed: forbidden: you need "update" on "namespaces/finalize" to finalize events-system');
    expect(result.stderr).toContain('{apiGroups: [""], resources: ["namespaces/finalize"], verbs: ["update"]}');
  });

  it('never finalizes a protected namespace without --force', async () => {
    const namespaces = (names: string[]) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: names.map((name, index) => ({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name, uid: `0000000${index}-1111-4222-8333-444455556666`, resourceVersion: String(100 + index), creationTimestamp: '2023-01-01T00:00:00Z', deletionTimestamp: '2024-01-01T00:00:00Z' },
          spec: { finalizers: ['kubernetes'] },
          status: { phase: 'Terminating' },
        })),
      });
    served = await serveFixture(await temporaryFixture({ 'k8s/namespaces.json': namespaces(['kube-public', 'gmp-public']) }));
    const refused = await fix(served, '--yes', '--backup-dir', await backupDir());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('skipped: kube-public is run by Kubernetes itself (https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#initial-namespaces); gke-doctor finalizes it only with --force');
    expect(refused.stderr).toContain('skipped: gmp-public is run by Google Cloud Managed Service for Prometheus');
    expect(writes(served)).toEqual([]);

    const forced = await fix(served, '--yes', '--force', '--backup-dir', await backupDir());
    expect(forced.code).toBe(0);
    expect(writes(served)).toEqual(['PUT /api/v1/namespaces/gmp-public/finalize', 'PUT /api/v1/namespaces/kube-public/finalize']);
  });

  it('refuses to write anything when the backup cannot be written', async () => {
    served = await serveFixture(SEED);
    const result = await fix(served, '--yes', '--backup-dir', fixturePath(`${SEED}/project.json`));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/failed: cannot write the backup to .*project\.json(\/events-system)? \((ENOTDIR|EEXIST)\); nothing was finalized/);
    expect(writes(served)).toEqual([]);
  });

  it.each([
    { args: ['check', '--snapshot', fixturePath(SEED), '--fix'], stderr: 'gke-doctor: --fix writes to the cluster: it needs live mode' },
    { args: ['check', '--snapshot', fixturePath(SEED), '--yes'], stderr: 'gke-doctor: --yes only means something with --fix' },
    { args: ['check', '--snapshot', fixturePath(SEED), '--dry-run'], stderr: 'gke-doctor: --dry-run only means something with --fix' },
    { args: ['check', '--snapshot', fixturePath(SEED), '--wait', '1m'], stderr: 'gke-doctor: --wait only means something with --fix' },
  ])('$args: exit 2', async ({ args, stderr }) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr.startsWith(stderr)).toBe(true);
  });
});

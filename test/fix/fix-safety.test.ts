import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import { dataKeysFor, runChecksOn } from '../../src/engine/runner.js';
import { selectChecks } from '../../src/engine/select.js';
import type { FixOptions } from '../../src/fix/apply-fixes.js';
import { applyFixActions, plannedFixes } from '../../src/fix/apply-fixes.js';
import { BackupStore } from '../../src/fix/backup.js';
import { Deadline } from '../../src/state/live/deadline.js';
import { LiveSource } from '../../src/state/live/live-source.js';
import { runCli } from '../support/cli.js';
import type { FakeKubeOptions } from '../support/fake-kube-apiserver.js';
import { forbidden } from '../support/fake-kube-apiserver.js';
import type { Injection } from '../support/fake-http.js';
import { FIXTURE_NOW } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture, temporaryFixture } from '../support/live.js';

/**
 * `--fix` under faults: it never finalizes what it could not see, backs up
 * before it writes and never over a backup, and tells what happened when a
 * request breaks. Asserted on the fake kube-apiserver's request log and on the
 * backup files.
 */

const NAMESPACE = 'shop';
const FINALIZE = `/api/v1/namespaces/${NAMESPACE}/finalize`;

// A namespace stuck with content in it, as `kubectl get -o json` shows it: the Secret is what roles/container.viewer cannot list.
const stuck = {
  'k8s/namespace.json': JSON.stringify({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: NAMESPACE, uid: '5e0f3c2a-1b7d-4c55-9f0e-2a6b8c9d0e11', resourceVersion: '4100', creationTimestamp: '2023-11-01T00:00:00Z', deletionTimestamp: '2023-12-01T00:00:00Z' },
    spec: { finalizers: ['kubernetes'] },
    status: {
      phase: 'Terminating',
      conditions: [{ type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: 'Some resources are remaining: configmaps. has 1 resource instances', lastTransitionTime: '2023-12-01T00:00:05Z' }],
    },
  }),
  'k8s/content.json': JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: NAMESPACE, uid: '1c7d0e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f', resourceVersion: '4001' }, data: { mode: 'prod' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: NAMESPACE, uid: '2d8e1f30-4b5c-4d6e-9f70-8b9c0d1e2f30', resourceVersion: '4002' }, type: 'Opaque', data: { password: 'aHVudGVyMg==' } },
    ],
  }),
};

let served: ServedFixture | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

const writes = (fixture: ServedFixture) => fixture.kube.requests.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.path} ${request.status}`);
const namespaceStillStuck = (fixture: ServedFixture) => fixture.kube.object('Namespace', undefined, NAMESPACE)?.spec;

/** Reads the served cluster live and runs terminating-namespace, as `check --fix` does before fixing. */
async function readAndFix(fixture: ServedFixture, overrides: Partial<FixOptions> = {}) {
  const checks = selectChecks(builtinChecks, ['terminating-namespace']);
  const source = new LiveSource({ env: fixture.env, kubeconfig: fixture.kubeconfig, deadline: new Deadline(20_000), retry: { baseDelayMs: 5 } });
  const state = await source.collect(dataKeysFor(checks));
  const report = await runChecksOn(state, checks, { now: FIXTURE_NOW, stuckAfterMs: 5 * 60_000 });
  const lines: string[] = [];
  const backupRoot = await mkdtemp(join(tmpdir(), 'gke-doctor-backup-'));
  const result = await applyFixActions((await source.kubernetesClient())!, plannedFixes(report), state, {
    yes: true,
    dryRun: false,
    force: false,
    backups: new BackupStore({ directory: backupRoot }),
    waitMs: 0,
    log: (line) => lines.push(line),
    ...overrides,
  });
  return { ...result, lines, backupRoot, report };
}

describe('--fix never finalizes what it could not see', () => {
  it('403 on Secrets inside the namespace (roles/container.viewer): skipped naming the kind and why, even with --force; exit 1; nothing written', async () => {
    served = await serveFixture(await temporaryFixture(stuck));
    served.kube.inject({ method: 'GET', path: `/api/v1/namespaces/${NAMESPACE}/secrets`, status: 403, body: forbidden('list', 'secrets') });
    const backup = join(await mkdtemp(join(tmpdir(), 'gke-doctor-backup-')), 'b');
    const result = await runCli(['check', '--only', 'terminating-namespace', '--quiet', '--fix', '--yes', '--force', '--backup-dir', backup, '--output', 'json'], { env: served.env });
    expect(result.stderr).toContain('  not fully read: these kinds could not be read in it, so what finalizing would orphan is unknown: secrets (403 secrets is forbidden');
    expect(result.stderr).not.toContain('orphaned: nothing is left');
    expect(result.stderr).toMatch(/\n {2}skipped: these kinds could not be read in it.*secrets \(403 /);
    expect(result.code).toBe(1);
    expect(writes(served)).toEqual([]);
    expect(namespaceStillStuck(served)).toEqual({ finalizers: ['kubernetes'] });
    await expect(readdir(backup)).rejects.toThrow(/ENOENT/);
    const report = JSON.parse(result.stdout);
    expect(report.fixes).toEqual([
      expect.objectContaining({
        action: { kind: 'finalize-namespace', namespace: NAMESPACE, uid: '5e0f3c2a-1b7d-4c55-9f0e-2a6b8c9d0e11', resourceVersion: '4100' },
        resource: `Namespace/${NAMESPACE}`,
        status: 'skipped',
        resolved: false,
        backup: null,
      }),
    ]);
  });

  it.each([
    ['500', { status: 500 }],
    ['a reset', { fault: 'reset' as const }],
    ['a truncated 200', { fault: 'truncate' as const }],
  ])('%s on a list inside the namespace (every retry): skipped, nothing written', async (_name, injection) => {
    served = await serveFixture(await temporaryFixture(stuck));
    served.kube.inject({ method: 'GET', path: `/api/v1/namespaces/${NAMESPACE}/configmaps`, ...injection });
    const { outcomes, lines } = await readAndFix(served, { force: true });
    expect(outcomes).toEqual([expect.objectContaining({ status: 'skipped', detail: expect.stringContaining('configmaps (') })]);
    expect(lines.join('\n')).toContain('not fully read: these kinds could not be read in it');
    expect(writes(served)).toEqual([]);
  });

  it('with every kind read, backs up the namespace and what is in it (Secret values included) to 0600 files in 0700 directories', async () => {
    served = await serveFixture(await temporaryFixture(stuck));
    const { outcomes, lines, backupRoot } = await readAndFix(served);
    expect(outcomes).toEqual([expect.objectContaining({ status: 'finalized', resolved: true, backup: join(backupRoot, NAMESPACE) })]);
    expect(lines.join('\n')).toContain('backup first: the namespace and everything read in it (Secrets with their values) go to files only you can read (0600)');
    expect(writes(served)).toEqual([`PUT ${FINALIZE} 200`]);

    const directory = join(backupRoot, NAMESPACE);
    expect((await stat(directory)).mode & 0o777).toBe(0o700);
    for (const file of await readdir(directory)) expect((await stat(join(directory, file))).mode & 0o777).toBe(0o600);
    // The backup is the object as read before the write: resourceVersion and finalizers as they were.
    const saved = JSON.parse(await readFile(join(directory, 'namespace.json'), 'utf8'));
    expect(saved).toMatchObject({ kind: 'Namespace', metadata: { name: NAMESPACE, resourceVersion: '4100' }, spec: { finalizers: ['kubernetes'] } });
    const objects = JSON.parse(await readFile(join(directory, 'objects.json'), 'utf8'));
    expect(objects.items.map((item: { kind: string; metadata: { name: string } }) => `${item.kind}/${item.metadata.name}`).sort()).toEqual(['ConfigMap/settings', 'Secret/db']);
    // The PUT carried the resourceVersion that was backed up.
    expect(served.kube.requests.find((request) => request.method === 'PUT')?.body).toMatchObject({ metadata: { resourceVersion: '4100' }, spec: { finalizers: [] } });
  });

  it('never overwrites a backup: a re-run into the same --backup-dir gets a directory of its own', async () => {
    served = await serveFixture(await temporaryFixture(stuck));
    const store = new BackupStore({ directory: await mkdtemp(join(tmpdir(), 'gke-doctor-backup-')) });
    const first = await store.directoryFor(NAMESPACE);
    await store.write(first, 'namespace.json', { first: true });
    const second = await store.directoryFor(NAMESPACE);
    expect(second).not.toBe(first);
    expect(second.startsWith(`${first}-`)).toBe(true);
    expect((await stat(second)).mode & 0o777).toBe(0o700);
    await expect(store.write(first, 'namespace.json', { second: true })).rejects.toThrow(/EEXIST/);
    expect(JSON.parse(await readFile(join(first, 'namespace.json'), 'utf8'))).toEqual({ first: true });
  });

  it('two default backup directories made in the same second do not collide', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'gke-doctor-cwd-'));
    const prefix = join(cwd, 'gke-doctor-backup-20240115T000000Z-');
    const [a, b] = await Promise.all([new BackupStore({ prefix }).directoryFor(NAMESPACE), new BackupStore({ prefix }).directoryFor(NAMESPACE)]);
    expect(a).not.toBe(b);
    expect((await stat(join(a, '..'))).mode & 0o777).toBe(0o700);
  });
});

describe('--fix when a request breaks', () => {
  it('429 on the finalize: sent again after Retry-After, with the same resourceVersion', async () => {
    served = await serveFixture(await temporaryFixture(stuck));
    served.kube.inject({ method: 'PUT', path: FINALIZE, status: 429, headers: { 'Retry-After': '0' }, times: 2 });
    const { outcomes } = await readAndFix(served);
    expect(outcomes).toEqual([expect.objectContaining({ status: 'finalized' })]);
    expect(writes(served)).toEqual([`PUT ${FINALIZE} 429`, `PUT ${FINALIZE} 429`, `PUT ${FINALIZE} 200`]);
  });

  it('a reset on the PUT before it reached the server: read again, says it did not land', async () => {
    served = await serveFixture(await temporaryFixture(stuck));
    served.kube.inject({ method: 'PUT', path: FINALIZE, fault: 'reset' });
    const { outcomes } = await readAndFix(served);
    expect(outcomes).toEqual([expect.objectContaining({ status: 'failed', resolved: false, detail: expect.stringMatching(/got no answer \(.*reset.*\); read again, the namespace is unchanged: it did not land/) })]);
    expect(namespaceStillStuck(served)).toEqual({ finalizers: ['kubernetes'] });
  });

  it('a short body on the PUT after it landed: read again, says it landed', async () => {
    served = await serveFixture(await temporaryFixture(stuck));
    served.kube.inject({ method: 'PUT', path: FINALIZE, fault: 'short-body' });
    const { outcomes } = await readAndFix(served);
    expect(outcomes).toEqual([expect.objectContaining({ status: 'finalized', resolved: true })]);
    expect(served.kube.object('Namespace', undefined, NAMESPACE)).toBeUndefined();
  });
});

describe('two --fix --yes runs racing on one namespace', () => {
  it('exactly one finalizes it; the other says it is gone and writes nothing it did not back up', async () => {
    served = await serveFixture(await temporaryFixture(stuck));
    const [a, b] = await Promise.all([readAndFix(served), readAndFix(served)]);
    const statuses = [a.outcomes[0]!.status, b.outcomes[0]!.status].sort();
    expect(statuses).toEqual(['finalized', 'skipped']);
    expect(served.kube.requests.filter((request) => request.method === 'PUT' && request.status === 200)).toHaveLength(1);
    const loser = a.outcomes[0]!.status === 'skipped' ? a.outcomes[0]! : b.outcomes[0]!;
    expect(loser.detail).toMatch(/already deleted|someone else finalized it/);
  });

  it('when the namespace outlives the finalize (metadata.finalizers), the second (after a 409 or not) sees it finalized and does not write', async () => {
    const held = JSON.parse(stuck['k8s/namespace.json']);
    held.metadata.finalizers = ['example.com/cleanup'];
    served = await serveFixture(await temporaryFixture({ ...stuck, 'k8s/namespace.json': JSON.stringify(held) }));
    const [a, b] = await Promise.all([readAndFix(served), readAndFix(served)]);
    const details = [a.outcomes[0]!.detail, b.outcomes[0]!.detail];
    expect(details.filter((detail) => detail === 'someone else finalized it meanwhile; nothing written by this run')).toHaveLength(1);
    expect(served.kube.requests.filter((request) => request.method === 'PUT' && request.status === 200)).toHaveLength(1);
  });
});

describe('--fix finalizes only the namespace object it checked (its uid)', () => {
  const UID = '5e0f3c2a-1b7d-4c55-9f0e-2a6b8c9d0e11';
  const NAMESPACE_PATH = `/api/v1/namespaces/${NAMESPACE}`;
  // What someone's pipeline puts into the namespace it re-creates under the same name.
  const newSecret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-v2' }, type: 'Opaque', data: { password: 'bmV3LXNlY3JldA==' } };

  it('deleted and re-created (still Terminating) before the fix reads it: refused, nothing written nor backed up, the new Secret stays', async () => {
    served = await serveFixture(await temporaryFixture(stuck));
    const kube = served.kube;
    kube.before({ method: 'GET', path: NAMESPACE_PATH }, () => kube.recreateNamespace(NAMESPACE, [newSecret], { deletionTimestamp: '2023-12-02T00:00:00Z' }));
    const { outcomes, backupRoot } = await readAndFix(served, { force: true });
    const now = kube.object('Namespace', undefined, NAMESPACE)!;
    expect(now.metadata?.uid).not.toBe(UID);
    expect(outcomes).toEqual([
      expect.objectContaining({
        action: { kind: 'finalize-namespace', namespace: NAMESPACE, uid: UID, resourceVersion: '4100' },
        status: 'skipped',
        resolved: false,
        backup: null,
        detail: `deleted and re-created since it was checked: Namespace/${NAMESPACE} is now another object (uid ${now.metadata?.uid}, the plan was made from uid ${UID}), with other contents the plan did not show; left alone: run check again to see it`,
      }),
    ]);
    expect(writes(served)).toEqual([]);
    expect(now.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(kube.object('Secret', NAMESPACE, 'db-v2')).toBeDefined();
    expect(await readdir(backupRoot)).toEqual([]);
  });

  it('re-created (not Terminating) between the fix’s read and its PUT: the API server refuses the uid precondition with 409, the re-read sees another uid, refused', async () => {
    served = await serveFixture(await temporaryFixture(stuck));
    const kube = served.kube;
    kube.before({ method: 'PUT', path: FINALIZE }, () => kube.recreateNamespace(NAMESPACE, [newSecret]));
    const { outcomes } = await readAndFix(served);
    expect(outcomes).toEqual([expect.objectContaining({ status: 'skipped', resolved: false, detail: expect.stringMatching(/^deleted and re-created since it was checked/) })]);
    expect(writes(served)).toEqual([`PUT ${FINALIZE} 409`]);
    const refusal = kube.requests.find((request) => request.method === 'PUT');
    expect(refusal?.body).toMatchObject({ metadata: { uid: UID, resourceVersion: '4100' }, spec: { finalizers: [] } });
    expect(kube.object('Namespace', undefined, NAMESPACE)?.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(kube.object('Secret', NAMESPACE, 'db-v2')).toBeDefined();
  });

  it('the PUT carries the uid: the fake refuses a body with another uid as the API server does (409, precondition failed)', async () => {
    served = await serveFixture(await temporaryFixture(stuck));
    const response = await fetch(`${served.kube.url}${FINALIZE}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE, uid: '00000000-0000-4000-8000-000000000000' }, spec: { finalizers: [] } }),
    });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { message: string }).message).toContain(`Precondition failed: UID in precondition: 00000000-0000-4000-8000-000000000000, UID in object meta: ${UID}`);
  });

  it('check --fix --output json: the fix names the uid it was bound to, and a re-created namespace is reported, exit 1', async () => {
    served = await serveFixture(await temporaryFixture(stuck));
    const kube = served.kube;
    kube.before({ method: 'GET', path: NAMESPACE_PATH }, () => kube.recreateNamespace(NAMESPACE, [newSecret], { deletionTimestamp: '2023-12-02T00:00:00Z' }));
    const backup = join(await mkdtemp(join(tmpdir(), 'gke-doctor-backup-')), 'b');
    const result = await runCli(['check', '--only', 'terminating-namespace', '--quiet', '--fix', '--yes', '--backup-dir', backup, '--output', 'json'], { env: served.env });
    expect(result.stderr).toContain(`  the namespace as checked: uid ${UID}, resourceVersion 4100 (a namespace re-created under this name is left alone)`);
    expect(result.stderr).toContain('  emptied: spec.finalizers kubernetes');
    expect(result.stderr).toMatch(/\n {2}skipped: deleted and re-created since it was checked/);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.checks[0].findings[0].fix.action).toMatchObject({ kind: 'finalize-namespace', namespace: NAMESPACE, uid: UID, resourceVersion: '4100', specFinalizers: ['kubernetes'], metadataFinalizers: [] });
    expect(report.fixes).toEqual([expect.objectContaining({ action: { kind: 'finalize-namespace', namespace: NAMESPACE, uid: UID, resourceVersion: '4100' }, status: 'skipped', resolved: false })]);
    expect(writes(served)).toEqual([]);
  });
});

describe('--fix never clears a finalizer the printed plan did not show', () => {
  const addFinalizer = (fixture: ServedFixture, where: 'spec' | 'metadata') => () =>
    fixture.kube.modify('Namespace', undefined, NAMESPACE, (namespace) =>
      where === 'spec'
        ? { ...namespace, spec: { finalizers: ['kubernetes', 'example.com/cleanup'] } }
        : { ...namespace, metadata: { ...namespace.metadata, finalizers: ['example.com/cleanup'] } },
    );

  it.each(['spec', 'metadata'] as const)('a %s finalizer added before the PUT (409, re-read): with --yes it stops for that namespace and says which', async (where) => {
    served = await serveFixture(await temporaryFixture(stuck));
    served.kube.before({ method: 'PUT', path: FINALIZE }, addFinalizer(served, where));
    const { outcomes, lines } = await readAndFix(served);
    expect(outcomes).toEqual([
      expect.objectContaining({
        status: 'skipped',
        resolved: false,
        detail: `it now carries finalizers the printed plan did not show (${where}.finalizers example.com/cleanup): nothing written; run check again to see the new plan`,
      }),
    ]);
    expect(lines).toContain(`  changed since the plan was printed: it now also carries ${where}.finalizers example.com/cleanup`);
    expect(writes(served)).toEqual([`PUT ${FINALIZE} 409`]);
    expect(served.kube.object('Namespace', undefined, NAMESPACE)?.metadata?.deletionTimestamp).toBeDefined();
  });

  it('in a terminal it shows the new plan and asks again: yes finalizes what was shown, no writes nothing more', async () => {
    for (const answer of [true, false]) {
      served = await serveFixture(await temporaryFixture(stuck));
      served.kube.before({ method: 'PUT', path: FINALIZE }, addFinalizer(served, 'spec'));
      const questions: string[] = [];
      const { outcomes, lines } = await readAndFix(served, { yes: false, confirm: async (question) => (questions.push(question), questions.length === 1 || answer) });
      expect(questions).toEqual([`Finalize Namespace/${NAMESPACE}? [y/N] `, `Finalize Namespace/${NAMESPACE} with the finalizers above? [y/N] `]);
      expect(lines).toContain('  emptied: spec.finalizers kubernetes, example.com/cleanup');
      if (answer) {
        expect(outcomes).toEqual([expect.objectContaining({ status: 'finalized' })]);
        expect(writes(served)).toEqual([`PUT ${FINALIZE} 409`, `PUT ${FINALIZE} 200`]);
      } else {
        expect(outcomes).toEqual([expect.objectContaining({ status: 'declined', detail: 'not confirmed after it changed (spec.finalizers example.com/cleanup): nothing written' })]);
        expect(writes(served)).toEqual([`PUT ${FINALIZE} 409`]);
      }
      await served.close();
      served = undefined;
    }
  });

  it('a change that adds no finalizer (a condition rewritten: a new resourceVersion) is the same plan: finalized after the 409', async () => {
    served = await serveFixture(await temporaryFixture(stuck));
    served.kube.before({ method: 'PUT', path: FINALIZE }, () =>
      served!.kube.modify('Namespace', undefined, NAMESPACE, (namespace) => ({ ...namespace, status: { phase: 'Terminating', conditions: [] } })),
    );
    const { outcomes } = await readAndFix(served);
    expect(outcomes).toEqual([expect.objectContaining({ status: 'finalized' })]);
    expect(writes(served)).toEqual([`PUT ${FINALIZE} 409`, `PUT ${FINALIZE} 200`]);
  });
});

describe('--fix never finalizes a namespace where a kind went unseen, even with --force', () => {
  const GROUP = 'storage.cnrm.cloud.google.com';
  const LIST = `/apis/${GROUP}/v1beta1/namespaces/${NAMESPACE}/storagebuckets`;
  // A Config Connector bucket being deleted: its controller deletes the Cloud Storage bucket, then removes these
  // finalizers (GoogleCloudPlatform/k8s-config-connector pkg/k8s/constants.go). Finalizing the namespace orphans the bucket.
  const bucket = {
    apiVersion: `${GROUP}/v1beta1`,
    kind: 'StorageBucket',
    metadata: {
      name: 'shop-assets',
      namespace: NAMESPACE,
      uid: '3e9f2a40-5c6d-4e7f-8a9b-0c1d2e3f4a5b',
      resourceVersion: '4003',
      deletionTimestamp: '2023-12-01T00:00:01Z',
      finalizers: ['cnrm.cloud.google.com/finalizer', 'cnrm.cloud.google.com/deletion-defender'],
    },
    spec: { location: 'US', uniformBucketLevelAccess: true },
  };
  // Its CRD, as `kubectl get crd storagebuckets.storage.cnrm.cloud.google.com -o json` shows the head of it.
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `storagebuckets.${GROUP}`, uid: '8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', resourceVersion: '1200' },
    spec: { group: GROUP, names: { kind: 'StorageBucket', plural: 'storagebuckets' }, scope: 'Namespaced', versions: [{ name: 'v1beta1', served: true, storage: true }] },
  };
  const withBucket = { ...stuck, 'k8s/bucket.json': JSON.stringify(bucket), 'k8s/crd.json': JSON.stringify(crd) };

  it.each<[string, FakeKubeOptions, Injection | null, RegExp]>([
    ['its group’s discovery answers 503', { failingDiscovery: { [GROUP]: 503 } }, null, /storage\.cnrm\.cloud\.google\.com\/v1beta1 \(503 /],
    ['its group’s discovery answers 403', { failingDiscovery: { [GROUP]: 403 } }, null, /storage\.cnrm\.cloud\.google\.com\/v1beta1 \(403 /],
    ['its group’s discovery answers a body that is not JSON', { failingDiscovery: { [GROUP]: 'garbage' } }, null, /storage\.cnrm\.cloud\.google\.com\/v1beta1 \(.*not JSON/],
    ['/apis leaves its group out (its CRD says it exists)', { omittedGroups: [GROUP] }, null, /storagebuckets\.storage\.cnrm\.cloud\.google\.com \(CustomResourceDefinition .* exists, but API discovery does not list/],
    ['discovery lists it without the "list" verb', { verbs: { storagebuckets: ['get', 'delete'] } }, null, /storagebuckets\.storage\.cnrm\.cloud\.google\.com \(.*without the "list" verb/],
    ['its list answers 404 while discovery still lists it', {}, { method: 'GET', path: LIST, status: 404 }, /storagebuckets\.storage\.cnrm\.cloud\.google\.com \(404 .*API discovery still lists it/],
    ['its list is cut short (more items announced, no continue token)', {}, { method: 'GET', path: LIST, status: 200, body: { kind: 'StorageBucketList', apiVersion: `${GROUP}/v1beta1`, metadata: { remainingItemCount: 1 }, items: [] } }, /storagebuckets\.storage\.cnrm\.cloud\.google\.com \(.*cut short/],
  ])('%s: skipped naming it, nothing written', async (_name, kube, injection, named) => {
    served = await serveFixture(await temporaryFixture(withBucket), { kube });
    if (injection) served.kube.inject(injection);
    const { outcomes, lines } = await readAndFix(served, { force: true });
    expect(outcomes).toEqual([expect.objectContaining({ status: 'skipped', resolved: false, backup: null, detail: expect.stringMatching(named) })]);
    expect(lines.join('\n')).toMatch(/not fully read: /);
    expect(writes(served)).toEqual([]);
    expect(served.kube.object('StorageBucket', NAMESPACE, 'shop-assets')).toBeDefined();
  });

  it('the passing twin: every kind discovered and read, the bucket is in the plan as orphaned and the namespace is finalized', async () => {
    served = await serveFixture(await temporaryFixture(withBucket));
    const { outcomes, lines } = await readAndFix(served);
    expect(lines.join('\n')).toContain(`StorageBucket/${NAMESPACE}/shop-assets [cnrm.cloud.google.com/finalizer, cnrm.cloud.google.com/deletion-defender]`);
    expect(outcomes).toEqual([expect.objectContaining({ status: 'finalized' })]);
  });

  it('check --fix --yes --force: exit 1, the plan and the outcome name the group whose discovery failed', async () => {
    served = await serveFixture(await temporaryFixture(withBucket), { kube: { failingDiscovery: { [GROUP]: 503 } } });
    const backup = join(await mkdtemp(join(tmpdir(), 'gke-doctor-backup-')), 'b');
    const result = await runCli(['check', '--only', 'terminating-namespace', '--quiet', '--fix', '--yes', '--force', '--backup-dir', backup, '--output', 'json'], { env: served.env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`  not listed: kinds of ${GROUP}/v1beta1 (503 `);
    expect(result.stderr).toMatch(/\n {2}skipped: API discovery did not show every kind, so objects of these may be in it unseen: storage\.cnrm\.cloud\.google\.com\/v1beta1 \(503 /);
    expect(writes(served)).toEqual([]);
    expect(JSON.parse(result.stdout).fixes).toEqual([expect.objectContaining({ status: 'skipped', resolved: false })]);
  });
});

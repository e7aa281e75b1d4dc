import { mkdir, mkdtemp, readdir, readFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterState } from '../../src/state/cluster-state.js';
import { KubernetesObjects } from '../../src/state/cluster-state.js';
import type { KubeObject } from '../../src/state/kubernetes-types.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';
import { writeSnapshot } from '../../src/state/snapshot/snapshot-writer.js';
import type { IamRole } from '../../src/state/gcp-types.js';

const TAKEN_AT = new Date('2024-01-15T00:00:00Z');

function state(objects: KubeObject[], extra: Partial<ClusterState> = {}): ClusterState {
  return { target: { source: 'live', project: 'p', location: 'l', cluster: 'c' }, kubernetes: new KubernetesObjects(objects), unavailable: new Map(), locations: new Map(), ...extra };
}

/** A snapshot directory `snapshot` inside a fresh parent, so anything written beside or above it shows. */
async function place(): Promise<{ parent: string; directory: string }> {
  const parent = join(await mkdtemp(join(tmpdir(), 'gke-doctor-writer-')), 'a', 'b');
  await mkdir(parent, { recursive: true });
  return { parent, directory: join(parent, 'snapshot') };
}

/** Every file below `root`, relative to it. */
async function filesBelow(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => !entry.isDirectory()).map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1)).sort();
}

const HOSTILE = ['../../victim', '../../../../../../tmp/gke-doctor-victim', '/etc/cron.d/victim', 'a/b', '..', '.', 'nul\0byte', 'x'.repeat(300), '.hidden'];

describe('writeSnapshot: names from the API never leave the snapshot directory (issue 21)', () => {
  it.each(HOSTILE)('a kind %j is written inside the directory and replays', async (kind) => {
    const { parent, directory } = await place();
    const object = { apiVersion: 'example.com/v1', kind, metadata: { name: 'orders', namespace: 'retired', finalizers: ['example.com/cleanup'] } } as KubeObject;
    const written = await writeSnapshot(directory, state([object]), TAKEN_AT);
    expect(await readdir(join(parent, '..', '..'))).toEqual(['a']);
    expect(await readdir(join(parent, '..'))).toEqual(['b']);
    expect(await readdir(parent)).toEqual(['snapshot']);
    const files = await filesBelow(directory);
    expect(files).toEqual(written.files.sort());
    const k8s = files.filter((file) => file.startsWith('k8s/'));
    expect(k8s).toHaveLength(1);
    expect(k8s[0]).toMatch(/^k8s\/[A-Za-z0-9_][A-Za-z0-9._-]{0,99}\.json$/);
    const replayed = await new SnapshotSource(directory).collect(new Set(['ObjectsInTerminatingNamespaces']));
    expect(replayed.kubernetes.all()).toEqual([object]);
  });

  it('two hostile kinds that clean up to the same characters get files of their own', async () => {
    const { directory } = await place();
    const kinds = ['../victim', './victim', '/victim'];
    await writeSnapshot(directory, state(kinds.map((kind) => ({ apiVersion: 'v1', kind, metadata: { name: 'n' } }) as KubeObject)), TAKEN_AT);
    expect((await filesBelow(directory)).filter((file) => file.startsWith('k8s/'))).toHaveLength(3);
  });

  it.each(HOSTILE)('a custom role id %j is written inside roles/', async (id) => {
    const { parent, directory } = await place();
    const name = `projects/p/roles/${id}`;
    const customRoles = new Map<string, IamRole>([[name, { name, includedPermissions: ['pubsub.subscriptions.consume'] }]]);
    await writeSnapshot(directory, state([], { customRoles }), TAKEN_AT);
    expect(await readdir(parent)).toEqual(['snapshot']);
    const roles = (await filesBelow(directory)).filter((file) => file.startsWith('roles/'));
    expect(roles).toHaveLength(1);
    expect(roles[0]).toMatch(/^roles\/[A-Za-z0-9_][A-Za-z0-9._-]*\.json$/);
  });

  it('names that are Object methods (constructor, __proto__, toString) are objects like any other', async () => {
    const { directory } = await place();
    const objects = ['constructor', '__proto__', 'toString', 'hasOwnProperty'].flatMap((name) => [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: name }, data: { [name]: 'PLANTED-value', 'server.insecure': 'PLANTED-value' } } as KubeObject,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name, deletionTimestamp: '2024-01-01T00:00:00Z' }, status: { phase: 'Terminating' } } as KubeObject,
    ]);
    const unreadInNamespaces = new Map([['__proto__', [{ resource: 'secrets', reason: '403 secrets is forbidden' }]]]);
    const written = await writeSnapshot(directory, state(objects, { unreadInNamespaces }), TAKEN_AT);
    expect(written.objects).toBe(8);
    const text = await readFile(join(directory, 'k8s', 'configmap.json'), 'utf8');
    expect(text).not.toContain('PLANTED-value');
    expect(JSON.parse(text).items).toHaveLength(4);
    const replayed = await new SnapshotSource(directory).collect(new Set(['ConfigMap', 'Namespace']));
    expect(replayed.kubernetes.get('ConfigMap', 'constructor', 'constructor')?.data).toEqual({ constructor: 'REDACTED', 'server.insecure': 'REDACTED' });
    expect(replayed.unreadInNamespaces?.get('__proto__')).toEqual([{ resource: 'secrets', reason: '403 secrets is forbidden' }]);
  });

  it('a run that fails half-way leaves the directory empty and nothing beside it', async () => {
    const { parent, directory } = await place();
    // JSON.stringify throws on a BigInt: the cluster is written after project.json and iam-policy.json.
    const failing = state([], { project: { projectId: 'p', projectNumber: '1' }, iamPolicy: { bindings: [] }, cluster: { name: 'c', nodePools: [{ initialNodeCount: 1n as unknown as number }] } });
    await expect(writeSnapshot(directory, failing, TAKEN_AT)).rejects.toThrow(/BigInt/);
    expect(await readdir(parent)).toEqual(['snapshot']);
    expect(await readdir(directory)).toEqual([]);
  });

  it('writes where a link the user named points (the link stays)', async () => {
    const { parent } = await place();
    const real = join(parent, 'real');
    await mkdir(real);
    await symlink(real, join(parent, 'link'));
    await writeSnapshot(join(parent, 'link'), state([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } } as KubeObject]), TAKEN_AT);
    expect(await filesBelow(real)).toEqual(['REDACTED.md', 'k8s/namespace.json', 'snapshot.json']);
    expect((await readdir(parent)).sort()).toEqual(['link', 'real']);
  });
});

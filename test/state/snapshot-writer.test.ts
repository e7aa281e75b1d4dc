import { mkdir, mkdtemp, readdir, readFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterState } from '../../src/state/cluster-state.js';
import { KubernetesObjects } from '../../src/state/cluster-state.js';
import type { KubeObject } from '../../src/state/kubernetes-types.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';
import { SnapshotWriter, writeSnapshot } from '../../src/state/snapshot/snapshot-writer.js';
import { KindsAsRead } from '../../src/state/snapshot/kinds-as-read.js';
import { writeListFiles } from '../../src/state/snapshot/list-files.js';
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

  it('lists cut at the cap are written to unread.json and replayed', async () => {
    const { directory } = await place();
    const cappedLists = new Map([['Event' as const, [{ namespace: 'shop', fieldSelector: 'type=Warning', read: 500, unreadAtMost: 10 }]]]);
    await writeSnapshot(directory, state([], { cappedLists }), TAKEN_AT);
    expect(JSON.parse(await readFile(join(directory, 'unread.json'), 'utf8')).cappedLists).toEqual({ Event: [{ namespace: 'shop', fieldSelector: 'type=Warning', read: 500, unreadAtMost: 10 }] });
    const replayed = await new SnapshotSource(directory).collect(new Set(['Event']));
    expect(replayed.cappedLists).toEqual(cappedLists);
  });

  it.each([
    // JSON.stringify throws on a BigInt: the cluster is written after project.json and iam-policy.json; the last Namespace after the others.
    ['the cluster', state([], { project: { projectId: 'p', projectNumber: '1' }, iamPolicy: { bindings: [] }, cluster: { name: 'c', nodePools: [{ initialNodeCount: 1n as unknown as number }] } })],
    ['an object', state(['a', 'b', 'c'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, ...(name === 'c' ? { spec: { size: 1n } } : {}) }) as KubeObject))],
  ])('a run that fails half-way (at %s) leaves the directory empty and nothing beside it', async (_at, failing) => {
    const { parent, directory } = await place();
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

describe('writeListFiles', () => {
  const pods = Array.from({ length: 40 }, (_, index) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `web-${index}`, namespace: 'shop' }, spec: { containers: [{ name: 'web' }] } }));
  const list = (items: unknown[]) => ({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } });

  it('writes what kubectl get -o json prints, byte for byte, one item at a time', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-lists-'));
    expect(await writeListFiles(directory, 'pod', pods)).toEqual(['k8s/pod.json']);
    expect(await readFile(join(directory, 'k8s', 'pod.json'), 'utf8')).toBe(`${JSON.stringify(list(pods), null, 4)}\n`);
    expect(await writeListFiles(directory, 'service', [])).toEqual([]);
  });

  it('starts a new file before one passes the size limit, each a List the reader takes back', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-lists-'));
    const files = await writeListFiles(directory, 'pod', pods, 2_000);
    expect(files.slice(0, 3)).toEqual(['k8s/pod.json', 'k8s/pod/2.json', 'k8s/pod/3.json']);
    const items: unknown[] = [];
    for (const file of files) {
      const text = await readFile(join(directory, file), 'utf8');
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2_000);
      const parsed = JSON.parse(text) as { items: unknown[] };
      expect(text).toBe(`${JSON.stringify(list(parsed.items), null, 4)}\n`);
      items.push(...parsed.items);
    }
    expect(items).toEqual(pods);
    const replayed = await new SnapshotSource(directory).collect(new Set(['Pod']));
    expect(replayed.kubernetes.list('Pod')).toHaveLength(40);
  });
});

describe('SnapshotWriter: each kind written as its lists are read (issue 27)', () => {
  const pod = (namespace: string, name: string, value = 'hunter2') =>
    ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'app', env: [{ name: 'DB_PASSWORD', value }] }] } }) as KubeObject;
  const namespaces = ['a', 'b'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }) as KubeObject);
  const pods = [pod('a', 'web-1'), pod('a', 'web-2'), pod('b', 'web-1')];
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'a' }, data: { password: 'hunter2' } } as KubeObject;
  const cluster = () => state([...namespaces, ...pods, configMap]);

  async function contents(directory: string): Promise<Record<string, string>> {
    const files = await filesBelow(directory);
    return Object.fromEntries(await Promise.all(files.map(async (file) => [file, await readFile(join(directory, file), 'utf8')] as const)));
  }

  it.each([
    ['in the order the API server lists them', [namespaces, pods, [configMap], namespaces]],
    ['out of order, one list per namespace, and objects not in the state', [[pods[2]!], pods.slice(0, 2), [...namespaces].reverse(), [pod('c', 'gone')], [configMap]]],
  ])('%s: byte for byte what writing the whole state gives, no secret in it', async (_name, lists) => {
    const whole = await place();
    await writeSnapshot(whole.directory, cluster(), TAKEN_AT);
    const { parent, directory } = await place();
    const writer = await SnapshotWriter.start(directory);
    for (const list of lists) writer.read(list);
    const written = await writer.finish(cluster(), TAKEN_AT);
    expect(await readdir(parent)).toEqual(['snapshot']);
    const files = await contents(directory);
    expect(files).toEqual(await contents(whole.directory));
    expect(Object.keys(files)).toEqual(written.files.sort());
    expect(Object.values(files).join('\n')).not.toContain('hunter2');
  });

  it('hands over a kind only when what was written is its objects in the writer\'s order', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-as-read-'));
    const kinds = new KindsAsRead(directory);
    kinds.add(pods);
    kinds.add(namespaces);
    await kinds.close();
    expect(await kinds.take('pod', pods)).toEqual({ files: ['k8s/pod.json'], redactions: pods.map((object) => ({ resource: `Pod/${object.metadata!.namespace}/${object.metadata!.name}`, what: 'spec.containers[app].env values of DB_PASSWORD' })) });
    expect(await kinds.take('namespace', [...namespaces].reverse())).toBeUndefined();
    expect(await filesBelow(directory)).toEqual(['k8s/pod.json']);
  });

  it('leaves nothing when the read fails', async () => {
    const { parent, directory } = await place();
    const writer = await SnapshotWriter.start(directory);
    writer.read(pods);
    await writer.abandon();
    expect(await readdir(parent)).toEqual(['snapshot']);
    expect(await readdir(directory)).toEqual([]);
  });
});

import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DataKey } from '../../src/state/cluster-state.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';
import { fixturePath } from '../support/fixtures.js';

async function snapshot(files: Record<string, string>): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'gke-doctor-snapshot-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(directory, path, '..'), { recursive: true });
    await writeFile(join(directory, path), text);
  }
  return directory;
}

const ALL: DataKey[] = ['project', 'iamPolicy', 'cluster', 'eventarcTriggers', 'healthChecks', 'backendServices', 'Namespace', 'Pod'];

describe('SnapshotSource', () => {
  it('reads the seed fixture: target, GCP data, Kubernetes objects by kind and namespace, and when it was taken', async () => {
    const state = await new SnapshotSource(fixturePath('seed-eventarc-stuck-namespace')).collect(new Set(ALL));
    expect(state.target).toEqual({ source: 'snapshot', project: 'acme-jobs-prod', location: 'asia-northeast1', cluster: 'prod-cluster' });
    expect(state.project?.projectNumber).toBe('123456789012');
    expect(state.eventarcTriggers).toHaveLength(1);
    expect(state.kubernetes.list('Namespace').map((n) => n.metadata?.name)).toEqual(['default', 'events-system', 'jobapp', 'kube-system']);
    expect(state.kubernetes.inNamespace('jobapp').map((o) => o.kind)).toEqual(['Service', 'Pod']);
    expect(state.kubernetes.get('Service', 'jobapp', 'jobapp')?.spec?.ports?.[0]?.targetPort).toBe(8080);
    expect(state.observedAt?.toISOString()).toBe('2023-12-04T09:30:00.000Z');
    expect([...state.unavailable.keys()]).toEqual(['healthChecks', 'backendServices']);
  });

  it('makes every file optional: a missing file is unavailable with the command that writes it', async () => {
    const state = await new SnapshotSource(await snapshot({})).collect(new Set(ALL));
    expect(state.unavailable.get('iamPolicy')).toMatch(/iam-policy\.json is not in the snapshot \(gcloud projects get-iam-policy PROJECT --format=json\)/);
    expect(state.unavailable.get('Pod')).toMatch(/k8s\/ is not in the snapshot/);
    expect(state.target).toEqual({ source: 'snapshot', project: null, location: null, cluster: null });
  });

  it('reads only what is asked for', async () => {
    const directory = await snapshot({ 'eventarc-triggers.json': 'not json', 'k8s/bad.yaml': ': : :' });
    const state = await new SnapshotSource(directory).collect(new Set<DataKey>(['cluster']));
    expect(state.unavailable.has('eventarcTriggers')).toBe(false);
  });

  it.each([
    { name: 'the gcloud array', text: '[{"name":"projects/p/locations/l/triggers/t"}]' },
    { name: 'the REST list shape', text: '{"triggers":[{"name":"projects/p/locations/l/triggers/t"}]}' },
  ])('accepts Eventarc triggers as $name', async ({ text }) => {
    const state = await new SnapshotSource(await snapshot({ 'eventarc-triggers.json': text })).collect(new Set<DataKey>(['eventarcTriggers']));
    expect(state.eventarcTriggers?.map((t) => t.name)).toEqual(['projects/p/locations/l/triggers/t']);
  });

  it('takes the target from the cluster selfLink when project.json is absent', async () => {
    const cluster = { name: 'c', selfLink: 'https://container.googleapis.com/v1/projects/p1/zones/us-central1-a/clusters/c' };
    const state = await new SnapshotSource(await snapshot({ 'cluster.json': JSON.stringify(cluster) })).collect(new Set());
    expect(state.target).toEqual({ source: 'snapshot', project: 'p1', location: 'us-central1-a', cluster: 'c' });
  });

  it.each<{ files: Record<string, string>; error: RegExp }>([
    { files: { 'cluster.json': '{"name": ' }, error: /cluster\.json: invalid JSON: / },
    { files: { 'cluster.json': '[]' }, error: /cluster\.json: expected the output of `gcloud container clusters describe/ },
    { files: { 'project.json': '{"name":"x"}' }, error: /project\.json: expected the output of `gcloud projects describe PROJECT --format=json`: an object with "projectId"/ },
    { files: { 'iam-policy.json': '{"bindings":{}}' }, error: /iam-policy\.json: .*"bindings" is an array/ },
    { files: { 'eventarc-triggers.json': '[{"uid":"x"}]' }, error: /eventarc-triggers\.json: .*each with a "name"/ },
    { files: { 'compute/health-checks.json': '{"a":1}' }, error: /health-checks\.json: expected the output of `gcloud compute health-checks list/ },
    { files: { 'k8s/ns/broken.yaml': 'kind: [' }, error: /k8s\/ns\/broken\.yaml:1: invalid YAML/ },
    { files: { 'snapshot.json': '{"takenAt":"yesterday"}' }, error: /snapshot\.json: "takenAt" must be an RFC 3339 timestamp/ },
  ])('rejects malformed input with one line naming the file: $error', async ({ files, error }) => {
    const source = new SnapshotSource(await snapshot(files));
    await expect(source.collect(new Set(ALL))).rejects.toThrow(error);
  });

  it('follows symbolic links in k8s/ (a snapshot assembled from files kept elsewhere), and names a broken one', async () => {
    const directory = await snapshot({});
    const seedK8s = join(fixturePath('seed-eventarc-stuck-namespace'), 'k8s');
    await mkdir(join(directory, 'k8s'));
    for (const file of ['namespaces.yaml', 'jobapp.yaml']) await symlink(join(seedK8s, file), join(directory, 'k8s', file));
    const state = await new SnapshotSource(directory).collect(new Set<DataKey>(['Namespace', 'Pod']));
    expect(state.kubernetes.list('Namespace').map((n) => n.metadata?.name)).toEqual(['default', 'events-system', 'jobapp', 'kube-system']);
    await symlink(join(directory, 'nowhere.yaml'), join(directory, 'k8s', 'broken.yaml'));
    await expect(new SnapshotSource(directory).collect(new Set<DataKey>(['Namespace']))).rejects.toThrow(/^.*k8s\/broken\.yaml: cannot read: ENOENT$/);
  });

  it('rejects a directory that does not exist', async () => {
    await expect(new SnapshotSource('/nonexistent/snap').collect(new Set())).rejects.toThrow('/nonexistent/snap: not a snapshot directory');
  });
});

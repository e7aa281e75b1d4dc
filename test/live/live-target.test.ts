import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import type { TargetOptions } from '../../src/state/live/live-target.js';
import { requireCluster, resolveLiveTarget } from '../../src/state/live/live-target.js';

async function environment(currentContext: string | null, contexts: string[], gcloudProject?: string) {
  const home = await mkdtemp(join(tmpdir(), 'gke-doctor-target-'));
  const kubeconfig = join(home, 'kubeconfig');
  await writeFile(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      ...(currentContext ? { 'current-context': currentContext } : {}),
      clusters: contexts.map((name) => ({ name, cluster: { server: `https://${name}.example` } })),
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: contexts.map((name) => ({ name, context: { cluster: name, user: 'u' } })),
    }),
  );
  const gcloud = join(home, 'gcloud');
  if (gcloudProject) {
    await mkdir(join(gcloud, 'configurations'), { recursive: true });
    await writeFile(join(gcloud, 'active_config'), 'work\n');
    await writeFile(join(gcloud, 'configurations', 'config_work'), `[compute]\nregion = x\n[core]\naccount = a@example.com\nproject = ${gcloudProject}\n`);
  }
  return { KUBECONFIG: kubeconfig, CLOUDSDK_CONFIG: gcloud } as NodeJS.ProcessEnv;
}

describe('resolveLiveTarget', () => {
  it.each<[string, string | null, string[], TargetOptions, string | undefined, Partial<ReturnType<typeof resolveLiveTarget>>]>([
    ['a GKE context names all three', 'gke_p1_us-central1_c1', ['gke_p1_us-central1_c1'], {}, undefined, { project: 'p1', location: 'us-central1', cluster: 'c1' }],
    ['flags that agree with the context', 'gke_p1_us-central1_c1', ['gke_p1_us-central1_c1'], { project: 'p1' }, undefined, { project: 'p1', cluster: 'c1' }],
    [
      'flags naming a cluster pick its get-credentials context',
      'gke_p1_l_c1',
      ['gke_p1_l_c1', 'gke_p2_l_c2'],
      { project: 'p2', location: 'l', cluster: 'c2' },
      undefined,
      { kubernetes: { files: expect.any(Array), context: 'gke_p2_l_c2', server: 'https://gke_p2_l_c2.example' } },
    ],
    ['another context name: project from gcloud config, no cluster', 'minikube', ['minikube'], {}, 'from-gcloud', { project: 'from-gcloud', location: null, cluster: null }],
    ['--context', 'gke_p1_l_c1', ['gke_p1_l_c1', 'gke_p3_eu_c3'], { context: 'gke_p3_eu_c3' }, undefined, { project: 'p3', location: 'eu', cluster: 'c3' }],
  ])('%s', async (_name, current, contexts, options, gcloudProject, expected) => {
    const env = await environment(current, contexts, gcloudProject);
    expect(resolveLiveTarget(options, env)).toMatchObject(expected);
  });

  it.each([
    [{ project: 'p2' }, /^--project p2 is not the cluster of kubeconfig context gke_p1_us-central1_c1: pass --project, --location and --cluster/],
    [{ cluster: 'other' }, /^--cluster other is not the cluster of kubeconfig context gke_p1_us-central1_c1/],
    [{ context: 'gke_p1_us-central1_c1', location: 'europe-west1' }, /^--location europe-west1 is not the cluster of kubeconfig context/],
  ])('refuses flags that contradict the context it would read Kubernetes through: %j', async (options, error) => {
    const env = await environment('gke_p1_us-central1_c1', ['gke_p1_us-central1_c1'], undefined);
    expect(() => resolveLiveTarget(options, env)).toThrow(error);
  });

  it('CLOUDSDK_CORE_PROJECT comes before the gcloud configuration', async () => {
    const env = { ...(await environment('minikube', ['minikube'], 'from-gcloud')), CLOUDSDK_CORE_PROJECT: 'from-env' };
    expect(resolveLiveTarget({}, env).project).toBe('from-env');
  });

  it('asks for --location and --cluster when the context is not a GKE one', async () => {
    const env = await environment('minikube', ['minikube'], 'p');
    expect(() => requireCluster(resolveLiveTarget({}, env))).toThrow(/which GKE cluster\? pass --location and --cluster \(kubeconfig context "minikube"/);
  });

  it.each([
    ['whose contexts are not a list', 'contexts: 5\n', /: not a kubeconfig: "contexts" must be a list$/],
    ['whose clusters are not a list', 'clusters: {a: 1}\n', /: not a kubeconfig: "clusters" must be a list$/],
    ['that is a list, not a mapping', '- a\n- b\n', /: not a kubeconfig: expected a mapping with contexts, clusters and users$/],
    ['that is binary data', '\u0000\u0001\u0002 garbage', /: not a kubeconfig: expected a mapping with contexts, clusters and users$/],
  ])('a kubeconfig %s: one line naming the file', async (_name, text, error) => {
    const file = join(await mkdtemp(join(tmpdir(), 'gke-doctor-target-')), 'kubeconfig');
    await writeFile(file, text);
    expect(() => resolveLiveTarget({ kubeconfig: file }, { CLOUDSDK_CONFIG: '/nonexistent' })).toThrow(InputError);
    expect(() => resolveLiveTarget({ kubeconfig: file }, { CLOUDSDK_CONFIG: '/nonexistent' })).toThrow(error);
  });

  it('nothing at all: one line saying which flags to pass', () => {
    expect(() => resolveLiveTarget({}, { KUBECONFIG: '/nonexistent', CLOUDSDK_CONFIG: '/nonexistent' })).toThrow(InputError);
    expect(() => resolveLiveTarget({}, { KUBECONFIG: '/nonexistent', CLOUDSDK_CONFIG: '/nonexistent' })).toThrow(/^no target: pass --project, --location and --cluster/);
  });
});

describe('docs/permissions.md', () => {
  it('names every permission the live source can report missing, with its role', async () => {
    const { readFile } = await import('node:fs/promises');
    const { GCP_DATA_SOURCES, permissionsOf } = await import('../../src/state/live/live-gcp.js');
    const { REPO_ROOT } = await import('../support/fixtures.js');
    const text = await readFile(`${REPO_ROOT}docs/permissions.md`, 'utf8');
    const customRole = /--permissions=(\S+)/.exec(text)?.[1]?.split(',') ?? [];
    for (const source of Object.values(GCP_DATA_SOURCES)) {
      expect(customRole).toEqual(expect.arrayContaining(permissionsOf(source)));
      expect(text).toContain(`| ${permissionsOf(source).map((permission) => `\`${permission}\``).join(', ')} | \`${source.role}\` |`);
    }
  });
});

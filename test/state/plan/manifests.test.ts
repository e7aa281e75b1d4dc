import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubernetesResourceName } from '../../../src/state/cluster-state.js';
import { InputError } from '../../../src/errors.js';
import { STDIN_FILE, readManifests } from '../../../src/state/plan/manifest-files.js';
import { fixturePath } from '../../support/fixtures.js';

const noStdin = async () => {
  throw new Error('stdin read');
};

describe('readManifests', () => {
  it('reads a directory recursively, each object at its file and line', async () => {
    const objects = await readManifests([fixturePath('preflight/argocd-manifests')], noStdin);
    const where = Object.fromEntries(objects.map(({ object, location }) => [kubernetesResourceName(object), `${location.file}:${location.line}`]));
    const dir = relative(process.cwd(), fixturePath('preflight/argocd-manifests'));
    expect(where).toEqual({
      'ConfigMap/argocd/argocd-cmd-params-cm': `${dir}/argocd-server.yaml:1`,
      'Service/argocd/argocd-server': `${dir}/argocd-server.yaml:11`,
      'Deployment/argocd/argocd-server': `${dir}/argocd-server.yaml:35`,
      'Ingress/argocd/argocd-server': `${dir}/ingress/argocd-server-ingress.yaml:1`,
    });
  });

  it('reads - from standard input (what helm template prints)', async () => {
    const rendered = ['---', '# Source: app/templates/ns.yaml', 'apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: app', ''].join('\n');
    const objects = await readManifests(['-'], async () => rendered);
    expect(objects.map(({ object, location }) => [kubernetesResourceName(object), location])).toEqual([['Namespace/app', { file: STDIN_FILE, line: 3 }]]);
  });

  it('reads a named file whatever its extension, JSON included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gke-doctor-manifests-'));
    writeFileSync(join(dir, 'rendered.txt'), JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }));
    const objects = await readManifests([join(dir, 'rendered.txt')], noStdin);
    expect(objects.map(({ object }) => kubernetesResourceName(object))).toEqual(['Namespace/x']);
  });

  it.each([
    [['does/not/exist'], '--manifests does/not/exist: no such file or directory'],
    [['-'], '<stdin>:1: invalid YAML: Nested mappings'],
  ])('%j -> %s', async (paths, message) => {
    const read = readManifests(paths, async () => 'kind: Namespace\n  bad: [\n');
    await expect(read).rejects.toThrow(InputError);
    await expect(readManifests(paths, async () => 'kind: Namespace\n  bad: [\n')).rejects.toThrow(message);
  });
});

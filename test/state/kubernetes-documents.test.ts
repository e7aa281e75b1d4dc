import { describe, expect, it } from 'vitest';
import { parseKubernetesDocuments } from '../../src/state/files/kubernetes-documents.js';

const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'a' } });
const names = async (file: string, text: string) =>
  (await parseKubernetesDocuments(file, text)).map(({ object, line }) => [object.kind, object.metadata?.name, line]);

describe('parseKubernetesDocuments: what kubectl, helm and kustomize print', () => {
  it('reads a single YAML object', async () => {
    expect(await names('a.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p1\n')).toEqual([['Pod', 'p1', 1]]);
  });

  it('reads multi-document YAML with the line of each object, skipping empty documents', async () => {
    const text = '---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p1\n---\n# comment only\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s1\n';
    expect(await names('a.yaml', text)).toEqual([
      ['Pod', 'p1', 2],
      ['Service', 's1', 9],
    ]);
  });

  it('flattens a kubectl List in YAML, with the line of each item', async () => {
    const text = 'apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p1\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p2\nkind: List\nmetadata:\n  resourceVersion: ""\n';
    expect(await names('a.yaml', text)).toEqual([
      ['Pod', 'p1', 3],
      ['Pod', 'p2', 7],
    ]);
  });

  it('flattens a raw API list (PodList), whose items carry no kind', async () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'p1' } }] });
    const [located] = await parseKubernetesDocuments('pods.json', text);
    expect(located?.object).toMatchObject({ kind: 'Pod', apiVersion: 'v1' });
  });

  it('reads JSON objects printed back to back', async () => {
    const text = `${JSON.stringify(pod('p1'), null, 2)}\n${JSON.stringify(pod('p2'), null, 2)}\n`;
    expect(await names('a.json', text)).toEqual([
      ['Pod', 'p1', 1],
      ['Pod', 'p2', 9],
    ]);
  });

  it('accepts an empty file', async () => {
    expect(await names('a.yaml', '')).toEqual([]);
    expect(await names('a.json', '  \n')).toEqual([]);
  });

  it.each([
    { file: 'bad.yaml', text: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n', error: /^bad\.yaml:\d+: invalid YAML: Flow sequence/ },
    { file: 'bad.yaml', text: 'a: 1\n b: 2\n', error: /^bad\.yaml:\d+: invalid YAML/ },
    { file: 'bad.json', text: '{\n  "kind": "Pod",\n  "apiVersion": "v1",\n  oops\n}', error: /^bad\.json:4: invalid JSON/ },
    { file: 'list.yaml', text: '- a\n- b\n', error: /^list\.yaml:1: expected a Kubernetes object, found an array$/ },
    { file: 'nokind.yaml', text: 'metadata:\n  name: x\n', error: /^nokind\.yaml:1: a Kubernetes object needs "kind" and "apiVersion"$/ },
    {
      file: 'aliases.yaml',
      text: `a: &a [x, x, x, x, x, x, x, x, x]\n${['b', 'c', 'd', 'e', 'f', 'g'].map((key, i) => `${key}: &${key} [${Array(9).fill(`*${'abcdefg'[i]}`).join(', ')}]`).join('\n')}\n`,
      error: /^aliases\.yaml:1: invalid YAML: Excessive alias count/,
    },
    { file: 'noname.yaml', text: 'apiVersion: v1\nkind: Pod\nmetadata: {}\n', error: /^noname\.yaml:1: Pod has no metadata\.name$/ },
  ])('$file: one-line error naming the file and line', async ({ file, text, error }) => {
    await expect(parseKubernetesDocuments(file, text)).rejects.toThrow(error);
    try {
      await parseKubernetesDocuments(file, text);
    } catch (thrown) {
      expect((thrown as Error).message).not.toContain('\n');
      expect((thrown as Error).name).toBe('InputError');
    }
  });
});

describe('a large YAML file (read by js-yaml)', () => {
  // Over the size where the yaml library's document model costs too much memory: a long comment gets there cheaply.
  const padding = `# ${'x'.repeat(8_000_001)}\n`;
  const list = [
    'apiVersion: v1',
    'kind: List',
    'items:',
    '- apiVersion: v1',
    '  kind: Namespace',
    '  metadata: {name: events-system, deletionTimestamp: 2023-12-01T03:41:52Z}',
    '  spec: {finalizers: [kubernetes]}',
    '- apiVersion: v1',
    '  kind: ConfigMap',
    '  metadata: {name: settings, namespace: events-system}',
    '  data: {enabled: "true", port: "8080"}',
  ].join('\n');

  it('gives the same objects as the yaml library, timestamps as strings', async () => {
    const small = (await parseKubernetesDocuments('k8s/objects.yaml', list)).map(({ object }) => object);
    const large = (await parseKubernetesDocuments('k8s/objects.yaml', `${padding}${list}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n`)).map(({ object }) => object);
    expect(large.slice(0, 2)).toEqual(small);
    expect(large[0]!.metadata!.deletionTimestamp).toBe('2023-12-01T03:41:52Z');
    expect(large[2]!.metadata!.name).toBe('other');
  });

  it('names the file and line of a syntax error', async () => {
    await expect(parseKubernetesDocuments('k8s/objects.yaml', `${padding}${list}\n  metadata: [unclosed\n`)).rejects.toThrow(/^k8s\/objects\.yaml:1[34]: invalid YAML: /);
  });

  it('refuses an item that is not a Kubernetes object, naming the file', async () => {
    await expect(parseKubernetesDocuments('k8s/objects.yaml', `${padding}apiVersion: v1\nkind: List\nitems:\n- just a string\n`)).rejects.toThrow('k8s/objects.yaml: expected a Kubernetes object, found a string');
  });
});

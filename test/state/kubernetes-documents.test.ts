import { describe, expect, it } from 'vitest';
import { parseKubernetesDocuments } from '../../src/state/files/kubernetes-documents.js';

const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'a' } });
const names = (file: string, text: string) =>
  parseKubernetesDocuments(file, text).map(({ object, line }) => [object.kind, object.metadata?.name, line]);

describe('parseKubernetesDocuments: what kubectl, helm and kustomize print', () => {
  it('reads a single YAML object', () => {
    expect(names('a.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p1\n')).toEqual([['Pod', 'p1', 1]]);
  });

  it('reads multi-document YAML with the line of each object, skipping empty documents', () => {
    const text = '---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p1\n---\n# comment only\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s1\n';
    expect(names('a.yaml', text)).toEqual([
      ['Pod', 'p1', 2],
      ['Service', 's1', 9],
    ]);
  });

  it('flattens a kubectl List in YAML, with the line of each item', () => {
    const text = 'apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p1\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p2\nkind: List\nmetadata:\n  resourceVersion: ""\n';
    expect(names('a.yaml', text)).toEqual([
      ['Pod', 'p1', 3],
      ['Pod', 'p2', 7],
    ]);
  });

  it('flattens a raw API list (PodList), whose items carry no kind', () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'p1' } }] });
    const [located] = parseKubernetesDocuments('pods.json', text);
    expect(located?.object).toMatchObject({ kind: 'Pod', apiVersion: 'v1' });
  });

  it('reads JSON objects printed back to back', () => {
    const text = `${JSON.stringify(pod('p1'), null, 2)}\n${JSON.stringify(pod('p2'), null, 2)}\n`;
    expect(names('a.json', text)).toEqual([
      ['Pod', 'p1', 1],
      ['Pod', 'p2', 9],
    ]);
  });

  it('accepts an empty file', () => {
    expect(names('a.yaml', '')).toEqual([]);
    expect(names('a.json', '  \n')).toEqual([]);
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
  ])('$file: one-line error naming the file and line', ({ file, text, error }) => {
    expect(() => parseKubernetesDocuments(file, text)).toThrow(error);
    try {
      parseKubernetesDocuments(file, text);
    } catch (thrown) {
      expect((thrown as Error).message).not.toContain('\n');
      expect((thrown as Error).name).toBe('InputError');
    }
  });
});

/** A namespace stuck on the `kubernetes` finalizer with nothing left in it, as `kubectl get ns -o json` shows one. */
export function stuckNamespace(name: string, uid: string) {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, uid, resourceVersion: '4100', creationTimestamp: '2023-11-01T00:00:00Z', deletionTimestamp: '2023-12-01T00:00:00Z' },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Terminating' },
  };
}

/** A snapshot's `k8s/namespaces.json` holding those namespaces (name, uid), for `temporaryFixture`. */
export function stuckNamespaceFiles(namespaces: readonly (readonly [name: string, uid: string])[]): { 'k8s/namespaces.json': string } {
  return { 'k8s/namespaces.json': JSON.stringify({ apiVersion: 'v1', kind: 'List', items: namespaces.map(([name, uid]) => stuckNamespace(name, uid)) }) };
}

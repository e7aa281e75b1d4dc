import picomatch from 'picomatch';

/** Namespaces Kubernetes and GKE run themselves: never finalized without `--force`. */
const PROTECTED_NAMES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'default']);
const PROTECTED_PREFIXES = ['gke-', 'gmp-'];

export function isProtectedNamespace(name: string): boolean {
  return PROTECTED_NAMES.has(name) || PROTECTED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** Whether the user's config protects `name` too (`checks.terminating-namespace.protected-namespaces`: names or globs). */
export function isProtectedByConfig(name: string, patterns: readonly string[]): boolean {
  return patterns.length > 0 && picomatch(patterns as string[])(name);
}

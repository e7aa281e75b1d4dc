// Complete Kubernetes manifests a fix prints, to apply as they are.

/** The lines a namespaced object's YAML opens with, through `spec:`. */
export function manifestHead(apiVersion: string, kind: string, name: string, namespace: string): string[] {
  return [`apiVersion: ${apiVersion}`, `kind: ${kind}`, 'metadata:', `  name: ${name}`, `  namespace: ${namespace}`, 'spec:'];
}

/** `kubectl apply` of a complete manifest, as one command (a heredoc). */
export function applyManifestCommand(yaml: string | readonly string[]): string {
  return ['kubectl apply -f - <<\'EOF\'', ...(typeof yaml === 'string' ? [yaml] : yaml), 'EOF'].join('\n');
}

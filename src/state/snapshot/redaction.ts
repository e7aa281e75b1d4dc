import type { Cluster } from '../gcp-types.js';
import type { KubeObject } from '../kubernetes-types.js';

/**
 * Values checks read, kept in a snapshot (everything else of their kind is
 * redacted). argocd-server answers plain HTTP with a 307 unless one of these
 * says insecure (argoproj/argo-cd server/server.go, cmd/argocd-server).
 */
export const KEPT_VALUES = {
  configMapKeys: { 'argocd-cmd-params-cm': ['server.insecure'] } as Record<string, string[]>,
  envNames: ['ARGOCD_SERVER_INSECURE'],
};

/** base64 of "REDACTED": Secret data stays valid base64, so the object stays a valid Secret. */
const REDACTED_BASE64 = Buffer.from('REDACTED').toString('base64');
const REDACTED = 'REDACTED';

/** What was removed from one object, for REDACTED.md. */
export interface Redaction {
  resource: string;
  what: string;
}

/** Removes what must not leave the cluster from a copy of `object`: Secret data, env values, ConfigMap data, managedFields, tokens. */
export function redactObject(object: KubeObject, resource: string): { object: KubeObject; redactions: Redaction[] } {
  const copy = structuredClone(object) as KubeObject & Record<string, unknown>;
  const redactions: Redaction[] = [];
  const note = (what: string) => redactions.push({ resource, what });
  const metadata = copy.metadata as Record<string, unknown> | undefined;
  if (metadata?.managedFields) {
    delete metadata.managedFields;
    note('metadata.managedFields');
  }
  const annotations = metadata?.annotations as Record<string, string> | undefined;
  // kubectl apply keeps the whole applied object here, Secret data and env values included.
  if (annotations?.['kubectl.kubernetes.io/last-applied-configuration'] !== undefined) {
    annotations['kubectl.kubernetes.io/last-applied-configuration'] = REDACTED;
    note('annotation kubectl.kubernetes.io/last-applied-configuration');
  }
  if (copy.kind === 'Secret') {
    for (const field of ['data', 'stringData'] as const) {
      const data = copy[field] as Record<string, string> | undefined;
      if (!data || Object.keys(data).length === 0) continue;
      for (const key of Object.keys(data)) data[key] = field === 'data' ? REDACTED_BASE64 : REDACTED;
      note(`${field} values (keys kept: ${Object.keys(data).join(', ')})`);
    }
  }
  if (copy.kind === 'ConfigMap') {
    const kept = KEPT_VALUES.configMapKeys[String(metadata?.name)] ?? [];
    const data = copy.data as Record<string, string> | undefined;
    const redacted = Object.keys(data ?? {}).filter((key) => !kept.includes(key));
    for (const key of redacted) data![key] = REDACTED;
    if (redacted.length) note(`data values of ${redacted.join(', ')}`);
    const binary = copy.binaryData as Record<string, string> | undefined;
    if (binary && Object.keys(binary).length) {
      for (const key of Object.keys(binary)) binary[key] = REDACTED_BASE64;
      note(`binaryData values of ${Object.keys(binary).join(', ')}`);
    }
  }
  for (const [path, spec] of podSpecs(copy)) {
    for (const group of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
      for (const container of (spec[group] as { name?: string; env?: { name: string; value?: string }[] }[] | undefined) ?? []) {
        const redacted = (container.env ?? []).filter((variable) => variable.value !== undefined && !KEPT_VALUES.envNames.includes(variable.name));
        for (const variable of redacted) variable.value = REDACTED;
        if (redacted.length) note(`${path}${group}[${container.name}].env values of ${redacted.map((variable) => variable.name).join(', ')}`);
      }
    }
  }
  return { object: copy, redactions };
}

/** A Pod's spec, or the pod template of a workload (`spec.template.spec`; a CronJob's `spec.jobTemplate.spec.template.spec`). */
function podSpecs(object: Record<string, unknown>): [string, Record<string, unknown>][] {
  const spec = object.spec as Record<string, unknown> | undefined;
  if (!spec) return [];
  if (object.kind === 'Pod') return [['spec.', spec]];
  const template = (spec.template as { spec?: Record<string, unknown> } | undefined)?.spec;
  const jobTemplate = (spec.jobTemplate as { spec?: { template?: { spec?: Record<string, unknown> } } } | undefined)?.spec?.template?.spec;
  return [
    ...(template ? ([['spec.template.spec.', template]] as [string, Record<string, unknown>][]) : []),
    ...(jobTemplate ? ([['spec.jobTemplate.spec.template.spec.', jobTemplate]] as [string, Record<string, unknown>][]) : []),
  ];
}

/** The cluster's credentials (legacy basic auth, client key) are removed; the CA certificate is public and stays. */
export function redactCluster(cluster: Cluster, resource: string): { cluster: Cluster; redactions: Redaction[] } {
  const copy = structuredClone(cluster);
  const redactions: Redaction[] = [];
  const auth = copy.masterAuth as Record<string, unknown> | undefined | null;
  for (const field of ['password', 'clientKey', 'clientCertificate']) {
    if (auth && auth[field]) {
      delete auth[field];
      redactions.push({ resource, what: `masterAuth.${field}` });
    }
  }
  return { cluster: copy, redactions };
}

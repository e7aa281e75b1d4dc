import type { Cluster } from '../gcp-types.js';
import type { KubeObject } from '../kubernetes-types.js';
import { KUBERNETES_KINDS } from '../kubernetes-types.js';

/**
 * Values checks read, kept in a snapshot (everything else of their kind is
 * redacted). argocd-server answers plain HTTP with a 307 unless one of these
 * says insecure (argoproj/argo-cd server/server.go, cmd/argocd-server); the
 * load balancer's health check sends the readinessProbe's Host header
 * (ingress-gce pkg/controller/translator/translator.go getHTTPProbe).
 */
export const KEPT_VALUES = {
  configMapKeys: { 'argocd-cmd-params-cm': ['server.insecure'] } as Record<string, string[]>,
  envNames: ['ARGOCD_SERVER_INSECURE'],
  /** Command-line flags whose value checks read (`--insecure=false`). */
  flags: ['insecure'],
  probeHeaders: ['host'],
  /**
   * Annotations checks, the GKE controllers they model, and suppressions read, by prefix: GKE's
   * (cloud.google.com/neg, app-protocols, backend-config, networking.gke.io/*, the ingress
   * controller's ingress.kubernetes.io/backends and kubernetes.io/ingress.* keys), the ingress
   * class ones, Eventarc's, Argo CD's, and gke-doctor.io/ignore*.
   */
  annotationPrefixes: [
    'cloud.google.com/',
    'beta.cloud.google.com/',
    'networking.gke.io/',
    'gke.networking.io/',
    'ingress.kubernetes.io/',
    'ingress.gcp.kubernetes.io/',
    'kubernetes.io/ingress.',
    'ingressclass.kubernetes.io/',
    'service.alpha.kubernetes.io/app-protocols',
    'events.cloud.google.com/',
    'argocd.argoproj.io/',
    'gke-doctor.io/',
    'deployment.kubernetes.io/',
  ],
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
  redactAnnotations(metadata, 'metadata', note);
  if (!KUBERNETES_KINDS.includes(copy.kind as (typeof KUBERNETES_KINDS)[number])) {
    // A kind no check reads (a custom resource left in a Terminating namespace, a Secret): its metadata is all that is judged.
    const dropped = Object.keys(copy).filter((field) => !['apiVersion', 'kind', 'metadata'].includes(field));
    for (const field of dropped) delete copy[field];
    if (dropped.length) note(`${dropped.join(', ')} (a kind no check reads: metadata kept)`);
  }
  if (copy.kind === 'Event') redactEventMessage(copy, note);
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
  for (const [path, spec, templateMetadata] of podSpecs(copy)) {
    redactAnnotations(templateMetadata, `${path.replace(/spec\.$/, '')}metadata`, note);
    for (const group of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
      for (const container of (spec[group] as ContainerFields[] | undefined) ?? []) {
        const where = `${path}${group}[${container.name}]`;
        const redacted = (container.env ?? []).filter((variable) => variable.value !== undefined && !KEPT_VALUES.envNames.includes(variable.name));
        for (const variable of redacted) variable.value = REDACTED;
        if (redacted.length) note(`${where}.env values of ${redacted.map((variable) => variable.name).join(', ')}`);
        for (const list of ['command', 'args'] as const) {
          const words = container[list];
          if (!Array.isArray(words)) continue;
          const redactedWords = redactCommandLine(words);
          if (redactedWords.some((word, index) => word !== words[index])) {
            container[list] = redactedWords;
            note(`${where}.${list}: values of flags and assignments`);
          }
        }
        for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const) {
          const headers = container[probe]?.httpGet?.httpHeaders ?? [];
          const secret = headers.filter((header) => header.value !== undefined && !KEPT_VALUES.probeHeaders.includes(String(header.name).toLowerCase()));
          for (const header of secret) header.value = REDACTED;
          if (secret.length) note(`${where}.${probe}.httpGet.httpHeaders values of ${secret.map((header) => header.name).join(', ')}`);
        }
      }
    }
  }
  return { object: copy, redactions };
}

/**
 * The kinds whose events load-balancer-events reads: their messages stay (the controllers' words,
 * which the check maps to causes). An event about anything else can quote anything (an exec
 * probe's output, a command line): its message goes.
 */
export const EVENT_KINDS_READ = ['Ingress', 'Service', 'Gateway', 'HTTPRoute', 'GRPCRoute', 'ManagedCertificate'];

function redactEventMessage(event: Record<string, unknown>, note: (what: string) => void): void {
  const about = (event.involvedObject ?? event.regarding) as { kind?: string } | undefined;
  if (EVENT_KINDS_READ.includes(about?.kind ?? '')) return;
  for (const field of ['message', 'note']) {
    if (typeof event[field] !== 'string' || event[field] === '') continue;
    event[field] = REDACTED;
    note(`${field} (an event about a ${about?.kind ?? 'kind'} no check reads)`);
  }
}

interface ContainerFields {
  name?: string;
  env?: { name: string; value?: string }[];
  command?: string[];
  args?: string[];
  readinessProbe?: ProbeFields;
  livenessProbe?: ProbeFields;
  startupProbe?: ProbeFields;
}

interface ProbeFields {
  httpGet?: { httpHeaders?: { name: string; value?: string }[] };
}

/**
 * A command line with what may be a secret replaced: the value of `--flag=value` and of
 * `NAME=value`, the word after a bare `--flag` or `-f` (`--token abc`, `sh -c SCRIPT`), and any
 * word with a space (a script). Flags themselves, and the program, stay: checks read them
 * (argocd-server, `--insecure`), and the words keep their places (a fix patches by index).
 */
function redactCommandLine(words: readonly string[]): string[] {
  return words.map((word, index) => {
    const assignment = /^(--?[A-Za-z][\w.-]*|[A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(word);
    if (assignment) return KEPT_VALUES.flags.includes(assignment[1]!.replace(/^--?/, '')) ? word : `${assignment[1]}=${REDACTED}`;
    if (/^--?[A-Za-z][\w.-]*$/.test(word)) return word;
    const afterFlag = index > 0 && /^--?[A-Za-z][\w.-]*$/.test(words[index - 1]!);
    return afterFlag || /\s/.test(word) ? REDACTED : word;
  });
}

/**
 * Annotations hold anything (kubectl apply keeps the whole applied object in
 * last-applied-configuration, Secret data and env values included): only the values checks
 * read are kept; every key is.
 */
function redactAnnotations(metadata: Record<string, unknown> | undefined, path: string, note: (what: string) => void): void {
  const annotations = metadata?.annotations as Record<string, string> | undefined;
  const redacted = Object.keys(annotations ?? {}).filter((key) => !KEPT_VALUES.annotationPrefixes.some((prefix) => key.startsWith(prefix)));
  for (const key of redacted) annotations![key] = REDACTED;
  if (redacted.length) note(`${path}.annotations values of ${redacted.join(', ')}`);
}

type PodTemplate = { metadata?: Record<string, unknown>; spec?: Record<string, unknown> };

/** A Pod's spec, or the pod template of a workload (`spec.template`; a CronJob's `spec.jobTemplate.spec.template`), with the template's metadata. */
function podSpecs(object: Record<string, unknown>): [string, Record<string, unknown>, Record<string, unknown> | undefined][] {
  const spec = object.spec as Record<string, unknown> | undefined;
  if (!spec) return [];
  if (object.kind === 'Pod') return [['spec.', spec, undefined]];
  const templates: [string, PodTemplate | undefined][] = [
    ['spec.template.', spec.template as PodTemplate | undefined],
    ['spec.jobTemplate.spec.template.', (spec.jobTemplate as { spec?: { template?: PodTemplate } } | undefined)?.spec?.template],
  ];
  return templates.flatMap(([path, template]) => (template?.spec ? [[`${path}spec.`, template.spec, template.metadata] as [string, Record<string, unknown>, Record<string, unknown> | undefined]] : []));
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
  // Instance metadata of the nodes: startup scripts and whatever else was put there (no check reads it).
  const nodeConfigs: [string, { metadata?: Record<string, string> } | undefined][] = [
    ['nodeConfig', copy.nodeConfig as { metadata?: Record<string, string> } | undefined],
    ...((copy.nodePools as { name?: string; config?: { metadata?: Record<string, string> } }[] | undefined) ?? []).map(
      (pool) => [`nodePools[${pool.name}].config`, pool.config] as [string, { metadata?: Record<string, string> } | undefined],
    ),
  ];
  for (const [path, config] of nodeConfigs) {
    const keys = Object.keys(config?.metadata ?? {});
    if (keys.length === 0) continue;
    for (const key of keys) config!.metadata![key] = REDACTED;
    redactions.push({ resource, what: `${path}.metadata values of ${keys.join(', ')}` });
  }
  return { cluster: copy, redactions };
}

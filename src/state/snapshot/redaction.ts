import type { GcpData, GcpDataKey } from '../cluster-state.js';
import type { BackendService, Cluster, EventarcTrigger, HealthCheck, IamPolicy } from '../gcp-types.js';
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
  /** By ConfigMap name: a Map, since a name from the API (`constructor`, `__proto__`) must never find an Object method. */
  configMapKeys: new Map<string, readonly string[]>([['argocd-cmd-params-cm', ['server.insecure']]]),
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

/**
 * Kinds whose redaction reaches deep into their spec and that are few in a cluster: copied
 * whole. Every other object is copied only where the redaction writes (the object, its metadata,
 * the path down to each value replaced): a structuredClone of every object was most of what
 * `snapshot` spent redacting (bench/notes.md), and the object itself is never changed.
 */
const COPIED_WHOLE = ['HTTPRoute', 'GRPCRoute', 'BackendConfig', 'HealthCheckPolicy'];

/** Removes what must not leave the cluster from a copy of `object` (`object` is not changed): Secret data, env values, ConfigMap data, managedFields, tokens. */
export function redactObject(object: KubeObject, resource: string): { object: KubeObject; redactions: Redaction[] } {
  const copy = (COPIED_WHOLE.includes(object.kind) ? structuredClone(object) : { ...object }) as KubeObject & Record<string, unknown>;
  const redactions: Redaction[] = [];
  const note = (what: string) => redactions.push({ resource, what });
  const metadata = isObject(copy.metadata) ? (copy.metadata = { ...copy.metadata }) : undefined;
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
    const kept = KEPT_VALUES.configMapKeys.get(String(metadata?.name)) ?? [];
    const redacted = Object.keys((copy.data as Record<string, string> | undefined) ?? {}).filter((key) => !kept.includes(key));
    if (redacted.length) {
      const data = (copy.data = { ...(copy.data as Record<string, string>) });
      for (const key of redacted) data[key] = REDACTED;
      note(`data values of ${redacted.join(', ')}`);
    }
    const binaryKeys = Object.keys((copy.binaryData as Record<string, string> | undefined) ?? {});
    if (binaryKeys.length) {
      const binary = (copy.binaryData = { ...(copy.binaryData as Record<string, string>) });
      for (const key of binaryKeys) binary[key] = REDACTED_BASE64;
      note(`binaryData values of ${binaryKeys.join(', ')}`);
    }
  }
  for (const [path, spec, templateMetadata] of podSpecs(copy)) {
    redactAnnotations(templateMetadata, `${path.replace(/spec\.$/, '')}metadata`, note);
    for (const group of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
      const containers = spec[group] as ContainerFields[] | undefined;
      if (!Array.isArray(containers)) continue;
      spec[group] = containers.map((container) => (isObject(container) ? redactContainer({ ...container }, `${path}${group}[${container.name}]`, note) : container));
    }
    if (Array.isArray(spec.volumes)) spec.volumes = redactVolumes(spec.volumes as VolumeFields[], `${path}volumes`, note);
  }
  if (copy.kind === 'HTTPRoute' || copy.kind === 'GRPCRoute') redactRouteHeaders(copy.spec as RouteFields | undefined, note);
  if (copy.kind === 'BackendConfig') redactBackendConfig(copy.spec as BackendConfigFields | undefined, note);
  if (copy.kind === 'HealthCheckPolicy') {
    const config = (copy.spec as { default?: { config?: Record<string, { requestPath?: string } | string | undefined> } } | undefined)?.default?.config ?? {};
    for (const [protocol, settings] of Object.entries(config)) {
      if (typeof settings === 'object' && settings !== null) redactQuery(settings, 'requestPath', `spec.default.config.${protocol}.requestPath`, note);
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
  readinessProbe?: HandlerFields;
  livenessProbe?: HandlerFields;
  startupProbe?: HandlerFields;
  lifecycle?: { postStart?: HandlerFields; preStop?: HandlerFields };
}

/** A probe or a lifecycle hook: what it runs or requests. */
interface HandlerFields {
  exec?: { command?: string[] };
  httpGet?: { path?: string; httpHeaders?: { name: string; value?: string }[] };
}

interface VolumeFields {
  name?: string;
  gitRepo?: { repository?: string };
  csi?: { volumeAttributes?: Record<string, string> };
  flexVolume?: { options?: Record<string, string> };
}

type HeaderModifier = { set?: { name: string; value?: string }[]; add?: { name: string; value?: string }[] };
type RouteFilter = { requestHeaderModifier?: HeaderModifier; responseHeaderModifier?: HeaderModifier };
interface RouteFields {
  rules?: { filters?: RouteFilter[]; backendRefs?: { filters?: RouteFilter[] }[] }[];
}

interface BackendConfigFields {
  healthCheck?: { requestPath?: string };
  customRequestHeaders?: { headers?: string[] };
  customResponseHeaders?: { headers?: string[] };
}

/** `container`, a copy of its own, with its secrets replaced; what it holds is copied where a value is replaced. */
function redactContainer(container: ContainerFields, where: string, note: (what: string) => void): ContainerFields {
  const env = container.env ?? [];
  const redacted = env.filter((variable) => variable.value !== undefined && !KEPT_VALUES.envNames.includes(variable.name));
  if (redacted.length) {
    container.env = env.map((variable) => (redacted.includes(variable) ? { ...variable, value: REDACTED } : variable));
    note(`${where}.env values of ${redacted.map((variable) => variable.name).join(', ')}`);
  }
  for (const list of ['command', 'args'] as const) {
    const words = container[list];
    if (Array.isArray(words)) redactWords(container, list, `${where}.${list}`, note);
  }
  // The load balancer's health check sends the readinessProbe's Host header: checks read it.
  for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const) {
    if (container[probe]) container[probe] = redactHandler(container[probe], `${where}.${probe}`, KEPT_VALUES.probeHeaders, note);
  }
  if (container.lifecycle) {
    const lifecycle = (container.lifecycle = { ...container.lifecycle });
    for (const hook of ['postStart', 'preStop'] as const) {
      if (lifecycle[hook]) lifecycle[hook] = redactHandler(lifecycle[hook], `${where}.lifecycle.${hook}`, [], note);
    }
  }
  return container;
}

/** A copy of a probe or a lifecycle hook with its secrets replaced: the command line, header values but `keptHeaders`, the path's query values. */
function redactHandler(original: HandlerFields, where: string, keptHeaders: readonly string[], note: (what: string) => void): HandlerFields {
  const handler = { ...original };
  if (Array.isArray(handler.exec?.command)) redactWords((handler.exec = { ...handler.exec }), 'command', `${where}.exec.command`, note);
  if (!handler.httpGet) return handler;
  const httpGet = (handler.httpGet = { ...handler.httpGet });
  const headers = httpGet.httpHeaders ?? [];
  const secret = headers.filter((header) => header.value !== undefined && !keptHeaders.includes(String(header.name).toLowerCase()));
  if (secret.length) {
    httpGet.httpHeaders = headers.map((header) => (secret.includes(header) ? { ...header, value: REDACTED } : header));
    note(`${where}.httpGet.httpHeaders values of ${secret.map((header) => header.name).join(', ')}`);
  }
  redactQuery(httpGet, 'path', `${where}.httpGet.path`, note);
  return handler;
}

/** `holder[field]`, a command line, with its secrets replaced (redactCommandLine). */
function redactWords<K extends string>(holder: { [key in K]?: string[] }, field: K, where: string, note: (what: string) => void): void {
  const words = holder[field]!;
  const redacted = redactCommandLine(words);
  if (redacted.some((word, index) => word !== words[index])) {
    holder[field] = redacted;
    note(`${where}: values of flags and assignments`);
  }
}

/**
 * Volumes whose settings can carry credentials: a gitRepo volume's repository URL
 * (`https://TOKEN@github.com/…`), the attributes a CSI driver is handed, a FlexVolume's
 * options. Keys and names stay; no check reads the values.
 */
function redactVolumes(volumes: VolumeFields[], path: string, note: (what: string) => void): VolumeFields[] {
  return volumes.map((original) => {
    if (!isObject(original as unknown)) return original;
    const where = `${path}[${original.name}]`;
    const volume = { ...original };
    const repository = volume.gitRepo?.repository;
    if (typeof repository === 'string' && withoutUrlCredentials(repository) !== repository) {
      volume.gitRepo = { ...volume.gitRepo, repository: withoutUrlCredentials(repository) };
      note(`${where}.gitRepo.repository: credentials`);
    }
    for (const [field, holder, key] of [
      ['csi.volumeAttributes', 'csi', 'volumeAttributes'],
      ['flexVolume.options', 'flexVolume', 'options'],
    ] as const) {
      const values = (volume[holder] as Record<string, Record<string, string> | undefined> | undefined)?.[key];
      const keys = Object.keys(values ?? {});
      if (keys.length === 0) continue;
      volume[holder] = { ...volume[holder], [key]: Object.fromEntries(keys.map((name) => [name, REDACTED])) };
      note(`${where}.${field} values of ${keys.join(', ')}`);
    }
    return volume;
  });
}

/**
 * Header values a Gateway API route sets or adds (HTTPRoute and GRPCRoute `requestHeaderModifier`,
 * `responseHeaderModifier`, on a rule or on one of its backendRefs; gateway-api apis/v1/httproute_types.go
 * HTTPHeaderFilter): they can carry tokens to the backend. Names stay.
 */
function redactRouteHeaders(spec: RouteFields | undefined, note: (what: string) => void): void {
  (spec?.rules ?? []).forEach((rule, index) => {
    const filters: [string, RouteFilter[] | undefined][] = [
      [`spec.rules[${index}].filters`, rule.filters],
      ...(rule.backendRefs ?? []).map((ref, refIndex) => [`spec.rules[${index}].backendRefs[${refIndex}].filters`, ref.filters] as [string, RouteFilter[] | undefined]),
    ];
    for (const [where, list] of filters) {
      for (const filter of list ?? []) {
        for (const modifier of ['requestHeaderModifier', 'responseHeaderModifier'] as const) {
          const headers = [...(filter[modifier]?.set ?? []), ...(filter[modifier]?.add ?? [])].filter((header) => header.value !== undefined);
          for (const header of headers) header.value = REDACTED;
          if (headers.length) note(`${where}.${modifier} values of ${headers.map((header) => header.name).join(', ')}`);
        }
      }
    }
  });
}

/**
 * A BackendConfig's custom headers (`"X-Api-Key:VALUE"`, ingress-gce pkg/apis/backendconfig/v1
 * CustomRequestHeadersConfig) keep their names; its health check path keeps its query's names.
 */
function redactBackendConfig(spec: BackendConfigFields | undefined, note: (what: string) => void): void {
  for (const field of ['customRequestHeaders', 'customResponseHeaders'] as const) {
    const headers = spec?.[field]?.headers;
    if (!Array.isArray(headers) || headers.length === 0) continue;
    spec![field]!.headers = headers.map(withoutHeaderValue);
    note(`spec.${field}.headers values`);
  }
  if (spec?.healthCheck) redactQuery(spec.healthCheck, 'requestPath', 'spec.healthCheck.requestPath', note);
}

/** `X-Api-Key:VALUE` -> `X-Api-Key:REDACTED`. */
function withoutHeaderValue(header: unknown): string {
  return typeof header === 'string' && header.includes(':') ? `${header.slice(0, header.indexOf(':'))}:${REDACTED}` : REDACTED;
}

/**
 * A request path's query values (`/healthz?token=…`): checks read the path, and compare a probe's
 * with the load balancer's, so every path in a snapshot loses its query values the same way.
 */
function redactQuery<K extends string>(holder: { [key in K]?: string }, field: K, where: string, note: (what: string) => void): void {
  const path = holder[field];
  if (typeof path !== 'string') return;
  const redacted = withoutQueryValues(path);
  if (redacted === path) return;
  holder[field] = redacted;
  note(`${where}: query values`);
}

/** `/healthz?token=abc&x` -> `/healthz?token=REDACTED&x=REDACTED`. */
export function withoutQueryValues(path: string): string {
  const start = path.indexOf('?');
  if (start < 0) return path;
  const query = path.slice(start + 1);
  return `${path.slice(0, start)}?${query
    .split('&')
    .map((pair) => `${pair.split('=')[0]}=${REDACTED}`)
    .join('&')}`;
}

/** `https://user:password@host/…` and `https://TOKEN@host/…` -> `https://REDACTED@host/…`, wherever a URL stands in `text`. */
export function withoutUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi, `$1${REDACTED}@`);
}

/**
 * A command line with what may be a secret replaced: the value of `--flag=value` and of
 * `NAME=value`, the word after a bare `--flag` or `-f` (`--token abc`, `sh -c SCRIPT`), what
 * follows a short flag's letter (`-pSECRET`), any word with a space (a script), and the
 * credentials of a URL (`https://user:password@host`). Flags themselves, and the program, stay: checks read them
 * (argocd-server, `--insecure`), and the words keep their places (a fix patches by index).
 */
function redactCommandLine(words: readonly string[]): string[] {
  return words.map((word, index) => {
    const assignment = /^(--?[A-Za-z][\w.-]*|[A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(word);
    if (assignment) return KEPT_VALUES.flags.includes(assignment[1]!.replace(/^--?/, '')) ? word : `${assignment[1]}=${REDACTED}`;
    if (/^--[A-Za-z][\w.-]*$/.test(word) || /^-[A-Za-z]$/.test(word)) return word;
    // One dash and more than one letter: a short flag with its value attached (`mysql -pSECRET`).
    // Flags checks read are long (`--insecure`); Go's single-dash long flags lose their name here.
    if (/^-[A-Za-z]./s.test(word)) return `${word.slice(0, 2)}${REDACTED}`;
    const afterFlag = index > 0 && /^--?[A-Za-z][\w.-]*$/.test(words[index - 1]!);
    return afterFlag || /\s/.test(word) ? REDACTED : withoutUrlCredentials(word);
  });
}

/**
 * Annotations hold anything (kubectl apply keeps the whole applied object in
 * last-applied-configuration, Secret data and env values included): only the values checks
 * read are kept; every key is. `metadata` is a copy of its own; the annotations are copied before a value is replaced.
 */
function redactAnnotations(metadata: Record<string, unknown> | undefined, path: string, note: (what: string) => void): void {
  const redacted = Object.keys((metadata?.annotations as Record<string, string> | undefined) ?? {}).filter((key) => !KEPT_VALUES.annotationPrefixes.some((prefix) => key.startsWith(prefix)));
  if (redacted.length === 0) return;
  const annotations = (metadata!.annotations = { ...(metadata!.annotations as Record<string, string>) });
  for (const key of redacted) annotations[key] = REDACTED;
  note(`${path}.annotations values of ${redacted.join(', ')}`);
}

type PodTemplate = { metadata?: Record<string, unknown>; spec?: Record<string, unknown> };

/**
 * A Pod's spec, or the pod template of a workload (`spec.template`; a CronJob's
 * `spec.jobTemplate.spec.template`), with the template's metadata: each a copy of its own, put in
 * place of the original in `object` (itself a copy), so the redaction can write into them.
 */
function podSpecs(object: Record<string, unknown>): [string, Record<string, unknown>, Record<string, unknown> | undefined][] {
  if (!isObject(object.spec)) return [];
  const spec = (object.spec = { ...object.spec });
  if (object.kind === 'Pod') return [['spec.', spec, undefined]];
  const found: [string, Record<string, unknown>, Record<string, unknown> | undefined][] = [];
  const template = (holder: Record<string, unknown>, path: string) => {
    if (!isObject(holder.template) || !isObject((holder.template as PodTemplate).spec)) return;
    const copy = (holder.template = { ...holder.template }) as PodTemplate;
    if (isObject(copy.metadata)) copy.metadata = { ...copy.metadata };
    found.push([`${path}spec.`, (copy.spec = { ...copy.spec }), copy.metadata]);
  };
  template(spec, 'spec.template.');
  if (isObject(spec.jobTemplate) && isObject((spec.jobTemplate as { spec?: unknown }).spec)) {
    const jobTemplate = (spec.jobTemplate = { ...spec.jobTemplate }) as { spec: Record<string, unknown> };
    template((jobTemplate.spec = { ...jobTemplate.spec }), 'spec.jobTemplate.spec.template.');
  }
  return found;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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

/**
 * What no check reads in the GCP data and could hold a secret: Eventarc trigger label values and
 * destination paths and endpoint URLs (checks read the trigger's GKE cluster, location, namespace
 * and service, its filters, account, transport and conditions); IAM condition descriptions (checks
 * evaluate the expression and name the title); health check request paths' query values; a backend
 * service's custom header values (ingress-gce copies a BackendConfig's there). The rest stays.
 */
export function redactGcpData<K extends Exclude<GcpDataKey, 'cluster'>>(key: K, value: NonNullable<GcpData[K]>): { value: NonNullable<GcpData[K]>; redactions: Redaction[] } {
  const copy = structuredClone(value);
  const redactions: Redaction[] = [];
  if (key === 'eventarcTriggers') {
    for (const trigger of copy as EventarcTrigger[]) {
      const note = (what: string) => redactions.push({ resource: trigger.name, what });
      const labels = Object.keys(trigger.labels ?? {});
      for (const label of labels) trigger.labels![label] = REDACTED;
      if (labels.length) note(`labels values of ${labels.join(', ')}`);
      for (const [where, destination] of [
        ['gke', trigger.destination?.gke],
        ['cloudRun', trigger.destination?.cloudRun],
      ] as const) {
        if (destination?.path !== undefined) {
          destination.path = `/${REDACTED}`;
          note(`destination.${where}.path`);
        }
      }
      const endpoint = trigger.destination?.httpEndpoint;
      if (endpoint?.uri !== undefined) {
        const origin = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?[^/?#]*/i.exec(endpoint.uri)?.[0] ?? '';
        endpoint.uri = `${withoutUrlCredentials(origin)}/${REDACTED}`;
        note('destination.httpEndpoint.uri path and credentials');
      }
    }
  }
  if (key === 'iamPolicy') {
    for (const binding of (copy as IamPolicy).bindings ?? []) {
      if (binding.condition?.description === undefined) continue;
      binding.condition.description = REDACTED;
      redactions.push({ resource: `IAM policy binding of ${binding.role}`, what: `condition.description of "${binding.condition.title ?? ''}"` });
    }
  }
  if (key === 'healthChecks') {
    for (const check of copy as HealthCheck[]) {
      for (const protocol of ['httpHealthCheck', 'httpsHealthCheck', 'http2HealthCheck'] as const) {
        if (check[protocol]) redactQuery(check[protocol], 'requestPath', `${protocol}.requestPath`, (what) => redactions.push({ resource: check.name, what }));
      }
    }
  }
  if (key === 'backendServices') {
    for (const service of copy as (BackendService & { customRequestHeaders?: string[]; customResponseHeaders?: string[] })[]) {
      for (const field of ['customRequestHeaders', 'customResponseHeaders'] as const) {
        const headers = service[field];
        if (!Array.isArray(headers) || headers.length === 0) continue;
        service[field] = headers.map(withoutHeaderValue);
        redactions.push({ resource: service.name, what: `${field} values` });
      }
    }
  }
  return { value: copy, redactions };
}

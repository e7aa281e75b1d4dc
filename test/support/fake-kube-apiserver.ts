import { randomUUID } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseKubernetesDocuments } from '../../src/state/files/kubernetes-documents.js';
import type { KubeObject } from '../../src/state/kubernetes-types.js';
import { listDocumentFiles } from '../../src/state/files/document-files.js';
import { preferredVersion } from '../../src/gke/namespaces/conversion-webhooks.js';
import type { FakeRequest, FakeResponse } from './fake-http.js';
import { FakeHttpServer } from './fake-http.js';
import type { PolicyRule } from '../../src/state/live/kubernetes-permissions.js';
import { forbiddenMessage, requestAttributes, rulesAllow } from './rbac.js';

/** A resource the fake serves: what discovery (`/api/v1`, `/apis/G/V`) says about it. */
interface Resource {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  /** Custom resources keep `kind`/`apiVersion` on list items; built-in lists drop them, as the real API server does. */
  custom?: boolean;
  shortNames?: string[];
}

const r = (group: string, version: string, plural: string, kind: string, namespaced = true, custom = false): Resource => ({
  group,
  version,
  plural,
  kind,
  namespaced,
  custom,
  shortNames: SHORT_NAMES[plural],
});

/**
 * kubectl's flags for a kubeconfig written by writeKubeconfig, with a discovery cache of its
 * own beside it: kubectl's shared cache (~/.kube/cache) is keyed by host and port, so a
 * later fake on a reused port would get an earlier one's discovery, and kubectl would skip it.
 */
export const kubectlFlags = (kubeconfig: string): string[] => ['--kubeconfig', kubeconfig, '--cache-dir', join(dirname(kubeconfig), 'kubectl-cache')];

/** `kubectl api-resources` short names, so `kubectl get ns,po,ing` resolves. */
const SHORT_NAMES: Record<string, string[]> = {
  namespaces: ['ns'],
  nodes: ['no'],
  pods: ['po'],
  services: ['svc'],
  endpoints: ['ep'],
  configmaps: ['cm'],
  serviceaccounts: ['sa'],
  events: ['ev'],
  persistentvolumeclaims: ['pvc'],
  deployments: ['deploy'],
  statefulsets: ['sts'],
  daemonsets: ['ds'],
  replicasets: ['rs'],
  ingresses: ['ing'],
  networkpolicies: ['netpol'],
  customresourcedefinitions: ['crd', 'crds'],
  frontendconfigs: ['fc'],
  servicenetworkendpointgroups: ['svcneg'],
  referencegrants: ['refgrant'],
  gatewayclasses: ['gc'],
};

/** Built-in resources every cluster serves (a subset of `kubectl api-resources` on GKE 1.27). */
const BUILT_IN: Resource[] = [
  r('', 'v1', 'namespaces', 'Namespace', false),
  r('', 'v1', 'nodes', 'Node', false),
  r('', 'v1', 'pods', 'Pod'),
  r('', 'v1', 'services', 'Service'),
  r('', 'v1', 'endpoints', 'Endpoints'),
  r('', 'v1', 'configmaps', 'ConfigMap'),
  r('', 'v1', 'secrets', 'Secret'),
  r('', 'v1', 'serviceaccounts', 'ServiceAccount'),
  r('', 'v1', 'events', 'Event'),
  r('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim'),
  r('apps', 'v1', 'deployments', 'Deployment'),
  r('apps', 'v1', 'statefulsets', 'StatefulSet'),
  r('apps', 'v1', 'daemonsets', 'DaemonSet'),
  r('apps', 'v1', 'replicasets', 'ReplicaSet'),
  r('batch', 'v1', 'jobs', 'Job'),
  r('batch', 'v1', 'cronjobs', 'CronJob'),
  r('networking.k8s.io', 'v1', 'ingresses', 'Ingress'),
  r('networking.k8s.io', 'v1', 'ingressclasses', 'IngressClass', false),
  r('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy'),
  r('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice'),
  r('apiregistration.k8s.io', 'v1', 'apiservices', 'APIService', false),
  r('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false),
  r('admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', false),
  r('admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', false),
  r('rbac.authorization.k8s.io', 'v1', 'roles', 'Role'),
  r('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding'),
  r('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false),
  r('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false),
];

/** GKE's CRDs: served only when the fixture holds such objects, or `crds` names them (an absent CRD is a 404). */
const GKE_CRDS: Resource[] = [
  r('cloud.google.com', 'v1', 'backendconfigs', 'BackendConfig', true, true),
  r('networking.gke.io', 'v1beta1', 'frontendconfigs', 'FrontendConfig', true, true),
  r('networking.gke.io', 'v1beta1', 'servicenetworkendpointgroups', 'ServiceNetworkEndpointGroup', true, true),
  r('networking.gke.io', 'v1', 'managedcertificates', 'ManagedCertificate', true, true),
];

/**
 * The Gateway API CRDs GKE installs when `networkConfig.gatewayApiConfig.channel` is set
 * (ReferenceGrant only at v1beta1, as in the standard channel's older bundles), and the
 * networking.gke.io policy CRDs that come with them. Served as one bundle: when the
 * fixture holds any of them, or `crds` names any of them.
 */
const GATEWAY_CRDS: Resource[] = [
  r('gateway.networking.k8s.io', 'v1', 'gatewayclasses', 'GatewayClass', false, true),
  r('gateway.networking.k8s.io', 'v1', 'gateways', 'Gateway', true, true),
  r('gateway.networking.k8s.io', 'v1', 'httproutes', 'HTTPRoute', true, true),
  r('gateway.networking.k8s.io', 'v1', 'grpcroutes', 'GRPCRoute', true, true),
  r('gateway.networking.k8s.io', 'v1beta1', 'referencegrants', 'ReferenceGrant', true, true),
  r('networking.gke.io', 'v1', 'healthcheckpolicies', 'HealthCheckPolicy', true, true),
  r('networking.gke.io', 'v1', 'gcpbackendpolicies', 'GCPBackendPolicy', true, true),
  r('networking.gke.io', 'v1', 'gcpgatewaypolicies', 'GCPGatewayPolicy', true, true),
];

export interface ProbeTarget {
  namespace: string;
  pod: string;
  port: number;
  scheme: 'http' | 'https';
  path: string;
}

export interface FakeKubeOptions {
  /** Kinds of GKE CRDs to serve even with no object of them in the fixture. */
  crds?: string[];
  /** What a Pod answers through the pod proxy (default: 200 "ok" for an existing Pod). */
  podProxy?: (target: ProbeTarget) => FakeResponse;
  /** Largest page a list returns whatever `limit` asks (the API may return fewer), so `continue` is exercised. */
  maxPageSize?: number;
  /** The clock for `deletionTimestamp` on DELETE. */
  now?: () => Date;
  /** Serve HTTPS with the test certificate (TEST_TLS), as a real API server does. */
  tls?: boolean;
  /** A network of this round trip between the clients and the fake (network-delay.ts). */
  rttMs?: number;
  /**
   * API groups whose discovery fails (`/apis/GROUP` and `/apis/GROUP/VERSION`): with a status
   * (503 as an aggregated API that is down, 403), or `garbage` (200 with a body that is not JSON).
   * Their objects are served all the same.
   */
  failingDiscovery?: Record<string, number | 'garbage'>;
  /** API groups `/apis` leaves out (as a broken aggregation would), though they are served. */
  omittedGroups?: string[];
  /** Discovery verbs per plural, instead of the full set (a resource without "list"). */
  verbs?: Record<string, string[]>;
  /** RBAC: the rules bound to the caller; a resource request none of them allows is refused (403) as kube-apiserver refuses it. */
  rbac?: readonly PolicyRule[];
}

/** Who the fake says is refused when it enforces `rbac`: the CronJob's service account in deploy/. */
const RBAC_USER = 'system:serviceaccount:gke-doctor:gke-doctor';

interface Route {
  resource: Resource;
  namespace?: string;
  name?: string;
  subresource?: string;
  rest?: string;
}

/**
 * A fake kube-apiserver serving a fixture directory's `k8s/` objects with the
 * real API's semantics: discovery, list with `limit`/`continue`, get, custom
 * resources, the pod proxy, DELETE with finalizers, merge PATCH, PUT with
 * `resourceVersion` checks (409 on a stale one), the namespace `/finalize`
 * subresource, and `dryRun=All`. kubectl works against it.
 */
export class FakeKubeApiServer extends FakeHttpServer {
  private readonly objects = new Map<string, KubeObject>();
  /**
   * What each list serves (resource, namespace, field selector), in key order, with its conversion
   * failure: made once after a change, so a page is a slice of it, never a scan of every object.
   */
  private readonly listings = new Map<string, { items: KubeObject[]; conversion: string | undefined }>();
  /** The objects in key order by resource and by resource and namespace (indexObjects). */
  private byResource: Map<string, KubeObject[]> | undefined;
  private readonly resources: Resource[];
  /** Groups of APIServices that are Available=False: discovery of them answers 503, as on a real cluster. */
  private readonly unavailableGroupVersions = new Set<string>();
  private resourceVersion = 1;
  /** Changes made "meanwhile": each runs once, just before the first matching request is answered. */
  private readonly meanwhile: { method?: string; path: string; run: () => void }[] = [];

  constructor(
    objects: KubeObject[],
    private readonly options: FakeKubeOptions = {},
  ) {
    super((request) => this.route(request), (status, message) => statusBody(status, message));
    const crdKinds = new Set([...(options.crds ?? []), ...objects.map((object) => object.kind)]);
    const gatewayApi = GATEWAY_CRDS.some((resource) => crdKinds.has(resource.kind));
    this.resources = [...BUILT_IN, ...GKE_CRDS.filter((resource) => crdKinds.has(resource.kind)), ...(gatewayApi ? GATEWAY_CRDS : [])];
    // A CRD in the fixture serves its kind at its preferred version, whatever version its objects are stored at.
    for (const crd of objects.filter((object) => object.kind === 'CustomResourceDefinition')) {
      const spec = crd.spec as CrdSpec;
      if (this.resources.some((resource) => resource.group === spec.group && resource.kind === spec.names.kind)) continue;
      const version = preferredVersion(spec.versions.filter((candidate) => candidate.served).map((candidate) => candidate.name)) ?? spec.versions[0]!.name;
      this.resources.push(r(spec.group, version, spec.names.plural, spec.names.kind, spec.scope === 'Namespaced', true));
    }
    for (const object of objects) {
      if (!this.resourceFor(object)) this.resources.push(inferResource(object));
      this.objects.set(this.key(this.resourceFor(object)!, object.metadata?.namespace, object.metadata?.name ?? ''), structuredClone(object));
      this.resourceVersion = Math.max(this.resourceVersion, Number(object.metadata?.resourceVersion ?? 0) + 1);
      if (object.kind === 'APIService') this.noteApiService(object);
    }
  }

  static async serve(fixtureDirectory: string, options: FakeKubeOptions = {}): Promise<FakeKubeApiServer> {
    const k8s = join(fixtureDirectory, 'k8s');
    const objects: KubeObject[] = [];
    if (await stat(k8s).then((s) => s.isDirectory(), () => false)) {
      for (const file of await listDocumentFiles(k8s)) {
        for (const { object } of await parseKubernetesDocuments(file, await readFile(file, 'utf8'))) objects.push(object);
      }
    }
    return new FakeKubeApiServer(objects, options).start({ tls: options.tls, rttMs: options.rttMs });
  }

  /** A kubeconfig whose one context (`contextName`) points at this server, written to `file`. */
  async writeKubeconfig(file: string, contextName: string, extra: { namespace?: string } = {}): Promise<string> {
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': contextName,
      // client-node refuses plain HTTP unless TLS verification is explicitly off (config.js applyAuthorizationHeader).
      clusters: [{ name: contextName, cluster: { server: this.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: contextName, user: { token: 'fake-kubernetes-token' } }],
      contexts: [{ name: contextName, context: { cluster: contextName, user: contextName, ...extra } }],
    };
    await writeFile(file, JSON.stringify(config, null, 2));
    return file;
  }

  /** The object as the fake holds it now (undefined once deleted). */
  object(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const resource = this.resources.find((candidate) => candidate.kind === kind);
    return resource ? this.objects.get(this.key(resource, namespace, name)) : undefined;
  }

  /** Runs `run` once, just before the first request for `method` and `path` is handled (someone else's change in between). */
  before(request: { method?: string; path: string }, run: () => void): void {
    this.meanwhile.push({ ...request, run });
  }

  /**
   * `kubectl delete namespace NAME` run to its end, then `kubectl create namespace NAME` and
   * `kubectl apply` of `objects` into it: the same name, a new uid and resourceVersion, other
   * contents; with `deletionTimestamp` the new one is being deleted too.
   */
  recreateNamespace(name: string, objects: KubeObject[] = [], options: { deletionTimestamp?: string; finalizers?: string[] } = {}): KubeObject {
    for (const [key, object] of this.objects) {
      if (object.metadata?.namespace === name || (object.kind === 'Namespace' && object.metadata?.name === name)) this.objects.delete(key);
    }
    const namespace: KubeObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        uid: randomUUID(),
        resourceVersion: String(++this.resourceVersion),
        creationTimestamp: (this.options.now?.() ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z'),
        labels: { 'kubernetes.io/metadata.name': name },
        ...(options.deletionTimestamp ? { deletionTimestamp: options.deletionTimestamp } : {}),
      },
      spec: { finalizers: options.finalizers ?? ['kubernetes'] },
      status: { phase: options.deletionTimestamp ? 'Terminating' : 'Active' },
    };
    for (const object of [namespace, ...objects.map((object) => ({ ...object, metadata: { ...object.metadata, namespace: name, uid: randomUUID(), resourceVersion: String(++this.resourceVersion) } }))]) {
      const resource = this.resourceFor(object) ?? (this.resources.push(inferResource(object)), this.resourceFor(object)!);
      this.objects.set(this.key(resource, object.metadata?.namespace, object.metadata?.name ?? ''), structuredClone(object));
    }
    this.changed();
    return namespace;
  }

  /** Edits an object in place as another client would (a new resourceVersion). */
  modify(kind: string, namespace: string | undefined, name: string, change: (object: KubeObject) => KubeObject): void {
    const resource = this.resources.find((candidate) => candidate.kind === kind)!;
    const key = this.key(resource, namespace, name);
    const current = this.objects.get(key)!;
    const next = change(structuredClone(current));
    this.objects.set(key, { ...next, metadata: { ...next.metadata, resourceVersion: String(++this.resourceVersion) } });
    this.changed();
  }

  private noteApiService(object: KubeObject): void {
    const spec = object.spec as { group?: string; version?: string; service?: unknown } | undefined;
    const conditions = (object.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
    const available = conditions.find((condition) => condition.type === 'Available');
    if (spec?.service && spec.group && spec.version && available?.status === 'False') this.unavailableGroupVersions.add(`${spec.group}/${spec.version}`);
  }

  /** The 403 RBAC answers a request with that no rule of `rbac` allows (non-resource URLs, discovery, are open). */
  private denied(request: FakeRequest): FakeResponse | null {
    const attributes = requestAttributes(request.method, request.path);
    if (!attributes || rulesAllow(this.options.rbac!, attributes)) return null;
    const [plural] = attributes.resource.split('/') as [string];
    return { status: 403, body: statusBody(403, forbiddenMessage(RBAC_USER, attributes), 'Forbidden', { ...(attributes.apiGroup ? { group: attributes.apiGroup } : {}), kind: plural }) };
  }

  /** The answer to a request (public: the fake Connect gateway forwards to it). */
  route(request: FakeRequest): FakeResponse {
    const { path } = request;
    const hook = this.meanwhile.findIndex((candidate) => candidate.path === path && (!candidate.method || candidate.method === request.method));
    if (hook >= 0) this.meanwhile.splice(hook, 1)[0]!.run();
    const denied = this.options.rbac ? this.denied(request) : null;
    if (denied) return denied;
    if (path === '/version') return ok({ major: '1', minor: '27', gitVersion: 'v1.27.7-gke.1121000', platform: 'linux/amd64' });
    if (path === '/api') return ok({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.1:443' }] });
    if (path === '/apis') return ok(this.groupList());
    if (path === '/api/v1') return ok(this.resourceList('', 'v1'));
    const failing = this.options.failingDiscovery?.[/^\/apis\/([^/]+)(?:\/[^/]+)?$/.exec(path)?.[1] ?? ''];
    if (failing === 'garbage') return { status: 200, body: '<html>upstream connect error</html>', headers: { 'content-type': 'text/html' } };
    if (failing !== undefined) return { status: failing, body: failing === 403 ? forbidden('get', path) : statusBody(failing, 'the server is currently unable to handle the request') };
    const groupVersion = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (groupVersion) {
      const [, group, version] = groupVersion as unknown as [string, string, string];
      if (this.unavailableGroupVersions.has(`${group}/${version}`)) return { status: 503, body: statusBody(503, 'the server is currently unable to handle the request') };
      if (!this.resources.some((resource) => resource.group === group && resource.version === version)) return notFoundBody(path);
      return ok(this.resourceList(group, version));
    }
    const group = /^\/apis\/([^/]+)$/.exec(path);
    if (group) {
      const found = this.groupList().groups.find((candidate) => candidate.name === group[1]);
      return found ? ok({ kind: 'APIGroup', apiVersion: 'v1', ...found }) : notFoundBody(path);
    }
    const route = this.parse(path);
    if (!route) return notFoundBody(path);
    if (route.subresource === 'proxy' && route.resource.plural === 'pods') return this.proxy(route, request);
    switch (request.method) {
      case 'GET':
        return route.name === undefined ? this.list(route, request.query) : this.get(route);
      case 'PUT':
        return this.put(route, request);
      case 'PATCH':
        return this.patch(route, request);
      case 'DELETE':
        return this.delete(route, request);
      default:
        return { status: 405, body: statusBody(405, `the server does not allow this method on the requested resource`) };
    }
  }

  private groupList() {
    const groups = new Map<string, Set<string>>();
    for (const resource of this.resources) if (resource.group) (groups.get(resource.group) ?? groups.set(resource.group, new Set()).get(resource.group)!).add(resource.version);
    for (const groupVersion of this.unavailableGroupVersions) {
      const [name, version] = groupVersion.split('/') as [string, string];
      (groups.get(name) ?? groups.set(name, new Set()).get(name)!).add(version);
    }
    for (const omitted of this.options.omittedGroups ?? []) groups.delete(omitted);
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...groups].map(([name, versions]) => {
        const list = [...versions].map((version) => ({ groupVersion: `${name}/${version}`, version }));
        return { name, versions: list, preferredVersion: list[0]! };
      }),
    };
  }

  private resourceList(group: string, version: string) {
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: group ? `${group}/${version}` : version,
      resources: this.resources
        .filter((resource) => resource.group === group && resource.version === version)
        .flatMap((resource) => [
          {
            name: resource.plural,
            singularName: resource.kind.toLowerCase(),
            namespaced: resource.namespaced,
            kind: resource.kind,
            ...(resource.shortNames ? { shortNames: resource.shortNames } : {}),
            verbs: this.options.verbs?.[resource.plural] ?? ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
          },
          ...(resource.plural === 'namespaces'
            ? [{ name: 'namespaces/finalize', singularName: '', namespaced: false, kind: 'Namespace', verbs: ['update'] }]
            : []),
          ...(resource.plural === 'pods' ? [{ name: 'pods/proxy', singularName: '', namespaced: true, kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] }] : []),
        ]),
    };
  }

  /** `/api/v1/[namespaces/NS/]PLURAL[/NAME[/SUB[/REST]]]` or `/apis/G/V/…`; `/api/v1/namespaces/NAME/finalize` too. */
  private parse(path: string): Route | undefined {
    const match = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/(.*)$/.exec(path);
    if (!match) return undefined;
    const group = match[2] ?? '';
    const version = match[1] ?? match[3]!;
    const segments = match[4]!.split('/');
    const lookup = (plural: string | undefined) =>
      this.resources.find((resource) => resource.group === group && resource.version === version && resource.plural === plural);
    let namespace: string | undefined;
    if (segments[0] === 'namespaces' && segments.length >= 3 && lookup(segments[2])?.namespaced) {
      namespace = segments[1];
      segments.splice(0, 2);
    }
    const resource = lookup(segments[0]);
    if (!resource) return undefined;
    const [, name, subresource, ...rest] = segments;
    return { resource, namespace, name: name || undefined, subresource, rest: rest.join('/') };
  }

  private key(resource: Resource, namespace: string | undefined, name: string): string {
    return `${resource.group}/${resource.plural}/${resource.namespaced ? (namespace ?? '') : ''}/${name}`;
  }

  private resourceFor(object: KubeObject): Resource | undefined {
    const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
    return this.resources.find((resource) => resource.group === group && resource.kind === object.kind);
  }

  /**
   * Objects stored at another version than the one listed go through the CRD's conversion webhook
   * (apiextensions-apiserver webhook_converter.go); one whose Service is not there fails the whole list, in its words.
   */
  private failedConversion(resource: Resource, items: readonly KubeObject[]): string | undefined {
    if (!resource.custom) return undefined;
    const crd = [...this.objects.values()].find((object) => object.kind === 'CustomResourceDefinition' && (object.spec as CrdSpec).group === resource.group && (object.spec as CrdSpec).names.plural === resource.plural);
    const conversion = (crd?.spec as CrdSpec | undefined)?.conversion;
    const service = conversion?.webhook?.clientConfig?.service;
    if (conversion?.strategy !== 'Webhook' || !service) return undefined;
    const stored = items.find((object) => object.apiVersion !== `${resource.group}/${resource.version}`);
    if (!stored || this.objects.has(this.key(this.resources.find((candidate) => candidate.plural === 'services')!, service.namespace, service.name))) return undefined;
    return `conversion webhook for ${stored.apiVersion}, Kind=${resource.kind} failed: Post "https://${service.name}.${service.namespace}.svc:${service.port ?? 443}${service.path ?? ''}?timeout=30s": service "${service.name}" not found`;
  }

  private withType(resource: Resource, object: KubeObject): KubeObject {
    return { ...object, kind: resource.kind, apiVersion: resource.group ? `${resource.group}/${resource.version}` : resource.version };
  }

  /** Objects changed: every listing is made again when next asked for. */
  private changed(): void {
    this.listings.clear();
    this.byResource = undefined;
  }

  /** The objects in key order by `GROUP/PLURAL/` and by `GROUP/PLURAL/NAMESPACE/`, in one pass. */
  private indexObjects(): Map<string, KubeObject[]> {
    const index = new Map<string, KubeObject[]>();
    const add = (prefix: string, object: KubeObject) => (index.get(prefix) ?? index.set(prefix, []).get(prefix)!).push(object);
    for (const key of [...this.objects.keys()].sort((a, b) => a.localeCompare(b))) {
      const object = this.objects.get(key)!;
      const resourceEnd = key.indexOf('/', key.indexOf('/') + 1) + 1;
      add(key.slice(0, resourceEnd), object);
      add(key.slice(0, key.indexOf('/', resourceEnd) + 1), object);
    }
    return index;
  }

  private listing(resource: Resource, namespace: string | undefined, selector: string | null, matches: (object: KubeObject) => boolean) {
    const name = `${resource.group}/${resource.plural}/\n${namespace ?? ''}\n${selector ?? ''}`;
    let found = this.listings.get(name);
    if (!found) {
      this.byResource ??= this.indexObjects();
      const all = this.byResource.get(`${resource.group}/${resource.plural}/${namespace === undefined ? '' : `${namespace}/`}`) ?? [];
      const items = all.filter(matches);
      found = { items, conversion: this.failedConversion(resource, items) };
      this.listings.set(name, found);
    }
    return found;
  }

  private list(route: Route, query: URLSearchParams): FakeResponse {
    const { resource, namespace } = route;
    const selected = fieldSelection(query.get('fieldSelector'));
    if ('unsupported' in selected) return { status: 400, body: statusBody(400, `"${selected.unsupported}" is not a known field selector: only "metadata.name", "metadata.namespace", "type", "reason", "involvedObject.kind", "involvedObject.name"`, 'BadRequest') };
    const { items, conversion } = this.listing(resource, namespace, query.get('fieldSelector'), selected.matches);
    if (conversion) return { status: 500, body: statusBody(500, conversion, 'InternalError') };
    const start = query.get('continue') ? Number(Buffer.from(query.get('continue')!, 'base64').toString()) : 0;
    const asked = Number(query.get('limit') || 0);
    const cap = this.options.maxPageSize ?? 0;
    const limit = cap > 0 && (asked === 0 || asked > cap) ? cap : asked;
    const end = limit > 0 ? start + limit : items.length;
    const page = items.slice(start, end).map((object) => {
      const typed = this.withType(resource, object);
      if (resource.custom) return typed;
      const rest: Record<string, unknown> = { ...typed };
      delete rest.kind;
      delete rest.apiVersion;
      return rest;
    });
    const more = end < items.length;
    return ok({
      kind: `${resource.kind}List`,
      apiVersion: resource.group ? `${resource.group}/${resource.version}` : resource.version,
      metadata: {
        resourceVersion: String(this.resourceVersion),
        // The API server counts what is left only of a list asked without selectors (ListMeta.remainingItemCount).
        ...(more ? { continue: Buffer.from(String(end)).toString('base64'), ...(query.get('fieldSelector') || query.get('labelSelector') ? {} : { remainingItemCount: items.length - end }) } : {}),
      },
      items: page,
    });
  }

  private get(route: Route): FakeResponse {
    const object = this.objects.get(this.key(route.resource, route.namespace, route.name!));
    if (!object || route.subresource) return notFoundObject(route);
    return ok(this.withType(route.resource, object));
  }

  /** PUT of the object or its `/finalize` (namespaces) or `/status` subresource, with optimistic concurrency. */
  private put(route: Route, request: FakeRequest): FakeResponse {
    const key = this.key(route.resource, route.namespace, route.name!);
    const current = this.objects.get(key);
    if (!current) return notFoundObject(route);
    const body = request.body as KubeObject | undefined;
    if (!body || typeof body !== 'object' || body.metadata?.name !== route.name) {
      return { status: 400, body: statusBody(400, `the name of the object (${body?.metadata?.name}) does not match the name on the URL (${route.name})`, 'BadRequest') };
    }
    // A uid in the body is a precondition (apiserver pkg/registry/rest/update.go defaultUpdatedObjectInfo.Preconditions), checked before the resourceVersion.
    const uid = body.metadata?.uid;
    if (uid && uid !== current.metadata?.uid) return conflict(route, uidPreconditionFailed(route, uid, current.metadata?.uid));
    const sent = body.metadata?.resourceVersion;
    if (sent && sent !== current.metadata?.resourceVersion) return conflict(route);
    let next: KubeObject;
    if (route.subresource === 'finalize') {
      if (route.resource.plural !== 'namespaces') return notFoundObject(route);
      next = { ...current, spec: { ...(current.spec as object), finalizers: (body.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [] } };
    } else if (route.subresource === 'status') {
      next = { ...current, status: body.status };
    } else if (route.subresource) {
      return notFoundObject(route);
    } else {
      // metadata the server owns stays the server's
      next = { ...body, metadata: { ...body.metadata, uid: current.metadata?.uid, creationTimestamp: current.metadata?.creationTimestamp, deletionTimestamp: current.metadata?.deletionTimestamp } };
    }
    return this.store(route, key, next, isDryRun(request.query));
  }

  /** JSON merge patch (RFC 7386); a strategic merge patch is applied the same way, enough for metadata edits. */
  private patch(route: Route, request: FakeRequest): FakeResponse {
    const key = this.key(route.resource, route.namespace, route.name!);
    const current = this.objects.get(key);
    if (!current || route.subresource) return notFoundObject(route);
    const type = String(request.headers['content-type'] ?? '');
    if (type.includes('json-patch+json')) return { status: 415, body: statusBody(415, 'the fake kube-apiserver accepts only merge patches', 'UnsupportedMediaType') };
    const sent = (request.body as KubeObject | undefined)?.metadata?.resourceVersion;
    if (sent && sent !== current.metadata?.resourceVersion) return conflict(route);
    return this.store(route, key, mergePatch(current, request.body) as KubeObject, isDryRun(request.query));
  }

  /** DELETE: an object with finalizers (a namespace: `spec.finalizers` too) gets a `deletionTimestamp` and stays. */
  private delete(route: Route, request: FakeRequest): FakeResponse {
    const key = this.key(route.resource, route.namespace, route.name!);
    const current = this.objects.get(key);
    if (!current || route.subresource) return notFoundObject(route);
    const now = (this.options.now?.() ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
    const next: KubeObject = current.metadata?.deletionTimestamp
      ? current
      : {
          ...current,
          metadata: { ...current.metadata, deletionTimestamp: now },
          ...(route.resource.plural === 'namespaces' ? { status: { ...(current.status as object), phase: 'Terminating' } } : {}),
        };
    return this.store(route, key, next, isDryRun(request.query));
  }

  /** Writes `next` (unless dry run) with a new resourceVersion; an object being deleted with no finalizer left disappears. */
  private store(route: Route, key: string, next: KubeObject, dryRun: boolean): FakeResponse {
    const stored: KubeObject = { ...next, metadata: { ...next.metadata, resourceVersion: String(dryRun ? this.resourceVersion : ++this.resourceVersion) } };
    const specFinalizers = route.resource.plural === 'namespaces' ? ((stored.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []) : [];
    const gone = Boolean(stored.metadata?.deletionTimestamp) && (stored.metadata?.finalizers ?? []).length === 0 && specFinalizers.length === 0;
    if (!dryRun) {
      if (gone) this.objects.delete(key);
      else this.objects.set(key, stored);
      this.changed();
    }
    return ok(this.withType(route.resource, stored));
  }

  private proxy(route: Route, request: FakeRequest): FakeResponse {
    const match = /^(?:(https?):)?([^:]+)(?::(\d+))?$/.exec(route.name ?? '');
    if (!match || request.method !== 'GET') return notFoundObject(route);
    const [, scheme = 'http', pod, port = '80'] = match;
    if (!this.objects.get(this.key(route.resource, route.namespace, pod!))) return notFoundObject({ ...route, name: pod });
    const target: ProbeTarget = { namespace: route.namespace!, pod: pod!, port: Number(port), scheme: scheme as 'http' | 'https', path: `/${route.rest ?? ''}` };
    const response = this.options.podProxy?.(target) ?? { status: 200, body: 'ok' };
    return { ...response, headers: { 'content-type': 'text/plain', ...response.headers } };
  }
}

/**
 * A `fieldSelector` (`type=Warning,reason=XPN`, `!=` too), over the fields the API server lets
 * Events be selected by (pkg/registry/core/event/strategy.go ToSelectableFields); another field is a 400, as there.
 */
function fieldSelection(selector: string | null): { matches: (object: KubeObject) => boolean } | { unsupported: string } {
  const known = ['metadata.name', 'metadata.namespace', 'type', 'reason', 'involvedObject.kind', 'involvedObject.name'];
  const terms = (selector ?? '').split(',').filter((term) => term !== '').map((term) => /^([^!=]+)(!=|==|=)(.*)$/.exec(term));
  for (const [index, term] of terms.entries()) if (!term || !known.includes(term[1]!)) return { unsupported: term?.[1] ?? (selector ?? '').split(',')[index]! };
  const value = (object: KubeObject, path: string) => path.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], object);
  return { matches: (object) => terms.every((term) => (String(value(object, term![1]!) ?? '') === term![3]) === (term![2] !== '!=')) };
}

interface CrdSpec {
  group: string;
  scope: string;
  names: { kind: string; plural: string };
  versions: { name: string; served: boolean }[];
  conversion?: { strategy: string; webhook?: { clientConfig?: { service?: { namespace: string; name: string; path?: string; port?: number } } } };
}

function inferResource(object: KubeObject): Resource {
  const [group, version] = object.apiVersion.includes('/') ? (object.apiVersion.split('/') as [string, string]) : ['', object.apiVersion];
  // A hostile server's kind (`../../victim`) is served under a plural a URL can hold; discovery still names the kind as it is.
  const lower = object.kind.toLowerCase().replace(/[^a-z0-9]/g, '') || 'things';
  const plural = lower.endsWith('s') ? `${lower}es` : lower.endsWith('y') ? `${lower.slice(0, -1)}ies` : `${lower}s`;
  return r(group, version, plural, object.kind, Boolean(object.metadata?.namespace), group.includes('.') && !group.endsWith('.k8s.io'));
}

function isDryRun(query: URLSearchParams): boolean {
  return query.getAll('dryRun').includes('All');
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as object) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function ok(body: unknown): FakeResponse {
  return { status: 200, body };
}

const REASONS: Record<number, string> = { 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 409: 'Conflict', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable' };

/** A meta/v1 Status, the body of every error the API server sends. */
export function statusBody(code: number, message: string, reason = REASONS[code] ?? 'Unknown', details?: Record<string, unknown>): unknown {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** The 403 RBAC answers with: `User "U" cannot list resource "pods" in API group "" at the cluster scope`. */
export function forbidden(verb: string, resource: string, group = ''): unknown {
  return statusBody(403, `pods is forbidden: User "gke-doctor@example.iam.gserviceaccount.com" cannot ${verb} resource "${resource}" in API group "${group}" at the cluster scope`.replace(/^pods/, resource), 'Forbidden', {
    kind: resource,
  });
}

function notFoundBody(path: string): FakeResponse {
  return { status: 404, body: statusBody(404, `the server could not find the requested resource (get ${path})`) };
}

function notFoundObject(route: Route): FakeResponse {
  const resource = route.resource.group ? `${route.resource.plural}.${route.resource.group}` : route.resource.plural;
  return { status: 404, body: statusBody(404, `${resource} "${route.name}" not found`, 'NotFound', { name: route.name, kind: route.resource.plural }) };
}

/** The storage layer's precondition error, as the API server words it (kubernetes/kubernetes#124347 quotes it). */
function uidPreconditionFailed(route: Route, sent: string, stored: string | undefined): string {
  const key = `/registry/${route.resource.group ? `${route.resource.group}/` : ''}${route.resource.plural}/${route.namespace ? `${route.namespace}/` : ''}${route.name}`;
  return `StorageError: invalid object, Code: 4, Key: ${key}, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: ${sent}, UID in object meta: ${stored ?? ''}`;
}

function conflict(route: Route, why = 'the object has been modified; please apply your changes to the latest version and try again'): FakeResponse {
  const resource = route.resource.group ? `${route.resource.plural}.${route.resource.group}` : route.resource.plural;
  return {
    status: 409,
    body: statusBody(409, `Operation cannot be fulfilled on ${resource} "${route.name}": ${why}`, 'Conflict', {
      name: route.name,
      kind: route.resource.plural,
    }),
  };
}

/**
 * A list page in each wrong shape a broken or hostile API server (or a proxy before it) can
 * send, for `inject({ path, status: 200, body })`: each was once read as an empty or partial
 * list (issue #21).
 */
export function wrongListShapes(kind: string): Record<string, unknown> {
  const list = { kind: `${kind}List`, apiVersion: 'v1', metadata: { resourceVersion: '1' } };
  return {
    'a bare JSON array': [{ metadata: { name: 'a', namespace: 'default' } }],
    'items that are not objects': { ...list, items: ['a', 1, null] },
    'some items that are not objects': { ...list, items: [{ metadata: { name: 'a', namespace: 'default' } }, 'b'] },
    'no items': list,
    'a kind that is not a List': { ...list, kind, items: [] },
    'a continue token that is not a string': { ...list, metadata: { continue: 7 }, items: [] },
  };
}

/** Discovery documents in wrong shapes, by the path they are served at. */
export const WRONG_DISCOVERY: [path: string, body: unknown][] = [
  ['/apis', { kind: 'APIGroupList', groups: 5 }],
  ['/apis', [{ name: 'apps' }]],
  ['/api/v1', { kind: 'APIResourceList', resources: 'pods' }],
  ['/api/v1', { kind: 'APIResourceList', resources: [{ name: 7, kind: 'Pod' }] }],
  ['/apis/apps/v1', { kind: 'APIResourceList', groupVersion: 'apps/v1', resources: [null] }],
];

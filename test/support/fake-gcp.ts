import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakeRequest, FakeResponse } from './fake-http.js';
import { FakeHttpServer } from './fake-http.js';

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** The error body Google APIs send (https://cloud.google.com/apis/design/errors#http_mapping). */
export function googleError(code: number, message: string, details: unknown[] = []): unknown {
  return { error: { code, message, status: STATUS_NAMES[code] ?? 'UNKNOWN', ...(details.length ? { details } : {}) } };
}

/** A 403 as IAM sends it: ErrorInfo reason IAM_PERMISSION_DENIED naming the permission. */
export function permissionDenied(permission: string, service: string, resource: string): unknown {
  return googleError(403, `Permission '${permission}' denied on resource '//${service}/${resource}' (or it may not exist).`, [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'IAM_PERMISSION_DENIED',
      domain: 'iam.googleapis.com',
      metadata: { permission, resource },
    },
  ]);
}

/** A 403 for an API not enabled in the project: ErrorInfo reason SERVICE_DISABLED. */
export function serviceDisabled(service: string, projectNumber: string): unknown {
  return googleError(
    403,
    `${service} has not been used in project ${projectNumber} before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/${service}/overview?project=${projectNumber} then retry.`,
    [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'SERVICE_DISABLED',
        domain: 'googleapis.com',
        metadata: { consumer: `projects/${projectNumber}`, service },
      },
    ],
  );
}

interface FixtureGcp {
  project?: Record<string, unknown>;
  iamPolicy?: unknown;
  cluster?: Record<string, unknown>;
  triggers: { name: string }[];
  healthChecks: Record<string, unknown>[];
  backendServices: Record<string, unknown>[];
  subnetworks: Record<string, unknown>[];
  /** compute/firewalls.json: VPC firewall rules, each naming its network. */
  firewalls: { network?: string }[];
  /** compute/effective-firewalls.json: what getEffectiveFirewalls answers for the cluster's network. */
  effectiveFirewalls?: unknown;
  /** compute/network.json: what networks.get answers for the cluster's network. */
  network?: unknown;
  /** compute/regional-effective-firewalls.json: what regionNetworkFirewallPolicies.getEffectiveFirewalls answers in the cluster's region. */
  regionalEffectiveFirewalls?: unknown;
  /** `compute/backend-health.json`: per backend service, what get-health printed. */
  backendHealth: { backendService: string; region?: string; health: { backend: string; status: unknown }[] }[];
  /** `roles/*.json`: custom role definitions, by full name. */
  roles: Map<string, unknown>;
  /** `host-iam-policy.json`: the policy of the project `cluster.json`'s network is in. */
  hostIamPolicy?: unknown;
  /** `pubsub-topics.json`, `pubsub-subscriptions.json`: what exists; any other name answers 404. */
  topics: Record<string, unknown>[];
  subscriptions: Record<string, unknown>[];
}

export interface FakeGcpOptions {
  /** Page size when the client sends none (small, so pagination is exercised). */
  pageSize?: number;
  /** Serve HTTPS with the test certificate (TEST_TLS; clients trust it through NODE_EXTRA_CA_CERTS), as Google's APIs do. */
  tls?: boolean;
  /** A network of this round trip between the clients and the fake (network-delay.ts). */
  rttMs?: number;
}

/**
 * A fake of the Google Cloud REST APIs gke-doctor reads (container v1,
 * cloudresourcemanager v1 (projects.get) and v3 (getIamPolicy), eventarc v1, compute v1), serving a snapshot
 * directory in their real response shapes.
 */
export class FakeGcp extends FakeHttpServer {
  constructor(
    private readonly data: FixtureGcp,
    private readonly options: FakeGcpOptions,
  ) {
    super((request) => this.route(request), (status, message) => googleError(status, message));
  }

  static async serve(fixtureDirectory: string, options: FakeGcpOptions = {}): Promise<FakeGcp> {
    return (await FakeGcp.load(fixtureDirectory, options)).start({ tls: options.tls, rttMs: options.rttMs });
  }

  /** The fake for a fixture directory, not listening: a fleet of fakes answers through its `route`. */
  static async load(fixtureDirectory: string, options: FakeGcpOptions = {}): Promise<FakeGcp> {
    const read = async (file: string): Promise<unknown> => {
      try {
        return JSON.parse(await readFile(join(fixtureDirectory, file), 'utf8'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    };
    const list = (value: unknown, field: string) => (Array.isArray(value) ? value : ((value as Record<string, unknown[]> | undefined)?.[field] ?? []));
    const data: FixtureGcp = {
      project: (await read('project.json')) as Record<string, unknown> | undefined,
      iamPolicy: await read('iam-policy.json'),
      cluster: (await read('cluster.json')) as Record<string, unknown> | undefined,
      triggers: list(await read('eventarc-triggers.json'), 'triggers') as { name: string }[],
      healthChecks: list(await read('compute/health-checks.json'), 'items') as Record<string, unknown>[],
      backendServices: list(await read('compute/backend-services.json'), 'items') as Record<string, unknown>[],
      subnetworks: list(await read('compute/subnetworks.json'), 'items') as Record<string, unknown>[],
      firewalls: list(await read('compute/firewalls.json'), 'items') as { network?: string }[],
      effectiveFirewalls: await read('compute/effective-firewalls.json'),
      network: await read('compute/network.json'),
      regionalEffectiveFirewalls: await read('compute/regional-effective-firewalls.json'),
      backendHealth: ((await read('compute/backend-health.json')) ?? []) as FixtureGcp['backendHealth'],
      roles: await readRoles(join(fixtureDirectory, 'roles')),
      hostIamPolicy: await read('host-iam-policy.json'),
      topics: list(await read('pubsub-topics.json'), 'topics') as Record<string, unknown>[],
      subscriptions: list(await read('pubsub-subscriptions.json'), 'subscriptions') as Record<string, unknown>[],
    };
    return new FakeGcp(data, options);
  }

  /** The answer to a request for this project (public: a fleet of fakes routes to each project's). */
  route(request: FakeRequest): FakeResponse {
    if (!/^Bearer \S+/.test(String(request.headers.authorization ?? ''))) {
      return { status: 401, body: googleError(401, 'Request is missing required authentication credential. Expected OAuth 2 access token.') };
    }
    const { method, path } = request;
    let match: RegExpExecArray | null;
    if (method === 'GET' && (match = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/clusters\/([^/]+)$/.exec(path))) {
      return this.cluster(match[1]!, match[2]!, match[3]!);
    }
    // IAM v1 roles.get (https://cloud.google.com/iam/docs/reference/rest/v1/projects.roles/get); served on the same host.
    if (method === 'GET' && (match = /^\/v1\/((?:projects|organizations)\/[^/]+\/roles\/[^/]+)$/.exec(path))) {
      const role = this.data.roles.get(decodeURIComponent(match[1]!));
      return role ? { status: 200, body: role } : notFound(match[1]!);
    }
    if (method === 'GET' && (match = /^\/v1\/projects\/([^/]+)$/.exec(path))) return this.project(match[1]!);
    if (method === 'POST' && (match = /^\/v3\/projects\/([^/:]+):getIamPolicy$/.exec(path))) {
      if (match[1] === this.hostProject() && this.data.hostIamPolicy !== undefined) return { status: 200, body: this.data.hostIamPolicy };
      if (!this.isProject(match[1]!) || this.data.iamPolicy === undefined) return notFound(path);
      return { status: 200, body: this.data.iamPolicy };
    }
    // Pub/Sub v1 topics.get and subscriptions.get (https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.topics/get).
    if (method === 'GET' && (match = /^\/v1\/(projects\/[^/]+\/(topics|subscriptions)\/[^/]+)$/.exec(path))) {
      const name = decodeURIComponent(match[1]!);
      const found = (match[2] === 'topics' ? this.data.topics : this.data.subscriptions).find((item) => item.name === name);
      return found ? { status: 200, body: found } : { status: 404, body: googleError(404, `Resource not found (resource=${name.split('/').pop()}).`) };
    }
    if (method === 'GET' && (match = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/triggers$/.exec(path))) {
      const location = match[2]!;
      const triggers = this.data.triggers.filter((trigger) => location === '-' || trigger.name.includes(`/locations/${location}/`));
      const page = paginate(triggers, request.query, this.options.pageSize ?? 1, 'pageSize');
      return { status: 200, body: { ...(page.items.length ? { triggers: page.items } : {}), ...(page.next ? { nextPageToken: page.next } : {}) } };
    }
    if (method === 'GET' && (match = /^\/compute\/v1\/projects\/([^/]+)\/aggregated\/(healthChecks|backendServices|subnetworks)$/.exec(path))) {
      const collection = match[2] as AggregatedCollection;
      return { status: 200, body: this.aggregatedList(match[1]!, collection, request.query) };
    }
    // compute v1 firewalls.list (https://cloud.google.com/compute/docs/reference/rest/v1/firewalls/list), `network = "URL"` filters as Compute does.
    if (method === 'GET' && (match = /^\/compute\/v1\/projects\/([^/]+)\/global\/firewalls$/.exec(path))) {
      return { status: 200, body: this.firewalls(match[1]!, request.query) };
    }
    // compute v1 networks.getEffectiveFirewalls, for the network the fixture's cluster uses: the fixture's answer, else its VPC rules alone (no policy applies).
    if (method === 'GET' && (match = /^\/compute\/v1\/projects\/([^/]+)\/global\/networks\/([^/]+)\/getEffectiveFirewalls$/.exec(path))) {
      const [project, network] = [match[1]!, match[2]!];
      if (!this.isClusterNetwork(project, network)) return notFound(`projects/${project}/global/networks/${network}`);
      const url = `https://www.googleapis.com/compute/v1/projects/${project}/global/networks/${network}`;
      return { status: 200, body: this.data.effectiveFirewalls ?? { firewalls: this.data.firewalls.filter((rule) => rule.network === url) } };
    }
    // compute v1 networks.get: the fixture's network, else the network as Compute describes one nobody changed (AFTER_CLASSIC_FIREWALL, the default).
    if (method === 'GET' && (match = /^\/compute\/v1\/projects\/([^/]+)\/global\/networks\/([^/]+)$/.exec(path))) {
      const [project, network] = [match[1]!, match[2]!];
      if (!this.isClusterNetwork(project, network)) return notFound(`projects/${project}/global/networks/${network}`);
      const selfLink = `https://www.googleapis.com/compute/v1/projects/${project}/global/networks/${network}`;
      return { status: 200, body: this.data.network ?? { kind: 'compute#network', name: network, selfLink, networkFirewallPolicyEnforcementOrder: 'AFTER_CLASSIC_FIREWALL' } };
    }
    // compute v1 regionNetworkFirewallPolicies.getEffectiveFirewalls (?network=URL) in the cluster's region: the fixture's answer, else the global one (no regional policy applies).
    if (method === 'GET' && (match = /^\/compute\/v1\/projects\/([^/]+)\/regions\/([^/]+)\/firewallPolicies\/getEffectiveFirewalls$/.exec(path))) {
      const network = /\/projects\/([^/]+)\/global\/networks\/([^/]+)$/.exec(request.query.get('network') ?? '');
      if (!network || network[1] !== match[1] || !this.isClusterNetwork(network[1]!, network[2]!)) return notFound(`network ${request.query.get('network') ?? ''}`);
      const url = `https://www.googleapis.com/compute/v1/projects/${network[1]}/global/networks/${network[2]}`;
      return { status: 200, body: this.data.regionalEffectiveFirewalls ?? this.data.effectiveFirewalls ?? { firewalls: this.data.firewalls.filter((rule) => rule.network === url) } };
    }
    // compute v1 backendServices.get / regionBackendServices.get, and their getHealth (a POST that reads).
    if ((match = /^\/compute\/v1\/projects\/([^/]+)\/(global|regions\/([^/]+))\/backendServices\/([^/:]+)(\/getHealth)?$/.exec(path))) {
      const [, , , region, name, getHealth] = match;
      if (method === 'GET' && !getHealth) return this.backendService(name!, region);
      if (method === 'POST' && getHealth) return this.backendServiceHealth(name!, region, (request.body as { group?: string } | undefined)?.group);
    }
    return notFound(path);
  }

  /** The project of the cluster's network, when it is another one (a Shared VPC host). */
  private hostProject(): string | undefined {
    const network = (this.data.cluster?.networkConfig as { network?: string } | undefined)?.network ?? '';
    const host = /^projects\/([^/]+)\/global\/networks\//.exec(network)?.[1];
    return host && !this.isProject(host) ? host : undefined;
  }

  /** Whether projects/P/global/networks/N is the fixture cluster's network (its project the host project on a Shared VPC). */
  private isClusterNetwork(project: string, network: string): boolean {
    const config = this.data.cluster?.networkConfig as { network?: string } | undefined;
    return config?.network ? config.network.endsWith(`projects/${project}/global/networks/${network}`) : this.isProject(project) && this.data.cluster?.network === network;
  }

  private firewalls(project: string, query: URLSearchParams): unknown {
    const wanted = /^network\s*=\s*"([^"]+)"$/.exec(query.get('filter') ?? '')?.[1];
    const rules = this.data.firewalls.filter((rule) => (rule.network ?? '').includes(`/projects/${project}/global/networks/`) && (!wanted || rule.network === wanted));
    const page = paginate(rules, query, this.options.pageSize ?? 50, 'maxResults');
    return {
      kind: 'compute#firewallList',
      id: `projects/${project}/global/firewalls`,
      ...(page.items.length ? { items: page.items } : {}),
      selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/global/firewalls`,
      ...(page.next ? { nextPageToken: page.next } : {}),
    };
  }

  /** A backend service of the fixture in that scope: from `backend-services.json`, else made from what `backend-health.json` says of it. */
  private backendService(name: string, region: string | undefined): FakeResponse {
    const listed = this.data.backendServices.find((item) => item.name === name && scopeOf(item) === region);
    if (listed) return { status: 200, body: listed };
    const health = this.data.backendHealth.find((entry) => entry.backendService === name && entry.region === region);
    if (!health) return notFound(`backendServices/${name}`);
    // As Compute describes a service: `region` and `selfLink` are URLs.
    const scope = `https://www.googleapis.com/compute/v1/projects/${String(this.data.project?.projectId ?? 'project')}/${region ? `regions/${region}` : 'global'}`;
    const body = { kind: 'compute#backendService', name, ...(region ? { region: scope } : {}), selfLink: `${scope}/backendServices/${name}`, backends: health.health.map((group) => ({ group: group.backend, balancingMode: 'RATE' })) };
    return { status: 200, body };
  }

  /** compute v1 BackendServiceGroupHealth of one group; a group the backend service does not have is refused, as Compute does. */
  private backendServiceHealth(name: string, region: string | undefined, group: string | undefined): FakeResponse {
    const found = this.data.backendHealth.find((entry) => entry.backendService === name && entry.region === region)?.health.find((entry) => entry.backend === group);
    if (found) return { status: 200, body: found.status };
    if (this.backendService(name, region).status === 404) return notFound(`backendServices/${name}`);
    return { status: 400, body: googleError(400, "Invalid value for field 'resource.group': the backend service has no such backend.") };
  }

  private isProject(id: string): boolean {
    const project = this.data.project;
    return project !== undefined && (project.projectId === id || String(project.projectNumber) === id);
  }

  /** cloudresourcemanager v1 Project: the shape `gcloud projects describe` prints, so project.json as it is. */
  private project(id: string): FakeResponse {
    if (!this.data.project || !this.isProject(id)) return notFound(`projects/${id}`);
    return { status: 200, body: this.data.project };
  }

  private cluster(project: string, location: string, name: string): FakeResponse {
    const cluster = this.data.cluster;
    const resource = `projects/${project}/locations/${location}/clusters/${name}`;
    if (!cluster || cluster.name !== name || (cluster.location && cluster.location !== location)) return notFound(resource);
    if (this.data.project && !this.isProject(project)) return notFound(resource);
    return { status: 200, body: cluster };
  }

  /** Each aggregated list's items in order with their scope, made once per collection and project: a page is a slice. */
  private readonly aggregatedIndex = new Map<string, { scope: string; item: Record<string, unknown> }[]>();

  private aggregatedItems(project: string, collection: AggregatedCollection): { scope: string; item: Record<string, unknown> }[] {
    const key = `${collection} ${project}`;
    let indexed = this.aggregatedIndex.get(key);
    if (!indexed) {
      // A project lists only its own subnets (on a Shared VPC, the host project's): each names its project in selfLink.
      const own = collection === 'subnetworks' ? this.data.subnetworks.filter((item) => !item.selfLink || String(item.selfLink).includes(`/projects/${project}/`)) : collection === 'backendServices' ? this.listedBackendServices() : this.data[collection];
      indexed = own.map((item) => {
        const region = /\/regions\/([^/]+)/.exec(String(item.region ?? item.selfLink ?? ''))?.[1];
        return { scope: region ? `regions/${region}` : 'global', item };
      });
      this.aggregatedIndex.set(key, indexed);
    }
    return indexed;
  }

  /** The project's backend services: `backend-services.json`, and those `backend-health.json` names (as a GET of each answers them). */
  private listedBackendServices(): Record<string, unknown>[] {
    const made = this.data.backendHealth
      .filter((entry) => !this.data.backendServices.some((item) => item.name === entry.backendService && scopeOf(item) === entry.region))
      .map((entry) => this.backendService(entry.backendService, entry.region).body as Record<string, unknown>);
    return [...this.data.backendServices, ...made];
  }

  /**
   * compute v1 aggregatedList (https://cloud.google.com/compute/docs/reference/rest/v1/backendServices/aggregatedList):
   * `{items: {"global": {backendServices: […]}, "regions/R": {…}}}`, every scope of the project on every page, one
   * without results on the page holding the warning Compute sends (gcpdiag's recorded compute-…-aggregated test data).
   */
  private aggregatedList(project: string, collection: AggregatedCollection, query: URLSearchParams): unknown {
    const all = this.aggregatedItems(project, collection);
    const page = paginate(all, query, this.options.pageSize ?? 50, 'maxResults');
    const clusterRegion = /^([a-z]+-[a-z]+\d+)(-[a-z])?$/.exec(String(this.data.cluster?.location ?? ''))?.[1];
    const scopes = new Set(['global', ...PROJECT_REGIONS.map((region) => `regions/${region}`), ...(clusterRegion ? [`regions/${clusterRegion}`] : []), ...all.map((entry) => entry.scope)]);
    const items: Record<string, Record<string, unknown>> = {};
    for (const scope of [...scopes].sort()) {
      const scoped = page.items.filter((entry) => entry.scope === scope).map((entry) => entry.item);
      items[scope] = scoped.length
        ? { [collection]: scoped }
        : { warning: { code: 'NO_RESULTS_ON_PAGE', message: `There are no results for scope '${scope}' on this page.`, data: [{ key: 'scope', value: scope }] } };
    }
    return {
      kind: `compute#${AGGREGATED_KINDS[collection]}`,
      id: `projects/${project}/aggregated/${collection}`,
      items,
      selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/aggregated/${collection}`,
      ...(page.next ? { nextPageToken: page.next } : {}),
    };
  }
}

type AggregatedCollection = 'healthChecks' | 'backendServices' | 'subnetworks';

/** The `kind` of each aggregated list, as Compute names it. */
const AGGREGATED_KINDS: Record<AggregatedCollection, string> = {
  healthChecks: 'healthChecksAggregatedList',
  backendServices: 'backendServiceAggregatedList',
  subnetworks: 'subnetworkAggregatedList',
};

/** Regions every fake project has (an aggregated list names each, with or without results): a few of Compute's. */
const PROJECT_REGIONS = ['asia-east1', 'asia-northeast1', 'europe-west1', 'us-central1', 'us-east1', 'us-west1'];

/** The region of a compute resource (its `region` or `selfLink`), undefined for a global one. */
function scopeOf(item: { region?: unknown; selfLink?: unknown }): string | undefined {
  return /\/regions\/([^/]+)/.exec(String(item.region ?? item.selfLink ?? ''))?.[1] ?? undefined;
}

/** A fixture's `roles/*.json` (gcloud iam roles describe), by the full name each holds. */
async function readRoles(directory: string): Promise<Map<string, unknown>> {
  const roles = new Map<string, unknown>();
  const files = await readdir(directory).catch(() => [] as string[]);
  for (const file of files.filter((name) => name.endsWith('.json'))) {
    const role = JSON.parse(await readFile(join(directory, file), 'utf8')) as { name: string };
    roles.set(role.name, role);
  }
  return roles;
}

function notFound(resource: string): FakeResponse {
  return { status: 404, body: googleError(404, `Not found: ${resource}.`) };
}

export function paginate<T>(items: T[], query: URLSearchParams, defaultSize: number, sizeParameter: string): { items: T[]; next?: string } {
  const start = Number(query.get('pageToken') || 0);
  // Like the real APIs, the server may return fewer than asked: a page here is never above its own size.
  const size = Math.min(Number(query.get(sizeParameter) || defaultSize), defaultSize);
  const end = start + size;
  return { items: items.slice(start, end), next: end < items.length ? String(end) : undefined };
}

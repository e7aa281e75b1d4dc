import { eachAtMost } from '../../each-at-most.js';
import { ApiFailure, toApiFailure } from './api-failure.js';
import type { GOOGLE_LIST_CAPS, Sized } from './google-request.js';
import { readGooglePages } from './google-request.js';
import { envelopeProblem } from '../data-shapes.js';
import type { BackendGroupHealth, BackendService, BackendServiceHealth } from '../gcp-types.js';

/** A backend service to read the health of: global, in a region, or unknown (then global first, then the cluster's region). */
export interface BackendServiceRef {
  name: string;
  scope?: 'global' | { region: string };
}

/** An authorized, bounded, retried compute v1 request, relative to the API's base URL (a POST when it has a body). */
export type ComputeRequest = <T extends object>(path: string, body?: unknown) => Promise<T>;

/** The same for one page of a list, with its query and the size of the answer. */
export type ComputePageRequest = (path: string, params: Record<string, string | number>) => Promise<Sized<object>>;

/**
 * The project's backend services as the aggregated list gives them: per scope (`global`, or a
 * region's name), each service's backend groups by its name; and the scopes Compute could not list.
 */
export interface BackendServiceScopes {
  groups: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  unreachable: ReadonlySet<string>;
}

/** Compute's page size limit (https://cloud.google.com/compute/docs/reference/rest/v1/backendServices/aggregatedList: maxResults ≤ 500). */
const PAGE_SIZE = 500;

/** getHealth requests in flight at once, over every backend service. */
const GET_HEALTH_CONCURRENCY = 16;

/** The permission each step needs, for a 403 whose body does not name one (compute v1 reference, "IAM Permissions"). */
const LIST_PERMISSION = 'compute.backendServices.list';
const GET_HEALTH_PERMISSION = 'compute.backendServices.get';

/** One page of compute v1 BackendServiceAggregatedList: a scope's services, or a warning where it has none. */
interface AggregatedPage {
  items?: Record<string, { backendServices?: BackendService[]; warning?: { code?: string } }>;
  nextPageToken?: string;
  unreachables?: string[];
}

/**
 * Every backend service of the project, global and regional, in one paged list (compute v1
 * backendServices.aggregatedList, what `gcloud compute backend-services list` reads; permission
 * compute.backendServices.list on the project): one request for what took a GET per service and
 * scope. `returnPartialSuccess`, as the reference recommends, so a region Compute cannot reach is
 * named in `unreachables` (or in a scope's `UNREACHABLE` warning) instead of failing the whole list:
 * only a service that may be in such a scope fails the read (readBackendHealth).
 */
export async function listBackendServiceScopes(readPage: ComputePageRequest, project: string, caps?: typeof GOOGLE_LIST_CAPS): Promise<BackendServiceScopes> {
  const path = `projects/${encodeURIComponent(project)}/aggregated/backendServices`;
  const unreachable = new Set<string>();
  // Only what is read is kept: each service's scope, name and backend groups, not the whole service.
  const listed = await readGooglePages<{ scope: string; name: string; groups: string[] }>(
    `compute.googleapis.com ${path}`,
    async (pageToken) => {
      const { value, bytes } = await readPage(path, { maxResults: PAGE_SIZE, returnPartialSuccess: 'true', ...(pageToken ? { pageToken } : {}) }).catch((error: unknown) => {
        throw namingPermission(error, LIST_PERMISSION);
      });
      const problem = await envelopeProblem('computeAggregatedList', value);
      if (problem) throw new ApiFailure(`compute.googleapis.com ${path}: the answer is not an aggregated list (${problem})`, undefined, { code: 'EBADRESPONSE' });
      const page = value as AggregatedPage;
      for (const scope of page.unreachables ?? []) unreachable.add(scopeName(scope) ?? scope);
      const items = Object.entries(page.items ?? {}).flatMap(([key, scoped]) => {
        const scope = scopeName(key);
        if (!scope) return [];
        if (scoped.warning?.code === 'UNREACHABLE') unreachable.add(scope);
        return (scoped.backendServices ?? [])
          .filter((service) => typeof service?.name === 'string')
          .map((service) => ({ scope, name: service.name, groups: (service.backends ?? []).map((backend) => backend?.group).filter((group): group is string => typeof group === 'string') }));
      });
      return { items, nextPageToken: page.nextPageToken, bytes };
    },
    caps,
  );
  const groups = new Map<string, Map<string, string[]>>();
  for (const { scope, name, groups: serviceGroups } of listed) {
    let byName = groups.get(scope);
    if (!byName) groups.set(scope, (byName = new Map()));
    byName.set(name, serviceGroups);
  }
  return { groups, unreachable };
}

/** `global` or the region of an aggregated list's scope key (`regions/REGION`), whole URL or not. */
function scopeName(key: string): string | undefined {
  const match = /(?:^|\/)(?:(global)|regions\/([^/]+))$/.exec(key);
  return match ? (match[1] ?? match[2]) : undefined;
}

/**
 * What `gcloud compute backend-services get-health NAME --format=json` prints, for each backend
 * service the cluster uses: its backend groups come from the project's aggregated list (`scopes`,
 * read at the same time as the cluster's Ingresses), then `getHealth` for each group (compute v1
 * backendServices.getHealth / regionBackendServices.getHealth, a POST that reads; permission
 * compute.backendServices.get), all of them at once within a bounded pool. A backend service found
 * in no scope (deleted since the annotation naming it was written) has no entry; any other failure
 * fails the read, and so does a service that may be in a scope Compute could not list.
 */
export async function readBackendHealth(
  request: ComputeRequest,
  project: string,
  services: readonly BackendServiceRef[],
  clusterRegion: string | null,
  scopes: Promise<BackendServiceScopes>,
): Promise<BackendServiceHealth[]> {
  if (services.length === 0) return [];
  const listed = await scopes;
  const found = services.map((service) => locate(listed, service, clusterRegion)).filter((entry) => entry !== undefined);
  const calls = found.flatMap((service, index) => service.groups.map((group) => ({ index, group })));
  const statuses = await eachAtMost(calls, GET_HEALTH_CONCURRENCY, ({ index, group }) => {
    const service = found[index]!;
    const base = `projects/${encodeURIComponent(project)}/${service.region ? `regions/${encodeURIComponent(service.region)}` : 'global'}/backendServices/${encodeURIComponent(service.name)}`;
    return request<BackendGroupHealth['status']>(`${base}/getHealth`, { group }).catch((error: unknown) => {
      throw namingPermission(error, GET_HEALTH_PERMISSION);
    });
  });
  let call = 0;
  return found.map((service) => ({
    backendService: service.name,
    ...(service.region ? { region: service.region } : {}),
    health: service.groups.map((group) => ({ backend: group, status: statuses[call++]! })),
  }));
}

/** Where a backend service is: its own scope, or (unknown) global first, then the cluster's region; undefined when in none. */
function locate(listed: BackendServiceScopes, service: BackendServiceRef, clusterRegion: string | null): { name: string; region?: string; groups: readonly string[] } | undefined {
  const candidates = service.scope === 'global' ? ['global'] : typeof service.scope === 'object' ? [service.scope.region] : ['global', ...(clusterRegion ? [clusterRegion] : [])];
  for (const scope of candidates) {
    const groups = listed.groups.get(scope)?.get(service.name);
    if (groups) return { name: service.name, ...(scope === 'global' ? {} : { region: scope }), groups };
  }
  const unreachable = candidates.find((scope) => listed.unreachable.has(scope));
  if (unreachable) {
    const where = unreachable === 'global' ? 'the global scope' : `region ${unreachable}`;
    throw new ApiFailure(`compute.googleapis.com could not list the backend services of ${where} (unreachable), where backend service ${service.name} may be`, undefined, { code: 'UNREACHABLE' });
  }
  return undefined;
}

/** A 403 whose body names no permission names the one this step needs, so the reason says what to grant. */
function namingPermission(error: unknown, permission: string): ApiFailure {
  const failure = toApiFailure(error);
  if (failure.status !== 403 || failure.details.permission || failure.details.reason === 'SERVICE_DISABLED') return failure;
  return new ApiFailure(failure.message, failure.status, { ...failure.details, permission });
}

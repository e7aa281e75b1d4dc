import { toApiFailure } from './api-failure.js';
import type { BackendGroupHealth, BackendService, BackendServiceHealth } from '../gcp-types.js';

/** A backend service to read the health of: global, in a region, or unknown (then global first, then the cluster's region). */
export interface BackendServiceRef {
  name: string;
  scope?: 'global' | { region: string };
}

/** An authorized, bounded, retried compute v1 request, relative to the API's base URL. */
export type ComputeRequest = <T extends object>(path: string, body?: unknown) => Promise<T>;

/** Backend services read at once. */
const CONCURRENCY = 8;

/**
 * What `gcloud compute backend-services get-health NAME --format=json` prints, for each backend
 * service: gcloud GETs the backend service, then asks `getHealth` for each backend group
 * (compute v1 backendServices.getHealth / regionBackendServices.getHealth, a POST that reads;
 * permission compute.backendServices.get). A backend service found in no scope (deleted since
 * the annotation naming it was written) has no entry; any other failure fails the read.
 */
export async function readBackendHealth(request: ComputeRequest, project: string, services: readonly BackendServiceRef[], clusterRegion: string | null): Promise<BackendServiceHealth[]> {
  const results: (BackendServiceHealth | undefined)[] = new Array(services.length);
  let next = 0;
  const worker = async () => {
    while (next < services.length) {
      const index = next++;
      results[index] = await healthOf(request, project, services[index]!, clusterRegion);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, services.length) }, worker));
  return results.filter((entry): entry is BackendServiceHealth => entry !== undefined);
}

async function healthOf(request: ComputeRequest, project: string, service: BackendServiceRef, clusterRegion: string | null): Promise<BackendServiceHealth | undefined> {
  const scopes: (string | null)[] = service.scope === 'global' ? [null] : typeof service.scope === 'object' ? [service.scope.region] : [null, ...(clusterRegion ? [clusterRegion] : [])];
  for (const region of scopes) {
    const base = `projects/${encodeURIComponent(project)}/${region ? `regions/${encodeURIComponent(region)}` : 'global'}/backendServices/${encodeURIComponent(service.name)}`;
    let found: BackendService;
    try {
      found = await request<BackendService>(base);
    } catch (error) {
      if (toApiFailure(error).status === 404) continue;
      throw error;
    }
    const health: BackendGroupHealth[] = [];
    for (const group of (found.backends ?? []).map((backend) => backend.group).filter((group): group is string => typeof group === 'string')) {
      health.push({ backend: group, status: await request<BackendGroupHealth['status']>(`${base}/getHealth`, { group }) });
    }
    return { backendService: service.name, ...(region ? { region } : {}), health };
  }
  return undefined;
}

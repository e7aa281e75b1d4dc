import type { AuthClient } from 'google-auth-library';
import type { Deadline } from '../state/live/deadline.js';
import type { RequestLog } from '../state/live/request-log.js';
import { ApiFailure, toApiFailure } from '../state/live/api-failure.js';
import { rejectedCredentials } from '../state/live/gcp-credentials.js';
import type { CredentialOptions } from '../state/live/gcp-credentials.js';
import { GOOGLE_API_SERVICES, googleApiBase } from '../state/live/gcp-endpoints.js';
import type { GoogleApi } from '../state/live/gcp-endpoints.js';
import { callLimits, readGoogleDocument, readGooglePages } from '../state/live/google-request.js';
import { envelopeProblem } from '../state/data-shapes.js';
import type { EnvelopeName } from '../state/data-shape-schemas.js';
import type { FleetDiscovery, UnlistedResource } from '../engine/fleet-report.js';
import { eachAtMost } from '../each-at-most.js';

export interface ParentDiscoveryOptions extends CredentialOptions {
  /** `folders/ID` or `organizations/ID`. */
  parent: string;
  auth: AuthClient;
  env: NodeJS.ProcessEnv;
  deadline: Deadline;
  concurrency: number;
  /** `-v`: every HTTP request, as it ends. */
  requestLog?: RequestLog;
}

/** The projects beneath a parent that may hold GKE clusters, and how they were found. */
export interface ProjectsBeneath {
  projects: string[];
  discovery: FleetDiscovery;
}

const CLUSTER_ASSET_TYPE = 'container.googleapis.com/Cluster';

/**
 * The projects under `--parent` to list clusters in. First Cloud Asset Inventory
 * (`searchAllResources` over the parent, asset type container.googleapis.com/Cluster,
 * every page: one query for the whole folder or organization; only projects that
 * hold a cluster); when that API is not enabled, is denied or fails, Resource Manager v3:
 * `folders.list` and `projects.list` name only direct children
 * (cloud.google.com/resource-manager/reference/rest/v3/projects/list: "Lists
 * projects that are direct children of the specified folder or organization"),
 * so the folders are walked level by level, `concurrency` at once. A folder that
 * cannot be listed is named in `discovery.unlisted`, and the walk goes on.
 */
export async function projectsBeneath(options: ParentDiscoveryOptions): Promise<ProjectsBeneath> {
  let fallback: string;
  try {
    const names = await searchClusters(options);
    // //container.googleapis.com/projects/PROJECT_ID/(locations|zones)/LOCATION/clusters/CLUSTER (cloud.google.com/asset-inventory/docs/asset-names).
    const projects = [...new Set(names.map((name) => /^\/\/container\.googleapis\.com\/projects\/([^/]+)\/(?:locations|zones)\/[^/]+\/clusters\/[^/]+$/.exec(name)?.[1]).filter((id): id is string => Boolean(id)))];
    return { projects: projects.sort(), discovery: { parent: options.parent, via: 'cloud-asset-inventory', fallback: null, unlisted: [] } };
  } catch (error) {
    const failure = toApiFailure(error);
    if (failure.status === 401) throw rejectedCredentials(options, options.env);
    // Off or denied is what the walk is for; any other failure (a 500 after retries, a timeout) is walked around too, and named.
    fallback =
      failure.details.reason === 'SERVICE_DISABLED'
        ? `cloudasset.googleapis.com is not enabled for the caller's project`
        : failure.status === 403
          ? `permission ${failure.details.permission ?? 'cloudasset.assets.searchAllResources'} denied on ${options.parent}; roles/cloudasset.viewer grants it`
          : `cloudasset.googleapis.com could not be searched: ${failure.status ? `${failure.status} ` : ''}${failure.message}`;
  }
  const walked = await walkFolders(options);
  return { projects: walked.projects, discovery: { parent: options.parent, via: 'resource-manager', fallback, unlisted: walked.unlisted } };
}

/** Cloud Asset API v1 `searchAllResources` (cloud.google.com/asset-inventory/docs/reference/rest/v1/TopLevel/searchAllResources): the clusters' full resource names. */
async function searchClusters(options: ParentDiscoveryOptions): Promise<string[]> {
  const path = `v1/${options.parent}:searchAllResources`;
  const results = await readGooglePages<{ name?: string }>(`cloudasset.googleapis.com ${path}`, (pageToken) =>
    readPage<{ results?: { name?: string }[] }, { name?: string }>('cloudasset', path, 'assetSearchList', { assetTypes: CLUSTER_ASSET_TYPE, pageSize: 500, ...(pageToken ? { pageToken } : {}) }, (page) => page.results, options),
  );
  return results.map((result) => result.name ?? '');
}

/** Resource Manager v3 folders.list and projects.list under the parent, breadth first. */
async function walkFolders(options: ParentDiscoveryOptions): Promise<{ projects: string[]; unlisted: UnlistedResource[] }> {
  const projects = new Set<string>();
  const unlisted: UnlistedResource[] = [];
  const seen = new Set<string>([options.parent]);
  let level = [options.parent];
  while (level.length > 0) {
    const next: string[] = [];
    await eachAtMost(level, options.concurrency, async (parent) => {
      if (options.deadline.passed) {
        unlisted.push({ resource: parent, reason: options.deadline.notStarted(`listing the folders and projects in ${parent}`) });
        return;
      }
      const [folders, children] = await Promise.all([
        listChildren<{ name?: string; state?: string }>('folders', parent, 'resourcemanager.folders.list', options),
        listChildren<{ projectId?: string; state?: string }>('projects', parent, 'resourcemanager.projects.list', options),
      ]);
      for (const result of [folders, children]) if ('unlisted' in result) unlisted.push(result.unlisted);
      // Only ACTIVE ones: a folder or project pending deletion has no clusters to check (v3 Folder.State, Project.State).
      for (const folder of 'items' in folders ? folders.items : []) {
        if (folder.name && (folder.state ?? 'ACTIVE') === 'ACTIVE' && !seen.has(folder.name)) {
          seen.add(folder.name);
          next.push(folder.name);
        }
      }
      for (const project of 'items' in children ? children.items : []) if (project.projectId && (project.state ?? 'ACTIVE') === 'ACTIVE') projects.add(project.projectId);
    });
    level = next.sort();
  }
  return { projects: [...projects].sort(), unlisted: unlisted.sort((a, b) => a.resource.localeCompare(b.resource)) };
}

const ROLE_FOR: Record<string, string> = {
  'resourcemanager.folders.list': 'roles/browser',
  'resourcemanager.projects.list': 'roles/browser',
};

/** One kind of direct child of a parent, every page; a parent that cannot be listed says why. */
async function listChildren<T>(
  collection: 'folders' | 'projects',
  parent: string,
  permission: string,
  options: ParentDiscoveryOptions,
): Promise<{ items: T[] } | { unlisted: UnlistedResource }> {
  const path = `v3/${collection}`;
  try {
    const items = await readGooglePages<T>(`cloudresourcemanager.googleapis.com ${path}?parent=${parent}`, (pageToken) =>
      readPage<Record<string, T[] | undefined>, T>('cloudresourcemanager', path, collection === 'folders' ? 'folderList' : 'projectList', { parent, ...(pageToken ? { pageToken } : {}) }, (page) => page[collection], options),
    );
    return { items };
  } catch (error) {
    const failure = toApiFailure(error);
    if (failure.status === 401) throw rejectedCredentials(options, options.env);
    if (failure.status === 403) {
      const denied = failure.details.permission ?? permission;
      const role = ROLE_FOR[denied] ?? 'roles/browser';
      return { unlisted: { resource: parent, reason: `cannot list the ${collection} in ${parent} (cloudresourcemanager.googleapis.com): permission ${denied} denied; ${role} grants it`, permission: denied, role } };
    }
    return { unlisted: { resource: parent, reason: `cannot list the ${collection} in ${parent} (cloudresourcemanager.googleapis.com): ${failure.status ? `${failure.status} ` : ''}${failure.message}` } };
  }
}

async function readPage<P extends object, T>(
  api: GoogleApi,
  path: string,
  envelope: EnvelopeName,
  params: Record<string, string | number>,
  itemsOf: (page: P) => T[] | undefined,
  options: ParentDiscoveryOptions,
): Promise<{ items: T[]; nextPageToken?: string; bytes: number }> {
  const { value, bytes } = await readGoogleDocument<P & { nextPageToken?: string }>(options.auth, { api: GOOGLE_API_SERVICES[api], url: `${googleApiBase(api, options.env)}${path}`, params }, callLimits(options.deadline, options.requestLog));
  const problem = await envelopeProblem(envelope, value);
  if (problem) throw new ApiFailure(`${GOOGLE_API_SERVICES[api]} ${path}: the answer is not a list of ${envelope} (${problem})`, undefined, { code: 'EBADRESPONSE' });
  return { items: itemsOf(value) ?? [], nextPageToken: value.nextPageToken, bytes };
}

import { ApiFailure, toApiFailure } from './api-failure.js';
import type { RetryOptions } from './api-failure.js';
import { retryableGet } from './kubernetes-api.js';
import type { UnreadKind } from '../cluster-state.js';

/** A listable resource: where the API server serves a kind. */
export interface ApiResource {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  /** A CustomResourceDefinition's kind, listed through client-node's custom-objects API. */
  custom?: boolean;
}

export const apiResource = (group: string, version: string, plural: string, kind: string, namespaced = true, custom = false): ApiResource => ({
  group,
  version,
  plural,
  kind,
  namespaced,
  custom,
});

/** One entry of an APIResourceList (`/api/v1`, `/apis/GROUP/VERSION`). */
export interface DiscoveredResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[];
}

/** Reads one discovery document, its envelope checked (an APIGroupList, an APIResourceList): a wrong shape is a failed read. */
export type DiscoveryReader = <T>(envelope: 'apiGroupList' | 'apiResourceList', path: string, retry?: RetryOptions) => Promise<T>;

/** What API discovery found: the listable resources, and every way a kind went unseen. */
export interface Discovery {
  resources: ApiResource[];
  /** Group versions whose discovery failed (503, 403, a body that is not a resource list): their kinds are unknown. */
  failures: UnreadKind[];
  /** Namespaced resources discovery lists without the `list` verb that can hold objects: they cannot be enumerated. */
  unlistable: UnreadKind[];
  /** `group/version` (`v1` for the core group) of every group version `/apis` and `/api` list. */
  groupVersions: Set<string>;
}

/** `metrics.k8s.io/v1beta1` -> `metrics.k8s.io`; `v1` -> `` (the core group). */
export function groupOf(groupVersion: string): string {
  return groupVersion.includes('/') ? groupVersion.slice(0, groupVersion.indexOf('/')) : '';
}

/** Verbs only a resource that stores nothing has (`bindings`, `localsubjectaccessreviews`: create only). */
const VIRTUAL_VERBS = new Set(['create']);

/**
 * The API server's resources as the namespace controller sees them: every version of every group
 * (client-go discovery ServerPreferredResources, which pkg/controller/namespace/deletion uses),
 * each resource at the first version that serves it, the group's preferred version first. A group
 * version whose discovery fails is named, never taken as empty.
 */
export async function discoverResources(read: DiscoveryReader): Promise<Discovery> {
  const groups = await read<{ groups?: { name: string; versions?: { version: string }[]; preferredVersion?: { version: string } }[] }>('apiGroupList', '/apis').catch((error: unknown) => {
    throw discoveryFailure('/apis', error);
  });
  const groupVersions = [
    { group: '', version: 'v1' },
    ...(groups.groups ?? []).flatMap((group) => {
      const preferred = group.preferredVersion?.version;
      const versions = [...new Set([...(preferred ? [preferred] : []), ...(group.versions ?? []).map((entry) => entry.version)])];
      return versions.map((version) => ({ group: group.name, version }));
    }),
  ];
  const failures: UnreadKind[] = [];
  const lists = await Promise.all(
    groupVersions.map(async ({ group, version }) => {
      const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
      try {
        const list = await read<{ resources?: DiscoveredResource[] }>('apiResourceList', path, {
          // An aggregated API whose backend is down answers 503 until someone repairs it: no point waiting for it.
          retryable: (failure) => failure.status !== 503 && retryableGet(failure),
        });
        return { group, version, entries: list.resources ?? [] };
      } catch (error) {
        const failure = toApiFailure(error);
        failures.push({ resource: group ? `${group}/${version}` : version, reason: `${failure.status ? `${failure.status} ` : ''}${failure.message}` });
        return { group, version, entries: [] };
      }
    }),
  );
  const resources: ApiResource[] = [];
  const withoutList = new Map<string, UnreadKind>();
  for (const { group, version, entries } of lists) {
    for (const entry of entries) {
      if (typeof entry?.name !== 'string' || entry.name.includes('/')) continue;
      const name = group ? `${entry.name}.${group}` : entry.name;
      if (resources.some((known) => known.group === group && known.plural === entry.name)) continue;
      if (!entry.verbs?.includes('list')) {
        // The namespace controller cannot list it either; objects of it may still be there.
        const verbs = entry.verbs ?? [];
        if (entry.namespaced && (verbs.length === 0 || verbs.some((verb) => !VIRTUAL_VERBS.has(verb)))) {
          withoutList.set(name, { resource: name, reason: `API discovery (${group ? `/apis/${group}/${version}` : `/api/${version}`}) lists it without the "list" verb (verbs: ${verbs.join(', ') || 'none'}): its objects cannot be enumerated` });
        }
        continue;
      }
      withoutList.delete(name);
      resources.push(apiResource(group, version, entry.name, entry.kind, entry.namespaced));
    }
  }
  failures.sort((a, b) => a.resource.localeCompare(b.resource));
  const unlistable = [...withoutList.values()].sort((a, b) => a.resource.localeCompare(b.resource));
  return { resources, failures, unlistable, groupVersions: new Set(groupVersions.map(({ group, version }) => (group ? `${group}/${version}` : version))) };
}

/**
 * Kinds the cluster defines that discovery does not show at all: an APIService (named
 * VERSION.GROUP, kube-aggregator) whose group version `/apis` leaves out, a
 * CustomResourceDefinition (named PLURAL.GROUP, apiextensions validation) whose resource no
 * discovered group version lists. Their objects can be in any namespace, unseen.
 */
export function unseenByDiscovery(discovery: Discovery, apiServiceNames: readonly string[], crdNames: readonly string[]): UnreadKind[] {
  const failedGroups = new Set(discovery.failures.map((failure) => groupOf(failure.resource)));
  const unseen: UnreadKind[] = [];
  for (const name of apiServiceNames) {
    const dot = name.indexOf('.');
    if (dot < 0) continue;
    const version = name.slice(0, dot);
    const group = name.slice(dot + 1);
    const groupVersion = group ? `${group}/${version}` : version;
    if (discovery.groupVersions.has(groupVersion)) continue;
    unseen.push({ resource: groupVersion, reason: `APIService ${name} exists, but API discovery (GET /apis) does not list ${groupVersion}` });
  }
  for (const name of crdNames) {
    const dot = name.indexOf('.');
    if (dot < 0) continue;
    const plural = name.slice(0, dot);
    const group = name.slice(dot + 1);
    const listed = discovery.resources.some((resource) => resource.group === group && resource.plural === plural);
    if (listed || failedGroups.has(group) || discovery.unlistable.some((kind) => kind.resource === name)) continue;
    unseen.push({ resource: name, reason: `CustomResourceDefinition ${name} exists, but API discovery does not list ${plural} in ${group}` });
  }
  return unseen.sort((a, b) => a.resource.localeCompare(b.resource));
}

/** A failed discovery request, named by its path: the reason then says which API group could not be discovered. */
export function discoveryFailure(path: string, error: unknown): ApiFailure {
  const failure = toApiFailure(error);
  return new ApiFailure(`API discovery (GET ${path}) failed: ${failure.message}`, failure.status, failure.details);
}

import type { EventarcTrigger } from '../gcp-types.js';

/** Eventarc v1 `projects.locations.triggers.list` response (https://cloud.google.com/eventarc/docs/reference/rest/v1/projects.locations.triggers/list). */
interface ListTriggersResponse {
  triggers?: EventarcTrigger[];
  nextPageToken?: string;
  unreachable?: string[];
}

/**
 * Every Eventarc trigger of `project`, in every location (`locations/-`), every
 * page. Google's Node client (@google-cloud/eventarc) is a GAPIC client, like
 * those the other Google APIs here dropped for their REST APIs: this is
 * Eventarc's REST API, read through `get` (an authorized, bounded, retried GET
 * relative to the API's base URL).
 */
export async function listEventarcTriggers(
  get: (path: string, params: Record<string, string | number>) => Promise<ListTriggersResponse>,
  project: string,
): Promise<EventarcTrigger[]> {
  const triggers: EventarcTrigger[] = [];
  let pageToken: string | undefined;
  do {
    const page = await get(`v1/projects/${encodeURIComponent(project)}/locations/-/triggers`, { pageSize: 500, ...(pageToken ? { pageToken } : {}) });
    triggers.push(...(page.triggers ?? []));
    pageToken = page.nextPageToken || undefined;
  } while (pageToken);
  return triggers;
}

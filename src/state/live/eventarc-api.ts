import type { AuthClient } from 'google-auth-library';
import type { EventarcTrigger } from '../gcp-types.js';

/** Eventarc v1 `projects.locations.triggers.list` response (https://cloud.google.com/eventarc/docs/reference/rest/v1/projects.locations.triggers/list). */
interface ListTriggersResponse {
  triggers?: EventarcTrigger[];
  nextPageToken?: string;
  unreachable?: string[];
}

/**
 * Every Eventarc trigger of `project`, in every location (`locations/-`), every
 * page. There is no Node client library for Eventarc, so this is REST through
 * google-auth-library's authenticated client.
 */
export async function listEventarcTriggers(
  client: AuthClient,
  origin: string,
  project: string,
  options: { timeoutMs: number },
): Promise<EventarcTrigger[]> {
  const triggers: EventarcTrigger[] = [];
  let pageToken: string | undefined;
  do {
    const response = await client.request<ListTriggersResponse>({
      url: `${origin}/v1/projects/${encodeURIComponent(project)}/locations/-/triggers`,
      params: { pageSize: 500, ...(pageToken ? { pageToken } : {}) },
      timeout: options.timeoutMs,
      retry: false,
    });
    triggers.push(...(response.data.triggers ?? []));
    pageToken = response.data.nextPageToken || undefined;
  } while (pageToken);
  return triggers;
}

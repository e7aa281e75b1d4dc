import { ApiFailure } from './api-failure.js';
import { envelopeProblem } from '../data-shapes.js';
import type { EventarcTrigger } from '../gcp-types.js';
import type { GOOGLE_LIST_CAPS, Sized } from './google-request.js';
import { readGooglePages } from './google-request.js';

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
export async function listEventarcTriggers(get: (path: string, params: Record<string, string | number>) => Promise<Sized<object>>, project: string, caps?: typeof GOOGLE_LIST_CAPS): Promise<EventarcTrigger[]> {
  const path = `v1/projects/${encodeURIComponent(project)}/locations/-/triggers`;
  return readGooglePages(
    `eventarc.googleapis.com ${path}`,
    async (pageToken) => {
      const { value, bytes } = await get(path, { pageSize: 500, ...(pageToken ? { pageToken } : {}) });
      const problem = await envelopeProblem('eventarcTriggerList', value);
      if (problem) throw new ApiFailure(`eventarc.googleapis.com ${path}: the answer is not a ListTriggersResponse (${problem})`, undefined, { code: 'EBADRESPONSE' });
      const page = value as ListTriggersResponse;
      return { items: page.triggers ?? [], nextPageToken: page.nextPageToken, bytes };
    },
    caps,
  );
}

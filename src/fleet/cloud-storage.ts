import type { AuthClient } from 'google-auth-library';
import { InputError } from '../errors.js';
import { toApiFailure, withRetry } from '../state/live/api-failure.js';
import { googleApiEndpoint } from '../state/live/gcp-endpoints.js';

/** A `gs://BUCKET/OBJECT` URL; `object` may be a prefix (empty for the whole bucket). */
export interface GsUrl {
  bucket: string;
  object: string;
}

const TIMEOUT_MS = 60_000;

export function isGsUrl(text: string): boolean {
  return text.startsWith('gs://');
}

export function parseGsUrl(text: string): GsUrl {
  const match = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])(?:\/(.*))?$/.exec(text);
  if (!match) throw new InputError(`${text}: not a Cloud Storage URL (gs://BUCKET/OBJECT)`);
  return { bucket: match[1]!, object: match[2] ?? '' };
}

/**
 * Cloud Storage through its JSON API (cloud.google.com/storage/docs/json_api),
 * with the same credentials as every other Google request. gcloud's endpoint
 * override CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE applies, as for the other APIs.
 */
export class CloudStorage {
  private readonly origin: string;

  constructor(
    private readonly auth: AuthClient,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.origin = googleApiEndpoint('storage', env).origin;
  }

  /** Names of the objects under `url` (an exact object name lists just itself), every page. */
  async list(url: GsUrl): Promise<string[]> {
    const names: string[] = [];
    let pageToken: string | undefined;
    do {
      const response = await this.send<{ items?: { name: string }[]; nextPageToken?: string }>(url, 'list', {
        url: `${this.origin}/storage/v1/b/${encodeURIComponent(url.bucket)}/o`,
        params: { prefix: url.object, fields: 'items(name),nextPageToken', ...(pageToken ? { pageToken } : {}) },
      });
      names.push(...(response.items ?? []).map((item) => item.name));
      pageToken = response.nextPageToken || undefined;
    } while (pageToken);
    return names;
  }

  async read(url: GsUrl): Promise<string> {
    return this.send<string>(url, 'read', {
      url: `${this.origin}/storage/v1/b/${encodeURIComponent(url.bucket)}/o/${encodeURIComponent(url.object)}`,
      params: { alt: 'media' },
      responseType: 'text',
    });
  }

  /** Simple upload (uploadType=media): one request, fine for a report. */
  async write(url: GsUrl, text: string, contentType: string): Promise<void> {
    if (!url.object || url.object.endsWith('/')) throw new InputError(`gs://${url.bucket}/${url.object}: name an object to write, not a bucket or a folder`);
    await this.send(url, 'write', {
      url: `${this.origin}/upload/storage/v1/b/${encodeURIComponent(url.bucket)}/o`,
      method: 'POST',
      params: { uploadType: 'media', name: url.object },
      headers: { 'Content-Type': contentType },
      data: text,
    });
  }

  private async send<T>(url: GsUrl, action: 'list' | 'read' | 'write', request: Parameters<AuthClient['request']>[0]): Promise<T> {
    try {
      const response = await withRetry(() => this.auth.request<T>({ timeout: TIMEOUT_MS, retry: false, ...request }));
      return response.data;
    } catch (error) {
      throw storageError(url, action, toApiFailure(error));
    }
  }
}

/** Which permission each action needs, and the predefined role that grants it (cloud.google.com/storage/docs/access-control/iam-roles). */
const NEEDS = {
  list: { permission: 'storage.objects.list', role: 'roles/storage.objectViewer' },
  read: { permission: 'storage.objects.get', role: 'roles/storage.objectViewer' },
  write: { permission: 'storage.objects.create', role: 'roles/storage.objectCreator' },
} as const;

function storageError(url: GsUrl, action: keyof typeof NEEDS, failure: ReturnType<typeof toApiFailure>): InputError {
  const where = `gs://${url.bucket}/${url.object}`;
  const { permission, role } = NEEDS[action];
  if (failure.status === 401) return new InputError(`${where}: Cloud Storage rejected the credentials (401): run \`gcloud auth application-default login\`, or pass a fresh token`);
  if (failure.status === 403) return new InputError(`${where}: permission ${permission} denied; ${role} on the bucket grants it`);
  if (failure.status === 404) return new InputError(`${where}: no such ${action === 'read' ? 'object' : 'bucket'}`);
  return new InputError(`${where}: cannot ${action}: ${failure.status ? `${failure.status} ` : ''}${failure.message}`);
}

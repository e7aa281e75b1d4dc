import type { AuthClient } from 'google-auth-library';
import { REPORT_STORAGE_PERMISSIONS } from './fleet-permissions.js';
import { InputError } from '../errors.js';
import { toApiFailure, withRetry } from '../state/live/api-failure.js';
import { GOOGLE_API_SERVICES, googleApiBase } from '../state/live/gcp-endpoints.js';
import { USER_AGENT, callLimits, readGoogleJson, readGooglePages } from '../state/live/google-request.js';
import type { RequestLog } from '../state/live/request-log.js';
import { failureReason } from '../state/live/request-log.js';
import { envelopeProblem } from '../state/data-shapes.js';
import type { Deadline } from '../state/live/deadline.js';
import type { GsUrl } from './gs-url.js';

const TIMEOUT_MS = 60_000;

/** An object as objects.list describes it (cloud.google.com/storage/docs/json_api/v1/objects#resource): `updated` is RFC 3339. */
export interface StoredObject {
  name: string;
  updated?: string;
}

/**
 * Cloud Storage through its JSON API (cloud.google.com/storage/docs/json_api),
 * with the same credentials as every other Google request. gcloud's endpoint
 * override CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE applies, as for the other APIs.
 */
export class CloudStorage {
  /** `https://storage.googleapis.com/storage/v1/`, or gcloud's override. */
  private readonly base: URL;

  constructor(
    private readonly auth: AuthClient,
    env: NodeJS.ProcessEnv = process.env,
    /** `-v`: every request, as it ends. */
    private readonly log?: RequestLog,
  ) {
    this.base = new URL(googleApiBase('storage', env));
  }

  /** The objects under `url` (an exact object name lists just itself), every page: each name, and when it was last written. */
  async list(url: GsUrl): Promise<StoredObject[]> {
    const path = `b/${encodeURIComponent(url.bucket)}/o`;
    try {
      return await readGooglePages(`storage.googleapis.com ${path}`, async (pageToken) => {
        const params = { prefix: url.object, fields: 'items(name,updated),nextPageToken', ...(pageToken ? { pageToken } : {}) };
        const response = await this.read<{ items?: StoredObject[]; nextPageToken?: string }>(url, 'list', path, params);
        const problem = await envelopeProblem('storageObjectList', response);
        if (problem) throw new InputError(`gs://${url.bucket}/${url.object}: cannot list: the answer is not an objects list (${problem})`);
        return { items: (response.items ?? []).map(({ name, updated }) => ({ name, ...(updated ? { updated } : {}) })), nextPageToken: response.nextPageToken, bytes: 0 };
      });
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw storageError(url, 'list', toApiFailure(error));
    }
  }

  /** An object's content; a report is a JSON object, so anything else is refused as not one. */
  async readJson(url: GsUrl): Promise<object> {
    return this.read<object>(url, 'read', `b/${encodeURIComponent(url.bucket)}/o/${encodeURIComponent(url.object)}`, { alt: 'media' });
  }

  /**
   * Simple upload (uploadType=media): one request, fine for a report; sent again as a whole if it
   * fails on the way. `deadline` (the run's `--timeout`) cuts the upload and any wait for a retry.
   */
  async write(url: GsUrl, text: string, contentType: string, deadline?: Deadline): Promise<void> {
    if (!url.object || url.object.endsWith('/')) throw new InputError(`gs://${url.bucket}/${url.object}: name an object to write, not a bucket or a folder`);
    // Uploads go to /upload/ in front of the API's path (cloud.google.com/storage/docs/uploading-objects#uploading-an-object).
    const upload = new URL(`/upload${this.base.pathname}b/${encodeURIComponent(url.bucket)}/o`, this.base);
    const params = { uploadType: 'media', name: url.object };
    const send = async () => {
      const started = performance.now();
      try {
        const response = await this.auth.request<string>({
          url: upload.href,
          method: 'POST',
          params,
          headers: { 'Content-Type': contentType, 'User-Agent': USER_AGENT },
          data: text,
          // The object's metadata comes back; only its size is of use (to -v).
          responseType: 'text',
          timeout: Math.max(1, Math.min(TIMEOUT_MS, deadline?.remainingMs() ?? TIMEOUT_MS)),
          ...(deadline ? { signal: deadline.signal } : {}),
          retry: false,
        });
        this.logUpload(upload, params, started, { status: response.status, bytes: Buffer.byteLength(response.data ?? '') });
      } catch (error) {
        const status = (error as { response?: { status?: number; data?: unknown } }).response;
        this.logUpload(upload, params, started, status?.status ? { status: status.status, bytes: typeof status.data === 'string' ? Buffer.byteLength(status.data) : 0 } : { error: failureReason(error) });
        throw error;
      }
    };
    try {
      if (deadline?.passed) throw deadline.failure();
      await withRetry(() => (deadline ? cutAt(deadline, send()) : send()), deadline ? { deadline } : {});
    } catch (error) {
      if (deadline?.passed) throw new InputError(`gs://${url.bucket}/${url.object}: cannot write: ${deadline.failure().message.replace(/^timed out/, 'timed out uploading')}`);
      throw storageError(url, 'write', toApiFailure(error));
    }
  }

  private logUpload(upload: URL, params: Record<string, string>, started: number, outcome: { status: number; bytes: number } | { error: string }): void {
    if (!this.log) return;
    const url = new URL(upload.href);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    this.log({ method: 'POST', url, outcome, elapsedMs: performance.now() - started });
  }

  private async read<T extends object>(url: GsUrl, action: 'list' | 'read', path: string, params: Record<string, string>): Promise<T> {
    try {
      return await readGoogleJson<T>(this.auth, { api: GOOGLE_API_SERVICES.storage, url: `${this.base.href}${path}`, params }, callLimits(undefined, this.log));
    } catch (error) {
      throw storageError(url, action, toApiFailure(error));
    }
  }
}

/** `promise`, or the deadline's failure once it passes: the bound holds even where the signal does not reach (a token refresh). */
async function cutAt<T>(deadline: Deadline, promise: Promise<T>): Promise<T> {
  let stop: (() => void) | undefined;
  const passed = new Promise<never>((_, reject) => {
    stop = () => reject(deadline.failure());
    deadline.signal.addEventListener('abort', stop, { once: true });
  });
  try {
    return await Promise.race([promise, passed]);
  } finally {
    deadline.signal.removeEventListener('abort', stop!);
    passed.catch(() => undefined);
  }
}

/** Which permission each action needs, and the predefined role that grants it (cloud.google.com/storage/docs/access-control/iam-roles). */
const NEEDS = {
  list: REPORT_STORAGE_PERMISSIONS.list,
  read: REPORT_STORAGE_PERMISSIONS.read,
  write: REPORT_STORAGE_PERMISSIONS.write,
} as const;

function storageError(url: GsUrl, action: keyof typeof NEEDS, failure: ReturnType<typeof toApiFailure>): InputError {
  const where = `gs://${url.bucket}/${url.object}`;
  const { permission, role } = NEEDS[action];
  if (failure.status === 401) return new InputError(`${where}: Cloud Storage rejected the credentials (401): run \`gcloud auth application-default login\`, or pass a fresh token`);
  if (failure.status === 403) {
    // Cloud Storage names the permission it checked ("… does not have storage.objects.delete access …"): replacing an object needs delete too.
    const { permission: replace, role: replacer } = REPORT_STORAGE_PERMISSIONS.replace;
    if (action === 'write' && failure.message.includes(replace)) return new InputError(`${where}: permission ${replace} denied (replacing the report already there needs it, with ${permission}); ${replacer} on the bucket grants both`);
    return new InputError(`${where}: permission ${permission} denied; ${role} on the bucket grants it`);
  }
  if (failure.status === 404) return new InputError(`${where}: no such ${action === 'read' ? 'object' : 'bucket'}`);
  return new InputError(`${where}: cannot ${action}: ${failure.status ? `${failure.status} ` : ''}${failure.message}`);
}

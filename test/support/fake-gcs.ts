import type { FakeRequest, FakeResponse } from './fake-http.js';
import { FakeHttpServer } from './fake-http.js';
import { googleError } from './fake-gcp.js';

/**
 * A fake of the Cloud Storage JSON API (cloud.google.com/storage/docs/json_api/v1/objects):
 * objects.list with prefix and pages, objects.get with alt=media, and the simple
 * upload (uploadType=media). Buckets that were not created answer 404, as does
 * an object that is not there; `grant` narrows the caller's object permissions.
 */
export class FakeGcs extends FakeHttpServer {
  readonly buckets = new Map<string, Map<string, string>>();
  /** When each object (`BUCKET/NAME`) was last written: a clock one second on per write, so the order of writes is the order of times. */
  readonly updated = new Map<string, Date>();
  private clock = Date.parse('2026-01-01T00:00:00Z');

  constructor(private readonly pageSize = 2) {
    super((request) => this.route(request), (status, message) => googleError(status, message));
  }

  bucket(name: string, objects: Record<string, string> = {}): this {
    this.buckets.set(name, new Map());
    for (const [object, text] of Object.entries(objects)) this.put(name, object, text);
    return this;
  }

  /** The environment of a client of this fake: a Google access token, and the storage endpoint override as gcloud's. */
  clientEnv(): NodeJS.ProcessEnv {
    return { GOOGLE_OAUTH_ACCESS_TOKEN: 'fake-google-token', CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE: `${this.url}/storage/v1/` };
  }

  /** Writes an object, as an upload does. */
  put(bucket: string, name: string, text: string): void {
    this.buckets.get(bucket)!.set(name, text);
    this.updated.set(`${bucket}/${name}`, new Date((this.clock += 1000)));
  }

  private route(request: FakeRequest): FakeResponse {
    if (!/^Bearer \S+/.test(String(request.headers.authorization ?? ''))) {
      return { status: 401, body: googleError(401, 'Anonymous caller does not have storage.objects.list access.') };
    }
    const refused = this.granted ? this.denied(request) : null;
    if (refused) return refused;
    const { method, path, query } = request;
    let match: RegExpExecArray | null;
    if (method === 'GET' && (match = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(path))) {
      const bucket = this.buckets.get(match[1]!);
      if (!bucket) return { status: 404, body: googleError(404, 'The specified bucket does not exist.') };
      const names = [...bucket.keys()].filter((name) => name.startsWith(query.get('prefix') ?? '')).sort();
      const start = Number(query.get('pageToken') || 0);
      const page = names.slice(start, start + this.pageSize);
      const next = start + this.pageSize < names.length ? String(start + this.pageSize) : undefined;
      return { status: 200, body: { kind: 'storage#objects', ...(page.length ? { items: page.map((name) => ({ kind: 'storage#object', name, bucket: match![1], updated: this.updated.get(`${match![1]}/${name}`)?.toISOString() })) } : {}), ...(next ? { nextPageToken: next } : {}) } };
    }
    if (method === 'GET' && (match = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(path)) && query.get('alt') === 'media') {
      const text = this.buckets.get(match[1]!)?.get(match[2]!);
      if (text === undefined) return { status: 404, body: googleError(404, `No such object: ${match[1]}/${match[2]}`) };
      return { status: 200, body: text, headers: { 'content-type': 'application/octet-stream' } };
    }
    if (method === 'POST' && (match = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(path)) && query.get('uploadType') === 'media') {
      const bucket = this.buckets.get(match[1]!);
      const name = query.get('name');
      if (!bucket) return { status: 404, body: googleError(404, 'The specified bucket does not exist.') };
      if (!name) return { status: 400, body: googleError(400, 'Required parameter: name') };
      this.put(match[1]!, name, request.rawBody);
      return { status: 200, body: { kind: 'storage#object', name, bucket: match[1], size: String(Buffer.byteLength(request.rawBody)) } };
    }
    return { status: 404, body: googleError(404, `Not found: ${path}`) };
  }

  /** The caller's object permissions: every one, unless `grant` names the only ones it holds. */
  private granted: ReadonlySet<string> | null = null;

  grant(permissions: readonly string[] | null): this {
    this.granted = permissions && new Set(permissions);
    return this;
  }

  /**
   * Cloud Storage's 403 for a permission the caller lacks, worded as the JSON API words it. Listing
   * needs storage.objects.list, reading .get, uploading .create, and uploading over an object that
   * exists .delete as well (cloud.google.com/storage/docs/access-control/iam-permissions).
   */
  private denied({ method, path, query }: FakeRequest): FakeResponse | null {
    const object = /^\/(?:upload\/)?storage\/v1\/b\/([^/]+)\/o(?:\/(.+))?$/.exec(path);
    if (!object) return null;
    const exists = (name: string | null | undefined) => name !== null && name !== undefined && this.buckets.get(object[1]!)?.has(name) === true;
    const needed =
      method === 'POST' ? ['storage.objects.create', ...(exists(query.get('name')) ? ['storage.objects.delete'] : [])] : object[2] === undefined ? ['storage.objects.list'] : ['storage.objects.get'];
    const missing = needed.find((permission) => !this.granted!.has(permission));
    if (!missing) return null;
    const message = `gke-doctor@fleet-ops.iam.gserviceaccount.com does not have ${missing} access to the Google Cloud Storage object. Permission '${missing}' denied on resource (or it may not exist).`;
    return { status: 403, body: googleError(403, message) };
  }
}

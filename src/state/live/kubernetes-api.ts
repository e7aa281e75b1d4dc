import type { Agent as HttpAgent } from 'node:http';
import { Agent as PlainAgent, request as httpRequest } from 'node:http';
import type { RequestOptions } from 'node:https';
import { Agent as TlsAgent, request as httpsRequest } from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import type { KubeConfig } from '@kubernetes/client-node';
import type { RetryOptions } from './api-failure.js';
import { ApiFailure, googleError, retryAfterMs, withRetry } from './api-failure.js';
import { Deadline } from './deadline.js';
import { ExecPlugins } from './exec-plugins.js';
import { firstLine } from '../../first-line.js';
import { mebibytes } from './byte-size.js';
import type { RequestLog, RequestRecord } from './request-log.js';
import { failureReason } from './request-log.js';
import { ListItemSplitter } from './list-items.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body's size in bytes, as received. */
  bytes: number;
}

/**
 * How long one request may take: without a byte (idle), and in all (a 1-byte-per-second drip is
 * cut by the total); and how large its body may be.
 */
export interface RequestLimits {
  idleMs: number;
  totalMs: number;
  maxBodyBytes?: number;
}

/**
 * The largest body one answer may have. A page is decoded into one string, and V8 refuses a
 * string over 2^29 - 24 characters ("RangeError: Invalid string length"); a page of 500 objects
 * is a few MB (500 1 MiB ConfigMaps, the largest the API allows, would be 500 MiB: such a page is
 * refused rather than crash the run).
 */
export const MAX_KUBERNETES_BODY_BYTES = 256 * 2 ** 20;

/**
 * Connections to one API server. Measured over TLS behind a 30 ms network that charges the
 * handshakes (bench/notes.md "Connections"): 16 took the same wall time as 4 and 6 within the
 * shared machine's spread and more CPU (0.1x: 1.79 s against 1.66 and 1.67 s; 1x: 5.7 s against
 * 5.3 s with 6), each new connection costing a TLS handshake; 6 is what is left in flight at
 * once after the lists' requests were cut to about 50.
 */
const MAX_CONNECTIONS = 6;

export const DEFAULT_LIMITS: RequestLimits = { idleMs: 30_000, totalMs: 60_000, maxBodyBytes: MAX_KUBERNETES_BODY_BYTES };

export interface KubernetesRequest {
  method?: 'GET' | 'PUT';
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  accept?: string;
  /** A 2xx answer is a list page: its items go here one by one as they arrive, and `body` is the rest (list-items.ts). */
  items?: ListItemSplitter;
}

/** Network errors that mean the connection broke after it was made: a GET may be sent again. */
const BROKEN_CONNECTION = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'SHORT_BODY']);

/** What a GET may be sent again after: throttling, a server error, a connection that broke. */
export function retryableGet(failure: ApiFailure): boolean {
  return failure.retryable || BROKEN_CONNECTION.has(failure.details.code ?? '') || (failure.status ?? 0) >= 500;
}

/**
 * The Kubernetes API as kubectl reaches it: client-node's KubeConfig supplies
 * the server, TLS and credentials (tokens, client certificates, exec plugins
 * such as gke-gcloud-auth-plugin); every request goes through this one
 * transport, over one keep-alive agent, with an idle and a total timeout and the
 * run's deadline. Reads are plain JSON, so objects come back exactly as the API
 * server sends them (what `kubectl get -o json` prints), not as client-node
 * models with Date fields.
 */
export class KubernetesApi {
  private agent: HttpAgent | undefined;
  /** The kubeconfig's credential plugin runs, bounded and killed with their children. */
  private readonly plugins: ExecPlugins;

  constructor(
    readonly config: KubeConfig,
    readonly deadline: Deadline = Deadline.none(),
    private readonly limits: RequestLimits = DEFAULT_LIMITS,
    /** How GETs are retried (tests shorten the backoff). */
    private readonly retry: RetryOptions = {},
    /** `-v`: every request, retries included, as it ends. */
    private readonly log?: RequestLog,
  ) {
    this.plugins = new ExecPlugins();
    this.plugins.install(config);
    // The run is over: a plugin still running would outlive it.
    deadline.signal.addEventListener('abort', () => this.plugins.killAll(), { once: true });
  }

  get server(): string {
    return this.config.getCurrentCluster()?.server ?? '';
  }

  /** GET `path` as JSON, retrying what a GET may retry (429, 5xx, a broken connection); any other non-2xx is an ApiFailure. */
  async getJson<T>(path: string, query: Record<string, string | number | undefined> = {}, retry?: RetryOptions, accept = 'application/json'): Promise<T> {
    return (await this.getSizedJson<T>(path, query, retry, accept)).value;
  }

  /** The same, with the size of the body (a paged list counts it against its cap). */
  async getSizedJson<T>(path: string, query: Record<string, string | number | undefined> = {}, retry?: RetryOptions, accept = 'application/json'): Promise<{ value: T; bytes: number }> {
    return withRetry(async () => {
      const response = await this.send(path, { query, accept });
      return { value: parseJson<T>(path, response), bytes: response.bytes };
    }, {
      ...this.retry,
      ...retry,
      deadline: this.deadline,
      retryable: retry?.retryable ?? retryableGet,
    });
  }

  /**
   * GET a list page: each item of its `items` is parsed by itself as it arrives and handed to
   * `read`, so the page's whole text and whole tree are never held at once (list-items.ts); the
   * envelope comes back with `items` empty, and what `read` made of each item in order. Retried
   * as getSizedJson, each attempt from its first item.
   */
  async getListPage<T>(path: string, query: Record<string, string | number | undefined>, read: (item: unknown) => T, retry?: RetryOptions, accept = 'application/json'): Promise<{ envelope: unknown; items: T[]; bytes: number }> {
    return withRetry(async () => {
      let items: T[] = [];
      let notJson = false;
      const splitter = new ListItemSplitter(
        (text) => {
          if (notJson) return;
          let item: unknown;
          try {
            item = JSON.parse(text);
          } catch {
            notJson = true;
            return;
          }
          items.push(read(item));
        },
        () => (items = []),
      );
      const response = await this.send(path, { query, accept, items: splitter });
      if (response.status >= 200 && response.status <= 299 && notJson) throw notJsonFailure(path, response.status, response.bytes);
      return { envelope: parseJson<unknown>(path, response, response.bytes), items, bytes: response.bytes };
    }, {
      ...this.retry,
      ...retry,
      deadline: this.deadline,
      retryable: retry?.retryable ?? retryableGet,
    });
  }

  /** One PUT of a JSON body; never retried here (the caller knows whether sending it again is safe). */
  async putJson<T>(path: string, body: unknown, query: Record<string, string | number | undefined> = {}): Promise<T> {
    return parseJson<T>(path, await this.send(path, { method: 'PUT', query, body, accept: 'application/json' }));
  }

  /** One GET, never following redirects (a 3xx is an answer, as for `--probe`). */
  async get(path: string, query: Record<string, string | number | undefined> = {}, accept = '*/*'): Promise<RawResponse> {
    return this.send(path, { query, accept });
  }

  /** Frees the keep-alive connections, and kills the credential plugins still running. */
  close(): void {
    this.agent?.destroy();
    this.plugins.killAll();
  }

  /**
   * The kubeconfig's credentials on `options`. A credential plugin (`users[].user.exec`) that fails
   * makes client-node throw its stderr as the message (exec_auth.js), and a plugin's stderr can
   * hold what it was refreshing: the failure names the plugin and never repeats its output.
   */
  private async applyCredentials(options: RequestOptions, path: string): Promise<void> {
    const overdueBefore = this.plugins.killedForTime;
    try {
      await this.config.applyToHTTPSOptions(options);
    } catch (error) {
      // Killed at the deadline or for running too long (exec-plugins.ts): said as that.
      if (this.deadline.passed) throw this.deadline.failure(`${path} from the Kubernetes API (waiting for the kubeconfig's credential plugin)`);
      if (this.plugins.killedForTime > overdueBefore) throw new ApiFailure(this.plugins.overdueMessage(), undefined, { code: 'ETIMEDOUT' });
      const plugin = this.config.getCurrentUser()?.exec as { command?: string } | undefined;
      if (!plugin) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new ApiFailure(
        `the kubeconfig's credential plugin (${plugin.command}) failed${code ? ` (${code})` : ''}; its error output is not shown, as it can hold credentials: run the plugin yourself to see it`,
        undefined,
        { code: 'CREDENTIAL_PLUGIN' },
      );
    }
  }

  /** Every request passes here: with `-v`, its line once it ends (the status and size of the answer, or why none came). */
  private async send(path: string, request: KubernetesRequest): Promise<RawResponse> {
    const url = new URL(this.server.replace(/\/+$/, '') + path);
    for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    const log = this.log;
    if (!log) return this.sendTo(url, request);
    const started = performance.now();
    const record = (outcome: RequestRecord['outcome']) => log({ method: request.method ?? 'GET', url, outcome, elapsedMs: performance.now() - started });
    try {
      const response = await this.sendTo(url, request);
      record({ status: response.status, bytes: response.bytes });
      return response;
    } catch (error) {
      record({ error: failureReason(error) });
      throw error;
    }
  }

  private async sendTo(url: URL, request: KubernetesRequest): Promise<RawResponse> {
    if (this.deadline.passed) throw this.deadline.failure(`${url.pathname} from the Kubernetes API`);
    const method = request.method ?? 'GET';
    const payload = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
    const options: RequestOptions = {
      method,
      headers: {
        Accept: request.accept ?? '*/*',
        'User-Agent': 'gke-doctor',
        ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) } : {}),
      },
    };
    await this.applyCredentials(options, url.pathname);
    // client-node makes a new agent for every request; one kept-alive agent per API server serves them all.
    options.agent = this.sharedAgent(url, options);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const totalMs = Math.min(this.limits.totalMs, this.deadline.remainingMs());
    const where = `${method} ${url.pathname}`;
    return new Promise<RawResponse>((resolve, reject) => {
      let settled = false;
      const finish = (error: ApiFailure | null, response?: RawResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(total);
        this.deadline.signal.removeEventListener('abort', onDeadline);
        if (error) {
          outgoing.destroy();
          reject(error);
        } else resolve(response!);
      };
      const onDeadline = () => finish(this.deadline.failure(`${url.pathname} from the Kubernetes API`));
      const total = setTimeout(
        () => finish(totalMs < this.limits.totalMs ? this.deadline.failure(`${url.pathname} from the Kubernetes API`) : new ApiFailure(`${where}: no complete answer within ${seconds(totalMs)}`, undefined, { code: 'ETIMEDOUT' })),
        totalMs,
      );
      this.deadline.signal.addEventListener('abort', onDeadline, { once: true });
      const maxBytes = this.limits.maxBodyBytes ?? MAX_KUBERNETES_BODY_BYTES;
      const outgoing = send(url, options, (response) => {
        // Nothing here asks for a compressed answer: one that comes compressed anyway is not read as text.
        const encoding = response.headers['content-encoding'];
        if (encoding && encoding !== 'identity') return finish(new ApiFailure(`${where}: the API server answered with Content-Encoding ${encoding}, which was not asked for`, undefined, { code: 'INVALID_BODY' }));
        if (Number(response.headers['content-length']) > maxBytes) return finish(tooLarge(where, maxBytes, `its Content-Length is ${response.headers['content-length']}`));
        // Decoded as it arrives: each chunk the socket delivers is a slice of a larger buffer,
        // so keeping the chunks until the end holds several times the body (bench/notes.md).
        // A list page is split into its items instead, never held whole.
        const status = response.statusCode ?? 0;
        const items = status >= 200 && status <= 299 ? request.items : undefined;
        const decoder = new StringDecoder('utf8');
        let body = '';
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxBytes) return finish(tooLarge(where, maxBytes, 'more was sent'));
          if (!items) body += decoder.write(chunk);
          else {
            try {
              items.write(chunk);
            } catch (error) {
              finish(error as ApiFailure);
            }
          }
        });
        response.on('end', () => {
          if (!response.complete) return finish(shortBody(where, response.headers['content-length'], received));
          finish(null, { status, headers: response.headers, body: items ? items.envelopeText() : body + decoder.end(), bytes: received });
        });
        response.on('error', () => finish(shortBody(where, response.headers['content-length'], received)));
        response.on('close', () => {
          if (!response.complete) finish(shortBody(where, response.headers['content-length'], received));
        });
      });
      outgoing.setTimeout(this.limits.idleMs, () => finish(new ApiFailure(`${where}: no answer from ${url.host} within ${seconds(this.limits.idleMs)}`, undefined, { code: 'ETIMEDOUT' })));
      outgoing.on('error', (error: NodeJS.ErrnoException) => finish(networkFailure(error, url)));
      outgoing.end(payload);
    });
  }

  private sharedAgent(url: URL, options: RequestOptions): HttpAgent {
    if (this.agent) return this.agent;
    // A proxy (kubeconfig proxy-url) needs client-node's proxy agent: keep the one it made, for every request.
    if (this.config.getCurrentCluster()?.proxyUrl) return (this.agent = options.agent as HttpAgent);
    const tls = { ca: options.ca, cert: options.cert, key: options.key, pfx: options.pfx, passphrase: options.passphrase, servername: options.servername, rejectUnauthorized: options.rejectUnauthorized };
    this.agent = url.protocol === 'https:' ? new TlsAgent({ keepAlive: true, maxSockets: MAX_CONNECTIONS, ...tls }) : new PlainAgent({ keepAlive: true, maxSockets: MAX_CONNECTIONS });
    return this.agent;
  }
}

/** Loads client-node (lazily: it costs about half a second) and the kubeconfig context. */
export async function loadKubernetesApi(kubeconfig: { files: string[]; context: string }, deadline?: Deadline, retry?: RetryOptions, log?: RequestLog): Promise<KubernetesApi> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const config = new KubeConfig();
  // The files resolveLiveTarget found (--kubeconfig, else KUBECONFIG's, else ~/.kube/config), merged as client-node's loadFromDefault merges KUBECONFIG.
  const [first, ...rest] = kubeconfig.files;
  config.loadFromFile(first!);
  for (const file of rest) {
    const next = new KubeConfig();
    next.loadFromFile(file);
    config.mergeConfig(next);
  }
  config.setCurrentContext(kubeconfig.context);
  allowPlainHttp(config);
  return new KubernetesApi(config, deadline, DEFAULT_LIMITS, retry, log);
}

/**
 * kubectl talks plain HTTP to an `http://` server (what `kubectl proxy` serves);
 * client-node refuses unless TLS verification is off, which means nothing
 * without TLS. Say so for that one cluster entry.
 */
function allowPlainHttp(config: KubeConfig): void {
  const cluster = config.getCurrentCluster();
  if (!cluster || !cluster.server.startsWith('http:') || cluster.skipTLSVerify) return;
  const index = config.clusters.indexOf(cluster);
  config.clusters[index] = { ...cluster, skipTLSVerify: true };
}

/** The body of a 2xx answer as JSON; `size`, when the body was a list page split into its items, is the whole page's. */
function parseJson<T>(path: string, response: RawResponse, size = response.body.length): T {
  if (response.status < 200 || response.status > 299) throw failureOf(response);
  try {
    return JSON.parse(response.body) as T;
  } catch {
    throw notJsonFailure(path, response.status, size);
  }
}

function notJsonFailure(path: string, status: number, size: number): ApiFailure {
  return new ApiFailure(`${path}: the API server answered ${status} with a body that is not JSON (${size} bytes${size > 0 ? ', cut short?' : ''})`, undefined, { code: 'INVALID_BODY' });
}

/** The same for a KubeConfig built in code (a Pod's service account, a cluster reached without a kubeconfig). */
export async function kubernetesApiOf(config: KubeConfig, deadline?: Deadline, retry?: RetryOptions, log?: RequestLog): Promise<KubernetesApi> {
  return new KubernetesApi(config, deadline, undefined, retry, log);
}

function failureOf(response: RawResponse): ApiFailure {
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    // not a Status: keep the text
  }
  // A Status, or Google's error envelope when a Google front (the Connect gateway) refused.
  const google = googleError(body);
  const message = google?.message ?? (body as { message?: string } | undefined)?.message ?? response.body;
  const retryAfter = response.headers['retry-after'];
  return new ApiFailure(firstLine(message), response.status, { ...google?.details, retryAfterMs: retryAfterMs(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter) });
}

function tooLarge(where: string, maxBytes: number, why: string): ApiFailure {
  return new ApiFailure(`${where}: the answer is larger than the ${mebibytes(maxBytes)} one answer may have (${why})`, undefined, { code: 'TOO_LARGE' });
}

function shortBody(where: string, contentLength: string | undefined, received: number): ApiFailure {
  const expected = contentLength ? ` of the ${contentLength} its Content-Length announced` : '';
  return new ApiFailure(`${where}: the answer broke off after ${received} bytes${expected}`, undefined, { code: 'SHORT_BODY' });
}

/** A refused or unresolvable server "cannot be reached"; a connection that broke after it was made was reached. */
function networkFailure(error: NodeJS.ErrnoException, url: URL): ApiFailure {
  if (error instanceof ApiFailure) return error;
  const code = error.code ?? '';
  if (code === 'ECONNRESET' || code === 'EPIPE' || error.message === 'socket hang up') {
    return new ApiFailure(`the connection to the Kubernetes API at ${url.origin} was reset during ${url.pathname} (${code || error.message})`, undefined, { code: 'ECONNRESET' });
  }
  return new ApiFailure(`cannot reach the Kubernetes API at ${url.origin}: ${code || error.message}`, undefined, { code });
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)}s` : `${ms}ms`;
}

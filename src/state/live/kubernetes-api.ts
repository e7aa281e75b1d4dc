import { request as httpRequest } from 'node:http';
import type { RequestOptions } from 'node:https';
import { request as httpsRequest } from 'node:https';
import type { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { RetryOptions } from './api-failure.js';
import { ApiFailure, retryAfterMs, withRetry } from './api-failure.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const TIMEOUT_MS = 30_000;

/**
 * The Kubernetes API as kubectl reaches it: client-node's KubeConfig supplies
 * the server, TLS and credentials (tokens, client certificates, exec plugins
 * such as gke-gcloud-auth-plugin). Reads are plain JSON GETs, so objects come
 * back exactly as the API server sends them (what `kubectl get -o json` prints),
 * not as client-node models with Date fields.
 */
export class KubernetesApi {
  private customObjectsApi: CustomObjectsApi | undefined;

  constructor(
    readonly config: KubeConfig,
    private readonly CustomObjects: typeof CustomObjectsApi,
  ) {}

  get server(): string {
    return this.config.getCurrentCluster()?.server ?? '';
  }

  get customObjects(): CustomObjectsApi {
    return (this.customObjectsApi ??= this.config.makeApiClient(this.CustomObjects));
  }

  /** GET `path` as JSON, retrying 429/503; any other non-2xx status is an ApiFailure. */
  async getJson<T>(path: string, query: Record<string, string | number | undefined> = {}, retry?: RetryOptions, accept = 'application/json'): Promise<T> {
    return withRetry(async () => {
      const response = await this.get(path, query, accept);
      if (response.status < 200 || response.status > 299) throw failureOf(response);
      return JSON.parse(response.body) as T;
    }, retry);
  }

  /** One GET, never following redirects (a 3xx is an answer, as for `--probe`). */
  async get(path: string, query: Record<string, string | number | undefined> = {}, accept = '*/*'): Promise<RawResponse> {
    const url = new URL(this.server.replace(/\/+$/, '') + path);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
    const options: RequestOptions = { method: 'GET', headers: { Accept: accept, 'User-Agent': 'gke-doctor' } };
    await this.config.applyToHTTPSOptions(options);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    // client-node sets an https.Agent for the TLS options; a plain-HTTP server takes Node's default agent.
    if (url.protocol !== 'https:') delete options.agent;
    return new Promise<RawResponse>((resolve, reject) => {
      const request = send(url, options, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      request.setTimeout(TIMEOUT_MS, () => request.destroy(new ApiFailure(`no answer from ${url.host} within ${TIMEOUT_MS / 1000}s`, undefined, { code: 'ETIMEDOUT' })));
      request.on('error', (error: NodeJS.ErrnoException) =>
        reject(error instanceof ApiFailure ? error : new ApiFailure(`cannot reach the Kubernetes API at ${url.origin}: ${error.code ?? error.message}`, undefined, { code: error.code })),
      );
      request.end();
    });
  }
}

/** Loads client-node (lazily: it costs about half a second) and the kubeconfig context. */
export async function loadKubernetesApi(kubeconfig: { files: string[]; context: string }): Promise<KubernetesApi> {
  const { KubeConfig, CustomObjectsApi } = await import('@kubernetes/client-node');
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
  return new KubernetesApi(config, CustomObjectsApi);
}

/** The same for a KubeConfig built in code (a Pod's service account, a cluster reached without a kubeconfig). */
export async function kubernetesApiOf(config: KubeConfig): Promise<KubernetesApi> {
  const { CustomObjectsApi } = await import('@kubernetes/client-node');
  return new KubernetesApi(config, CustomObjectsApi);
}

function failureOf(response: RawResponse): ApiFailure {
  let message = response.body;
  try {
    message = (JSON.parse(response.body) as { message?: string }).message ?? message;
  } catch {
    // not a Status: keep the text
  }
  const retryAfter = response.headers['retry-after'];
  return new ApiFailure(message.split('\n')[0] ?? '', response.status, { retryAfterMs: retryAfterMs(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter) });
}

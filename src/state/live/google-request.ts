import type { AuthClient } from 'google-auth-library';
import { VERSION } from '../../version.js';
import { ApiFailure, toApiFailure } from './api-failure.js';
import type { Deadline } from './deadline.js';

/** How long one read of a Google API may take, and the run's own limits. */
export interface GoogleCallLimits {
  /** One attempt: a silent endpoint is given up on after this, then retried while time remains. */
  requestTimeoutMs: number;
  /** Every attempt and wait of one read together. */
  totalTimeoutMs: number;
  /** The run's deadline (epoch milliseconds): no attempt or wait goes past it. */
  deadline?: number;
  /** The run's cancellation. */
  signal?: AbortSignal;
}

export const DEFAULT_LIMITS: GoogleCallLimits = { requestTimeoutMs: 15_000, totalTimeoutMs: 30_000 };

/** The default limits, cut at the run's deadline (`--timeout`) when there is one. */
export function callLimits(deadline?: Deadline): GoogleCallLimits {
  return { ...DEFAULT_LIMITS, ...(deadline ? { deadline: deadline.at, signal: deadline.signal } : {}) };
}

export interface GoogleRead {
  /** The API's service name (`container.googleapis.com`), for messages. */
  api: string;
  url: string;
  /** GET, or POST for a read the API defines as one (getIamPolicy). */
  method?: 'GET' | 'POST';
  params?: Record<string, string | number>;
  data?: unknown;
}

export const USER_AGENT = `gke-doctor/${VERSION}`;

/** Retries after the first attempt, within the total time. */
const MAX_RETRIES = 4;
const BASE_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 4_000;
/** Statuses worth asking again: throttled, or the server failed (https://cloud.google.com/apis/design/errors#handling_errors). */
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/** Connection failures that a second attempt can get past; a refused connection or an unknown host will not. */
const RETRYABLE_NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);

/**
 * One read of a Google REST API through google-auth-library's authorized
 * request (ADC or a fixed token; the proxy settings gaxios honours): a bounded
 * time per attempt and in total, idempotent retries of throttling, server
 * errors and dropped connections with jittered backoff or the server's
 * Retry-After (never past the deadline), and a body that must be a JSON object.
 */
export async function readGoogleJson<T extends object>(auth: AuthClient, read: GoogleRead, limits: GoogleCallLimits = DEFAULT_LIMITS): Promise<T> {
  const end = Math.min(Date.now() + limits.totalTimeoutMs, limits.deadline ?? Infinity);
  for (let attempt = 0; ; attempt++) {
    const remaining = end - Date.now();
    if (remaining <= 0) throw timedOut(read, limits.totalTimeoutMs);
    let failure: ApiFailure;
    try {
      return await attemptRead<T>(auth, read, Math.min(limits.requestTimeoutMs, remaining), limits.signal);
    } catch (error) {
      failure = toApiFailure(error);
    }
    if (limits.signal?.aborted || attempt >= MAX_RETRIES || !isRetryable(failure)) throw failure;
    const wait = failure.details.retryAfterMs ?? backoff(attempt);
    // A Retry-After beyond the deadline cannot be honoured: the failure is the answer.
    if (Date.now() + wait >= end) throw failure;
    await sleep(wait, limits.signal);
  }
}

async function attemptRead<T extends object>(auth: AuthClient, read: GoogleRead, timeoutMs: number, runSignal: AbortSignal | undefined): Promise<T> {
  const controller = new AbortController();
  const host = new URL(read.url).host;
  const timeout = new ApiFailure(`no answer from ${read.api} (${host}) within ${seconds(timeoutMs)}`, undefined, { code: 'ETIMEDOUT' });
  // Cut by the run's deadline: say so, naming the API (the deadline's own failure names no request).
  const cancelled = () => {
    const reason: unknown = runSignal?.reason;
    return reason instanceof ApiFailure && reason.details.code === 'DEADLINE'
      ? new ApiFailure(reason.message.replace(/^timed out/, `timed out reading ${read.api}`), undefined, { code: 'DEADLINE' })
      : new ApiFailure(`${read.api}: cancelled`, undefined, { code: 'ABORT_ERR' });
  };
  let abort: ((reason: ApiFailure) => void) | undefined;
  // The race bounds the attempt even where the signal does not reach (a token refresh inside google-auth-library).
  const aborted = new Promise<never>((_, reject) => {
    abort = (reason) => {
      controller.abort(reason);
      reject(reason);
    };
  });
  const timer = setTimeout(() => abort!(timeout), timeoutMs);
  const onRunAbort = () => abort!(cancelled());
  if (runSignal?.aborted) onRunAbort();
  runSignal?.addEventListener('abort', onRunAbort, { once: true });
  try {
    const response = await Promise.race([
      auth.request<string>({
        url: read.url,
        method: read.method ?? 'GET',
        ...(read.params ? { params: read.params } : {}),
        ...(read.data !== undefined ? { data: read.data } : {}),
        headers: { 'User-Agent': USER_AGENT },
        responseType: 'text',
        signal: controller.signal,
        retry: false,
      }),
      aborted,
    ]);
    return parseObject<T>(response.data, read);
  } catch (error) {
    if (controller.signal.aborted) throw controller.signal.reason as ApiFailure;
    if (error instanceof ApiFailure) throw error;
    throw networkFailure(error, read, host) ?? error;
  } finally {
    clearTimeout(timer);
    runSignal?.removeEventListener('abort', onRunAbort);
    aborted.catch(() => undefined);
  }
}

/** A 200 whose body is not a JSON object (cut short, an HTML page from a proxy) is a failure, never an empty list. */
function parseObject<T extends object>(body: string, read: GoogleRead): T {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    value = undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const what = body.trim() === '' ? 'an empty body' : `${body.length} bytes that are not a JSON object`;
    throw new ApiFailure(`${read.api} answered ${what} (${new URL(read.url).pathname})`, undefined, { code: 'EBADRESPONSE' });
  }
  return value as T;
}

/** A connection that failed before an HTTP status: the system error code, wherever fetch put it. */
function networkFailure(error: unknown, read: GoogleRead, host: string): ApiFailure | undefined {
  if ((error as { response?: unknown }).response !== undefined) return undefined;
  let code: string | undefined;
  for (let cause: unknown = error; cause && !code; cause = (cause as { cause?: unknown }).cause) {
    const candidate = (cause as { code?: unknown }).code;
    if (typeof candidate === 'string' && candidate !== '' && !/^\d+$/.test(candidate)) code = candidate;
  }
  const message = (error as Error).message ?? String(error);
  if (!code && /terminated|other side closed|socket hang up/i.test(message)) code = 'ECONNRESET';
  return new ApiFailure(`cannot read from ${read.api} (${host}): ${code ?? message}`, undefined, code ? { code } : {});
}

function isRetryable(failure: ApiFailure): boolean {
  if (failure.status !== undefined) return RETRYABLE_STATUSES.has(failure.status);
  return failure.details.code !== undefined && RETRYABLE_NETWORK_CODES.has(failure.details.code);
}

/** Exponential, with jitter so many clients do not come back at the same moment. */
function backoff(attempt: number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

function timedOut(read: GoogleRead, totalMs: number): ApiFailure {
  return new ApiFailure(`no answer from ${read.api} within ${seconds(totalMs)} (retries included)`, undefined, { code: 'ETIMEDOUT' });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Math.round(ms / 1000)}s`;
}

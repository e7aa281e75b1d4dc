import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { AuthClient } from 'google-auth-library';
import { VERSION } from '../../version.js';
import { ApiFailure, toApiFailure } from './api-failure.js';
import { mebibytes } from './byte-size.js';
import type { Deadline } from './deadline.js';
import type { RequestLog } from './request-log.js';
import { failureReason } from './request-log.js';

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
  /** The largest body one answer may have (MAX_GOOGLE_BODY_BYTES unless a test lowers it). */
  maxBodyBytes?: number;
  /** `-v`: every attempt, as it ends. */
  log?: RequestLog;
}

/**
 * The largest body one Google answer may have, after decompression (a compressed body is never
 * larger than what it inflates to, give or take a header). The largest pages read (500 compute
 * backend services) are a few MB; a body past this is refused, not held in memory.
 */
export const MAX_GOOGLE_BODY_BYTES = 32 * 2 ** 20;

export const DEFAULT_LIMITS: GoogleCallLimits = { requestTimeoutMs: 15_000, totalTimeoutMs: 30_000 };

/** The default limits, cut at the run's deadline (`--timeout`) when there is one, and the run's `-v` log. */
export function callLimits(deadline?: Deadline, log?: RequestLog): GoogleCallLimits {
  return { ...DEFAULT_LIMITS, ...(deadline ? { deadline: deadline.at, signal: deadline.signal } : {}), ...(log ? { log } : {}) };
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
  return (await readGoogleDocument<T>(auth, read, limits)).value;
}

/** A JSON object and the bytes its body took (a paged read counts them against its cap). */
export interface Sized<T> {
  value: T;
  bytes: number;
}

/** The same, with the size of the body read. */
export async function readGoogleDocument<T extends object>(auth: AuthClient, read: GoogleRead, limits: GoogleCallLimits = DEFAULT_LIMITS): Promise<Sized<T>> {
  const end = Math.min(Date.now() + limits.totalTimeoutMs, limits.deadline ?? Infinity);
  for (let attempt = 0; ; attempt++) {
    const remaining = end - Date.now();
    if (remaining <= 0) throw attempt === 0 ? notAsked(read, limits) : timedOut(read, limits.totalTimeoutMs);
    let failure: ApiFailure;
    try {
      return await loggedAttempt<T>(auth, read, Math.min(limits.requestTimeoutMs, remaining), limits);
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

/** What one attempt got: the status, the body's bytes so far, and whether the whole body came. */
interface Answer {
  status?: number;
  received: number;
  complete: boolean;
}

/** One attempt, and with `-v` its line: the status and size of what came, or why nothing did. */
async function loggedAttempt<T extends object>(auth: AuthClient, read: GoogleRead, timeoutMs: number, limits: GoogleCallLimits): Promise<Sized<T>> {
  const answer: Answer = { received: 0, complete: false };
  const log = limits.log;
  if (!log) return attemptRead<T>(auth, read, timeoutMs, limits, answer);
  const started = performance.now();
  const url = new URL(read.url);
  for (const [name, value] of Object.entries(read.params ?? {})) url.searchParams.set(name, String(value));
  const record = (error?: unknown) =>
    log({
      method: read.method ?? 'GET',
      url,
      // An answer that came whole is its status, whatever was wrong with it; the error body is never shown.
      outcome: answer.complete && answer.status !== undefined ? { status: answer.status, bytes: answer.received } : { error: failureReason(error) },
      elapsedMs: performance.now() - started,
    });
  try {
    const result = await attemptRead<T>(auth, read, timeoutMs, limits, answer);
    record();
    return result;
  } catch (error) {
    record(error);
    throw error;
  }
}

async function attemptRead<T extends object>(auth: AuthClient, read: GoogleRead, timeoutMs: number, limits: GoogleCallLimits, answer: Answer): Promise<Sized<T>> {
  const controller = new AbortController();
  const host = new URL(read.url).host;
  // What had arrived when time ran out, so the reason says it: nothing, or a status and part of a body.
  let answered: { status: number; length: string | null } | undefined;
  let received = 0;
  const cut = timeoutMs < limits.requestTimeoutMs ? ` (what was left of the ${seconds(limits.totalTimeoutMs)} this read may take)` : '';
  const timeout = () =>
    answered
      ? new ApiFailure(`${read.api} (${host}) answered ${answered.status}, then sent only ${received} bytes${answered.length ? ` of ${answered.length}` : ''} within ${seconds(timeoutMs)}${cut} (${new URL(read.url).pathname})`, undefined, { code: 'ETIMEDOUT' })
      : new ApiFailure(`no answer from ${read.api} (${host}) within ${seconds(timeoutMs)}${cut}`, undefined, { code: 'ETIMEDOUT' });
  const runSignal = limits.signal;
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
  const timer = setTimeout(() => abort!(timeout()), timeoutMs);
  const onRunAbort = () => abort!(cancelled());
  if (runSignal?.aborted) onRunAbort();
  runSignal?.addEventListener('abort', onRunAbort, { once: true });
  const maxBytes = limits.maxBodyBytes ?? MAX_GOOGLE_BODY_BYTES;
  try {
    const response = await Promise.race([
      auth.request<Readable>({
        url: read.url,
        method: read.method ?? 'GET',
        ...(read.params ? { params: read.params } : {}),
        ...(read.data !== undefined ? { data: read.data } : {}),
        headers: { 'User-Agent': USER_AGENT },
        // Read as a stream, every status alike, so no body is held beyond the cap (a 2 GiB answer, a gzip bomb: node-fetch inflates as it is read).
        responseType: 'stream',
        validateStatus: () => true,
        // A Google API never redirects a read: one that does is not trusted, and never followed to another host.
        redirect: 'manual',
        signal: controller.signal,
        retry: false,
      }),
      aborted,
    ]);
    answered = { status: response.status, length: response.headers.get('content-length') };
    answer.status = response.status;
    if (Number(answered.length) > maxBytes) {
      if (typeof response.data === 'object') response.data.destroy();
      throw tooLarge(read, maxBytes, `its Content-Length is ${answered.length}`);
    }
    const body = await Promise.race([readCapped(response.data, maxBytes, read, (bytes) => (received = answer.received = bytes)), aborted]);
    answer.complete = true;
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location');
      const where = location ? ` to ${URL.canParse(location, read.url) ? new URL(location, read.url).host : 'an unreadable Location'}` : '';
      throw new ApiFailure(`${read.api} answered ${response.status}, a redirect${where}, which is not followed (${new URL(read.url).pathname})`, response.status, { code: 'REDIRECT' });
    }
    if (response.status < 200 || response.status > 299) {
      throw toApiFailure({ message: `${read.api} answered ${response.status}`, response: { status: response.status, data: body, headers: response.headers } });
    }
    return { value: parseObject<T>(body, read), bytes: received };
  } catch (error) {
    if (controller.signal.aborted) throw controller.signal.reason as ApiFailure;
    if (error instanceof ApiFailure) throw error;
    const failure = networkFailure(error, read, host) ?? toApiFailure(error);
    if (!answered) throw failure;
    // The status came, the body did not all: say how far it got (a retry may still get past it).
    const of = answered.length ? ` of ${answered.length}` : '';
    throw new ApiFailure(`${read.api} (${host}) answered ${answered.status}, then the body broke off after ${received} bytes${of}: ${failure.details.code ?? failure.message} (${new URL(read.url).pathname})`, undefined, failure.details);
  } finally {
    clearTimeout(timer);
    runSignal?.removeEventListener('abort', onRunAbort);
    aborted.catch(() => undefined);
  }
}

/** The body as text, failing (and destroying the stream, so nothing more is read or inflated) past `maxBytes`. */
async function readCapped(body: Readable | string, maxBytes: number, read: GoogleRead, progress: (bytes: number) => void): Promise<string> {
  // gaxios hands a 204 No Content over as '' whatever the responseType.
  if (typeof body === 'string') return body;
  const decoder = new StringDecoder('utf8');
  let text = '';
  let bytes = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      progress(bytes);
      if (bytes > maxBytes) throw tooLarge(read, maxBytes, 'more was sent');
      text += decoder.write(chunk);
    }
  } finally {
    body.destroy();
  }
  return text + decoder.end();
}

function tooLarge(read: GoogleRead, maxBytes: number, why: string): ApiFailure {
  return new ApiFailure(`${read.api} answered more than the ${mebibytes(maxBytes)} a body may hold (${why}; ${new URL(read.url).pathname})`, undefined, { code: 'TOO_LARGE' });
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
    const cutShort = value === undefined && body.trimStart().startsWith('{');
    const what = body.trim() === '' ? 'an empty body' : cutShort ? `a JSON object cut short after ${body.length} bytes` : `${body.length} bytes that are not a JSON object`;
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

/** The time was up before the first attempt: no request was sent, so none went unanswered. */
function notAsked(read: GoogleRead, limits: GoogleCallLimits): ApiFailure {
  const reason: unknown = limits.signal?.reason;
  if (reason instanceof ApiFailure && reason.details.code === 'DEADLINE') {
    return new ApiFailure(reason.message.replace(/^timed out/, `timed out before asking ${read.api}`), undefined, { code: 'DEADLINE' });
  }
  return new ApiFailure(`timed out before asking ${read.api}: the ${seconds(limits.totalTimeoutMs)} this read may take, or the run's deadline, had passed`, undefined, { code: 'ETIMEDOUT' });
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

/** The most one paged list may gather over all its pages, so a list served forever stops here. */
export const GOOGLE_LIST_CAPS = { items: 100_000, bytes: 256 * 2 ** 20, pages: 10_000 };

/** One page of a Google list: its items and the token of the next (none on the last). */
export interface GooglePage<T> {
  items: T[];
  nextPageToken?: string;
  bytes: number;
}

/**
 * Every page of a Google list (`pageToken` / `nextPageToken`,
 * https://cloud.google.com/apis/design/design_patterns#list_pagination), within the caps:
 * a token answered twice would loop forever, and is refused at once.
 */
export async function readGooglePages<T>(what: string, readPage: (pageToken: string | undefined) => Promise<GooglePage<T>>, caps = GOOGLE_LIST_CAPS): Promise<T[]> {
  const items: T[] = [];
  const tokens = new Set<string>();
  let bytes = 0;
  let pageToken: string | undefined;
  do {
    const page = await readPage(pageToken);
    items.push(...page.items);
    bytes += page.bytes;
    if (items.length > caps.items) throw new ApiFailure(`${what}: more than ${caps.items} items over ${tokens.size + 1} pages, the most one list may hold`, undefined, { code: 'TOO_LARGE' });
    if (bytes > caps.bytes) throw new ApiFailure(`${what}: more than ${mebibytes(caps.bytes)} over ${tokens.size + 1} pages, the most one list may take`, undefined, { code: 'TOO_LARGE' });
    pageToken = page.nextPageToken || undefined;
    // Empty pages with a new token each time reach no other cap.
    if (pageToken !== undefined && tokens.size + 1 >= caps.pages) throw new ApiFailure(`${what}: more than ${caps.pages} pages, the most one list may take`, undefined, { code: 'TOO_LARGE' });
    if (pageToken !== undefined && tokens.has(pageToken)) throw new ApiFailure(`${what}: the API answered a page token it had answered before (it would list forever)`, undefined, { code: 'EBADRESPONSE' });
    if (pageToken !== undefined) tokens.add(pageToken);
  } while (pageToken);
  return items;
}

import { firstLine } from '../../first-line.js';
/**
 * A failed API call, whichever client made it: the HTTP status, and what the
 * error body says (Google's ErrorInfo reason and metadata, Retry-After).
 */
export class ApiFailure extends Error {
  override name = 'ApiFailure';
  constructor(
    message: string,
    /** HTTP status; undefined for a timeout or a network error. */
    readonly status: number | undefined,
    readonly details: { reason?: string; service?: string; permission?: string; retryAfterMs?: number; code?: string; /** The project refused, when not the target's (a Shared VPC host project). */ project?: string } = {},
  ) {
    super(message);
  }

  get retryable(): boolean {
    return this.status === 429 || this.status === 503;
  }
}

/** Normalizes what gaxios, client-node or Node's http throw into an ApiFailure. */
export function toApiFailure(error: unknown): ApiFailure {
  if (error instanceof ApiFailure) return error;
  const e = error as {
    message?: string;
    code?: number | string;
    status?: number;
    response?: { status?: number; headers?: unknown; data?: unknown };
    headers?: Record<string, string>;
    body?: unknown;
  };
  // gaxios (google-auth-library's request): the response with Google's error body.
  if (e.response?.status !== undefined) {
    // Read as text (google-request.ts), the body arrives unparsed.
    const data = typeof e.response.data === 'string' ? safeJson(e.response.data) : e.response.data;
    const google = googleError(data) ?? googleError(safeJson(e.message ?? ''));
    return new ApiFailure(firstLine(google?.message ?? e.message), e.response.status, {
      ...google?.details,
      retryAfterMs: retryAfterMs(headerValue(e.response.headers, 'retry-after')),
    });
  }
  // client-node's ApiException: code is the HTTP status, body the Status (often as a string).
  if (typeof e.code === 'number' && e.body !== undefined) {
    const body = typeof e.body === 'string' ? safeJson(e.body) : e.body;
    const message = (body as { message?: string } | undefined)?.message ?? e.message;
    return new ApiFailure(firstLine(message), e.code, { retryAfterMs: retryAfterMs(e.headers?.['retry-after']) });
  }
  return new ApiFailure(firstLine(e.message ?? String(error)), undefined, { code: typeof e.code === 'string' ? e.code : undefined });
}

interface GoogleErrorBody {
  message?: string;
  details?: { '@type'?: string; reason?: string; metadata?: Record<string, string> }[];
}

/**
 * Google's error envelope (https://cloud.google.com/apis/design/errors#http_mapping): its
 * message and the google.rpc.ErrorInfo detail (reason, service, permission). Also what a Google
 * front of the Kubernetes API, the Connect gateway, answers when IAM refuses.
 */
export function googleError(data: unknown): { message?: string; details: Pick<ApiFailure['details'], 'reason' | 'service' | 'permission'> } | undefined {
  const body = (data as { error?: GoogleErrorBody } | undefined)?.error;
  if (typeof body !== 'object' || body === null) return undefined;
  const info = Array.isArray(body.details) ? body.details.find((detail) => detail?.['@type']?.endsWith('google.rpc.ErrorInfo')) : undefined;
  return { message: body.message, details: { reason: info?.reason, service: info?.metadata?.service, permission: info?.metadata?.permission } };
}

/** `Retry-After` in seconds or as an HTTP date (RFC 9110 10.2.3). */
export function retryAfterMs(value: string | undefined | null): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  return (headers as Record<string, string>)[name];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

export interface RetryOptions {
  /** Retries after the first attempt. */
  retries?: number;
  /** First backoff when the server sends no Retry-After; doubled each time, with jitter. */
  baseDelayMs?: number;
  /** Longest wait honoured, so a large Retry-After cannot stall the run. */
  maxDelayMs?: number;
  /** The run's deadline: no wait goes past it (the last failure is reported instead). */
  deadline?: { remainingMs(): number };
  /** Which failures to retry (default: 429 and 503). */
  retryable?: (failure: ApiFailure) => boolean;
}

/** Calls `call`, retrying with exponential backoff and jitter, or the server's Retry-After. */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { retries = 3, baseDelayMs = 500, maxDelayMs = 30_000, deadline, retryable = (failure: ApiFailure) => failure.retryable } = options;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const failure = toApiFailure(error);
      if (!retryable(failure) || attempt >= retries) throw failure;
      const backoff = baseDelayMs * 2 ** attempt;
      // Half fixed, half random: runs that failed together do not retry together.
      const delay = Math.min(maxDelayMs, failure.details.retryAfterMs ?? backoff / 2 + Math.random() * (backoff / 2));
      if (deadline && delay >= deadline.remainingMs()) throw failure;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Rejects with a timeout ApiFailure when `promise` takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ApiFailure(`${what}: no answer within ${Math.round(ms / 1000)}s`, undefined, { code: 'ETIMEDOUT' })), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

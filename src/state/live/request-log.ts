import type Http from 'node:http';
import { createRequire } from 'node:module';
import { ApiFailure } from './api-failure.js';

/**
 * The reason phrases (`200 OK`), from node:http through require, and only when a line is logged: an ES
 * import of node:http makes Node 22 build every one of its exports, WebSocket and undici among them,
 * ~70 ms at every start (bench/notes.md, Start-up); require loads http alone.
 */
const requireBuiltin = createRequire(import.meta.url);
const reasonPhrase = (status: number): string => (requireBuiltin('node:http') as typeof Http).STATUS_CODES[status] ?? '';

/** One HTTP request as sent, and how it ended: the answer's status and size, or why none came. */
export interface RequestRecord {
  method: string;
  url: URL;
  outcome: { status: number; bytes: number } | { error: string };
  /** From sending to the last byte of the answer (or the failure). */
  elapsedMs: number;
}

/** Where `-v` sends each request's record (the CLI writes it on stderr). */
export type RequestLog = (record: RequestRecord) => void;

/**
 * Query parameters whose values are shown: those gke-doctor itself sets that say how a list is
 * read. Any other value (a page token, an object name, whatever an endpoint override or a
 * probe's path carries, such as `access_token`) is shown as REDACTED, its name kept.
 */
const SHOWN_PARAMETERS = new Set(['limit', 'pageSize', 'maxResults', 'fieldSelector', 'filter', 'alt', 'uploadType', 'fields', 'dryRun']);

/** The URL a log may show: no user or password, and no query value that could be a credential. */
export function loggableUrl(url: URL): string {
  const shown = new URL(url.href);
  shown.username = '';
  shown.password = '';
  shown.hash = '';
  const parameters = [...shown.searchParams].map(([name, value]) => [name, SHOWN_PARAMETERS.has(name) ? value : 'REDACTED'] as [string, string]);
  shown.search = new URLSearchParams(parameters).toString();
  return shown.href;
}

/**
 * The record as one line, after kubectl's `-v=6` (client-go `transport/round_trippers.go`:
 * `GET https://host/api/v1/pods?limit=500 200 OK in 12 milliseconds`), with the bytes received.
 * Never a header or a body: a failure's reason is gke-doctor's own message, not the server's.
 */
export function requestLine({ method, url, outcome, elapsedMs }: RequestRecord): string {
  const took = `in ${Math.round(elapsedMs)} milliseconds`;
  const end = 'error' in outcome ? `error: ${outcome.error.replace(/\s*\n\s*/g, ' ')} ${took}` : `${outcome.status} ${reasonPhrase(outcome.status)} ${took}, ${outcome.bytes} bytes`.replace('  ', ' ');
  return `${method} ${loggableUrl(url)} ${end}`;
}

/**
 * Why a request had no answer, as `-v` shows it: gke-doctor's own message (a timeout, a
 * refused connection, a body cut short), never another library's, which may quote what it sent.
 */
export function failureReason(error: unknown): string {
  if (error instanceof ApiFailure && error.status === undefined) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code !== '' ? code : ((error as Error | null)?.name ?? 'failed');
}

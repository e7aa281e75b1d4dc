import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { OAuth2Client } from 'google-auth-library';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiFailure } from '../../src/state/live/api-failure.js';
import type { GooglePage } from '../../src/state/live/google-request.js';
import { MAX_GOOGLE_BODY_BYTES, readGoogleJson, readGooglePages } from '../../src/state/live/google-request.js';
import { LiveSource } from '../../src/state/live/live-source.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture } from '../support/live.js';

/** Google answers that are hostile or broken (issue #21): each a failed read that names the API, the path and what was wrong. */

let server: Server | undefined;
let served: ServedFixture | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await served?.close();
  server = served = undefined;
});

async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/projects/p/locations/l/clusters/c`;
}

function token(): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: 'fake-google-token' });
  return client;
}

/** Bytes made as they are read, never held: `chunk` again and again, after `head`, until the reader stops (or `total` bytes). */
function generated(head: string, chunk: Buffer, total = Number.POSITIVE_INFINITY): Readable & { sent: () => number } {
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent === 0) {
        sent += head.length;
        this.push(head);
        return;
      }
      if (sent >= total) return void this.push(null);
      sent += chunk.length;
      this.push(chunk);
    },
  });
  return Object.assign(stream, { sent: () => sent });
}

async function failureOf(promise: Promise<unknown>): Promise<ApiFailure> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiFailure);
  return error as ApiFailure;
}

const LIMITS = { requestTimeoutMs: 20_000, totalTimeoutMs: 25_000 };
const read = (url: string) => readGoogleJson(token(), { api: 'container.googleapis.com', url }, LIMITS);

describe('Google bodies are capped, compressed and inflated', () => {
  it(`a body served forever stops at ${MAX_GOOGLE_BODY_BYTES / 2 ** 20} MiB, the read failing and naming the cap`, async () => {
    let body: ReturnType<typeof generated> | undefined;
    const url = await serve((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      body = generated('{"name":"', Buffer.alloc(64 * 1024, 'x'));
      body.pipe(response);
    });
    const started = performance.now();
    const failure = await failureOf(read(url));
    expect(failure.message).toBe('container.googleapis.com answered more than the 32 MiB a body may hold (more was sent; /v1/projects/p/locations/l/clusters/c)');
    expect(failure.details.code).toBe('TOO_LARGE');
    expect(performance.now() - started).toBeLessThan(10_000);
    // Not read much past the cap (socket buffers aside).
    expect(body!.sent()).toBeLessThan(MAX_GOOGLE_BODY_BYTES + 16 * 2 ** 20);
  });

  it('a gzip body that inflates past the cap (a gzip bomb) stops at the cap of what it inflates to', async () => {
    let zeros: ReturnType<typeof generated> | undefined;
    let compressed = 0;
    const url = await serve((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      zeros = generated('{"name":"', Buffer.alloc(1024 * 1024, '0'), 2 ** 31);
      const gzip = zeros.pipe(createGzip({ level: 9 }));
      gzip.on('data', (chunk: Buffer) => (compressed += chunk.length));
      gzip.pipe(response);
    });
    const failure = await failureOf(read(url));
    expect(failure.message).toMatch(/^container\.googleapis\.com answered more than the 32 MiB a body may hold/);
    // The client stopped inflating at the cap: the server, held back by the socket, never made its 2 GiB.
    expect(zeros!.sent()).toBeLessThan(2 ** 30);
    expect(compressed).toBeLessThan(2 * 2 ** 20);
  });

  it('a Content-Length over the cap is refused before the body is read', async () => {
    const url = await serve((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2 ** 31) });
      response.write('{"name":"');
    });
    const failure = await failureOf(read(url));
    expect(failure.message).toBe(`container.googleapis.com answered more than the 32 MiB a body may hold (its Content-Length is ${2 ** 31}; /v1/projects/p/locations/l/clusters/c)`);
  });

  it('an error body is capped too', async () => {
    const url = await serve((_, response) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      generated('{"error":{"message":"', Buffer.alloc(64 * 1024, 'x')).pipe(response);
    });
    const failure = await failureOf(read(url));
    expect(failure.details.code).toBe('TOO_LARGE');
  });

  it('a JSON object cut short is said to be cut short', async () => {
    const url = await serve((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      response.end('{"name":"projects/p/locations/l/clusters/c","status":"RUNN');
    });
    expect((await failureOf(read(url))).message).toBe('container.googleapis.com answered a JSON object cut short after 58 bytes (/v1/projects/p/locations/l/clusters/c)');
  });
});

describe('a redirect from a Google API is a failed read, never followed', () => {
  it('the cluster GET answering 302 to another host: the read fails naming the redirect; the other host is never asked', async () => {
    let asked = 0;
    const elsewhere = await serve((_, response) => {
      asked++;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"name":"projects/undefined/locations/l/clusters/c"}');
    });
    served = await serveFixture('seed-eventarc-stuck-namespace');
    served.gcp.inject({ method: 'GET', path: /\/clusters\//, status: 302, headers: { location: elsewhere }, body: {} });
    const state = await new LiveSource({ env: served.env, kubeconfig: served.kubeconfig }).collect(new Set(['cluster']));
    expect(state.cluster).toBeUndefined();
    expect(state.unavailable.get('cluster')).toMatch(/^cannot read the cluster \(container\.googleapis\.com\): 302 container\.googleapis\.com answered 302, a redirect to 127\.0\.0\.1:\d+, which is not followed \(\/v1\/projects\/.*\/clusters\/.*\)$/);
    expect(asked).toBe(0);
  });
});

describe('Google lists: wrong shapes and endless pages', () => {
  it.each([
    ['triggers that are not a list', /\/triggers$/, { triggers: 5 }, 'eventarcTriggers', /eventarc\.googleapis\.com v1\/projects\/.*\/triggers: the answer is not a ListTriggersResponse \(triggers must be a list\)/],
    ['a next page token that is not a string', /\/triggers$/, { triggers: [], nextPageToken: 5 }, 'eventarcTriggers', /the answer is not a ListTriggersResponse \(nextPageToken must be a string\)/],
    ['a bare JSON array', /\/aggregated\/healthChecks$/, [{ name: 'hc' }], 'healthChecks', /compute\.googleapis\.com answered \d+ bytes that are not a JSON object/],
    ['a scope that is not an object', /\/aggregated\/healthChecks$/, { items: { global: 7 } }, 'healthChecks', /aggregated\/healthChecks: the answer is not an aggregated list \(items\.global must be an object\)/],
    ['a scope list that is not a list', /\/aggregated\/subnetworks$/, { items: { 'regions/r': { subnetworks: 7 } } }, 'subnetworks', /the answer is not an aggregated list \(items\.regions\/r\.subnetworks must be a list\)/],
    ['the same page token again and again', /\/aggregated\/backendServices$/, { items: {}, nextPageToken: 'again' }, 'backendServices', /aggregated\/backendServices: the API answered a page token it had answered before \(it would list forever\)/],
  ] as const)('%s', async (_, path, body, key, reason) => {
    served = await serveFixture('ingress-backendconfig-mismatch');
    served.gcp.inject({ method: 'GET', path, status: 200, body });
    const state = await new LiveSource({ env: served.env, kubeconfig: served.kubeconfig }).collect(new Set([key]));
    expect(state[key]).toBeUndefined();
    expect(state.unavailable.get(key)).toMatch(reason);
    expect(state.unavailable.get(key)).not.toMatch(/TypeError|is not (a function|iterable)|Cannot read properties|no answer/);
  });

  const pages = (size: number, bytes: number) => async (token: string | undefined): Promise<GooglePage<number>> => ({ items: Array<number>(size).fill(0), nextPageToken: `t${Number(token?.slice(1) ?? 0) + 1}`, bytes });
  it('a list served forever with a new token each page stops at the cap on items', async () => {
    const failure = await failureOf(readGooglePages('compute.googleapis.com projects/p/aggregated/healthChecks', pages(500, 1000), { items: 10_000, bytes: 2 ** 30, pages: 10_000 }));
    expect(failure.message).toBe('compute.googleapis.com projects/p/aggregated/healthChecks: more than 10000 items over 21 pages, the most one list may hold');
  });

  it('… and at the cap on bytes', async () => {
    const failure = await failureOf(readGooglePages('compute.googleapis.com projects/p/aggregated/healthChecks', pages(1, 2 ** 20), { items: 10_000, bytes: 8 * 2 ** 20, pages: 10_000 }));
    expect(failure.message).toBe('compute.googleapis.com projects/p/aggregated/healthChecks: more than 8 MiB over 9 pages, the most one list may take');
  });

  it('… and, empty pages with a new token each time, at the cap on pages', async () => {
    const failure = await failureOf(readGooglePages('compute.googleapis.com projects/p/aggregated/healthChecks', pages(0, 50), { items: 10_000, bytes: 2 ** 30, pages: 100 }));
    expect(failure.message).toBe('compute.googleapis.com projects/p/aggregated/healthChecks: more than 100 pages, the most one list may take');
  });
});

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2Client } from 'google-auth-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { DataKey } from '../../src/state/cluster-state.js';
import { ApiFailure } from '../../src/state/live/api-failure.js';
import { Deadline } from '../../src/state/live/deadline.js';
import { googleApiBase } from '../../src/state/live/gcp-endpoints.js';
import type { GoogleCallLimits } from '../../src/state/live/google-request.js';
import { USER_AGENT, readGoogleJson } from '../../src/state/live/google-request.js';
import { LiveSource } from '../../src/state/live/live-source.js';
import { VERSION } from '../../src/version.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture } from '../support/live.js';

/** A server that misbehaves one way per request, in order; afterwards it answers `{"ok":true}`. */
async function faultyServer(faults: ((request: IncomingMessage, response: ServerResponse) => void)[]): Promise<{ url: string; attempts: () => number; close: () => Promise<void> }> {
  let attempts = 0;
  const server: Server = createServer((request, response) => {
    const fault = faults[attempts++];
    if (fault) fault(request, response);
    else response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/thing`,
    attempts: () => attempts,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const silent = () => undefined;
const reset = (request: IncomingMessage) => request.socket.destroy();
const status = (code: number, headers: Record<string, string> = {}) => (_: IncomingMessage, response: ServerResponse) =>
  response.writeHead(code, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ error: { code, message: `status ${code}` } }));

function token(): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: 'fake-google-token' });
  return client;
}

/** For servers that answer at once: limits far above what a loaded machine takes, so only the fault decides the attempts. */
const PROMPT: GoogleCallLimits = { requestTimeoutMs: 10_000, totalTimeoutMs: 20_000 };

async function failureOf(promise: Promise<unknown>): Promise<ApiFailure> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiFailure);
  return error as ApiFailure;
}

let server: Awaited<ReturnType<typeof faultyServer>> | undefined;
let served: ServedFixture | undefined;
afterEach(async () => {
  await server?.close();
  await served?.close();
  server = served = undefined;
});

describe('Google requests: bounded, retried, checked', () => {
  it('gives up on a silent endpoint within the total time', async () => {
    server = await faultyServer(Array(10).fill(silent));
    const failure = await failureOf(readGoogleJson(token(), { api: 'container.googleapis.com', url: server.url }, { requestTimeoutMs: 200, totalTimeoutMs: 1_000 }));
    expect(failure.details.code).toBe('ETIMEDOUT');
    expect(failure.message).toMatch(/^no answer from container\.googleapis\.com/);
    expect(server.attempts()).toBeLessThanOrEqual(5);
  });

  it('asks a silent endpoint again after the per-request timeout', async () => {
    server = await faultyServer([silent]);
    expect(await readGoogleJson(token(), { api: 'container.googleapis.com', url: server.url }, { requestTimeoutMs: 1_000, totalTimeoutMs: 20_000 })).toEqual({ ok: true });
    expect(server.attempts()).toBeLessThanOrEqual(2);
  });

  it("stops at the run's deadline, whatever the per-request timeout", async () => {
    server = await faultyServer([silent]);
    const failure = await failureOf(readGoogleJson(token(), { api: 'compute.googleapis.com', url: server.url }, { requestTimeoutMs: 60_000, totalTimeoutMs: 60_000, deadline: Date.now() + 150 }));
    expect(failure.details.code).toBe('ETIMEDOUT');
    // One attempt, or none when a loaded machine had not sent it within the 150 ms.
    expect(server.attempts()).toBeLessThanOrEqual(1);
  });

  it('stops when the run is cancelled, without retrying', async () => {
    const controller = new AbortController();
    // Cancelled while the server holds the request without answering.
    server = await faultyServer([() => controller.abort()]);
    const failure = await failureOf(readGoogleJson(token(), { api: 'eventarc.googleapis.com', url: server.url }, { requestTimeoutMs: 60_000, totalTimeoutMs: 60_000, signal: controller.signal }));
    expect(failure.message).toBe('eventarc.googleapis.com: cancelled');
    expect(server.attempts()).toBe(1);
  });

  it("names the API and the --timeout when the run's deadline cuts a request (never a bare 'cancelled')", async () => {
    const deadline = new Deadline(60_000);
    const controller = new AbortController();
    // The run's deadline passes while the server holds the request: the signal aborts with the deadline's failure.
    server = await faultyServer([() => controller.abort(deadline.failure())]);
    const failure = await failureOf(readGoogleJson(token(), { api: 'eventarc.googleapis.com', url: server.url }, { requestTimeoutMs: 60_000, totalTimeoutMs: 60_000, signal: controller.signal }));
    deadline.dispose();
    expect(failure.message).toBe('timed out reading eventarc.googleapis.com (--timeout 1m)');
    expect(failure.details.code).toBe('DEADLINE');
  });

  it.each([
    ['a reset connection', reset],
    ['a 500', status(500)],
    ['a 502', status(502)],
    ['a 429 with Retry-After: 0', status(429, { 'retry-after': '0' })],
  ])('retries %s, then reads the answer', async (_, fault) => {
    server = await faultyServer([fault]);
    expect(await readGoogleJson(token(), { api: 'container.googleapis.com', url: server.url }, PROMPT)).toEqual({ ok: true });
    expect(server.attempts()).toBe(2);
  });

  it('does not retry what a second attempt cannot change (403, 404)', async () => {
    server = await faultyServer([status(403), status(404)]);
    expect((await failureOf(readGoogleJson(token(), { api: 'container.googleapis.com', url: server.url }, PROMPT))).status).toBe(403);
    expect(server.attempts()).toBe(1);
  });

  it('answers a Retry-After longer than the time left with the 429 at once, instead of waiting past the deadline', async () => {
    server = await faultyServer([status(429, { 'retry-after': '3600' })]);
    const failure = await failureOf(readGoogleJson(token(), { api: 'compute.googleapis.com', url: server.url }, PROMPT));
    expect(failure.status).toBe(429);
    expect(server.attempts()).toBe(1);
  });

  it.each([
    ['an HTML page', '<html><body>Bad gateway</body></html>', /^container\.googleapis\.com answered 37 bytes that are not a JSON object \(\/v1\/thing\)$/],
    ['a body cut short', '{"name": "projects/p/locations/l/clusters/c", "addonsCon', /^container\.googleapis\.com answered a JSON object cut short after \d+ bytes/],
    ['an empty body', '', /^container\.googleapis\.com answered an empty body/],
    ['a JSON array', '[]', /not a JSON object/],
  ])('takes %s with status 200 as a failure naming the API, never as data', async (_, body, message) => {
    server = await faultyServer([(_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(body)]);
    const failure = await failureOf(readGoogleJson(token(), { api: 'container.googleapis.com', url: server.url }, PROMPT));
    expect(failure.message).toMatch(message);
    expect(server.attempts()).toBe(1);
  });

  it('takes a connection closed before the promised length as a dropped connection, and retries it', async () => {
    server = await faultyServer([
      (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
        response.write('{"triggers": [');
        setTimeout(() => response.socket?.destroy(), 10);
      },
    ]);
    expect(await readGoogleJson(token(), { api: 'eventarc.googleapis.com', url: server.url }, PROMPT)).toEqual({ ok: true });
    expect(server.attempts()).toBe(2);
  });

  it('a body that stops after the status is said to have stopped, not to have had no answer', async () => {
    const stall = (_: IncomingMessage, response: ServerResponse) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write('{"name":"projects/p/locations/l/clusters/c"');
    };
    server = await faultyServer(Array(10).fill(stall));
    const failure = await failureOf(readGoogleJson(token(), { api: 'container.googleapis.com', url: server.url }, { requestTimeoutMs: 300, totalTimeoutMs: 1_000 }));
    expect(failure.message).toMatch(/^container\.googleapis\.com \(127\.0\.0\.1:\d+\) answered 200, then sent only 43 bytes of 1000 within \d+ms/);
    expect(failure.message).not.toMatch(/no answer/);
  });

  it('sends User-Agent gke-doctor/VERSION', async () => {
    served = await serveFixture('seed-eventarc-stuck-namespace');
    await new LiveSource({ env: served.env, kubeconfig: served.kubeconfig }).collect(new Set<DataKey>(['project', 'iamPolicy', 'cluster', 'eventarcTriggers', 'healthChecks']));
    expect(USER_AGENT).toBe(`gke-doctor/${VERSION}`);
    expect(served.gcp.requests.length).toBeGreaterThanOrEqual(5);
    for (const request of served.gcp.requests) expect(String(request.headers['user-agent'])).toMatch(new RegExp(`^gke-doctor/${VERSION.replaceAll('.', '\\.')}( |$)`));
  });

  it('makes a list whose answer is not JSON unavailable, naming the API, rather than empty', async () => {
    served = await serveFixture('seed-eventarc-stuck-namespace');
    served.gcp.inject({ path: /\/triggers$/, status: 200, body: '<html>proxy error</html>' });
    const state = await new LiveSource({ env: served.env, kubeconfig: served.kubeconfig }).collect(new Set<DataKey>(['eventarcTriggers']));
    expect(state.eventarcTriggers).toBeUndefined();
    expect(state.unavailable.get('eventarcTriggers')).toMatch(/^cannot read Eventarc triggers \(eventarc\.googleapis\.com\): eventarc\.googleapis\.com answered \d+ bytes that are not a JSON object/);
  });
});

describe('Google API endpoints', () => {
  it("resolves paths against gcloud's override, as gcloud does", () => {
    expect(googleApiBase('compute', {})).toBe('https://compute.googleapis.com/compute/v1/');
    expect(googleApiBase('container', {})).toBe('https://container.googleapis.com/');
    expect(googleApiBase('compute', { CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: 'http://localhost:8080/compute/v1' })).toBe('http://localhost:8080/compute/v1/');
  });

  it('refuses an override that is not a URL, naming the variable', () => {
    expect(() => googleApiBase('container', { CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER: 'container.example' })).toThrow(
      'CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER: not a URL: container.example',
    );
  });
});

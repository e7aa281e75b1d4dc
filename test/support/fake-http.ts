import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A test-only CA and a certificate for 127.0.0.1 and localhost it signed (test/support/tls/README.md). */
export const TEST_TLS = {
  ca: readFileSync(new URL('./tls/ca.crt', import.meta.url), 'utf8'),
  cert: readFileSync(new URL('./tls/server.crt', import.meta.url), 'utf8'),
  key: readFileSync(new URL('./tls/server.key', import.meta.url), 'utf8'),
};

/** One request a fake server answered, in order: tests assert on what the clients sent. */
export interface LoggedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  status: number;
  body?: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** When the request arrived and when its answer was sent (performance.now()), to see what ran at the same time. */
  receivedAt: number;
  answeredAt: number;
}

/** A status (and body) the fake returns instead of the real answer, for matching requests. */
export interface Injection {
  method?: string;
  /** An exact path, or a pattern tested against it. */
  path: string | RegExp;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many requests to answer this way (every one when unset). */
  times?: number;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  rawBody: string;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The HTTP plumbing both fakes share: a request log, injected statuses, JSON in and out. */
export class FakeHttpServer {
  readonly requests: LoggedRequest[] = [];
  /** Added to every answer, as the network and a real server would (bench/: 50 ms). */
  delayMs = 0;
  private readonly injections: Injection[] = [];
  private server: Server | undefined;
  private tls = false;

  constructor(
    private readonly handle: (request: FakeRequest) => FakeResponse | Promise<FakeResponse>,
    private readonly errorBody: (status: number, message: string) => unknown,
  ) {}

  /** `http://127.0.0.1:PORT` (`https://` when started with TLS), once started. */
  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('fake server not started');
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${address.port}`;
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  /** Listens on 127.0.0.1; with `tls`, over HTTPS with the test certificate (TEST_TLS), as a real API server does. */
  async start(options: { tls?: boolean } = {}): Promise<this> {
    const handler = (request: IncomingMessage, response: ServerResponse) => {
      this.serve(request, response).catch((error: Error) => {
        response.statusCode = 500;
        response.end(JSON.stringify(this.errorBody(500, error.message)));
      });
    };
    this.tls = Boolean(options.tls);
    this.server = options.tls ? createTlsServer({ cert: TEST_TLS.cert, key: TEST_TLS.key }, handler) : createServer(handler);
    // Node's server drops an idle connection after 5 s, as Node's client agent does: a
    // request sent on a reused connection at that moment gets ECONNRESET, most often
    // when a busy machine stalls the event loop. Real API servers keep idle
    // connections far longer than the client does, so the client always closes first.
    this.server.keepAliveTimeout = 0;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  inject(injection: Injection): void {
    this.injections.push({ ...injection });
  }

  clearInjections(): void {
    this.injections.length = 0;
  }

  private async serve(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const url = new URL(incoming.url ?? '/', 'http://fake');
    let rawBody = '';
    for await (const chunk of incoming) rawBody += String(chunk);
    let body: unknown = undefined;
    if (rawBody) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = rawBody;
      }
    }
    const method = incoming.method ?? 'GET';
    const path = decodeURIComponent(url.pathname);
    const request: FakeRequest = { method, path, query: url.searchParams, headers: incoming.headers, body, rawBody };
    const response = this.injected(method, path) ?? (await this.handle(request));
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    this.requests.push({ method, path, query: Object.fromEntries(url.searchParams), status: response.status, body, headers: incoming.headers, receivedAt, answeredAt: performance.now() });
    outgoing.statusCode = response.status;
    const headers = { 'content-type': 'application/json', ...response.headers };
    for (const [name, value] of Object.entries(headers)) outgoing.setHeader(name, value);
    outgoing.end(typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? {}));
  }

  private injected(method: string, path: string): FakeResponse | undefined {
    const index = this.injections.findIndex(
      (injection) =>
        (!injection.method || injection.method === method) &&
        (typeof injection.path === 'string' ? injection.path === path : injection.path.test(path)),
    );
    if (index < 0) return undefined;
    const injection = this.injections[index]!;
    if (injection.times !== undefined && --injection.times <= 0) this.injections.splice(index, 1);
    return { status: injection.status, body: injection.body ?? this.errorBody(injection.status, `injected ${injection.status}`), headers: injection.headers };
  }
}

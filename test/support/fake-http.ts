import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { LISTEN_BACKLOG, NetworkDelay } from './network-delay.js';

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
  /** The fault the answer suffered, when one was injected. */
  fault?: Fault;
  body?: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** When the request arrived and when its answer was sent (performance.now()), to see what ran at the same time. */
  receivedAt: number;
  answeredAt: number;
}

/**
 * How a connection can go wrong: `reset` (TCP RST before any answer), `hang`
 * (never answers), `truncate` (200 with half the body, then a clean end),
 * `short-body` (a Content-Length, fewer bytes, then the socket closes), `drip`
 * (the real answer, one byte every `dripMs`: never idle, never done). A reset or
 * a hang comes before the request is handled; the others after (a write lands).
 */
export type Fault = 'reset' | 'hang' | 'truncate' | 'short-body' | 'drip';
export const FAULTS: readonly Fault[] = ['reset', 'hang', 'truncate', 'short-body', 'drip'];

/** A status (and body), or a fault, the fake returns instead of the real answer, for matching requests. */
export interface Injection {
  method?: string;
  /** An exact path, or a pattern tested against it. */
  path: string | RegExp;
  /** The status to answer (ignored with `fault`). */
  status?: number;
  fault?: Fault;
  /** For `drip`: milliseconds between bytes (default 200). */
  dripMs?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many requests to answer this way (every one when unset). */
  times?: number;
  /** How many matching requests to answer normally first (a list's later page). */
  after?: number;
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
  /** Told of each request as it arrives, before it is answered (or hangs): a test acts at that moment. */
  onArrival: ((request: { method: string; path: string }) => void) | undefined;
  private readonly injections: Injection[] = [];
  private server: Server | undefined;
  private network: NetworkDelay | undefined;
  private tls = false;

  constructor(
    private readonly handle: (request: FakeRequest) => FakeResponse | Promise<FakeResponse>,
    private readonly errorBody: (status: number, message: string) => unknown,
  ) {}

  /** `http://127.0.0.1:PORT` (`https://` when started with TLS), once started. */
  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('fake server not started');
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  /** Where clients connect: the network's relay when started with `rttMs`. */
  get port(): number {
    return this.network?.port ?? (this.server!.address() as AddressInfo).port;
  }

  /**
   * Listens on 127.0.0.1; with `tls`, over HTTPS with the test certificate (TEST_TLS), as a real
   * API server does; with `rttMs`, behind a relay that costs that round trip per exchange and per
   * connection set-up (network-delay.ts), as a real network does.
   */
  async start(options: { tls?: boolean; rttMs?: number } = {}): Promise<this> {
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
    await new Promise<void>((resolve) => this.server!.listen({ port: 0, host: '127.0.0.1', backlog: LISTEN_BACKLOG }, resolve));
    if (options.rttMs) this.network = await NetworkDelay.start((this.server.address() as AddressInfo).port, options.rttMs);
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    await this.network?.close();
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
    this.onArrival?.({ method, path });
    const injected = this.injected(method, path);
    // A reset or a hang happens before the request is handled (a write does not land); a broken body, after (it does).
    const handled = !injected || (injected.fault !== undefined && injected.fault !== 'reset' && injected.fault !== 'hang');
    const response = handled ? await this.handle(request) : injected;
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    this.requests.push({
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      status: response.status,
      ...(injected?.fault ? { fault: injected.fault } : {}),
      body,
      headers: incoming.headers,
      receivedAt,
      answeredAt: performance.now(),
    });
    const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? {});
    const headers = { 'content-type': 'application/json', ...response.headers };
    if (injected?.fault) return this.misbehave(injected.fault, injected.dripMs ?? 200, incoming, outgoing, headers, text);
    outgoing.statusCode = response.status;
    for (const [name, value] of Object.entries(headers)) outgoing.setHeader(name, value);
    outgoing.end(text);
  }

  private misbehave(fault: Fault, dripMs: number, incoming: IncomingMessage, outgoing: ServerResponse, headers: Record<string, string>, text: string): void {
    const bytes = Buffer.from(text);
    const half = bytes.subarray(0, Math.floor(bytes.length / 2));
    switch (fault) {
      case 'reset':
        incoming.socket.resetAndDestroy();
        return;
      case 'hang':
        // close() ends it with closeAllConnections.
        return;
      case 'truncate':
        outgoing.writeHead(200, { ...headers, 'transfer-encoding': 'chunked' });
        outgoing.end(half);
        return;
      case 'short-body':
        outgoing.writeHead(200, { ...headers, 'content-length': String(bytes.length) });
        outgoing.write(half, () => incoming.socket.destroy());
        return;
      case 'drip': {
        outgoing.writeHead(200, { ...headers, 'content-length': String(bytes.length) });
        let sent = 0;
        const timer = setInterval(() => {
          if (outgoing.destroyed || sent >= bytes.length) {
            clearInterval(timer);
            if (!outgoing.destroyed) outgoing.end();
            return;
          }
          outgoing.write(bytes.subarray(sent, ++sent));
        }, dripMs);
        outgoing.on('close', () => clearInterval(timer));
        return;
      }
    }
  }

  private injected(method: string, path: string): (FakeResponse & { fault?: Fault; dripMs?: number }) | undefined {
    const index = this.injections.findIndex(
      (injection) =>
        (!injection.method || injection.method === method) &&
        (typeof injection.path === 'string' ? injection.path === path : injection.path.test(path)),
    );
    if (index < 0) return undefined;
    const injection = this.injections[index]!;
    if (injection.after !== undefined && injection.after > 0) {
      injection.after--;
      return undefined;
    }
    if (injection.times !== undefined && --injection.times <= 0) this.injections.splice(index, 1);
    if (injection.fault) return { status: 0, fault: injection.fault, dripMs: injection.dripMs };
    const status = injection.status ?? 500;
    return { status, body: injection.body ?? this.errorBody(status, `injected ${status}`), headers: injection.headers };
  }
}

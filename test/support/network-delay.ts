import type { Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import { performance } from 'node:perf_hooks';

/** Node's default, said: a backlog that dropped connections would time the fake, not the client. */
export const LISTEN_BACKLOG = 511;

/**
 * A TCP relay in front of a fake server that costs what a network of `rttMs` round trip
 * costs, rather than a sleep per answer: every chunk waits half the round trip each way,
 * and a new connection's first bytes wait one round trip more (the TCP handshake the
 * client's connect would have waited for). TLS runs through it unchanged, so a new TLS
 * connection pays its handshake's round trips (one for TLS 1.3) like any other bytes, and a
 * kept-alive one does not. Bandwidth is not limited: loopback's.
 */
export class NetworkDelay {
  private constructor(
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
  ) {}

  /** A relay listening on 127.0.0.1 (a free port) to 127.0.0.1:`targetPort`. */
  static async start(targetPort: number, rttMs: number): Promise<NetworkDelay> {
    const sockets = new Set<Socket>();
    const server = createServer({ noDelay: true }, (client) => {
      const upstream = connect({ port: targetPort, host: '127.0.0.1', noDelay: true });
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      const connectedAt = performance.now() + rttMs;
      relay(client, upstream, rttMs / 2, connectedAt);
      relay(upstream, client, rttMs / 2, 0);
    });
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: LISTEN_BACKLOG }, resolve));
    return new NetworkDelay(server, sockets);
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Copies `from` to `to`, each chunk (and the end) `delayMs` after it arrived, and never before `notBefore`; in order. */
function relay(from: Socket, to: Socket, delayMs: number, notBefore: number): void {
  const queue: { at: number; chunk: Buffer | null }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.at <= now + 0.5) {
      const { chunk } = queue.shift()!;
      if (to.destroyed) return;
      if (chunk === null) to.end();
      else to.write(chunk);
    }
    if (queue.length > 0) timer = setTimeout(flush, queue[0]!.at - now);
  };
  const push = (chunk: Buffer | null) => {
    queue.push({ at: Math.max(performance.now(), notBefore) + delayMs, chunk });
    timer ??= setTimeout(flush, queue[0]!.at - performance.now());
  };
  from.on('data', (chunk: Buffer) => push(chunk));
  from.on('end', () => push(null));
  from.on('close', () => {
    if (queue.length === 0 && !to.destroyed && from.destroyed && !from.readableEnded) to.destroy();
  });
}

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The server side of `bench/childServer.ts`'s IPC: a bench server, forked by the
 * bench, says `{ type: 'listening', port, ...extra }`, answers `{ type: 'stats' }`
 * with its counters and its CPU, and stops on `{ type: 'stop' }` or when the
 * parent goes away. Run by hand (no IPC), it prints `{ port }`.
 */
type Message = { type: 'stats' } | { type: 'stop' };

export function reportToParent(port: number, stats: () => Record<string, unknown>, stop: () => void, extra: Record<string, unknown> = {}): void {
  if (!process.send) {
    console.log(JSON.stringify({ port }));
    return;
  }
  process.send({ type: 'listening', port, ...extra });
  process.on('message', (m: Message) => {
    if (m.type === 'stats') process.send!({ type: 'stats', ...stats(), cpu: process.cpuUsage() });
    else if (m.type === 'stop') stop();
  });
  process.on('disconnect', stop);
}

/**
 * Listens with a bench HTTP server on 127.0.0.1 (an ephemeral port) and reports
 * to the parent. Timeouts outlive every client pool's idle timeout, so no
 * client ever reuses a socket the server is closing.
 */
export function serveForBench(server: Server, stats: () => Record<string, unknown>, extra: Record<string, unknown> = {}): void {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;
  server.maxRequestsPerSocket = 0;
  const stop = (): never => {
    server.closeAllConnections();
    server.close();
    process.exit(0);
  };
  server.listen(0, '127.0.0.1', () => reportToParent((server.address() as AddressInfo).port, stats, stop, extra));
}

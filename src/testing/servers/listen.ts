import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** The loopback address every test server listens on: nothing here is reachable from another host. */
export const LOOPBACK = '127.0.0.1';

/**
 * Listens on `port` (0: the OS picks) on 127.0.0.1 and returns the port. A port
 * just released (a restart on the same port) may take a moment to be free again,
 * so EADDRINUSE is retried for up to ~1 s.
 */
export async function listenOn(server: Server, port: number): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, LOOPBACK, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return (server.address() as AddressInfo).port;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0 || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Tracks a server's sockets, so closing it never waits for a hanging request or an open stream. */
export function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  return sockets;
}

/** An HTTP server listening on 127.0.0.1, with its sockets tracked for closing. */
export interface Listening {
  http: Server;
  sockets: Set<Socket>;
  port: number;
}

/**
 * Creates an HTTP server for `handle`, tracks its sockets and listens on `port` (0: the OS picks).
 *
 * @example
 * ```ts
 * const { http, sockets, port } = await listenHttp((req, res) => res.end('ok'), 0);
 * ```
 */
export async function listenHttp(handle: (req: IncomingMessage, res: ServerResponse) => void, port: number): Promise<Listening> {
  const http = createServer(handle);
  const sockets = trackSockets(http);
  return { http, sockets, port: await listenOn(http, port) };
}

/** Stops listening and destroys every connection (hanging ones included); resolves once the server closed. */
export function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!server.listening) {
      for (const socket of sockets) socket.destroy();
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
    for (const socket of sockets) socket.destroy();
  });
}

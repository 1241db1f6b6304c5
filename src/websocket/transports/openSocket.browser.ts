import type { SocketHandlers, SocketLike, SocketOptions } from './openSocket.js';
import { openBrowserSocket } from './browserSocket.js';

export type { SocketHandlers, SocketLike, SocketOptions } from './openSocket.js';

/**
 * The browser build's `openSocket`: it takes the place of `openSocket.ts` there,
 * so the global `WebSocket` is the only socket and `ws` is never reached.
 */
export async function openSocket(url: string, options: SocketOptions, on: SocketHandlers): Promise<SocketLike> {
  return openBrowserSocket(url, options, on);
}

/** A browser's WebSocket does not tell when TCP connected: the phase stays `opening`. */
export const socketsReportConnect = (): boolean => false;

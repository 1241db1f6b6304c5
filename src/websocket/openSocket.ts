import type { WireData } from './OutboundQueue.js';
import type { RawMessageData } from './decodeMessage.js';

/** What the connection needs from a socket, whether `ws` in Node or the browser's WebSocket. */
export interface SocketLike {
  send(data: WireData, done?: (error?: Error) => void): void;
  /** Sends a ping frame; false where frames cannot be sent (browsers). */
  ping(): boolean;
  /** Drops the connection at once (no closing handshake). */
  terminate(): void;
  close(code: number, reason?: string): void;
  readonly isOpen: boolean;
}

/** What the socket reports; each handler is called directly (the data path never meets the actor). */
export interface SocketHandlers {
  onOpen(): void;
  onMessage(data: RawMessageData, isBinary: boolean): void;
  onPong(): void;
  onClose(code: number, reason: string): void;
  /** The opening failed; `status` when the server answered the upgrade with one. */
  onFailure(reason: string, status?: number): void;
}

export interface SocketOptions {
  protocols?: string[];
  /** Node only: extra handshake headers (auth). */
  headers?: Record<string, string>;
  /** Node only: largest accepted message, bytes. */
  maxPayload: number;
}

type NodeWs = typeof import('ws').WebSocket;
let nodeWs: Promise<NodeWs> | undefined;
const isNode = () => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/**
 * Opens a socket: `ws` in Node (loaded on first use, so browser bundles never
 * include it), the global `WebSocket` elsewhere. Handlers get raw frames.
 *
 * @example
 * ```ts
 * const socket = await openSocket('ws://127.0.0.1:8080', { maxPayload: 1 << 24 }, handlers);
 * socket.send('hello');
 * ```
 */
export async function openSocket(url: string, options: SocketOptions, on: SocketHandlers): Promise<SocketLike> {
  if (isNode()) {
    nodeWs ??= import('ws').then((m) => m.WebSocket);
    return openNode(await nodeWs, url, options, on);
  }
  return openBrowser(url, options, on);
}

function openNode(WS: NodeWs, url: string, options: SocketOptions, on: SocketHandlers): SocketLike {
  const ws = new WS(url, options.protocols, { headers: options.headers, maxPayload: options.maxPayload, perMessageDeflate: false });
  let opened = false;
  let failed = false;
  const fail = (reason: string, status?: number) => {
    if (opened || failed) return;
    failed = true;
    on.onFailure(reason, status);
  };
  ws.on('open', () => {
    opened = true;
    on.onOpen();
  });
  ws.on('message', (data, isBinary) => on.onMessage(data as RawMessageData, isBinary));
  ws.on('pong', () => on.onPong());
  ws.on('unexpected-response', (_req, res) => {
    res.resume();
    fail(`the server answered the upgrade with HTTP ${res.statusCode}`, res.statusCode);
    ws.terminate();
  });
  ws.on('error', (error) => fail(error.message));
  ws.on('close', (code, reason) => {
    if (opened) on.onClose(code, reason.toString());
    else fail(`closed before opening (${code})`);
  });
  return {
    send: (data, done) => ws.send(data, done),
    ping: () => {
      ws.ping();
      return true;
    },
    terminate: () => ws.terminate(),
    close: (code, reason) => ws.close(code, reason),
    get isOpen() {
      return ws.readyState === WS.OPEN;
    },
  };
}

function openBrowser(url: string, options: SocketOptions, on: SocketHandlers): SocketLike {
  const ws = new WebSocket(url, options.protocols);
  ws.binaryType = 'arraybuffer';
  let opened = false;
  let failed = false;
  const fail = (reason: string) => {
    if (opened || failed) return;
    failed = true;
    on.onFailure(reason);
  };
  ws.onopen = () => {
    opened = true;
    on.onOpen();
  };
  ws.onmessage = (e) => on.onMessage(e.data as string | ArrayBuffer, typeof e.data !== 'string');
  ws.onclose = (e) => (opened ? on.onClose(e.code, e.reason) : fail(`closed before opening (${e.code})`));
  ws.onerror = () => fail('the connection could not be opened');
  return {
    send: (data, done) => {
      try {
        ws.send(data as string);
        done?.();
      } catch (error) {
        done?.(error as Error);
      }
    },
    ping: () => false,
    // Browsers have no terminate: closing with an app code is the closest.
    terminate: () => ws.close(4000, 'terminated'),
    close: (code, reason) => ws.close(code, reason),
    get isOpen() {
      return ws.readyState === WebSocket.OPEN;
    },
  };
}

import type { WireData } from '../OutboundQueue.js';
import type { RawMessageData } from '../decodeMessage.js';
import { openBrowserSocket } from './browserSocket.js';

/** What the connection needs from a socket, whether `ws` in Node or the browser's WebSocket. */
export interface SocketLike {
  send(data: WireData, done?: (error?: Error) => void): void;
  /** Sends a ping frame; false where frames cannot be sent (browsers). */
  sendPing(): boolean;
  /** Whether {@link SocketLike.sendPing} can send ping frames (`ws` in Node: yes; a browser WebSocket: no). */
  readonly canPing: boolean;
  /** Drops the connection at once (no closing handshake). */
  terminate(): void;
  close(code: number, reason?: string): void;
  readonly isOpen: boolean;
}

/** What the socket reports; each handler is called directly (the data path never meets the actor). */
export interface SocketHandlers {
  onOpen(): void;
  /**
   * Node only: TCP (and TLS, for `wss:`) is connected and the upgrade request
   * is on its way; what is left is the server's answer (the handshake).
   */
  onConnected?(phase: 'tls' | 'handshake'): void;
  onMessage(data: RawMessageData, isBinary: boolean): void;
  onPong(): void;
  onClose(code: number, reason: string): void;
  /** The open socket failed (an invalid UTF-8 or oversized frame…): `ws`'s reason; its close (1006) follows. */
  onError(reason: string): void;
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

type NodeWsClass = typeof import('ws').WebSocket;
type NodeSocketClass = new (url: string, options: SocketOptions, on: SocketHandlers) => SocketLike;
let nodeSocket: Promise<NodeSocketClass> | undefined;
const isNode = () => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** Whether sockets call {@link SocketHandlers.onConnected} (Node's do; a browser's WebSocket does not tell). */
export const socketsReportConnect: () => boolean = isNode;

/**
 * Opens a socket: `ws` in Node (loaded on first use), the global `WebSocket`
 * elsewhere. The browser build replaces this file with `openSocket.browser.ts`,
 * so browser bundles never include `ws`. Handlers get raw frames.
 *
 * @example
 * ```ts
 * const socket = await openSocket('ws://127.0.0.1:8080', { maxPayload: 1 << 24 }, handlers);
 * socket.send('hello');
 * ```
 */
export async function openSocket(url: string, options: SocketOptions, on: SocketHandlers): Promise<SocketLike> {
  if (isNode()) {
    nodeSocket ??= import('ws').then((m) => nodeSocketClass(m.WebSocket));
    return new (await nodeSocket)(url, options, on);
  }
  return openBrowserSocket(url, options, on);
}

/**
 * In Node the socket is a `ws` WebSocket subclass that carries its handlers, and
 * its listeners are module-level functions (`this` is the socket): a thousand
 * open connections hold no closures for them, and a message takes one call to
 * reach its handler. Listeners are added only when needed (`message` on open,
 * `pong` with the first ping): an emitter's listener table grows with each kind
 * and never shrinks, ~50 B a listener on every open connection.
 */
function nodeSocketClass(WS: NodeWsClass): NodeSocketClass {
  class NodeSocket extends WS implements SocketLike {
    handlers: SocketHandlers;
    opened = false;
    failed = false;
    pinged = false;

    constructor(url: string, options: SocketOptions, on: SocketHandlers) {
      super(url, options.protocols, { headers: options.headers, maxPayload: options.maxPayload, perMessageDeflate: false, finishRequest: finishRequest as never });
      this.handlers = on;
      this.on('open', onNodeOpen as WsListener);
      this.on('error', onNodeError as WsListener);
      this.on('close', onNodeClose as WsListener);
    }

    sendPing(): boolean {
      if (!this.pinged) {
        this.pinged = true;
        this.on('pong', onNodePong as WsListener);
      }
      this.ping();
      return true;
    }

    get isOpen(): boolean {
      return this.readyState === WS.OPEN;
    }

    get canPing(): boolean {
      return true;
    }
  }
  return NodeSocket as unknown as NodeSocketClass;
}

// ws types listeners' `this` as its own class; ours read the subclass's fields.
type WsListener = (...args: any[]) => void;
type NodeSocket = import('ws').WebSocket & { handlers: SocketHandlers; opened: boolean; failed: boolean; pinged: boolean };

type ClientRequest = import('node:http').ClientRequest;
type NetSocket = import('node:net').Socket & { encrypted?: boolean };

/**
 * ws hands us the upgrade request before sending it: the one public place to
 * learn when TCP (then TLS) has connected, so that a stall is reported as the
 * phase it is in. Runs inside the socket's constructor; the handlers are set
 * by the time the socket connects.
 */
function finishRequest(req: ClientRequest, socket: NodeSocket): void {
  req.once('socket', (s: NetSocket) => {
    const secure = s.encrypted === true;
    const tell = (phase: 'tls' | 'handshake') => socket.handlers?.onConnected?.(phase);
    if (!s.connecting) return tell('handshake');
    s.once('connect', () => tell(secure ? 'tls' : 'handshake'));
    if (secure) s.once('secureConnect', () => tell('handshake'));
  });
  req.end();
}

function failNode(socket: NodeSocket, reason: string, status?: number): void {
  if (socket.opened || socket.failed) return;
  socket.failed = true;
  socket.handlers.onFailure(reason, status);
}
function onNodeOpen(this: NodeSocket): void {
  this.opened = true;
  this.on('message', onNodeMessage as WsListener);
  this.handlers.onOpen();
}
function onNodeMessage(this: NodeSocket, data: RawMessageData, isBinary: boolean): void {
  this.handlers.onMessage(data, isBinary);
}
function onNodePong(this: NodeSocket): void {
  this.handlers.onPong();
}
// Without an 'unexpected-response' listener ws aborts the handshake itself and
// reports the status in this error (one listener less on every socket).
const UNEXPECTED_RESPONSE = /^Unexpected server response: (\d{3})$/;
function onNodeError(this: NodeSocket, error: Error): void {
  if (this.opened) return this.handlers.onError(error.message);
  const status = UNEXPECTED_RESPONSE.exec(error.message)?.[1];
  if (status === undefined) return failNode(this, error.message);
  failNode(this, `the server answered the upgrade with HTTP ${status}`, Number(status));
}
function onNodeClose(this: NodeSocket, code: number, reason: Buffer): void {
  if (this.opened) this.handlers.onClose(code, reason.toString());
  else failNode(this, `closed before opening (${code})`);
}

/**
 * A browser-like `WebSocket` for Node tests: the DOM API (`onopen`, `onmessage`,
 * `onclose`, `onerror`, `binaryType`, `readyState`) over a `ws` client, with no
 * `ping()` (a browser cannot send ping frames), and a way to make statewire take
 * its browser transport in Node (`asBrowser`).
 *
 * @example
 * ```ts
 * const restore = installBrowserSocket();
 * const conn = new WebSocketConnection({ url: asBrowser(server.url) });
 * // …
 * restore();
 * ```
 */
import { WebSocket as NodeWs } from 'ws';

export class BrowserLikeWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  /** Every socket made, in order. */
  static readonly made: BrowserLikeWebSocket[] = [];
  binaryType: 'arraybuffer' | 'blob' = 'blob';
  onopen: ((e: { type: 'open' }) => void) | null = null;
  onmessage: ((e: { data: string | ArrayBuffer }) => void) | null = null;
  onclose: ((e: { code: number; reason: string; wasClean: boolean }) => void) | null = null;
  onerror: ((e: { type: 'error' }) => void) | null = null;
  private readonly ws: NodeWs;

  constructor(url: string, protocols?: string | string[]) {
    BrowserLikeWebSocket.made.push(this);
    this.ws = new NodeWs(url, protocols);
    this.ws.on('open', () => this.onopen?.({ type: 'open' }));
    this.ws.on('message', (data: Buffer, isBinary: boolean) => {
      this.onmessage?.({ data: isBinary ? new Uint8Array(data).buffer : data.toString('utf8') });
    });
    this.ws.on('close', (code: number, reason: Buffer) => this.onclose?.({ code, reason: reason.toString(), wasClean: code !== 1006 }));
    this.ws.on('error', () => this.onerror?.({ type: 'error' }));
  }

  get readyState(): number {
    return this.ws.readyState;
  }

  send(data: string | ArrayBuffer | ArrayBufferView): void {
    if (this.ws.readyState !== NodeWs.OPEN) throw new Error('InvalidStateError: the socket is not open');
    this.ws.send(data);
  }

  close(code?: number, reason?: string): void {
    this.ws.close(code, reason);
  }
}

const g = globalThis as { WebSocket?: unknown };

/** Installs {@link BrowserLikeWebSocket} as the global `WebSocket`; returns the undo. */
export function installBrowserSocket(): () => void {
  const before = g.WebSocket;
  g.WebSocket = BrowserLikeWebSocket;
  BrowserLikeWebSocket.made.length = 0;
  return () => {
    if (before === undefined) delete g.WebSocket;
    else g.WebSocket = before;
  };
}

/**
 * A `url` provider that makes the next socket open on the browser transport: it
 * hides `process.versions.node` (which statewire checks when it opens a socket)
 * until the current turn of the event loop is over.
 */
export function asBrowser(url: string): () => Promise<string> {
  return async () => {
    const versions = process.versions as { node?: string };
    const node = Object.getOwnPropertyDescriptor(versions, 'node')!;
    Object.defineProperty(versions, 'node', { value: undefined, configurable: true });
    setImmediate(() => Object.defineProperty(versions, 'node', node));
    return url;
  };
}

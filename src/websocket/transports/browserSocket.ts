import type { SocketHandlers, SocketLike, SocketOptions } from './openSocket.js';

/**
 * A socket on the global `WebSocket` (browsers, workers, Deno): binary
 * frames arrive as ArrayBuffer; ping frames cannot be sent (`sendPing()` is false);
 * handshake headers cannot be set.
 *
 * @example
 * ```ts
 * const socket = openBrowserSocket('wss://example.com/ws', { maxPayload: 1 << 24 }, handlers);
 * ```
 */
export function openBrowserSocket(url: string, options: SocketOptions, on: SocketHandlers): SocketLike {
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
    sendPing: () => false,
    canPing: false,
    // Browsers have no terminate: closing with an app code is the closest.
    terminate: () => ws.close(4000, 'terminated'),
    close: (code, reason) => ws.close(code, reason),
    get isOpen() {
      return ws.readyState === WebSocket.OPEN;
    },
  };
}

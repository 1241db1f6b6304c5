import type { WebSocketEvent } from '../../machines/websocket.js';

type BrowserTarget = { addEventListener?: (type: string, listener: object) => void; removeEventListener?: (type: string, listener: object) => void };
/** The browser globals listened to; absent in Node. */
const browser = globalThis as BrowserTarget & {
  navigator?: { onLine?: boolean };
  document?: BrowserTarget & { visibilityState?: string };
};

/** An object listener (`handleEvent`): the connection itself, so no closure per connection. */
export type BrowserEventListener = { handleEvent(event: { type: string }): void };

/**
 * Browsers: the network (`online`, `offline`) and the page's visibility
 * (`visibilitychange`) steer the reconnect loop. Does nothing in Node.
 *
 * @example
 * ```ts
 * listenToBrowser(this);   // in the constructor
 * unlistenBrowser(this);   // in dispose()
 * ```
 */
export function listenToBrowser(listener: BrowserEventListener): void {
  if (typeof browser.addEventListener !== 'function') return;
  browser.addEventListener('online', listener);
  browser.addEventListener('offline', listener);
  browser.document?.addEventListener?.('visibilitychange', listener);
}

/** Undoes {@link listenToBrowser}. @example unlistenBrowser(this); */
export function unlistenBrowser(listener: BrowserEventListener): void {
  if (typeof browser.removeEventListener !== 'function') return;
  browser.removeEventListener('online', listener);
  browser.removeEventListener('offline', listener);
  browser.document?.removeEventListener?.('visibilitychange', listener);
}

/**
 * The machine event a browser event stands for: `ONLINE`, `OFFLINE`, or
 * `VISIBLE` when the page became visible; undefined for anything else.
 *
 * @example
 * ```ts
 * const e = browserMachineEvent(event);
 * if (e) actor.send(e);
 * ```
 */
export function browserMachineEvent(event: { type: string }): WebSocketEvent | undefined {
  if (event.type === 'online') return ONLINE;
  if (event.type === 'offline') return OFFLINE;
  if (event.type === 'visibilitychange' && browser.document?.visibilityState === 'visible') return VISIBLE;
  return undefined;
}

const ONLINE: WebSocketEvent = { type: 'ONLINE' };
const OFFLINE: WebSocketEvent = { type: 'OFFLINE' };
const VISIBLE: WebSocketEvent = { type: 'VISIBLE' };

/** Whether the network is up now (browsers: `navigator.onLine`; Node: true). @example browserOnline(); */
export function browserOnline(): boolean {
  return browser.navigator?.onLine !== false;
}

/** The browser build's stand-in for `loadUndiciTransport.ts`: no undici in browsers, fetch is the transport. */
export const loadUndiciTransport: (() => Promise<typeof import('./UndiciTransport.js')>) | undefined = undefined;

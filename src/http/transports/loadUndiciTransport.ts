/**
 * Loads the undici transport (Node). Its sibling `loadUndiciTransport.browser.ts`
 * takes this file's place in the browser build, so browsers never reach undici or
 * `node:zlib`.
 */
export const loadUndiciTransport: (() => Promise<typeof import('./UndiciTransport.js')>) | undefined = () => import('./UndiciTransport.js');

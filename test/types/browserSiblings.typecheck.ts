/**
 * Type test, checked by `npm run typecheck`: the browser build puts each
 * `X.browser.ts` in the place of `X.ts` (tsup.config.ts), so a sibling must
 * export every value its Node file exports, with a compatible type, or the
 * browser bundle breaks where tsc cannot see it. One line per sibling.
 */
type Same<Node, Browser extends Node> = [Node, Browser];

export type Siblings = [
  Same<typeof import('../../src/websocket/transports/openSocket.js'), typeof import('../../src/websocket/transports/openSocket.browser.js')>,
  Same<typeof import('../../src/http/transports/loadUndiciTransport.js'), typeof import('../../src/http/transports/loadUndiciTransport.browser.js')>,
];

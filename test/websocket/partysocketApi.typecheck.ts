/**
 * Type test, checked by `npx tsc --noEmit`: `once` takes the same event map as
 * `on`, `readyState` is one of the four constants. Never run.
 */
import { GuruConnection, WebSocketConnection } from '../../src/index.js';

export function onceEvents(ws: WebSocketConnection, guru: GuruConnection): void {
  // @ts-expect-error misspelt event name
  ws.once('mesage', () => {});
  // @ts-expect-error close carries an object, not a number
  ws.once('close', (code: number) => console.log(code));
  ws.once('close', ({ code, wasClean }) => console.log(code.toFixed(), wasClean));
  guru.once('open', () => {}).once('message', (data: { type: string }) => console.log(data.type));
  const state: 0 | 1 | 2 | 3 = ws.readyState;
  // @ts-expect-error readyState is read-only
  ws.readyState = 1;
  const open: 1 = WebSocketConnection.OPEN;
  const closing: Promise<void> = ws.close(4000, 'bye');
  const reopened: Promise<void> = guru.reconnect();
  console.log(state, open, closing, reopened);
}

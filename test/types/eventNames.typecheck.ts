/**
 * Type test, checked by `npm run typecheck` (tsc over test/): every
 * `@ts-expect-error` line must be a compile error, or tsc fails on the unused
 * directive. Never run: the functions only have to compile.
 */
import { GuruConnection, HTTPConnection, SSEConnection, WebSocketConnection, type ConnectionEventType, type WebSocketStatus } from '../../src/index.js';

export function webSocketEvents(ws: WebSocketConnection, guru: GuruConnection): void {
  // @ts-expect-error misspelt event name
  ws.on('mesage', () => {});
  // @ts-expect-error misspelt event name
  ws.off('statuschange', () => {});
  // @ts-expect-error misspelt event name on GuruConnection
  guru.on('opne', () => {});
  // @ts-expect-error any string is not an event name
  ws.on('anything' as string, () => {});

  ws.on('message', (data) => console.log(data));
  ws.on('message', (data: { type: string }) => console.log(data.type)); // a listener may narrow the message
  ws.on('close', ({ code, reason, wasClean }) => console.log(code.toFixed(), reason.trim(), wasClean));
  ws.on('statusChange', (status) => {
    const s: WebSocketStatus = status;
    console.log(s);
  });
  ws.on('reconnecting', ({ attempt, delay }) => console.log(attempt + delay));
  ws.on('max_reconnect_attempts', ({ attempts }) => console.log(attempts));
  ws.on('error', (error) => console.log(error.message));
  ws.on('message_dropped', ({ reason }) => console.log(reason));
  ws.on('disposed', ({ queued, unacknowledged }) => console.log(queued.length + unacknowledged.length));
  guru.on('open', () => {}).on('close', (e) => console.log(e.code));

  // @ts-expect-error close carries an object, not a number
  ws.on('close', (code: number) => console.log(code));
  // @ts-expect-error statusChange carries a status, not an object
  ws.on('statusChange', (s: { code: number }) => console.log(s));
}

export function sseEvents(sse: SSEConnection): void {
  // Any server event name: the server chooses them.
  sse.on('price', (e) => console.log(e.id, e.data));
  sse.on('message', (e) => console.log(e.raw));
  // @ts-expect-error an SSE message is an object, not a number
  sse.on('price', (e: number) => console.log(e));
}

export function httpEvents(http: HTTPConnection): void {
  // @ts-expect-error HTTPConnection has no on(): its events arrive through onEvent
  http.on('mesage', () => {});
  http.onEvent((e) => {
    const known: ConnectionEventType | (string & {}) = e.eventType;
    console.log(known, e.message, e.severity);
  });
  const watched: ConnectionEventType[] = ['connection_failed', 'circuit_breaker_opened'];
  // @ts-expect-error not an event statewire emits
  const misspelt: ConnectionEventType = 'conection_failed';
  console.log(watched, misspelt);
}

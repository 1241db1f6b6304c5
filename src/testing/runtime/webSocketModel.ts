/**
 * The independent expectation of a WebSocket run: what the user of a connection
 * with acknowledged delivery may rely on, written down from the contract (not
 * from the machine): every message sent is at the server at least once or was
 * reported dropped, exactly once when no fault happened, in send order on each
 * connection; acknowledgements are never delivered as messages; a server message
 * on a live link arrives once; a close with 1000 is final until `connect()`.
 */

/** One thing a runtime WebSocket test does, to the connection or to the server. */
export type WebSocketAction =
  | { kind: 'send' }
  | { kind: 'push' }
  | { kind: 'kill' }
  | { kind: 'restart' }
  | { kind: 'terminate' }
  | { kind: 'serverClose'; code: number; reason: string }
  | { kind: 'dropIncoming' }
  | { kind: 'dropOutgoing' }
  | { kind: 'delay'; ms: number }
  | { kind: 'userClose' }
  | { kind: 'connect' };

/** What the model tracks while the actions run. */
export interface WebSocketModelState {
  /** Ids sent, in order (the message is `{ type: 'data', id }`). */
  sent: number[];
  /** Server messages pushed (`{ push: n }`), and which of them the model lets go missing (lost in transit while the link died). */
  pushes: number;
  pushesMayBeLost: Set<number>;
  serverUp: boolean;
  /** Closed by the server with 1000 or by the user: no reconnect until `connect()`. */
  closed: boolean;
  /** Server connections counted when `closed` began (no new one may appear on its own). */
  connectionsAtClose: number;
  /** Faults so far (kills, terminations, closes, drops): with none, delivery is exactly once. */
  faults: number;
}

/** The rules of the model; replace one to state a different (e.g. a deliberately wrong) expectation. */
export interface WebSocketModel {
  /** Whether `action` can run in `state` (fast-check's `check`). */
  applies(action: WebSocketAction, state: WebSocketModelState): boolean;
  /** Ids the model expects to be reported through `message_dropped` (and absent at the server). */
  expectedDropped(state: WebSocketModelState): number[];
  /** Whether an id may reach the server more than once. */
  duplicatesAllowed(state: WebSocketModelState): boolean;
}

/** A fresh model state (the server up, the connection open). */
export function initialWebSocketState(): WebSocketModelState {
  return { sent: [], pushes: 0, pushesMayBeLost: new Set(), serverUp: true, closed: false, connectionsAtClose: 0, faults: 0 };
}

/**
 * The contract of acknowledged delivery (`delivery: idAckDelivery`) with the
 * default queue: nothing dropped within a bounded run (the queue holds 1000
 * messages), duplicates only after a fault.
 */
export const atLeastOnceModel: WebSocketModel = {
  applies(action, s) {
    switch (action.kind) {
      case 'send':
        return true;
      case 'push':
      case 'terminate':
      case 'serverClose':
        return s.serverUp && !s.closed;
      case 'kill':
        return s.serverUp;
      case 'restart':
        return !s.serverUp;
      case 'dropIncoming':
      case 'dropOutgoing':
      case 'delay':
        return s.serverUp;
      case 'userClose':
        return !s.closed;
      case 'connect':
        return s.closed && s.serverUp;
    }
  },
  expectedDropped: () => [],
  duplicatesAllowed: (s) => s.faults > 0,
};

/** What a run observed, from the connection's events and the server's records. */
export interface WebSocketObservation {
  /** Ids at the server (frames not dropped by a fault), per connection index, in arrival order. */
  serverIds: Array<{ connection: number; id: number }>;
  /** Frames at the server that were not `{ type: 'data', id }` (should be none). */
  strangers: string[];
  /** What the connection delivered to `on('message')`, in order. */
  incoming: unknown[];
  /** Ids reported through `message_dropped`. */
  dropped: unknown[];
  /** Whether the connection reported itself connected at the end. */
  connected: boolean;
}

/**
 * The oracle: every way `observed` breaks the contract `model` states for the
 * run in `state`, as sentences (empty: the run kept the contract).
 */
export function webSocketViolations(model: WebSocketModel, state: WebSocketModelState, observed: WebSocketObservation): string[] {
  const out: string[] = [];
  const expectDropped = new Set(model.expectedDropped(state));
  const reported = new Set(observed.dropped.map((m) => (m as { id?: unknown } | null)?.id));
  const seen = new Map<number, number>();
  for (const { id } of observed.serverIds) seen.set(id, (seen.get(id) ?? 0) + 1);
  for (const id of state.sent) {
    const times = seen.get(id) ?? 0;
    if (expectDropped.has(id)) {
      if (!reported.has(id)) out.push(`message ${id} should have been reported dropped`);
      continue;
    }
    if (reported.has(id)) out.push(`message ${id} was reported dropped`);
    else if (times === 0) out.push(`message ${id} never reached the server and was not reported dropped (lost silently)`);
    else if (times > 1 && !model.duplicatesAllowed(state)) out.push(`message ${id} reached the server ${times} times`);
  }
  const sent = new Set(state.sent);
  for (const id of seen.keys()) if (!sent.has(id)) out.push(`the server got message ${id}, which was never sent`);
  for (const s of observed.strangers) out.push(`the server got a frame that is no message sent: ${s}`);
  const byConnection = new Map<number, number[]>();
  for (const { connection, id } of observed.serverIds) byConnection.set(connection, [...(byConnection.get(connection) ?? []), id]);
  for (const [connection, ids] of byConnection) {
    const sorted = [...ids].sort((a, b) => a - b);
    if (ids.join() !== sorted.join()) out.push(`connection ${connection} got messages out of send order: ${ids.join(', ')}`);
  }
  const pushes: number[] = [];
  for (const m of observed.incoming) {
    const push = (m as { push?: unknown } | null)?.push;
    if (typeof push === 'number') pushes.push(push);
    else out.push(`the app was handed a message the server never pushed: ${JSON.stringify(m)}`);
  }
  for (let n = 0; n < state.pushes; n++) {
    const times = pushes.filter((p) => p === n).length;
    if (times > 1) out.push(`server message ${n} was delivered ${times} times`);
    if (times === 0 && !state.pushesMayBeLost.has(n)) out.push(`server message ${n}, pushed on a live link, was never delivered`);
  }
  if (pushes.join() !== [...pushes].sort((a, b) => a - b).join()) out.push(`server messages delivered out of order: ${pushes.join(', ')}`);
  if (!observed.connected) out.push('the connection is not connected at the end, with the server up');
  return out;
}

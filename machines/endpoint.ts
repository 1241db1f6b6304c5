import { and, enqueueActions, setup } from 'xstate';
import { adoptChild, releaseChild, type AdoptEvent, type ReleaseEvent } from './adoption.js';
import type { CircuitState } from './circuitBreaker.js';
import type { HttpHealth } from './http.js';
import type { WebSocketStatus } from './websocketTypes.js';

/** The `NODE_ENV` an endpoint was built for (it picks the presets). */
export type EndpointEnv = 'production' | 'development' | 'test';

/**
 * The endpoint's summary of its two children, its state value:
 * `connecting` while the socket opens, `ready` with both up, `degraded` with
 * one of them down, `down` with both, `disposed` at the end.
 */
export type EndpointStatus = 'connecting' | 'ready' | 'degraded' | 'down' | 'disposed';

/** The names of the endpoint's two children (their ids and systemIds). */
export type EndpointChildName = 'websocket' | 'http';

/** Input of the endpoint machine: what the inspector shows about it (URLs redacted by the runtime). */
export interface EndpointInput {
  /** @default 'production' */
  env?: EndpointEnv;
  /** @default '' */
  wsUrl?: string;
  /** @default '' */
  apiUrl?: string;
}

/** What the endpoint knows of its WebSocket child. */
export interface EndpointWebSocketView {
  attached: boolean;
  status: WebSocketStatus;
}

/** What the endpoint knows of its HTTP child. */
export interface EndpointHttpView {
  attached: boolean;
  health: HttpHealth;
  breaker: CircuitState;
}

/** Plain context: both children's status and health, as the inspector shows them. */
export interface EndpointContext {
  env: EndpointEnv;
  wsUrl: string;
  apiUrl: string;
  websocket: EndpointWebSocketView;
  http: EndpointHttpView;
  /** The summary the state value mirrors (kept here so a change is emitted once). */
  status: Exclude<EndpointStatus, 'disposed'>;
}

/**
 * Events: the adoption pair (its children join with `client.attachTo(endpoint.actor, name)`),
 * the children's lifecycle as the runtime reports it (never per message or per request), and DISPOSE.
 */
export type EndpointEvent =
  | AdoptEvent
  | ReleaseEvent
  | { type: 'WEBSOCKET_STATUS'; status: WebSocketStatus }
  | { type: 'HTTP_STATUS'; health: HttpHealth; breaker: CircuitState }
  | { type: 'DISPOSE' };

/** Emitted when the summary changes (the Endpoint's `endpointStatus` event). */
export type EndpointEmitted = { type: 'endpoint_status'; status: EndpointStatus };

type Views = Pick<EndpointContext, 'websocket' | 'http'>;
type Summary = EndpointContext['status'];

const isChild = (name: string): name is EndpointChildName => name === 'websocket' || name === 'http';
const detachedSocket: EndpointWebSocketView = { attached: false, status: 'closed' };
const detachedHttp: EndpointHttpView = { attached: false, health: 'unknown', breaker: 'CLOSED' };

/** The reports and the release: the events that recompute the summary. */
type Recomputing = Extract<EndpointEvent, { type: 'WEBSOCKET_STATUS' | 'HTTP_STATUS' | 'statewire.release' }>;

/** The children's views once `event` is taken into account. */
function viewsAfter(context: EndpointContext, event: Recomputing): Views {
  const { websocket, http } = context;
  if (event.type === 'WEBSOCKET_STATUS') return { websocket: { attached: websocket.attached, status: event.status }, http };
  if (event.type === 'HTTP_STATUS') return { websocket, http: { attached: http.attached, health: event.health, breaker: event.breaker } };
  return event.name === 'websocket' ? { websocket: detachedSocket, http } : { websocket, http: detachedHttp };
}

/** The socket: up while open (any activity), pending while it first opens, else down. */
function socketState({ attached, status }: EndpointWebSocketView): 'up' | 'pending' | 'down' {
  if (!attached) return 'down';
  if (status === 'connecting') return 'pending';
  return status === 'idle' || status === 'listening' || status === 'thinking' || status === 'speaking' ? 'up' : 'down';
}

/** HTTP: up unless unhealthy or its breaker is open ('unknown' before any request counts as up). */
const httpUp = ({ attached, health, breaker }: EndpointHttpView): boolean => attached && health !== 'unhealthy' && breaker !== 'OPEN';

function summaryOf({ websocket, http }: Views): Summary {
  const socket = socketState(websocket);
  if (socket === 'pending') return 'connecting';
  const up = httpUp(http);
  if (socket === 'up') return up ? 'ready' : 'degraded';
  return up ? 'degraded' : 'down';
}

/** One guarded branch per summary the event can lead to; the record action follows every branch. */
const toSummary = (targets: readonly Summary[]) =>
  targets.map((status) => ({ guard: { type: 'leadsTo' as const, params: { status } }, target: `.${status}`, actions: 'record' as const }));
const ALL: readonly Summary[] = ['connecting', 'ready', 'degraded', 'down'];
// A release takes a child down: it can never make the endpoint ready.
const AFTER_RELEASE: readonly Summary[] = ['connecting', 'degraded', 'down'];

/**
 * The Endpoint's root actor: the parent of one WebSocket child (`websocket`)
 * and one HTTP child (`http`), both found with `actor.system.get(name)`. Its
 * context shows both children's status and health; its state value is the
 * summary (`connecting | ready | degraded | down`, then `disposed`, final).
 * Data messages and successful requests never reach it.
 *
 * @example
 * ```ts
 * const actor = createActor(endpointMachine, { input: { env: 'development' } }).start();
 * actor.send({ type: 'WEBSOCKET_STATUS', status: 'idle' });
 * actor.getSnapshot().value; // { running: 'down' } until the children are attached
 * ```
 */
export const endpointMachine = setup({
  types: {
    input: {} as EndpointInput | undefined,
    context: {} as EndpointContext,
    events: {} as EndpointEvent,
    emitted: {} as EndpointEmitted,
  },
  guards: {
    // Each guard and action below is used for its own event types only (the casts say which).
    canAdopt: ({ context, event }) => {
      const { name } = event as AdoptEvent;
      return isChild(name) && !context[name].attached;
    },
    isAttached: ({ context, event }) => {
      const { name } = event as ReleaseEvent;
      return isChild(name) && context[name].attached;
    },
    leadsTo: ({ context, event }, params: { status: Summary }) => summaryOf(viewsAfter(context, event as Recomputing)) === params.status,
  },
  actions: {
    // Written for any parent: typed against this one's context here.
    adoptChild: adoptChild as never,
    releaseChild: releaseChild as never,
    markAttached: enqueueActions(({ context, event, enqueue }) => {
      if ((event as AdoptEvent).name === 'websocket') enqueue.assign({ websocket: { ...context.websocket, attached: true } });
      else enqueue.assign({ http: { ...context.http, attached: true } });
    }),
    record: enqueueActions(({ context, event, enqueue }) => {
      const views = viewsAfter(context, event as Recomputing);
      const status = summaryOf(views);
      enqueue.assign({ ...views, status });
      if (status !== context.status) enqueue.emit({ type: 'endpoint_status', status });
    }),
    emitDisposed: enqueueActions(({ enqueue }) => enqueue.emit({ type: 'endpoint_status', status: 'disposed' })),
  },
}).createMachine({
  id: 'endpoint',
  context: ({ input }) => ({
    env: input?.env ?? 'production',
    wsUrl: input?.wsUrl ?? '',
    apiUrl: input?.apiUrl ?? '',
    websocket: detachedSocket,
    http: detachedHttp,
    status: 'connecting',
  }),
  initial: 'running',
  states: {
    running: {
      initial: 'connecting',
      on: {
        'statewire.adopt': { guard: 'canAdopt', actions: ['adoptChild', 'markAttached'] },
        'statewire.release': AFTER_RELEASE.map((status) => ({
          guard: and(['isAttached', { type: 'leadsTo', params: { status } }]),
          target: `.${status}`,
          actions: ['releaseChild' as const, 'record' as const],
        })),
        WEBSOCKET_STATUS: toSummary(ALL),
        HTTP_STATUS: toSummary(ALL),
        DISPOSE: 'disposed',
      },
      states: { connecting: {}, ready: {}, degraded: {}, down: {} },
    },
    disposed: { type: 'final', entry: 'emitDisposed' },
  },
});

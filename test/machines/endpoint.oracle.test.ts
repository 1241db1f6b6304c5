/**
 * The endpoint machine against the independent oracle (test/machines/endpointOracle.ts):
 * arbitrary sequences of adoptions, releases, status reports and DISPOSE give
 * the views, the summary, the children and the emitted summaries the oracle
 * computes from the same events. Plus the input and the children as real actors.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createActor, createMachine, type AnyActorRef } from 'xstate';
import { endpointMachine, type EndpointEvent } from '../../machines/endpoint.js';
import { EndpointOracle, expectedSummary } from './endpointOracle.js';

const stub = createMachine({ id: 'stub' });
const statuses = ['idle', 'listening', 'thinking', 'speaking', 'connecting', 'waiting', 'error', 'closed'] as const;
const healths = ['unknown', 'healthy', 'degraded', 'unhealthy'] as const;
const breakers = ['CLOSED', 'OPEN', 'HALF_OPEN'] as const;
const names = ['websocket', 'http', 'other'] as const;

const eventArb: fc.Arbitrary<EndpointEvent> = fc.oneof(
  fc.constantFrom(...names).map((name) => ({ type: 'statewire.adopt' as const, name, logic: stub })),
  fc.constantFrom(...names).map((name) => ({ type: 'statewire.release' as const, name })),
  fc.constantFrom(...statuses).map((status) => ({ type: 'WEBSOCKET_STATUS' as const, status })),
  fc.record({ health: fc.constantFrom(...healths), breaker: fc.constantFrom(...breakers) }).map((r) => ({ type: 'HTTP_STATUS' as const, ...r })),
  fc.constant({ type: 'DISPOSE' as const }),
);

function start(input?: Parameters<typeof createActor<typeof endpointMachine>>[1] extends infer O ? (O extends { input?: infer I } ? I : never) : never) {
  const errors: unknown[] = [];
  const emitted: string[] = [];
  const actor = createActor(endpointMachine, { input });
  actor.subscribe({ error: (e) => errors.push(e) });
  actor.on('endpoint_status', (e) => emitted.push(e.status));
  actor.start();
  return { actor, errors, emitted };
}

describe('endpoint machine: oracle', () => {
  it('any sequence of events: views, summary, children and emitted summaries as the oracle says', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 30 }), (events) => {
        const { actor, errors, emitted } = start({ env: 'development' });
        const oracle = new EndpointOracle();
        for (const event of events) {
          actor.send(event);
          oracle.take(event);
          const snapshot = actor.getSnapshot();
          if (oracle.disposed) {
            expect(snapshot.status).toBe('done');
            expect(snapshot.value).toBe('disposed');
            break; // a done actor takes nothing more (XState only warns)
          }
          expect({ websocket: snapshot.context.websocket, http: snapshot.context.http }).toEqual(oracle.views);
          expect(snapshot.value).toEqual({ running: oracle.summary });
          expect(snapshot.context.status).toBe(oracle.summary);
          expect(Object.keys(snapshot.children).sort()).toEqual(oracle.children());
        }
        expect(emitted).toEqual(oracle.emitted);
        expect(errors).toEqual([]);
        actor.stop();
      }),
      { numRuns: 300 },
    );
  });

  it('the summary table, case by case', () => {
    const socket = (status: (typeof statuses)[number], attached = true) => ({ attached, status });
    const http = (health: (typeof healths)[number], breaker: (typeof breakers)[number] = 'CLOSED', attached = true) => ({ attached, health, breaker });
    expect(expectedSummary({ websocket: socket('idle'), http: http('healthy') })).toBe('ready');
    // The machine, fed the same reports, agrees row by row.
    const rows: Array<[ReturnType<typeof socket>, ReturnType<typeof http>, string]> = [
      [socket('idle'), http('unknown'), 'ready'],
      [socket('speaking'), http('degraded'), 'ready'],
      [socket('thinking'), http('healthy', 'HALF_OPEN'), 'ready'],
      [socket('listening'), http('healthy', 'OPEN'), 'degraded'],
      [socket('idle'), http('unhealthy'), 'degraded'],
      [socket('waiting'), http('healthy'), 'degraded'],
      [socket('error'), http('unhealthy'), 'down'],
      [socket('closed'), http('unhealthy', 'OPEN'), 'down'],
      [socket('connecting'), http('unhealthy'), 'connecting'],
      [socket('connecting'), http('healthy'), 'connecting'],
    ];
    for (const [ws, h, want] of rows) {
      const { actor } = start();
      actor.send({ type: 'statewire.adopt', name: 'websocket', logic: stub });
      actor.send({ type: 'statewire.adopt', name: 'http', logic: stub });
      actor.send({ type: 'HTTP_STATUS', health: h.health, breaker: h.breaker });
      actor.send({ type: 'WEBSOCKET_STATUS', status: ws.status });
      expect([ws.status, h.health, h.breaker, actor.getSnapshot().value]).toEqual([ws.status, h.health, h.breaker, { running: want }]);
      actor.stop();
    }
  });

  it('input defaults and values reach the context; it starts connecting with nothing attached', () => {
    expect(start().actor.getSnapshot().context).toEqual({
      env: 'production',
      wsUrl: '',
      apiUrl: '',
      websocket: { attached: false, status: 'closed' },
      http: { attached: false, health: 'unknown', breaker: 'CLOSED' },
      status: 'connecting',
    });
    const given = start({ env: 'test', wsUrl: 'ws://127.0.0.1:1/ws', apiUrl: 'http://127.0.0.1:1' }).actor.getSnapshot();
    expect(given.context).toMatchObject({ env: 'test', wsUrl: 'ws://127.0.0.1:1/ws', apiUrl: 'http://127.0.0.1:1' });
    expect(given.value).toEqual({ running: 'connecting' });
    // The name the inspector shows for the root.
    expect(given.machine.id).toBe('endpoint');
  });

  it('children are real: found by name in the system, stopped on release and when disposed', () => {
    const { actor, errors } = start();
    const running = createMachine({ id: 'child', initial: 'on', states: { on: {} } });
    actor.send({ type: 'statewire.adopt', name: 'websocket', logic: running });
    actor.send({ type: 'statewire.adopt', name: 'http', logic: running, input: { x: 1 } });
    const ws = actor.system.get('websocket') as AnyActorRef;
    const http = actor.system.get('http') as AnyActorRef;
    expect(ws.getSnapshot().status).toBe('active');
    expect((actor.getSnapshot().children as Record<string, AnyActorRef>).http).toBe(http);
    // A second adoption of a taken name is ignored, not an error, and the first child stays.
    actor.send({ type: 'statewire.adopt', name: 'http', logic: running });
    expect(actor.system.get('http')).toBe(http);
    actor.send({ type: 'statewire.release', name: 'websocket' });
    expect(ws.getSnapshot().status).toBe('stopped');
    expect(actor.system.get('websocket')).toBeUndefined();
    actor.send({ type: 'DISPOSE' });
    expect(http.getSnapshot().status).toBe('stopped');
    expect(actor.getSnapshot().status).toBe('done');
    expect(errors).toEqual([]);
  });
});

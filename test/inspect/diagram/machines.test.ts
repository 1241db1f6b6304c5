/**
 * The diagrams of statewire's own machines: every exported machine renders in both
 * formats; every transition xstate/graph's toDirectedGraph knows of is drawn (as an arrow,
 * or written on the state when it has no target), and the ones it omits (`always`) are
 * drawn too; exact arrows for the circuit breaker and the reconnect loop's `always`.
 */
import { StateMachine, type AnyStateMachine } from 'xstate';
import { toDirectedGraph } from 'xstate/graph';
import { describe, expect, it } from 'vitest';
import * as machines from '../../../machines/index.js';
import { allStates } from '../../../src/inspect/diagram/describeMachine.js';
import { describeMachine, toDot, toMermaid } from '../../../src/inspect/index.js';

/** Every state machine `statewire/machines` exports, found by class (not the way the CLI's registry finds them). */
const exported = Object.entries(machines).filter((e): e is [string, AnyStateMachine] => e[1] instanceof StateMachine);
const arrows = (mermaid: string) => mermaid.split('\n').filter((l) => l.includes('-->')).map((l) => l.trim());

/** The label our diagrams start an edge with, from the event type alone. */
function expectedEvent(type: string, sourceId: string): string {
  if (type.startsWith('xstate.after.')) {
    const delay = type.slice('xstate.after.'.length, -(sourceId.length + 1));
    return `after ${/^\d+$/.test(delay) ? `${delay}ms` : delay}`;
  }
  if (type.startsWith('xstate.done.actor.')) return 'onDone(';
  if (type.startsWith('xstate.error.actor.')) return 'onError(';
  if (type.startsWith('xstate.snapshot.')) return 'onSnapshot(';
  return type;
}

type GraphNode = ReturnType<typeof toDirectedGraph>;
const graphEdges = (g: GraphNode): GraphNode['edges'] => [...g.edges, ...g.children.flatMap(graphEdges)];

describe('diagrams of every machine statewire/machines exports', () => {
  it('finds the twelve machines', () => {
    expect(exported.map(([name]) => name)).toEqual(expect.arrayContaining(['circuitBreakerMachine', 'reconnectLoop', 'webSocketMachine', 'sseMachine', 'httpClientMachine', 'poolMachine']));
    expect(exported.length).toBeGreaterThanOrEqual(12);
  });

  describe.each(exported)('%s', (_name, machine) => {
    const diagram = describeMachine(machine);
    const states = new Map(allStates(diagram.root).map((s) => [s.id, s]));

    it('renders as Mermaid and DOT, every state drawn, the same text every time', () => {
      const mermaid = toMermaid(machine);
      const dot = toDot(machine);
      expect(mermaid.startsWith('stateDiagram-v2\n')).toBe(true);
      expect(dot.startsWith(`digraph "${machine.id}" {\n`)).toBe(true);
      for (const id of states.keys()) expect(dot).toContain(`"${id}"`);
      expect(toMermaid(machine)).toBe(mermaid);
      expect(toDot(machine)).toBe(dot);
      // Highlighting every state is accepted.
      expect(toMermaid(machine, { active: [...states.keys()] })).toMatch(/^\s*class .+ active$/m);
    });

    it("draws every transition of xstate/graph's toDirectedGraph, and the always transitions it omits", () => {
      const seen = new Set<string>();
      for (const e of graphEdges(toDirectedGraph(machine))) {
        const type = e.transition.eventType;
        const prefix = expectedEvent(type, e.source.id);
        const targeted = (e.transition.target?.length ?? 0) > 0;
        if (targeted) {
          const drawn = diagram.edges.find((d) => d.source === e.source.id && d.target === e.target.id && d.label.startsWith(prefix) && !seen.has(JSON.stringify(d)));
          expect(drawn, `${e.source.id} → ${e.target.id} on ${type}`).toBeDefined();
          seen.add(JSON.stringify(drawn));
        } else {
          expect(states.get(e.source.id)!.internal.some((line) => line.startsWith(prefix)), `${e.source.id}: ${type} (targetless)`).toBe(true);
        }
      }
      const rest = diagram.edges.filter((d) => !seen.has(JSON.stringify(d)));
      expect(rest.every((d) => d.kind === 'always')).toBe(true);
      const always = allStates(diagram.root).flatMap((s) => (machine.getStateNodeById(s.id).always ?? []).filter((t) => t.target?.length));
      expect(rest.length).toBe(always.length);
    });
  });
});

describe('exact arrows of real machines', () => {
  it('circuit breaker: CLOSED → OPEN on a tripping failure, OPEN → HALF_OPEN after its timeout (the named delay retryIn)', () => {
    expect(arrows(toMermaid(machines.circuitBreakerMachine))).toEqual([
      '[*] --> CLOSED',
      'CLOSED --> OPEN : FAILURE [shouldTrip]',
      'CLOSED --> OPEN : ISOLATE',
      'OPEN --> OPEN : RESUME (reenter)',
      'OPEN --> CLOSED : RESET',
      'OPEN --> HALF_OPEN : after retryIn [notIsolated]',
      'HALF_OPEN --> CLOSED : PROBE_SUCCESS',
      'HALF_OPEN --> OPEN : PROBE_FAILURE',
      'HALF_OPEN --> OPEN : ISOLATE',
      'HALF_OPEN --> CLOSED : RESET',
    ]);
    expect(toDot(machines.circuitBreakerMachine)).toContain('"circuitBreaker.OPEN" -> "circuitBreaker.HALF_OPEN" [label="after retryIn [notIsolated]"];');
  });

  it('circuit breaker: what stays in a state is written on it', () => {
    const mermaid = toMermaid(machines.circuitBreakerMachine);
    expect(mermaid).toContain('CLOSED : FAILURE [else]');
    expect(mermaid).toContain('HALF_OPEN : PROBE [hasProbeSlot]');
    expect(mermaid).toContain('circuitBreaker__any : CONFIGURE');
  });

  it('reconnect loop: down decides at once (always), in guard order, to paused, waiting or exhausted', () => {
    const mermaid = arrows(toMermaid(machines.reconnectLoop));
    expect(mermaid).toEqual(expect.arrayContaining(['down --> paused : always [isOffline]', 'down --> waiting : always [hasAttemptsLeft]', 'down --> exhausted : always [else]']));
    expect(mermaid.indexOf('down --> paused : always [isOffline]')).toBeLessThan(mermaid.indexOf('down --> exhausted : always [else]'));
    expect(toDot(machines.reconnectLoop)).toContain('"reconnectLoop.down" -> "reconnectLoop.exhausted" [label="always [else]", style=dashed];');
  });

  it('backoff: invoke onDone / onError of the attempt, the delay, and nested up.unstable → up.stable after minUptime', () => {
    const mermaid = arrows(toMermaid(machines.backoffMachine));
    expect(mermaid).toEqual(
      expect.arrayContaining([
        'attempting --> up : onDone(attempt) [isReconnect]',
        'attempting --> exhausted : onError(attempt) [else]',
        'waiting --> attempting : after backoffDelay',
        'up_unstable --> up_stable : after minUptime',
        'backoff__any --> stopped : STOP',
      ]),
    );
  });

  it('WebSocket: the parallel activity and heartbeat regions of connected, the heartbeat timers', () => {
    const mermaid = toMermaid(machines.webSocketMachine);
    expect(mermaid).toMatch(/state session_link_connected \{\n\s+state "activity" as session_link_connected_activity\n[\s\S]*?\n\s+--\n\s+state "heartbeat" as session_link_connected_heartbeat\n/);
    expect(arrows(mermaid)).toEqual(
      expect.arrayContaining([
        'session_link_connected_heartbeat_resting --> session_link_connected_heartbeat_awaitingPong : after pingInterval [heartbeatOn]',
        'session_link_connected_heartbeat_awaitingPong --> session_link_connected_heartbeat_resting : after pongTimeout',
        'session_link --> error : SOCKET_CLOSED [not(mayReconnect)]',
        'session_link_connected_activity__any --> session_link_connected_activity_listening : STREAM_AUDIO',
      ]),
    );
    expect(mermaid).toContain('session_waiting : invoke reconnect');
    expect(mermaid).toContain('session_link__any : invoke socket');
  });

  it('highlights the states of a running snapshot', () => {
    const snapshot = machines.circuitBreakerMachine.resolveState({ value: 'OPEN', context: machines.circuitBreakerMachine.getInitialSnapshot({} as never).context });
    const active = snapshot._nodes.map((n) => n.id);
    expect(active).toEqual(['circuitBreaker', 'circuitBreaker.OPEN']);
    expect(toMermaid(machines.circuitBreakerMachine, { active })).toMatch(/^\s*class circuitBreaker activeComposite\n\s*class OPEN active\n$/m);
  });
});

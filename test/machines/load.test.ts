/**
 * Every machine module loads and builds its machine, with the ids and state names
 * that are the contract (ARCHITECTURE rule 2). The imports are dynamic, inside the
 * tests: a machine definition that throws while being built fails a test here,
 * rather than failing the import of a file whose tests then never run (which a
 * mutation run would count as a surviving mutant).
 */
import { describe, expect, it } from 'vitest';
import type { AnyStateMachine, AnyStateNode } from 'xstate';

/** Every state node id of a machine, depth first. */
function stateIds(machine: AnyStateMachine): string[] {
  const ids: string[] = [];
  const walk = (node: AnyStateNode) => {
    for (const child of Object.values(node.states) as AnyStateNode[]) {
      ids.push(child.id);
      walk(child);
    }
  };
  walk(machine.root);
  return ids.sort();
}

describe('machine definitions', () => {
  it('circuitBreaker: CLOSED | OPEN | HALF_OPEN, starting CLOSED', async () => {
    const { circuitBreakerMachine } = await import('../../machines/circuitBreaker.js');
    expect(circuitBreakerMachine.id).toBe('circuitBreaker');
    expect(stateIds(circuitBreakerMachine)).toEqual(['circuitBreaker.CLOSED', 'circuitBreaker.HALF_OPEN', 'circuitBreaker.OPEN']);
    expect(circuitBreakerMachine.root.initial.target.map((n: AnyStateNode) => n.id)).toEqual(['circuitBreaker.CLOSED']);
  });

  it('rateLimiter: limiting (enabled | disabled) ∥ server (running | paused)', async () => {
    const { rateLimiterMachine } = await import('../../machines/rateLimiter.js');
    expect(rateLimiterMachine.id).toBe('rateLimiter');
    expect(rateLimiterMachine.root.type).toBe('parallel');
    expect(stateIds(rateLimiterMachine)).toEqual([
      'rateLimiter.limiting',
      'rateLimiter.limiting.disabled',
      'rateLimiter.limiting.enabled',
      'rateLimiter.server',
      'rateLimiter.server.paused',
      'rateLimiter.server.running',
    ]);
  });

  it('backoff: attempting ⇄ waiting, up, done | exhausted | stopped', async () => {
    const { backoffMachine } = await import('../../machines/backoff.js');
    expect(backoffMachine.id).toBe('backoff');
    expect(stateIds(backoffMachine)).toEqual([
      'backoff.attempting',
      'backoff.done',
      'backoff.exhausted',
      'backoff.stopped',
      'backoff.up',
      'backoff.up.stable',
      'backoff.up.unstable',
      'backoff.waiting',
    ]);
    for (const end of ['done', 'exhausted', 'stopped']) expect(backoffMachine.root.states[end]!.type).toBe('final');
    expect(backoffMachine.root.initial.target.map((n: AnyStateNode) => n.id)).toEqual(['backoff.attempting']);
  });

  it('reconnectLoop: down → waiting | paused → attempting | exhausted', async () => {
    const { reconnectLoop } = await import('../../machines/reconnectLoop.js');
    expect(reconnectLoop.id).toBe('reconnectLoop');
    expect(stateIds(reconnectLoop)).toEqual([
      'reconnectLoop.attempting',
      'reconnectLoop.down',
      'reconnectLoop.exhausted',
      'reconnectLoop.paused',
      'reconnectLoop.waiting',
    ]);
    for (const end of ['attempting', 'exhausted']) expect(reconnectLoop.root.states[end]!.type).toBe('final');
    for (const on of ['down', 'waiting', 'paused']) expect(reconnectLoop.root.states[on]!.type).toBe('atomic');
    expect(reconnectLoop.root.initial.target.map((n: AnyStateNode) => n.id)).toEqual(['reconnectLoop.down']);
  });

  it('http, websocket and sse build with their ids', async () => {
    const { httpClientMachine } = await import('../../machines/http.js');
    const { webSocketMachine } = await import('../../machines/websocket.js');
    const { sseMachine } = await import('../../machines/sse.js');
    expect([httpClientMachine.id, webSocketMachine.id, sseMachine.id]).toEqual(['http', 'websocket', 'sse']);
    for (const machine of [httpClientMachine, webSocketMachine, sseMachine]) expect(stateIds(machine).length).toBeGreaterThan(3);
  });

  it('the index re-exports every machine', async () => {
    const index = await import('../../machines/index.js');
    for (const name of ['circuitBreakerMachine', 'backoffMachine', 'rateLimiterMachine', 'httpClientMachine', 'webSocketMachine', 'sseMachine', 'reconnectLoop']) {
      expect(typeof (index as Record<string, { id?: unknown }>)[name]?.id, name).toBe('string');
    }
  });
});

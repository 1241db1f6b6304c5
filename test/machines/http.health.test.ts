/**
 * The health region of `httpClientMachine` on a real actor: a success after a
 * failed check recovers (RECOVERED → healthy) while the breaker is closed, and
 * not while it is open (the breaker's own transitions recover it then).
 */
import { describe, expect, it } from 'vitest';
import { createActor, type AnyActorRef } from 'xstate';
import { httpClientMachine } from '../../machines/http.js';

function start() {
  const actor = createActor(httpClientMachine, { input: { breaker: { threshold: 1, volumeThreshold: 1, timeout: 60_000 } } });
  const emitted: string[] = [];
  actor.on('health_changed', (e) => emitted.push(e.health));
  actor.start();
  return { actor, emitted, health: () => (actor.getSnapshot().value as { active: { health: string } }).active.health };
}

describe('httpClientMachine health', () => {
  it('unknown → healthy on the first RECOVERED', () => {
    const { actor, emitted, health } = start();
    expect(health()).toBe('unknown');
    actor.send({ type: 'RECOVERED', at: 1 });
    expect(health()).toBe('healthy');
    expect(emitted).toEqual(['healthy']);
  });

  it('unhealthy after a failed check → healthy on RECOVERED with the breaker closed', () => {
    const { actor, emitted, health } = start();
    actor.send({ type: 'HEALTH_CHECKED', ok: false, responseTime: 1, at: 1, reason: 'HTTP 503' });
    expect(health()).toBe('unhealthy');
    actor.send({ type: 'RECOVERED', at: 2 });
    expect(health()).toBe('healthy');
    expect(emitted).toEqual(['unhealthy', 'healthy']);
    expect(actor.getSnapshot().context.lastHealthCheck).toEqual({ at: 1, ok: false, responseTime: 1 });
  });

  it('unhealthy with the breaker open ignores RECOVERED', () => {
    const { actor, emitted, health } = start();
    (actor.system.get('breaker') as AnyActorRef).send({ type: 'FAILURE', at: 0, failures: 1, calls: 1 });
    expect(actor.getSnapshot().context.breakerState).toBe('OPEN');
    expect(health()).toBe('unhealthy');
    actor.send({ type: 'RECOVERED', at: 2 });
    expect(health()).toBe('unhealthy');
    expect(emitted).toEqual(['unhealthy']);
  });
});

/**
 * The HTTP client machine against hand-written expectations (the model tests replay
 * the machine against itself and cannot see a wrong target or a lost action). The
 * breaker transitions are driven through the real breaker child.
 * NOTE: pins today's health rules (unknown / healthy / degraded / unhealthy); a change
 * to them (issue 9, item 14) updates this table.
 */
import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock, type AnyActorRef } from 'xstate';
import { httpClientMachine, type HttpClientEmitted, type HttpClientInput } from '../../machines/http.js';

const input: HttpClientInput = {
  baseURL: 'http://127.0.0.1:1',
  breaker: { threshold: 1, volumeThreshold: 1, timeout: 1_000 },
  rateLimiter: { limits: { search: { tokensPerSecond: 3, burstCapacity: 4 } } },
};

function start(given: HttpClientInput | 'no input' = input) {
  const clock = new SimulatedClock();
  const actor = createActor(httpClientMachine, { input: given === 'no input' ? undefined : given, clock });
  const emitted: HttpClientEmitted[] = [];
  actor.on('health_changed', (e) => emitted.push(e));
  actor.on('retry_scheduled', (e) => emitted.push(e));
  actor.subscribe({ error: (e) => { throw e; } });
  actor.start();
  const breaker = () => actor.system.get('breaker') as AnyActorRef;
  return {
    actor,
    clock,
    emitted,
    health: () => (actor.getSnapshot().value as { active: { health: string } }).active.health,
    connection: () => (actor.getSnapshot().value as { active: { connection: string } }).active.connection,
    context: () => actor.getSnapshot().context,
    healths: () => emitted.filter((e) => e.type === 'health_changed').map((e) => (e as { health: string }).health),
    open: () => breaker().send({ type: 'FAILURE', at: clock.now(), failures: 1, calls: 1 }),
    halfOpen: () => clock.increment(1_000),
    close: () => breaker().send({ type: 'PROBE_SUCCESS', at: clock.now() }),
    check: (ok: boolean, reason?: string) => actor.send({ type: 'HEALTH_CHECKED', ok, responseTime: 12, at: 345, ...(reason ? { reason } : {}) }),
    fail: (fault: boolean, reason = 'HTTP 503') => actor.send({ type: 'REQUEST_FAILED', reason, fault, at: 1 }),
  };
}

describe('httpClientMachine: hand-written expectations', () => {
  it('starts disconnected, health unknown, with its input in context', () => {
    const c = start();
    expect(c.actor.getSnapshot().value).toEqual({ active: { connection: 'disconnected', health: 'unknown' } });
    expect(c.context()).toEqual({
      name: null,
      baseURL: 'http://127.0.0.1:1',
      breaker: input.breaker,
      rateLimiter: input.rateLimiter,
      breakerState: 'CLOSED',
      retries: 0,
      failures: 0,
      lastError: null,
      lastHealthCheck: null,
    });
    const bare = start('no input');
    expect(bare.context()).toMatchObject({ baseURL: '', breaker: {}, rateLimiter: {} });
  });

  it('runs its breaker and rate limiter as children with their inputs', () => {
    const c = start();
    const breaker = c.actor.system.get('breaker') as AnyActorRef;
    const limiter = c.actor.system.get('rateLimiter') as AnyActorRef;
    expect(breaker.getSnapshot().context).toMatchObject({ threshold: 1, volumeThreshold: 1, timeout: 1_000 });
    expect(limiter.getSnapshot().context.limits.search).toEqual({ tokensPerSecond: 3, burstCapacity: 4 });
    expect(Object.keys(c.actor.getSnapshot().children).sort()).toEqual(['breaker', 'rateLimiter']);
  });

  it('CONNECT / DISCONNECT / DISPOSE', () => {
    const c = start();
    c.actor.send({ type: 'CONNECT' });
    expect(c.connection()).toBe('connected');
    c.actor.send({ type: 'DISCONNECT' });
    expect(c.connection()).toBe('disconnected');
    c.actor.send({ type: 'DISPOSE' });
    expect(c.actor.getSnapshot().value).toBe('disposed');
    expect(c.actor.getSnapshot().status).toBe('done');
  });

  it('RETRY counts and announces each retry', () => {
    const c = start();
    c.actor.send({ type: 'RETRY', attempt: 2, delay: 150, reason: 'HTTP 503' });
    c.actor.send({ type: 'RETRY', attempt: 3, delay: 300, reason: 'TimeoutError' });
    expect(c.context().retries).toBe(2);
    expect(c.emitted).toEqual([
      { type: 'retry_scheduled', attempt: 2, delay: 150, reason: 'HTTP 503' },
      { type: 'retry_scheduled', attempt: 3, delay: 300, reason: 'TimeoutError' },
    ]);
  });

  it('a failure counts everywhere; only a fault degrades an unknown or healthy client', () => {
    const c = start();
    c.fail(false, 'HTTP 404');
    expect([c.health(), c.context().failures, c.context().lastError]).toEqual(['unknown', 1, 'HTTP 404']);
    c.fail(true, 'TimeoutError');
    expect([c.health(), c.context().failures, c.context().lastError]).toEqual(['degraded', 2, 'TimeoutError']);
    c.fail(true, 'HTTP 500');
    expect([c.health(), c.context().failures, c.context().lastError]).toEqual(['degraded', 3, 'HTTP 500']);
    c.check(false, 'HTTP 500');
    c.fail(true, 'HTTP 502');
    expect([c.health(), c.context().failures, c.context().lastError]).toEqual(['unhealthy', 4, 'HTTP 502']);
    expect(c.healths()).toEqual(['degraded', 'unhealthy']);
  });

  it('health checks: unknown → healthy | unhealthy; healthy stays on a pass; unhealthy → degraded on a pass', () => {
    const c = start();
    c.check(true);
    expect(c.health()).toBe('healthy');
    expect(c.context().lastHealthCheck).toEqual({ at: 345, ok: true, responseTime: 12 });
    c.check(true);
    expect(c.health()).toBe('healthy');
    c.check(false, 'HTTP 500');
    expect([c.health(), c.context().lastError]).toEqual(['unhealthy', 'HTTP 500']);
    expect(c.context().lastHealthCheck).toEqual({ at: 345, ok: false, responseTime: 12 });
    c.check(false);
    expect([c.health(), c.context().lastError]).toEqual(['unhealthy', 'HTTP 500']);
    c.check(true);
    expect(c.health()).toBe('degraded');
    c.check(true);
    expect(c.health()).toBe('healthy');
    expect(c.healths()).toEqual(['healthy', 'unhealthy', 'degraded', 'healthy']);

    const u = start();
    u.check(false);
    expect([u.health(), u.context().lastError]).toEqual(['unhealthy', null]);
    const d = start();
    d.fail(true);
    d.check(false, 'down');
    expect(d.health()).toBe('unhealthy');
  });

  it('RECOVERED: unknown → healthy; degraded → healthy only while the breaker is CLOSED', () => {
    const c = start();
    c.actor.send({ type: 'RECOVERED', at: 2 });
    expect(c.health()).toBe('healthy');
    const d = start();
    d.fail(true);
    d.open();
    d.halfOpen();
    expect([d.health(), d.context().breakerState]).toEqual(['degraded', 'HALF_OPEN']);
    d.actor.send({ type: 'RECOVERED', at: 2 });
    expect(d.health()).toBe('degraded');
    d.close();
    expect(d.health()).toBe('healthy');
    const e = start();
    e.fail(true);
    e.actor.send({ type: 'RECOVERED', at: 2 });
    expect(e.health()).toBe('healthy');
    expect(e.healths()).toEqual(['degraded', 'healthy']);
  });

  it('the breaker drives health: OPEN → unhealthy, HALF_OPEN → degraded, CLOSED again → healthy', () => {
    for (const before of ['unknown', 'healthy', 'degraded'] as const) {
      const c = start();
      if (before === 'healthy') c.check(true);
      if (before === 'degraded') c.fail(true);
      const seen = c.healths().length;
      c.open();
      expect([c.health(), c.context().breakerState]).toEqual(['unhealthy', 'OPEN']);
      c.halfOpen();
      expect([c.health(), c.context().breakerState]).toEqual(['degraded', 'HALF_OPEN']);
      c.close();
      expect([c.health(), c.context().breakerState]).toEqual(['healthy', 'CLOSED']);
      expect(c.healths().slice(seen)).toEqual(['unhealthy', 'degraded', 'healthy']);
    }
  });

  it('unhealthy with the breaker HALF_OPEN then CLOSED: back to healthy; a degraded client whose breaker closes is healthy', () => {
    const c = start();
    c.open();
    c.halfOpen();
    c.check(false, 'still down');
    expect(c.health()).toBe('unhealthy');
    c.close();
    expect([c.health(), c.context().breakerState]).toEqual(['healthy', 'CLOSED']);
  });

  it('tracks the breaker’s state in every health state, even where it does not change health', () => {
    const c = start();
    c.open();
    c.check(true); // unhealthy → degraded, breaker still OPEN
    expect([c.health(), c.context().breakerState]).toEqual(['degraded', 'OPEN']);
    c.halfOpen();
    expect(c.context().breakerState).toBe('HALF_OPEN');
    c.check(true); // degraded → healthy while HALF_OPEN
    expect(c.health()).toBe('healthy');
    c.close();
    expect([c.health(), c.context().breakerState]).toEqual(['healthy', 'CLOSED']);
    // An unknown client whose breaker reports CLOSED (a probe slot, a config change) stays unknown.
    const u = start();
    (u.actor.system.get('breaker') as AnyActorRef).send({ type: 'CONFIGURE', threshold: 2 });
    expect([u.health(), u.context().breakerState]).toEqual(['unknown', 'CLOSED']);
  });

  it('HEALTH_RESTORED: a fresh client takes the health it had (each of the three), silently; a client that has news keeps it', () => {
    for (const health of ['healthy', 'degraded', 'unhealthy'] as const) {
      const c = start();
      c.actor.send({ type: 'HEALTH_RESTORED', health });
      expect(c.health()).toBe(health);
      expect(c.emitted).toEqual([]);
      expect(c.context()).toMatchObject({ failures: 0, lastError: null, lastHealthCheck: null, retries: 0 });
    }
    // 'unknown' is no health to restore: the client stays unknown.
    const u = start();
    u.actor.send({ type: 'HEALTH_RESTORED', health: 'unknown' });
    expect(u.health()).toBe('unknown');
    // Once the client has its own outcome, a restore changes nothing.
    const h = start();
    h.check(true);
    h.actor.send({ type: 'HEALTH_RESTORED', health: 'unhealthy' });
    expect(h.health()).toBe('healthy');
    const d = start();
    d.fail(true);
    d.actor.send({ type: 'HEALTH_RESTORED', health: 'healthy' });
    expect(d.health()).toBe('degraded');
  });

  it('a restored health goes on by the usual rules: degraded → healthy on RECOVERED, unhealthy → degraded on a passed check', () => {
    const d = start();
    d.actor.send({ type: 'HEALTH_RESTORED', health: 'degraded' });
    d.actor.send({ type: 'RECOVERED', at: 5 });
    expect(d.healths()).toEqual(['healthy']);
    const u = start();
    u.actor.send({ type: 'HEALTH_RESTORED', health: 'unhealthy' });
    u.check(true);
    expect(u.healths()).toEqual(['degraded']);
  });
});

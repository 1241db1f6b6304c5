import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { ConnectionEvents, type ConnectionEvent } from '../../src/runtime/ConnectionEvents.js';
import { createLog } from '../../src/runtime/createLog.js';

function setup() {
  const clock = new SimulatedClock();
  clock.set(1_000);
  const errors: unknown[] = [];
  const log = createLog({ enabled: true, prefix: 'T', logger: { debug() {}, info() {}, warn() {}, error: (...a: unknown[]) => errors.push(a) } });
  return { events: new ConnectionEvents('api', clock, log), log, errors };
}

describe('ConnectionEvents', () => {
  describe('emit', () => {
    it('delivers the seed`s event shape, stamped and named', () => {
      const { events } = setup();
      const seen: ConnectionEvent[] = [];
      events.onEvent((e) => seen.push(e));
      events.emit('connected', 'up', 'info', { port: 1 });
      expect(seen).toEqual([{ eventType: 'connected', message: 'up', severity: 'info', timestamp: 1_000, connectionName: 'api', data: { port: 1 } }]);
    });

    it('redacts secrets in the message and the data', () => {
      const { events, log } = setup();
      log.remember({ 'X-API-Key': 'key-SECRET-1' });
      const seen: ConnectionEvent[] = [];
      events.onEvent((e) => seen.push(e));
      events.emit('x', 'used key-SECRET-1', 'error', { apiKey: 'key-SECRET-1', nested: { password: 'pw' } });
      expect(JSON.stringify(seen)).not.toMatch(/SECRET|"pw"/);
    });

    it('keeps going when a handler throws, and logs it', () => {
      const { events, errors } = setup();
      const seen: string[] = [];
      events.onEvent(() => {
        throw new Error('bad handler');
      });
      events.onEvent((e) => seen.push(e.eventType));
      events.emit('a', 'a', 'info');
      expect(seen).toEqual(['a']);
      expect(errors).toHaveLength(1);
    });

    it('stops delivering after unsubscribe', () => {
      const { events } = setup();
      const seen: string[] = [];
      const off = events.onEvent((e) => seen.push(e.eventType));
      off();
      events.emit('a', 'a', 'info');
      expect(seen).toEqual([]);
    });
  });

  describe('health', () => {
    it('tells handlers once per change', () => {
      const { events } = setup();
      const seen: string[] = [];
      events.onHealthChange((h) => seen.push(h));
      events.health('healthy');
      events.health('healthy');
      events.health('degraded');
      expect(seen).toEqual(['healthy', 'degraded']);
      expect(events.currentHealth).toBe('degraded');
    });
  });
});

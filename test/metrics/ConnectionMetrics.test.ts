import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { ConnectionMetrics, type ConnectionMetricsOptions } from '../../src/metrics/ConnectionMetrics.js';
import { ConfigError } from '../../src/errors.js';

const T0 = 1_700_000_000_000;

function setup(options: ConnectionMetricsOptions = {}) {
  const clock = new SimulatedClock();
  clock.set(T0);
  return { clock, metrics: new ConnectionMetrics({ clock, ...options }) };
}

const zeros = {
  requestCount: 0,
  errorCount: 0,
  errorRate: 0,
  averageResponseTime: 0,
  p50: 0,
  p95: 0,
  p99: 0,
  throughput: 0,
  uptime: 0,
  lastRequestAt: null,
};

describe('ConnectionMetrics', () => {
  describe('constructor', () => {
    it('starts at zero and is enabled by default', () => {
      const { metrics } = setup();
      expect(metrics.enabled).toBe(true);
      expect(metrics.snapshot()).toEqual(zeros);
    });

    it('works with the system clock', () => {
      const metrics = new ConnectionMetrics();
      metrics.recordRequest(3, true);
      const at = metrics.snapshot().lastRequestAt;
      expect(at).not.toBeNull();
      expect(Math.abs(at! - Date.now())).toBeLessThan(1000);
    });

    it('refuses bad options, naming them', () => {
      const err = (o: unknown) => {
        try {
          new ConnectionMetrics(o as ConnectionMetricsOptions);
        } catch (e) {
          if (e instanceof ConfigError) return e.option;
        }
        return 'accepted';
      };
      expect(err({ enabled: 'yes' })).toBe('enabled');
      expect(err({ clock: {} })).toBe('clock');
      expect(err({ sampleSize: 0 })).toBe('sampleSize');
    });
  });

  describe('recordRequest', () => {
    it('counts requests, failures and durations', () => {
      const { clock, metrics } = setup();
      metrics.recordRequest(100, true);
      clock.increment(10);
      metrics.recordRequest(300, false);
      const s = metrics.snapshot();
      expect(s.requestCount).toBe(2);
      expect(s.errorCount).toBe(1);
      expect(s.errorRate).toBe(0.5);
      expect(s.averageResponseTime).toBe(200);
      expect(s.lastRequestAt).toBe(T0 + 10);
    });

    it('reports p50, p95 and p99 of the latest durations', () => {
      const { metrics } = setup();
      for (let ms = 1; ms <= 100; ms++) metrics.recordRequest(ms, true);
      const { p50, p95, p99, averageResponseTime } = metrics.snapshot();
      expect([p50, p95, p99]).toEqual([50, 95, 99]);
      expect(averageResponseTime).toBe(50.5);
    });

    it('keeps sampleSize durations for percentiles but averages all of them', () => {
      const { metrics } = setup({ sampleSize: 2 });
      for (const ms of [1000, 1000, 10, 20]) metrics.recordRequest(ms, true);
      const s = metrics.snapshot();
      expect(s.p99).toBe(20);
      expect(s.averageResponseTime).toBe(507.5);
    });
  });

  describe('recordError', () => {
    it('counts an error without a request, leaving errorRate to failed requests', () => {
      const { metrics } = setup();
      metrics.recordError();
      expect(metrics.snapshot()).toMatchObject({ errorCount: 1, errorRate: 0, requestCount: 0 });
      metrics.recordRequest(5, true);
      metrics.recordRequest(5, false);
      expect(metrics.snapshot()).toMatchObject({ errorCount: 2, errorRate: 0.5, averageResponseTime: 5 });
    });
  });

  describe('throughput', () => {
    it('is requests per second since the first request', () => {
      const { clock, metrics } = setup();
      clock.increment(60_000); // idle time before the first request does not count
      for (let i = 0; i < 10; i++) {
        metrics.recordRequest(1, true);
        clock.increment(200);
      }
      // 10 requests over 2 s.
      expect(metrics.snapshot().throughput).toBe(5);
    });

    it('is 0 until at least 1 ms has passed', () => {
      const { clock, metrics } = setup();
      metrics.recordRequest(1, true);
      metrics.recordRequest(1, true);
      expect(metrics.snapshot().throughput).toBe(0);
      clock.increment(0.5);
      expect(metrics.snapshot().throughput).toBe(0);
      clock.increment(0.5);
      expect(metrics.snapshot().throughput).toBe(2000);
    });

    it('starts over at the first request after a (re)connect', () => {
      const { clock, metrics } = setup();
      for (let i = 0; i < 100; i++) metrics.recordRequest(1, true);
      clock.increment(1000);
      metrics.markConnected();
      clock.increment(5000); // idle after connecting does not count either
      metrics.recordRequest(1, true);
      clock.increment(500);
      metrics.recordRequest(1, true);
      clock.increment(500);
      const s = metrics.snapshot();
      expect(s.throughput).toBe(2); // 2 requests in the last 1 s, not 102
      expect(s.requestCount).toBe(102);
    });
  });

  describe('markConnected / markDisconnected', () => {
    it('measures the current connection’s uptime, 0 while disconnected', () => {
      const { clock, metrics } = setup();
      clock.increment(1000);
      expect(metrics.snapshot().uptime).toBe(0);
      metrics.markConnected();
      clock.increment(2500);
      expect(metrics.snapshot().uptime).toBe(2500);
      metrics.markConnected(); // already connected: the start stays
      clock.increment(500);
      expect(metrics.snapshot().uptime).toBe(3000);
      metrics.markDisconnected();
      expect(metrics.snapshot().uptime).toBe(0);
      clock.increment(1000);
      metrics.markConnected();
      clock.increment(40);
      expect(metrics.snapshot().uptime).toBe(40);
    });
  });

  describe('reset', () => {
    it('zeroes counters and latencies but keeps the connection’s uptime', () => {
      const { clock, metrics } = setup();
      metrics.markConnected();
      metrics.recordRequest(50, false);
      metrics.recordError();
      clock.increment(1000);
      metrics.reset();
      expect(metrics.snapshot()).toEqual({ ...zeros, uptime: 1000 });
      metrics.recordRequest(7, true);
      clock.increment(500);
      expect(metrics.snapshot()).toMatchObject({ requestCount: 1, averageResponseTime: 7, p50: 7, throughput: 2 });
    });
  });

  describe('enabled: false (monitoring off)', () => {
    it('records nothing and reports zeros', () => {
      const { clock, metrics } = setup({ enabled: false });
      expect(metrics.enabled).toBe(false);
      metrics.markConnected();
      metrics.recordRequest(100, false);
      metrics.recordError();
      clock.increment(1000);
      expect(metrics.snapshot()).toEqual(zeros);
    });
  });

  describe('snapshot', () => {
    it('returns a fresh object each time', () => {
      const { metrics } = setup();
      const a = metrics.snapshot();
      a.requestCount = 99;
      expect(metrics.snapshot().requestCount).toBe(0);
      expect(metrics.snapshot()).not.toBe(metrics.snapshot());
    });
  });
});

/**
 * `npm run demo`: a flaky HTTP server on 127.0.0.1 (started here) and a client
 * that rides out its failures with statewire's retry loop, circuit breaker and
 * rate limiter, printing every retry and every breaker transition as it happens.
 * It exits on its own after a bounded run.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CircuitBreaker, CircuitBreakerError, ExponentialBackoffRetry, RateLimiter, watch } from '../src/index.js';

/** The server's script, in ms since start: flaky, then down, then healthy. */
const FLAKY_UNTIL = 1_500;
const DOWN_UNTIL = 3_600;
const RUN_FOR = 6_000;

const started = Date.now();
const t = () => `${String(Date.now() - started).padStart(5)} ms`;
const log = (line: string) => console.log(`${t()}  ${line}`);

function startServer(): Promise<Server> {
  let served = 0;
  const server = createServer((_req, res) => {
    served++;
    const age = Date.now() - started;
    const fail = age < FLAKY_UNTIL ? served % 4 === 0 : age < DOWN_UNTIL;
    res.writeHead(fail ? 503 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(fail ? { error: 'unavailable' } : { ok: true, served }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main(): Promise<void> {
  const server = await startServer();
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/data`;
  log(`flaky server on ${url}: every 4th request fails until ${FLAKY_UNTIL} ms, all fail until ${DOWN_UNTIL} ms`);

  // 5 failures within 1 s open the circuit; it probes again after 1 s.
  const breaker = new CircuitBreaker({ threshold: 5, volumeThreshold: 5, windowMs: 1_000, timeout: 1_000 });
  const limiter = new RateLimiter({ limits: { api: { tokensPerSecond: 20, burstCapacity: 5 } } });
  const retry = new ExponentialBackoffRetry(3, 0.1, 2, {
    // A refusal from the open breaker is instant and deliberate: retrying it would only spin.
    shouldRetry: (error) => !(error instanceof CircuitBreakerError),
  });

  let previous = breaker.state;
  log(`breaker ${previous}`);
  watch(breaker.actor, (snapshot) => {
    const next = snapshot.value;
    if (next === previous) return;
    const why = next === 'OPEN' ? ` (failures ${snapshot.context.failureCount}, next probe in ${snapshot.context.retryIn} ms)` : '';
    log(`breaker ${previous} → ${next}${why}`);
    previous = next;
  });

  const stats = { ok: 0, failed: 0, fastRejected: 0 };
  for (let i = 1; Date.now() - started < RUN_FOR && i <= 200; i++) {
    try {
      await limiter.acquire('api', { endpoint: '/data' });
      const body = await retry.execute(
        () =>
          breaker.execute(async () => {
            const res = await fetch(url);
            if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { status: res.status });
            return res.json() as Promise<{ served: number }>;
          }),
        { onRetry: ({ attempt, delay, error }) => log(`  request ${i}: attempt ${attempt} failed (${(error as Error).message}), retrying in ${Math.round(delay)} ms`) },
      );
      stats.ok++;
      log(`request ${i}: ok (server has served ${body.served})`);
    } catch (error) {
      if (error instanceof CircuitBreakerError) {
        stats.fastRejected++;
        log(`request ${i}: rejected at once, circuit ${error.state}`);
      } else {
        stats.failed++;
        log(`request ${i}: failed after retries (${(error as Error).message})`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 120));
  }

  // A burst beyond the bucket: the limiter answers at once with how long to wait.
  const waits = Array.from({ length: 12 }, () => limiter.take('api', '/burst'));
  log(`burst of 12: ${waits.filter((w) => w === 0).length} granted, the rest told to wait ${waits.filter((w) => w > 0).join(', ')} ms`);
  log(`done: ${stats.ok} ok, ${stats.failed} failed after retries, ${stats.fastRejected} rejected by the open breaker without touching the network`);
  log(`rate limiter: ${JSON.stringify(limiter.getStats())}`);
  breaker.dispose();
  limiter.dispose();
  server.close();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

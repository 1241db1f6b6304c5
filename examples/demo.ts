/**
 * `npm run demo`: a flaky HTTP server on 127.0.0.1 (started here) and an
 * `ApiClient` that rides out its failures with retries, its circuit breaker and
 * its rate limiter, printing every retry and every breaker transition as it happens.
 * It exits on its own after a bounded run.
 *
 * `npm run demo -- --inspect` also starts the local inspector (statewire/inspect)
 * over the client and prints its URL; after the run it stays open 60 s
 * (`--inspect-for=<seconds>`), or until Ctrl-C with `--stay` (or STATEWIRE_INSPECT_STAY=1).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient, CircuitBreakerError, RateLimitError, watch } from '../src/index.js';
import { startInspector, type Inspector } from '../src/inspect/index.js';

/** The server's script, in ms since start: flaky, then down, then healthy. */
const FLAKY_UNTIL = 1_500;
const DOWN_UNTIL = 3_600;
const RUN_FOR = 6_000;

const started = Date.now();
const t = () => `${String(Date.now() - started).padStart(5)} ms`;
const log = (line: string) => console.log(`${t()}  ${line}`);

// --inspect: the local inspector over the demo's client; how long it stays open after the run.
const args = process.argv.slice(2);
const inspecting = args.includes('--inspect');
const stay = args.includes('--stay') || process.env.STATEWIRE_INSPECT_STAY === '1';
const holdSeconds = Number(args.find((a) => a.startsWith('--inspect-for='))?.slice('--inspect-for='.length) ?? 60);

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
  const baseURL = `http://127.0.0.1:${port}`;
  log(`flaky server on ${baseURL}: every 4th request fails until ${FLAKY_UNTIL} ms, all fail until ${DOWN_UNTIL} ms`);
  const inspector: Inspector | undefined = inspecting ? await startInspector() : undefined;
  if (inspector) log(`inspector on ${inspector.url} (open it in a browser)`);

  const client = new ApiClient({
    baseURL,
    timeout: 2_000,
    retries: 2,
    retryDelay: 100,
    // 5 failures within 1 s open the circuit; it probes again after 1 s.
    circuitBreakerOptions: { threshold: 5, volumeThreshold: 5, windowMs: 1_000, timeout: 1_000 },
    rateLimiter: true,
    rateLimiterOptions: { limits: { api: { tokensPerSecond: 20, burstCapacity: 5 } } },
    ...(inspector ? { inspect: inspector.inspect } : {}),
  });

  let previous = client.circuitBreaker.state;
  log(`breaker ${previous}`);
  watch(client.circuitBreaker.actor, (snapshot) => {
    const next = snapshot.value;
    if (next === previous) return;
    const why = next === 'OPEN' ? ` (failures ${snapshot.context.failureCount}, next probe in ${snapshot.context.retryIn} ms)` : '';
    log(`breaker ${previous} → ${next}${why}`);
    previous = next;
  });
  client.actor.on('retry_scheduled', ({ attempt, delay, reason }) =>
    log(`  attempt ${attempt} failed (${reason.replace(/ for .*/, '')}), retrying in ${delay} ms`),
  );

  const stats = { ok: 0, failed: 0, fastRejected: 0 };
  for (let i = 1; Date.now() - started < RUN_FOR && i <= 200; i++) {
    try {
      const body = await client.get<{ served: number }>('/data');
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

  // A burst beyond the bucket: the limiter refuses at once and says how long to wait.
  const burst = await Promise.allSettled(Array.from({ length: 12 }, () => client.get('/data')));
  const limited = burst.filter((r) => r.status === 'rejected' && r.reason instanceof RateLimitError);
  log(`burst of 12: ${burst.length - limited.length} sent, ${limited.length} refused by the rate limiter (retry after ${(limited[0] as PromiseRejectedResult | undefined)?.reason.retryAfter ?? 0} ms)`);
  log(`done: ${stats.ok} ok, ${stats.failed} failed after retries, ${stats.fastRejected} rejected by the open breaker without touching the network`);
  const { requests, succeeded, failed, retries, health } = client.getStats();
  log(`client stats: ${JSON.stringify({ requests, succeeded, failed, retries, health })}`);
  if (inspector) await holdOpen(inspector);
  await client.dispose();
  server.close();
}

/** Keeps the inspector open after the run: `--inspect-for` seconds, or until Ctrl-C with `--stay`. */
async function holdOpen(inspector: Inspector): Promise<void> {
  const seconds = Number.isFinite(holdSeconds) && holdSeconds >= 0 ? holdSeconds : 60;
  log(stay ? `inspector stays open on ${inspector.url}: Ctrl-C to end` : `inspector stays open on ${inspector.url} for ${seconds} s (--stay: until Ctrl-C)`);
  await new Promise<void>((resolve) => {
    const timer = stay ? undefined : setTimeout(resolve, seconds * 1000);
    process.once('SIGINT', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  await inspector.close();
  log('inspector closed');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

// In your app: import { ApiClient, ApiError, CircuitBreakerError, TimeoutError, watch } from 'statewire';
/**
 * `npm run example:http`: one `ApiClient` against a flaky API (a server started
 * here on 127.0.0.1), in four scenes:
 *
 * 1. Idempotency: a POST is retried only when it carries an `Idempotency-Key`;
 *    the server, which committed the first attempt before failing, replays it.
 * 2. Retry-After, shared: one caller's 429 pauses the category for every caller;
 *    the others wait the pause out without touching the server.
 * 3. Per-request timeout: a hanging endpoint is abandoned after `timeout` ms per
 *    attempt, retried once, and reported as a `TimeoutError`.
 * 4. The circuit breaker: an endpoint that keeps failing opens the circuit; calls
 *    are refused without the network; after the breaker's timeout one probe closes it.
 *
 * It exits on its own after a bounded run (about 3 s).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ApiClient, ApiError, CircuitBreakerError, TimeoutError, watch } from '../src/index.js';

const started = Date.now();
const t = () => `${String(Date.now() - started).padStart(5)} ms`;
const log = (line: string) => console.log(`${t()}  ${line}`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What the server has done, for the summary lines. */
const server = {
  orders: new Map<string, { id: number; item: string }>(),
  quotaRequests: [] as number[],
  pausedUntil: 0,
  reportDown: true,
};

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body = '';
  for await (const chunk of req) body += chunk;
  const path = req.url ?? '/';
  if (req.method === 'POST' && path === '/orders') {
    // The order is committed, then the gateway in front fails the first answer for it:
    // the client cannot know whether the order exists.
    const key = req.headers['idempotency-key'] as string | undefined;
    const stored = key === undefined ? undefined : server.orders.get(key);
    if (stored) {
      log(`  server: POST /orders key ${key!.slice(0, 8)}… seen before: replaying order #${stored.id}, nothing new created`);
      return send(res, 201, stored, { 'idempotent-replayed': 'true' });
    }
    const order = { id: server.orders.size + 1, item: (JSON.parse(body) as { item: string }).item };
    server.orders.set(key ?? `no-key-${order.id}`, order);
    log(`  server: POST /orders created order #${order.id} (${order.item}), then answered 503`);
    return send(res, 503, { error: 'gateway hiccup' });
  }
  if (path === '/quota') {
    const now = Date.now();
    server.quotaRequests.push(now);
    if (server.quotaRequests.length === 1) server.pausedUntil = now + 1_000;
    if (now < server.pausedUntil) {
      log('  server: GET /quota → 429, Retry-After: 1');
      return send(res, 429, { error: 'slow down' }, { 'retry-after': '1' });
    }
    log('  server: GET /quota → 200');
    return send(res, 200, { remaining: 100 - server.quotaRequests.length });
  }
  if (path === '/slow') {
    log('  server: GET /slow arrived; answering in 1500 ms');
    const answer = setTimeout(() => send(res, 200, { slow: true }), 1_500);
    res.on('close', () => clearTimeout(answer));
    return;
  }
  if (path === '/report') {
    if (server.reportDown) return send(res, 500, { error: 'report service down' });
    log('  server: GET /report → 200 (the service is back)');
    return send(res, 200, { report: 'ready' });
  }
  send(res, 404, { error: 'not found' });
}

function startServer(): Promise<Server> {
  const http = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  return new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve(http)));
}

async function idempotency(client: ApiClient): Promise<void> {
  log('— scene 1: a POST whose first answer is lost —');
  try {
    await client.post('/orders', { item: 'coffee' });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    log(`POST without Idempotency-Key: ApiError ${error.status}, reported and NOT retried (a retry could create a second order)`);
  }
  const key = randomUUID();
  const order = await client.post<{ id: number; item: string }>('/orders', { item: 'tea' }, { headers: { 'Idempotency-Key': key } });
  log(`POST with Idempotency-Key: retried, got order #${order.id} (${order.item}); orders on the server: ${server.orders.size}, one per POST`);
}

async function sharedRetryAfter(client: ApiClient): Promise<void> {
  log('— scene 2: one caller meets a 429 with Retry-After: 1, two more callers come along —');
  const paused = new Promise<void>((resolve) => {
    const { unsubscribe } = client.rateLimiter.actor.on('rate_limiter_paused', ({ category, until }) => {
      log(`  client: category "${category}" paused for every caller for ${until - Date.now()} ms more`);
      unsubscribe();
      resolve();
    });
  });
  const first = client.get<{ remaining: number }>('/quota');
  // Once the first call's 429 has paused the category, two more callers come along.
  await paused;
  const before = server.quotaRequests.length;
  const others = [client.get<{ remaining: number }>('/quota'), client.get<{ remaining: number }>('/quota')];
  const answers = await Promise.all([first, ...others]);
  const duringPause = server.quotaRequests.filter((at) => at < server.pausedUntil).length - before;
  log(`all 3 callers got 200 (remaining ${answers.map((a) => a.remaining).join(', ')})`);
  log(`requests the server saw while paused, from the two later callers: ${duringPause}; they waited the pause out locally`);
  const first429 = server.quotaRequests[0]!;
  const after = server.quotaRequests.slice(1).map((at) => at - first429);
  log(`the server saw the retries ${after.map((ms) => `${ms} ms`).join(', ')} after the 429 (Retry-After honoured: none before 1000 ms: ${after.every((ms) => ms >= 1_000)})`);
}

async function perRequestTimeout(client: ApiClient): Promise<void> {
  log('— scene 3: a hanging endpoint, a 200 ms timeout per attempt, 1 retry —');
  const from = Date.now();
  try {
    await client.get('/slow', { timeout: 200, retries: 1 });
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    log(`TimeoutError after ${Date.now() - from} ms (2 attempts of 200 ms each and the wait between): the call never hangs`);
  }
}

async function breaker(client: ApiClient): Promise<void> {
  log('— scene 4: /report keeps failing —');
  for (let i = 1; i <= 10; i++) {
    try {
      await client.get('/report', { retries: 0 });
    } catch (error) {
      if (error instanceof CircuitBreakerError) {
        log(`call ${i}: CircuitBreakerError (${error.state}) at once, the server was not asked`);
        break;
      }
      if (!(error instanceof ApiError)) throw error;
      log(`call ${i}: ApiError ${error.status}`);
    }
  }
  server.reportDown = false;
  log('the report service is back; waiting for the breaker to let a probe through');
  while (client.getCircuitBreakerState().state !== 'HALF_OPEN') await sleep(20);
  const answer = await client.get<{ report: string }>('/report');
  log(`the probe succeeded: ${JSON.stringify(answer)}, breaker ${client.getCircuitBreakerState().state}`);
}

async function main(): Promise<void> {
  const http = await startServer();
  const { port } = http.address() as AddressInfo;
  const client = new ApiClient({
    baseURL: `http://127.0.0.1:${port}`,
    timeout: 2_000,
    retries: 2,
    retryDelay: 100,
    // 6 failures among at least 6 calls within 60 s open the circuit; it lets a probe through after 500 ms.
    circuitBreakerOptions: { threshold: 6, volumeThreshold: 6, timeout: 500 },
  });
  client.actor.on('retry_scheduled', ({ attempt, delay, reason }) =>
    log(`  client: attempt ${attempt} failed (${reason.replace(/ for .*/, '')}), retrying in ${delay} ms`),
  );
  let previous = client.circuitBreaker.state;
  watch(client.circuitBreaker.actor, (snapshot) => {
    if (snapshot.value === previous) return;
    log(`  breaker ${previous} → ${snapshot.value}`);
    previous = snapshot.value;
  });

  await idempotency(client);
  await sharedRetryAfter(client);
  await perRequestTimeout(client);
  await breaker(client);

  const { requests, succeeded, failed, retries } = client.getStats();
  log(`client stats: ${JSON.stringify({ requests, succeeded, failed, retries })}`);
  await client.dispose();
  http.closeAllConnections();
  http.close();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

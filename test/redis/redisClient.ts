/**
 * node-redis clients for the statewire/redis suites: quick reconnects (the
 * tests kill and restart Redis), errors heard (an unheard one crashes the
 * process), and the keys-have-TTLs check every suite ends with.
 */
import { createClient } from 'redis';
import type { RedisLike } from '../../src/redis/RedisLike.js';

export type TestRedisClient = ReturnType<typeof createClient> & RedisLike;

/** A connected client of `url` (127.0.0.1 only), reconnecting every 50 ms. */
export async function connectRedis(url: string): Promise<TestRedisClient> {
  if (!url.startsWith('redis://127.0.0.1:')) throw new Error(`tests talk to 127.0.0.1 only, not ${url}`);
  const client = createClient({ url, socket: { reconnectStrategy: () => 50, connectTimeout: 500 } });
  client.on('error', () => {});
  await client.connect();
  return client as TestRedisClient;
}

/** Every key under `prefix` with its PTTL (-1: no TTL). */
export async function keyTtls(client: TestRedisClient, prefix: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    for (const key of keys) out[key] = await client.pTTL(key);
  }
  return out;
}

/** Closes a client, ignoring one already closed. */
export function closeRedis(client: TestRedisClient | undefined): void {
  try {
    client?.destroy();
  } catch {
    // closed already
  }
}

/** Polls an async `predicate` (a Redis read) every 10 ms until it holds; rejects after `timeout` ms naming `what`. */
export async function until(predicate: () => Promise<boolean>, timeout = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

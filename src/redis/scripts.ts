/**
 * The Lua scripts of statewire/redis. Each one reads the time with Redis `TIME`
 * (never a client's clock), writes every key it touches with a TTL, and, when
 * other processes must hear of a change, PUBLISHes it from the same script, so
 * the change and its message are one atomic step. All keys of one shared
 * limiter or breaker carry the hash tag `{sharedKey}`: the scripts run on Redis
 * Cluster too.
 *
 * Messages on the channel are `type|instanceId|sharedKey|ms|rest`.
 *
 * @module
 */
import { createHash } from 'node:crypto';

/** A script and its SHA1 (for EVALSHA). */
export interface Script {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

function script(name: string, source: string): Script {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * A take of up to `want` tokens (GCRA on one key), refused while a server pause
 * on the category (KEYS[2]) or on all (KEYS[3]) lasts. KEYS[1] holds the
 * bucket's theoretical arrival time `tat` (Redis-time ms): the bucket holds
 * `burst - (tat - now) · rate / 1000` tokens, and a take of k moves `tat` on by
 * k / rate. A pause key holds its end (Redis-time ms), so one MGET reads the
 * bucket and both pauses: TIME, MGET and one SET PX per granted take (a refusal
 * writes nothing), because Redis runs one script at a time and each call inside
 * it caps every process's throughput.
 * ARGV: tokensPerSecond, burstCapacity, want. Returns one integer (an array
 * reply costs both sides more): the tokens granted (≥ 1), or `-(2 · waitMs)`
 * when the bucket refuses, `-(2 · waitMs + 1)` when a pause does.
 * The key expires when the bucket would be full again (+1 s): a missing key is
 * a full bucket, so the TTL loses nothing and a key can never lock users out.
 */
export const TAKE = script(
  'take',
  `${NOW}
local v = redis.call('MGET', KEYS[1], KEYS[2], KEYS[3])
local pause = math.max(tonumber(v[2]) or 0, tonumber(v[3]) or 0) - now
if pause > 0 then return -2 * pause - 1 end
local interval = 1000 / tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(v[1]) or now
if tat < now then tat = now end
local tokens = burst - (tat - now) / interval
if tokens < 1 then return -2 * math.ceil((1 - tokens) * interval) end
local granted = math.min(tonumber(ARGV[3]), math.floor(tokens))
tat = tat + granted * interval
redis.call('SET', KEYS[1], tat, 'PX', math.ceil(tat - now) + 1000)
return granted
`,
);

/**
 * A server pause shared: KEYS[1] (the category's pause key) is set to its end
 * (Redis-time ms, read by `take`) for ARGV[1] ms unless a longer pause is
 * already on, and the pause is PUBLISHed on ARGV[2]. ARGV[3]: instanceId,
 * ARGV[4]: sharedKey, ARGV[5]: category.
 */
export const PAUSE = script(
  'pause',
  `${NOW}
local ms = tonumber(ARGV[1])
local left = redis.call('PTTL', KEYS[1])
if left < ms then redis.call('SET', KEYS[1], now + ms, 'PX', ms) else ms = left end
redis.call('PUBLISH', ARGV[2], 'pause|' .. ARGV[3] .. '|' .. ARGV[4] .. '|' .. ms .. '|' .. ARGV[5])
return ms
`,
);

/**
 * A failure report: KEYS[1] the breaker's state, KEYS[2] the reports (instanceId →
 * `failures:calls:at`, each process's whole window, so the sums are over processes).
 * ARGV: instanceId, failures, calls, threshold, volumeThreshold, minReporters,
 * windowMs, timeout, halfOpenTtl, channel, sharedKey.
 * Returns { 1, msLeft, openedAt } when the shared circuit is (now) open, else { 0, failures, reporters }.
 */
export const REPORT = script(
  'report',
  `${NOW}
local st = redis.call('HMGET', KEYS[1], 'until', 'opened')
if st[1] then return {1, tonumber(st[1]) - now, tonumber(st[2])} end
local window = tonumber(ARGV[7])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. ':' .. ARGV[3] .. ':' .. now)
redis.call('PEXPIRE', KEYS[2], window)
local all = redis.call('HGETALL', KEYS[2])
local f, c, n = 0, 0, 0
for i = 1, #all, 2 do
  local a, b, at = string.match(all[i + 1], '^(%d+):(%d+):(%d+)$')
  if at and now - tonumber(at) <= window then
    f = f + tonumber(a)
    c = c + tonumber(b)
    if tonumber(a) > 0 then n = n + 1 end
  else
    redis.call('HDEL', KEYS[2], all[i])
  end
end
if f >= tonumber(ARGV[4]) and c >= tonumber(ARGV[5]) and n >= tonumber(ARGV[6]) then
  local timeout = tonumber(ARGV[8])
  redis.call('HSET', KEYS[1], 'until', now + timeout, 'opened', now)
  redis.call('PEXPIRE', KEYS[1], timeout + tonumber(ARGV[9]))
  redis.call('DEL', KEYS[2])
  redis.call('PUBLISH', ARGV[10], 'open|' .. ARGV[1] .. '|' .. ARGV[11] .. '|' .. timeout .. '|' .. now)
  return {1, timeout, now}
end
return {0, f, n}
`,
);

/**
 * A probe election while the shared circuit is HALF_OPEN: KEYS[1] the state,
 * KEYS[2..] the probe slots (`halfOpenMaxCalls` of them). ARGV: instanceId, leaseMs.
 * Returns { -1 } when the shared circuit is closed (probe locally), { -2, msLeft }
 * while it is still OPEN, { slot, openedAt } for a lease won (SET NX PX: a crashed
 * prober's lease expires), { 0, openedAt } when every slot is taken.
 */
export const ELECT = script(
  'elect',
  `${NOW}
local st = redis.call('HMGET', KEYS[1], 'until', 'opened')
if not st[1] then return {-1} end
local left = tonumber(st[1]) - now
if left > 0 then return {-2, left} end
for i = 2, #KEYS do
  if redis.call('SET', KEYS[i], ARGV[1] .. '|' .. st[2], 'NX', 'PX', tonumber(ARGV[2])) then return {i - 1, tonumber(st[2])} end
end
return {0, tonumber(st[2])}
`,
);

/**
 * A probe's outcome: KEYS[1] the state, KEYS[2..] the probe slots. ARGV: openedAt
 * the probe was elected in, ok (1/0), timeout, halfOpenTtl, channel, instanceId, sharedKey.
 * A stale outcome (another one decided this opening already) changes nothing: 0.
 * Success closes the shared circuit (1), failure reopens it with a new deadline (2); both are PUBLISHed.
 */
export const OUTCOME = script(
  'outcome',
  `${NOW}
local opened = redis.call('HGET', KEYS[1], 'opened')
if not opened or opened ~= ARGV[1] then return 0 end
for i = 2, #KEYS do redis.call('DEL', KEYS[i]) end
if ARGV[2] == '1' then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[5], 'close|' .. ARGV[6] .. '|' .. ARGV[7] .. '|0|')
  return 1
end
local timeout = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], 'until', now + timeout, 'opened', now)
redis.call('PEXPIRE', KEYS[1], timeout + tonumber(ARGV[4]))
redis.call('PUBLISH', ARGV[5], 'open|' .. ARGV[6] .. '|' .. ARGV[7] .. '|' .. timeout .. '|' .. now)
return 2
`,
);

/** Frees a probe lease this instance holds (a probe cancelled): KEYS[1] the slot, ARGV[1] `instanceId|openedAt`. */
export const RELEASE = script(
  'release',
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`,
);

/** The breaker's shared state now: KEYS[1]. Returns { msLeft, openedAt } or {} when closed. */
export const READ = script(
  'read',
  `${NOW}
local st = redis.call('HMGET', KEYS[1], 'until', 'opened')
if not st[1] then return {} end
return {tonumber(st[1]) - now, tonumber(st[2])}
`,
);

/**
 * A seeded pseudo-random step (mulberry32). Machines read no randomness source:
 * the seed lives in context, so jitter is reproducible, serialisable and
 * traversable by `xstate/graph`; the runtime picks the first seed.
 *
 * @returns a number in [0, 1) and the next seed.
 * @example
 * ```ts
 * let seed = 42;
 * const [r, next] = nextRandom(seed); // r in [0, 1)
 * seed = next;
 * ```
 */
export function nextRandom(seed: number): [value: number, nextSeed: number] {
  const next = (seed + 0x6d2b79f5) | 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return [((t ^ (t >>> 14)) >>> 0) / 4294967296, next];
}

/** The shortest pause between two slices of a health-check round, ms: fewer, larger slices for many connections. */
export const MIN_SLICE_MS = 100;

/**
 * How a round of health checks over `count` connections is spread over
 * `interval` ms: every `every` ms, the next `batch` connections are checked, so
 * each one is checked once per interval and 10,000 checks never fire in the
 * same millisecond.
 *
 * @example
 * ```ts
 * sweepSchedule(10_000, 30_000); // { every: 101.69…, batch: 34 }: 295 slices of 34
 * sweepSchedule(3, 30_000);      // { every: 10000, batch: 1 }
 * ```
 */
export function sweepSchedule(count: number, interval: number): { every: number; batch: number } {
  if (count <= 0) return { every: interval, batch: 0 };
  const slice = Math.max(Math.min(MIN_SLICE_MS, interval), interval / count);
  const batch = Math.ceil((count * slice) / interval);
  // The slices a round needs, stretched to fill the interval exactly.
  return { every: interval / Math.ceil(count / batch), batch };
}

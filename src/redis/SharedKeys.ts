/**
 * The Redis keys of one shared limiter or breaker: all under the user's prefix
 * and the hash tag `{sharedKey}`, so one script's keys lie in one Cluster slot.
 *
 * @example
 * ```ts
 * const keys = new SharedKeys('app:', 'payments-api', 'app:events', 'web-1');
 * keys.bucket('api'); // 'app:{payments-api}:bucket:api'
 * ```
 */
export class SharedKeys {
  private readonly base: string;

  constructor(
    prefix: string,
    readonly sharedKey: string,
    /** The channel every message of this store travels on. */
    readonly channel: string,
    /** This process's id (breaker quorum, probe leases). */
    readonly instanceId: string,
  ) {
    this.base = `${prefix}{${sharedKey}}:`;
  }

  bucket(category: string): string {
    return `${this.base}bucket:${category}`;
  }

  pause(category: string): string {
    return `${this.base}pause:${category}`;
  }

  get breaker(): string {
    return `${this.base}breaker`;
  }

  get reports(): string {
    return `${this.base}reports`;
  }

  /** The probe lease slots, one per probe HALF_OPEN admits across processes. */
  probes(count: number): string[] {
    return Array.from({ length: count }, (_, i) => `${this.base}probe:${i + 1}`);
  }
}

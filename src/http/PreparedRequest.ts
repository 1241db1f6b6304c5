import type { WireBody } from './bodies.js';

/** One request, after request interceptors, ready to go. */
export interface PreparedRequest {
  method: string;
  /** Absolute URL. */
  url: string;
  headers: Record<string, string>;
  body?: WireBody;
  timeout: number;
  retries: number;
  rateCategory: string;
  signal?: AbortSignal;
  /** Path used for per-endpoint statistics (no query string). */
  endpoint: string;
}

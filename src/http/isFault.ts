import { ApiError, NetworkError, TimeoutError } from '../errors.js';

/** Whether a failure says the service is in trouble (rather than the request being wrong). */
export function isFault(error: unknown): boolean {
  if (error instanceof TimeoutError || error instanceof NetworkError) return true;
  return error instanceof ApiError && (error.status >= 500 || error.status === 408 || error.status === 429);
}

/** The status to report with a failure: an `ApiError`'s, else none. */
export function statusOf(error: unknown): { status?: number } {
  return error instanceof ApiError ? { status: error.status } : {};
}

/**
 * Polls `predicate` every few ms until it holds; rejects after `timeout` ms with
 * `what` (a function is asked then, so the message can show the state reached).
 * Every wait of the testing kit is bounded this way: nothing hangs a test run.
 *
 * @example
 * ```ts
 * await waitUntil(() => server.received.length >= 3, 2_000, '3 messages at the server');
 * ```
 */
export async function waitUntil(predicate: () => boolean, timeout = 5_000, what: string | (() => string) = 'condition'): Promise<void> {
  const until = Date.now() + timeout;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeout} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

import type { Arbitrary, AsyncCommand } from 'fast-check';
import type { FastCheck } from './fastCheck.js';
import { sseActionApplies, SseRun, type SseAction, type SseModelState, type SseRuntimeOptions } from './SseRun.js';

/** A fast-check command standing for one {@link SseAction}. */
export class SseCommand implements AsyncCommand<SseModelState, SseRun> {
  constructor(readonly action: SseAction) {}
  check(state: Readonly<SseModelState>): boolean {
    return sseActionApplies(this.action, state as SseModelState);
  }
  run(state: SseModelState, run: SseRun): Promise<void> {
    return run.apply(this.action, state);
  }
  toString(): string {
    return this.action.kind === 'reject' ? `reject(${this.action.status})` : this.action.kind;
  }
}

/**
 * fast-check commands of runtime SSE tests: push an event, end the streams,
 * drop the connections, answer the next request with 503 / 500, stall and resume.
 *
 * @example
 * ```ts
 * fc.commands(sseCommands(fc), { maxCommands: 10 });
 * ```
 */
export function sseCommands(fc: FastCheck): Array<Arbitrary<SseCommand>> {
  const of = (action: SseAction) => fc.constant(new SseCommand(action));
  return [of({ kind: 'push' }), of({ kind: 'push' }), of({ kind: 'end' }), of({ kind: 'drop' }), fc.constantFrom(500, 503).map((status) => new SseCommand({ kind: 'reject', status })), of({ kind: 'stall' }), of({ kind: 'resume' })];
}

/**
 * A fast-check property: each run starts a {@link FaultSseServer} and a
 * connection, applies generated commands, and fails with the oracle's findings
 * ({@link sseViolations}): every event exactly once, in order, resumed with the
 * right `Last-Event-ID`.
 *
 * @example
 * ```ts
 * const connect = (url: string) => new SSEConnection({ url, retryDelay: 5, maxRetryDelay: 20, idleTimeout: 200 });
 * await fc.assert(sseProperty(fc, { connect }), { numRuns: 10 });
 * ```
 */
export function sseProperty(fc: FastCheck, options: SseRuntimeOptions, constraints: { maxCommands?: number } = {}) {
  return fc.asyncProperty(fc.commands(sseCommands(fc), { maxCommands: constraints.maxCommands ?? 10 }), async (commands) => {
    const state: SseModelState = { pushed: 0, stalled: false };
    const run = await SseRun.start(options);
    try {
      await fc.asyncModelRun(() => ({ model: state, real: run }), commands);
      const violations = await run.finish(state);
      if (violations.length > 0) throw new Error(`${violations.join('\n')}\n  after: ${run.trace.join(', ')}`);
    } finally {
      await run.dispose();
    }
  });
}

import type { Arbitrary, AsyncCommand } from 'fast-check';
import type { FastCheck } from './fastCheck.js';
import type { HttpCallAction, HttpFault } from './httpModel.js';
import { describeHttpCall, HttpRun, type HttpRuntimeOptions } from './HttpRun.js';

/** The model state of an HTTP run: calls are independent, so only their number. */
export interface HttpModelState {
  calls: number;
}

/** A fast-check command making one {@link HttpCallAction}. */
export class HttpCallCommand implements AsyncCommand<HttpModelState, HttpRun> {
  constructor(readonly action: HttpCallAction) {}
  check(): boolean {
    return true;
  }
  async run(state: HttpModelState, run: HttpRun): Promise<void> {
    state.calls++;
    const violations = await run.call(this.action);
    if (violations.length > 0) throw new Error(violations.join('\n'));
  }
  toString(): string {
    return describeHttpCall(this.action);
  }
}

const FAULTS: HttpFault[] = ['ok', 'slow', 'redirect', 'badRequest', 'notFound', 'serverError', 'unavailable', 'tooMany', 'badGateway', 'hang', 'reset'];

/**
 * The fast-check command arbitrary of runtime HTTP tests: a call with a method
 * (GET, POST, PUT, DELETE) and up to `maxFaults` scripted answers for its attempts.
 *
 * @example
 * ```ts
 * fc.commands([httpCallCommand(fc)], { maxCommands: 6 });
 * ```
 */
export function httpCallCommand(fc: FastCheck, options: { faults?: HttpFault[]; maxFaults?: number } = {}): Arbitrary<HttpCallCommand> {
  return fc
    .record({
      method: fc.constantFrom('GET' as const, 'POST' as const, 'PUT' as const, 'DELETE' as const),
      faults: fc.array(fc.constantFrom(...(options.faults ?? FAULTS)), { maxLength: options.maxFaults ?? 3 }),
    })
    .map((action) => new HttpCallCommand(action));
}

/**
 * A fast-check property: each run starts a {@link FlakyHttpServer} and a client,
 * makes a generated sequence of calls, each judged by the oracle against the
 * retry contract (outcome, attempt answered, requests seen, nothing left open).
 *
 * @example
 * ```ts
 * const client = (baseURL: string) => new ApiClient({ baseURL, circuitBreaker: false, retryDelay: 1, timeout: 200 });
 * await fc.assert(httpProperty(fc, { client }), { numRuns: 10 });
 * ```
 */
export function httpProperty(fc: FastCheck, options: HttpRuntimeOptions, constraints: { maxCommands?: number; faults?: HttpFault[]; maxFaults?: number } = {}) {
  return fc.asyncProperty(fc.commands([httpCallCommand(fc, constraints)], { maxCommands: constraints.maxCommands ?? 6 }), async (commands) => {
    const run = await HttpRun.start(options);
    try {
      await fc.asyncModelRun(() => ({ model: { calls: 0 }, real: run }), commands);
    } finally {
      await run.dispose();
    }
  });
}

/**
 * Makes a fixed list of calls and returns every violation (empty: the contract held).
 *
 * @example
 * ```ts
 * const violations = await runHttpCalls({ client }, [{ method: 'GET', faults: ['serverError', 'hang'] }]);
 * ```
 */
export async function runHttpCalls(options: HttpRuntimeOptions, calls: HttpCallAction[]): Promise<string[]> {
  const run = await HttpRun.start(options);
  try {
    const out: string[] = [];
    for (const c of calls) out.push(...(await run.call(c)));
    return out;
  } finally {
    await run.dispose();
  }
}

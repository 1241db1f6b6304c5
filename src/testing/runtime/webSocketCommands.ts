import type { Arbitrary, AsyncCommand } from 'fast-check';
import type { FastCheck } from './fastCheck.js';
import { planPath, type MachinePath } from './machinePath.js';
import { atLeastOnceModel, initialWebSocketState, type WebSocketAction, type WebSocketModelState } from './webSocketModel.js';
import { describeWebSocketAction, WebSocketRun, type WebSocketRuntimeOptions } from './WebSocketRun.js';

/** A fast-check command standing for one {@link WebSocketAction}. */
export class WebSocketCommand implements AsyncCommand<WebSocketModelState, WebSocketRun> {
  constructor(readonly action: WebSocketAction, private readonly options: WebSocketRuntimeOptions) {}
  check(state: Readonly<WebSocketModelState>): boolean {
    return (this.options.model ?? atLeastOnceModel).applies(this.action, state as WebSocketModelState);
  }
  run(state: WebSocketModelState, run: WebSocketRun): Promise<void> {
    return run.apply(this.action, state);
  }
  toString(): string {
    return describeWebSocketAction(this.action);
  }
}

/** Server close codes the commands use: 1000 ends the session, the others make the client reconnect. */
const CLOSE_CODES = [1000, 1001, 1011, 4000];

/**
 * fast-check command arbitraries for a WebSocket connection against a
 * {@link FaultWebSocketServer}: send, a server message, kill, restart, terminate,
 * a server close with a code, dropping a frame either way, delaying frames, the
 * user's close and connect. Sends are weighted up so runs carry traffic.
 *
 * @example
 * ```ts
 * const options = { connect: (url: string) => new WebSocketConnection({ url, delivery: { ...idAckDelivery, ackTimeout: 200 }, reconnectDelay: 5 }) };
 * await fc.assert(webSocketProperty(fc, options), { numRuns: 10 });
 * ```
 */
export function webSocketCommands(fc: FastCheck, options: WebSocketRuntimeOptions): Array<Arbitrary<WebSocketCommand>> {
  const of = (action: WebSocketAction) => new WebSocketCommand(action, options);
  const simple = (kind: Exclude<WebSocketAction['kind'], 'serverClose' | 'delay'>) => fc.constant(of({ kind } as WebSocketAction));
  return [
    simple('send'),
    simple('send'),
    simple('send'),
    simple('push'),
    simple('kill'),
    simple('restart'),
    simple('terminate'),
    fc.constantFrom(...CLOSE_CODES).map((code) => of({ kind: 'serverClose', code, reason: code === 1000 ? 'bye' : '' })),
    simple('dropIncoming'),
    simple('dropOutgoing'),
    fc.integer({ min: 0, max: 30 }).map((ms) => of({ kind: 'delay', ms })),
    simple('userClose'),
    simple('connect'),
  ];
}

/**
 * A fast-check property: each run starts a server and a connection, applies a
 * generated command sequence, settles, and fails with the oracle's findings
 * (see {@link webSocketViolations}) and the command trace.
 *
 * @example
 * ```ts
 * await fc.assert(webSocketProperty(fc, options, { maxCommands: 8 }), { numRuns: 10 });
 * ```
 */
export function webSocketProperty(fc: FastCheck, options: WebSocketRuntimeOptions, constraints: { maxCommands?: number } = {}) {
  return fc.asyncProperty(fc.commands(webSocketCommands(fc, options), { maxCommands: constraints.maxCommands ?? 8 }), async (commands) => {
    const state = initialWebSocketState();
    const run = await WebSocketRun.start(options);
    try {
      await fc.asyncModelRun(() => ({ model: state, real: run }), commands);
      const violations = await run.finish(state);
      if (violations.length > 0) throw new Error(`${violations.join('\n')}\n  after: ${run.trace.join(', ')}`);
    } finally {
      await run.dispose();
    }
  });
}

/** The outcome of {@link runWebSocketActions} / {@link runWebSocketPath}. */
export interface WebSocketRunReport {
  violations: string[];
  /** The actions applied, in order. */
  trace: string[];
  /** Event types of a path with no counterpart, and actions the model did not apply in their state. */
  skipped: string[];
}

/**
 * Runs a fixed list of actions (the ones the model does not apply in their state
 * are skipped) and returns the oracle's verdict. Never throws for a broken
 * contract: an action that found one is a violation.
 *
 * @example
 * ```ts
 * const { violations } = await runWebSocketActions(options, [{ kind: 'send' }, { kind: 'kill' }, { kind: 'send' }, { kind: 'restart' }]);
 * ```
 */
export async function runWebSocketActions(options: WebSocketRuntimeOptions, actions: WebSocketAction[]): Promise<WebSocketRunReport> {
  const model = options.model ?? atLeastOnceModel;
  const state = initialWebSocketState();
  const skipped: string[] = [];
  const run = await WebSocketRun.start(options);
  try {
    for (const action of actions) {
      if (!model.applies(action, state)) {
        skipped.push(`${describeWebSocketAction(action)} (not applicable)`);
        continue;
      }
      try {
        await run.apply(action, state);
      } catch (error) {
        return { violations: [(error as Error).message], trace: run.trace, skipped };
      }
    }
    return { violations: await run.finish(state), trace: run.trace, skipped };
  } finally {
    await run.dispose();
  }
}

/**
 * What a `webSocketMachine` event stands for in the real world: CONNECT → the
 * user's connect, DISCONNECT → the user's close, SOCKET_CLOSED → the server
 * closing with that code (1006 or none: terminated), SOCKET_FAILED → the server
 * killed, OPENED / HEALTHY / RETRY_NOW → the server back, USER_MESSAGE → a send.
 */
export function webSocketEventAction(event: { type: string; [key: string]: unknown }): WebSocketAction | undefined {
  switch (event.type) {
    case 'CONNECT':
      return { kind: 'connect' };
    case 'DISCONNECT':
      return { kind: 'userClose' };
    case 'SOCKET_CLOSED': {
      const code = typeof event['code'] === 'number' ? event['code'] : 1006;
      return code === 1006 || code < 1000 || (code > 1015 && code < 3000) ? { kind: 'terminate' } : { kind: 'serverClose', code, reason: '' };
    }
    case 'SOCKET_FAILED':
      return { kind: 'kill' };
    case 'OPENED':
    case 'HEALTHY':
    case 'RETRY_NOW':
      return { kind: 'restart' };
    case 'USER_MESSAGE':
      return { kind: 'send' };
    default:
      return undefined;
  }
}

/**
 * Runs a machine path (e.g. one of `edgeCoveringPaths(webSocketMachine)`) against
 * a real connection and server: each step's event becomes an action through
 * `map` (default {@link webSocketEventAction}), a send follows every action so
 * each state carries traffic, and the oracle judges the outcome.
 *
 * @example
 * ```ts
 * for (const path of paths) expect((await runWebSocketPath(options, path)).violations).toEqual([]);
 * ```
 */
export async function runWebSocketPath(
  options: WebSocketRuntimeOptions,
  path: MachinePath,
  map: (event: { type: string; [key: string]: unknown }) => WebSocketAction | WebSocketAction[] | undefined = webSocketEventAction,
): Promise<WebSocketRunReport> {
  const plan = planPath(path, (event) => {
    const mapped = map(event);
    if (mapped === undefined) return undefined;
    return [...(Array.isArray(mapped) ? mapped : [mapped]), { kind: 'send' } as WebSocketAction];
  });
  const report = await runWebSocketActions(options, plan.actions);
  return { ...report, skipped: [...plan.skipped, ...report.skipped] };
}

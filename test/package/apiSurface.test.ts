/**
 * The public surface is the product (issue "Structure for an actor system", item 7).
 * Each entry's export names are written out here, so the surface changes only on
 * purpose: a new export, or one gone, fails this test until the list is edited with it.
 * Loads the built package through its own exports map (`npm run build` first), and
 * reads the published declarations: no member marked `@internal` in the sources
 * reaches them, and they type-check for a consumer that does not skip lib checks.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = process.cwd();
/** Runs a snippet in a fresh Node process that resolves `statewire` through the package's own exports map (dist/). */
const node = (args: string[]) => run(process.execPath, args, { cwd: root, timeout: 10_000 });

const ROOT_EXPORTS = [
  'ApiClient',
  'ApiError',
  'CallbackError',
  'CircuitBreaker',
  'CircuitBreakerError',
  'ConfigError',
  'ConnectionConfigManager',
  'ConnectionHealth',
  'ConnectionManager',
  'ConnectionPool',
  'ConnectionSecurity',
  'ConnectionType',
  'Endpoint',
  'ExponentialBackoffRetry',
  'GuruConnection',
  'HTTPConnection',
  'InputValidator',
  'JitterRetry',
  'LinearBackoffRetry',
  'NetworkError',
  'REJECTED',
  'RateLimitError',
  'RateLimiter',
  'RetryStrategy',
  'SSEConnection',
  'SecurityLevel',
  'StatewireError',
  'TimeoutError',
  'ValidationError',
  'WebSocketConnection',
  'WebSocketConnectionPool',
  'connectionDefaults',
  'isStatewireError',
  'systemClock',
  'watch',
];

const MACHINES_EXPORTS = [
  'adoptChild',
  'adoptChildren',
  'backoffDelay',
  'backoffMachine',
  'baseDelay',
  'circuitBreakerMachine',
  'defaultBackoffPolicy',
  'defaultRateLimits',
  'endpointMachine',
  'httpClientMachine',
  'managerMachine',
  'nextRandom',
  'poolMachine',
  'poolSlotMachine',
  'rateLimiterMachine',
  'reconnectLoop',
  'releaseChild',
  'sharedStateMachine',
  'sseMachine',
  'sseStatusOf',
  'statusOf',
  'webSocketMachine',
];

/** `statewire/redis` (optional peer: redis). */
const REDIS_EXPORTS = ['redisState'];

/** `statewire/testing`: the model-based testing kit and the fault-injecting servers. */
const TESTING_EXPORTS = [
  'FAULT_STATUS',
  'FaultSseServer',
  'FaultWebSocketServer',
  'FlakyHttpServer',
  'HttpCallCommand',
  'HttpRun',
  'SseCommand',
  'SseRun',
  'WebSocketCommand',
  'WebSocketRun',
  'afterDelays',
  'atLeastOnceModel',
  'describeHttpCall',
  'describeWebSocketAction',
  'edgeCoveringPaths',
  'expectedHttpOutcome',
  'formatCoverage',
  'formatSseEvent',
  'httpCallCommand',
  'httpProperty',
  'httpViolations',
  'idAck',
  'idAckDelivery',
  'initialWebSocketState',
  'isMachineOf',
  'loopStandIn',
  'performLoopStep',
  'planPath',
  'reconnectLoopEvents',
  'runHttpCalls',
  'runPath',
  'runWebSocketActions',
  'runWebSocketPath',
  'sseActionApplies',
  'sseCommands',
  'sseProperty',
  'sseViolations',
  'standInsFor',
  'stateIdsOf',
  'transitionCoverage',
  'transitionKey',
  'transitionsOf',
  'traversalOptions',
  'waitUntil',
  'webSocketCommands',
  'webSocketEventAction',
  'webSocketProperty',
  'webSocketViolations',
];

/** `statewire/inspect`: the local inspector and the diagrams. */
const INSPECT_EXPORTS = ['describeMachine', 'mermaidIds', 'startInspector', 'toDot', 'toMermaid'];

const printNames = `console.log(JSON.stringify({ root: Object.keys(s).sort(), machines: Object.keys(m).sort() }));`;

/** Every file under `dir` (recursive) whose name passes `keep`. */
function files(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name), keep) : keep(e.name) ? [join(dir, e.name)] : [],
  );
}

/** The names of class and interface members in `file`, each with whether its doc comment says `@internal`. */
function members(file: string): Array<{ name: string; internal: boolean }> {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: Array<{ name: string; internal: boolean }> = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isClassLike(node) || ts.isInterfaceDeclaration(node)) && node.members) {
      for (const member of node.members) {
        if (!member.name || !(ts.isIdentifier(member.name) || ts.isPrivateIdentifier(member.name) || ts.isStringLiteral(member.name))) continue;
        const comments = ts.getLeadingCommentRanges(text, member.getFullStart()) ?? [];
        const internal = comments.some((c) => text.slice(c.pos, c.end).includes('@internal'));
        out.push({ name: member.name.text, internal });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

describe('public API surface (dist/)', () => {
  it('the ESM entries export exactly the listed names', async () => {
    const { stdout } = await node([
      '--input-type=module',
      '-e',
      `const s = await import('statewire'); const m = await import('statewire/machines'); ${printNames}`,
    ]);
    expect(JSON.parse(stdout)).toEqual({ root: ROOT_EXPORTS, machines: MACHINES_EXPORTS });
  });

  it('the CJS entries export the same names', async () => {
    const { stdout } = await node(['-e', `const s = require('statewire'); const m = require('statewire/machines'); ${printNames}`]);
    expect(JSON.parse(stdout)).toEqual({ root: ROOT_EXPORTS, machines: MACHINES_EXPORTS });
  });

  it.each([
    ['statewire/redis', REDIS_EXPORTS],
    ['statewire/testing', TESTING_EXPORTS],
    ['statewire/inspect', INSPECT_EXPORTS],
  ])('%s exports exactly the listed names (ESM and CJS)', async (entry, names) => {
    const esm = await node(['--input-type=module', '-e', `const r = await import('${entry}'); console.log(JSON.stringify(Object.keys(r).sort()));`]);
    const cjs = await node(['-e', `console.log(JSON.stringify(Object.keys(require('${entry}')).sort()));`]);
    expect([JSON.parse(esm.stdout), JSON.parse(cjs.stdout)]).toEqual([names, names]);
  });

  it('no member marked @internal in the sources is in the published declarations', () => {
    const sources = [...files(join(root, 'src'), (n) => n.endsWith('.ts')), ...files(join(root, 'machines'), (n) => n.endsWith('.ts'))];
    const all = sources.flatMap(members);
    // Judged by name: a name that is public somewhere else (the `retryDelay` option, an event's `attempt`) cannot tell.
    const publicNames = new Set(all.filter((m) => !m.internal).map((m) => m.name));
    const internal = [...new Set(all.filter((m) => m.internal && !publicNames.has(m.name)).map((m) => m.name))].sort();
    // The scan finds what it must: the actor bodies and listeners the brief names.
    expect(internal).toEqual(expect.arrayContaining(['follow', 'handleEvent', 'runStream']));

    const declarations = files(join(root, 'dist'), (n) => /\.d\.c?ts$/.test(n)).filter((f) => !f.includes(`${join('dist', 'browser')}`));
    expect(declarations.map((f) => f.slice(root.length + 1)).sort()).toEqual(expect.arrayContaining(['dist/index.d.ts', 'dist/index.d.cts', 'dist/machines/index.d.ts']));
    const published = new Set(declarations.flatMap(members).map((m) => m.name));
    // The declarations do hold the clients' public members, so an empty intersection means something.
    for (const name of ['connect', 'send', 'receive', 'dispose', 'getStats']) expect(published.has(name), name).toBe(true);
    expect(internal.filter((name) => published.has(name))).toEqual([]);
  });

  it('the published declarations type-check for a consumer that does not skip lib checks', () => {
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: ['node'],
    };
    // The .d.cts files are the same declarations under CJS names: checking the .d.ts ones covers both.
    const entries = ['index', 'machines/index', 'redis/index', 'testing/index', 'inspect/index'].map((f) => join(root, `dist/${f}.d.ts`));
    const program = ts.createProgram(entries, options);
    const inDist = (d: ts.Diagnostic) => d.file === undefined || d.file.fileName.includes('/dist/');
    const messages = [...program.getOptionsDiagnostics(), ...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics()]
      .filter(inDist)
      .map((d) => `${d.file ? `${d.file.fileName.slice(root.length + 1)}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(messages).toEqual([]);
  }, 120_000);
});

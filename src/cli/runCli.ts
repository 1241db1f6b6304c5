import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { toDot } from '../inspect/diagram/toDot.js';
import { toMermaid } from '../inspect/diagram/toMermaid.js';
import { findMachine, machineRegistry } from './machineRegistry.js';

/** Where the command writes; a test passes its own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Exit codes: 0 done, 2 a usage error (unknown command, machine, format or option). */
export const USAGE_ERROR = 2;

const FORMATS = { mermaid: toMermaid, dot: toDot } as const;
type Format = keyof typeof FORMATS;

const machineList = () => machineRegistry.map((m) => `  ${m.shortName.padEnd(16)} ${m.exportName}`).join('\n');

/** The `--help` text. */
export function usage(): string {
  return `Usage: statewire diagram <machine> [--format mermaid|dot] [--active <state id>[,<state id>…]]

Prints a statewire machine's statechart, drawn from its definition (eventless "always" and
delayed "after" transitions included): Mermaid stateDiagram-v2 (default) or Graphviz DOT.

Options:
  -f, --format <format>   mermaid (default) or dot
  -a, --active <ids>      state node ids to highlight, comma-separated (e.g. circuitBreaker.OPEN)
  -h, --help              this text
  -v, --version           the statewire version

Machines (short name, export name of statewire/machines, or machine id):
${machineList()}

Examples:
  npx statewire diagram circuitBreaker
  npx statewire diagram webSocketMachine --format dot | dot -Tsvg > websocket.svg
`;
}

function fail(io: CliIo, message: string): number {
  io.stderr(`statewire: ${message}\nRun "statewire --help" for usage.\n`);
  return USAGE_ERROR;
}

/**
 * Runs the `statewire` command on `argv` (the arguments after the program name) and
 * returns its exit code. Never throws: bad input is a message on stderr and exit code 2.
 *
 * @example
 * ```ts
 * const code = runCli(['diagram', 'circuitBreaker', '--format', 'dot'], { stdout: console.log, stderr: console.error });
 * ```
 */
export function runCli(argv: readonly string[], io: CliIo): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        active: { type: 'string', short: 'a' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    // Node's own message for `--fromat` talks about positionals after `--`: name the option and the valid ones instead.
    const unknown = /Unknown option '([^']+)'/.exec((error as Error).message)?.[1];
    return fail(io, unknown === undefined ? (error as Error).message : `unknown option "${unknown}"; options: --format, --active, --help, --version`);
  }
  const { values, positionals } = parsed;
  const [command, name, ...extra] = positionals;
  if (values.version) {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }
  if (values.help || command === 'help') {
    io.stdout(usage());
    return 0;
  }
  if (command === undefined) return fail(io, 'missing command; the one command is "diagram"');
  if (command !== 'diagram') return fail(io, `unknown command "${command}"; the one command is "diagram"`);
  if (name === undefined) return fail(io, `missing machine name; valid machines:\n${machineList()}`);
  if (extra.length > 0) return fail(io, `unexpected argument "${extra[0]}"`);
  const entry = findMachine(name);
  if (!entry) return fail(io, `unknown machine "${name}"; valid machines:\n${machineList()}`);
  const format = values.format ?? 'mermaid';
  if (!Object.hasOwn(FORMATS, format)) return fail(io, `unknown format "${format}"; valid formats: ${Object.keys(FORMATS).join(', ')}`);
  const active = values.active === undefined ? [] : values.active.split(',').map((s) => s.trim()).filter((s) => s !== '');
  try {
    io.stdout(FORMATS[format as Format](entry.machine, { active }));
  } catch (error) {
    // A bad --active id: the ConfigError names it.
    return fail(io, (error as Error).message);
  }
  return 0;
}

/** The installed package's version (src/cli/ and dist/cli/ both sit two folders under package.json). */
function packageVersion(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}

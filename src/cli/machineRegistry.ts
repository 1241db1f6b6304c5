import type { AnyStateMachine } from 'xstate';
import * as machines from '../../machines/index.js';

/** A machine the `statewire` command can draw. */
export interface RegisteredMachine {
  /** Its export name in `statewire/machines` (`circuitBreakerMachine`). */
  exportName: string;
  /** The export name without its `Machine` suffix (`circuitBreaker`); `reconnectLoop` stays itself. */
  shortName: string;
  machine: AnyStateMachine;
}

const isMachine = (value: unknown): value is AnyStateMachine =>
  typeof value === 'object' && value !== null && 'root' in value && typeof (value as { getStateNodeById?: unknown }).getStateNodeById === 'function';

/**
 * Every machine `statewire/machines` exports, found by what it is (a state machine),
 * not listed by hand: a machine added there is drawable at once. Sorted by export name:
 * a module namespace's key order differs between loaders (Node sorts it, a bundler's
 * interop object may not), and the README's diagrams must come out the same everywhere.
 */
export const machineRegistry: readonly RegisteredMachine[] = Object.entries(machines)
  .filter((entry): entry is [string, AnyStateMachine] => isMachine(entry[1]))
  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  .map(([exportName, machine]) => ({ exportName, shortName: exportName.replace(/Machine$/, ''), machine }));

/**
 * The machine called `name`: its export name or short name, exactly, else ignoring case,
 * else its machine id (`http`, `connectionManager`); undefined when none is.
 */
export function findMachine(name: string): RegisteredMachine | undefined {
  const lower = name.toLowerCase();
  return (
    machineRegistry.find((m) => m.exportName === name || m.shortName === name) ??
    machineRegistry.find((m) => m.exportName.toLowerCase() === lower || m.shortName.toLowerCase() === lower) ??
    machineRegistry.find((m) => m.machine.id === name)
  );
}

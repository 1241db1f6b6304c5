/**
 * The manager's bookkeeping of its connections, as pure functions over the
 * `connections` list of its context (in the order they joined): joining,
 * leaving, status changes and failover. Each returns a new list (the old one is
 * left as it was) and the events to emit. A list, not a record keyed by name:
 * copying 10,000 array slots takes microseconds, copying a 10,000-key object
 * milliseconds, and every change copies it.
 */

/** A connection's health as the manager sees it (the seed's `ConnectionHealth` values). */
export type ManagedHealth = 'healthy' | 'degraded' | 'unhealthy' | 'unknown';

/** One connection in the manager's context. */
export interface ManagedEntry {
  /** Its name under the manager (unique). */
  name: string;
  /** `http`, `websocket`, `sse` (the connection's `connectionType`). */
  type: string;
  /** The connection's own status word (`idle`, `waiting`, `closed`, `connected`, …). */
  status: string;
  health: ManagedHealth;
  /** The name of this connection's backup, or null. */
  fallback: string | null;
  /** For a backup: the name of the connection it stands in for, or null. */
  fallbackFor: string | null;
  /** Whether the backup serves this name now (the primary is down). */
  usingFallback: boolean;
}

/** A status and health a connection reported. */
export interface ConnectionChange {
  name: string;
  status: string;
  health: string;
}

/** What the manager's machine emits. */
export type ManagerEmitted =
  | { type: 'failover'; name: string; to: string; health: ManagedHealth }
  | { type: 'failback'; name: string; from: string };

const HEALTHS: readonly string[] = ['healthy', 'degraded', 'unhealthy', 'unknown'];

/** A reported health, `unknown` when it is none of the four. */
function healthOf(value: string): ManagedHealth {
  return HEALTHS.includes(value) ? (value as ManagedHealth) : 'unknown';
}

/**
 * Whether a connection with this health is down, so its backup serves: waiting
 * to reconnect (`degraded`), given up or its breaker open (`unhealthy`). A
 * closed or fresh connection (`unknown`) is not down: nobody asked it to be up.
 *
 * @example
 * ```ts
 * isDown('degraded'); // true
 * isDown('unknown');  // false
 * ```
 */
export function isDown(health: ManagedHealth): boolean {
  return health === 'degraded' || health === 'unhealthy';
}

type Entries = readonly ManagedEntry[];

/** Where each name is in `list` (made once per batch of more than a few names). */
function finder(list: Entries, many: boolean): (name: string) => number {
  if (!many) return (name) => list.findIndex((e) => e.name === name);
  const at = new Map<string, number>();
  list.forEach((e, i) => at.set(e.name, i));
  return (name) => at.get(name) ?? -1;
}

/**
 * Switches the entry at `index` to its backup or back, as its health says; the
 * event, if any. A backup that is down itself is not switched to (it would
 * serve no better); once it is up again, a primary still down fails over.
 */
function settle(list: ManagedEntry[], index: number, find: (name: string) => number): ManagerEmitted | undefined {
  const entry = list[index]!;
  const fallback = entry.fallback;
  if (fallback === null) return undefined;
  const backup = list[find(fallback)];
  if (!entry.usingFallback && isDown(entry.health) && backup !== undefined && !isDown(backup.health)) {
    list[index] = { ...entry, usingFallback: true };
    return { type: 'failover', name: entry.name, to: fallback, health: entry.health };
  }
  if (entry.usingFallback && entry.health === 'healthy') {
    list[index] = { ...entry, usingFallback: false };
    return { type: 'failback', name: entry.name, from: fallback };
  }
  return undefined;
}

/** A connection that joins: its name, type, status and health, and the name of its backup. */
export interface AddedConnection {
  name: string;
  connectionType: string;
  status: string;
  health: string;
  fallback?: string | null;
}

const MANY = 8;

/**
 * Adds connections at the end, in order (a name already there is skipped). A
 * `fallback`, when given, must be a connection already there (or added earlier
 * in the same list) that backs nobody else and has no backup of its own;
 * otherwise it is ignored. A primary that joins already down is failed over at once.
 *
 * @example
 * ```ts
 * applyAdded([], [{ name: 'api', connectionType: 'http', status: 'closed', health: 'unknown' }]).connections[0].usingFallback; // false
 * ```
 */
export function applyAdded(connections: Entries, added: readonly AddedConnection[]): { connections: ManagedEntry[]; emitted: ManagerEmitted[] } {
  const next = connections.slice();
  const at = new Map<string, number>();
  next.forEach((e, i) => at.set(e.name, i));
  const emitted: ManagerEmitted[] = [];
  for (const one of added) {
    if (at.has(one.name)) continue;
    const backupAt = one.fallback == null ? undefined : at.get(one.fallback);
    const backup = backupAt === undefined ? undefined : next[backupAt]!;
    const usable = backup !== undefined && backup.fallbackFor === null && backup.fallback === null;
    const fallback = usable ? backup.name : null;
    const index = next.length;
    next.push({ name: one.name, type: one.connectionType, status: one.status, health: healthOf(one.health), fallback, fallbackFor: null, usingFallback: false });
    at.set(one.name, index);
    if (usable) next[backupAt!] = { ...backup, fallbackFor: one.name };
    const event = settle(next, index, (name) => at.get(name) ?? -1);
    if (event !== undefined) emitted.push(event);
  }
  return { connections: next, emitted };
}

/**
 * Removes connections (unknown names are skipped). A backup that leaves leaves
 * its primary without one (served by itself again); a primary that leaves
 * frees its backup.
 *
 * @example
 * ```ts
 * applyRemoved(connections, ['api']); // a new list without 'api'
 * ```
 */
export function applyRemoved(connections: Entries, names: readonly string[]): ManagedEntry[] {
  const leaving = new Set(names);
  const freed = new Map<string, 'primary' | 'backup'>();
  for (const e of connections) {
    if (!leaving.has(e.name)) continue;
    if (e.fallbackFor !== null) freed.set(e.fallbackFor, 'primary');
    if (e.fallback !== null) freed.set(e.fallback, 'backup');
  }
  const next: ManagedEntry[] = [];
  for (const e of connections) {
    if (leaving.has(e.name)) continue;
    const role = freed.get(e.name);
    if (role === 'primary') next.push({ ...e, fallback: null, usingFallback: false });
    else if (role === 'backup') next.push({ ...e, fallbackFor: null });
    else next.push(e);
  }
  return next;
}

/**
 * Applies reported changes (unknown names are skipped; the last report of a
 * name wins), then fails over every primary that went down and fails back every
 * one that is healthy again.
 *
 * @example
 * ```ts
 * const { connections, emitted } = applyChanges(before, [{ name: 'api', status: 'waiting', health: 'degraded' }]);
 * emitted; // [{ type: 'failover', name: 'api', to: 'api.fallback', health: 'degraded' }] when 'api' has that backup
 * ```
 */
export function applyChanges(connections: Entries, changes: readonly ConnectionChange[]): { connections: ManagedEntry[]; emitted: ManagerEmitted[] } {
  const next = connections.slice();
  const find = finder(next, changes.length > MANY);
  const touched = new Set<number>();
  for (const change of changes) {
    const index = find(change.name);
    if (index < 0) continue;
    next[index] = { ...next[index]!, status: change.status, health: healthOf(change.health) };
    touched.add(index);
  }
  // A backup whose health changed may now take over its primary: settle that primary too.
  for (const index of [...touched]) {
    const primary = next[index]!.fallbackFor;
    if (primary !== null && primary !== undefined) {
      const at = find(primary);
      if (at >= 0) touched.add(at);
    }
  }
  const emitted: ManagerEmitted[] = [];
  for (const index of touched) {
    const event = settle(next, index, find);
    if (event !== undefined) emitted.push(event);
  }
  return { connections: next, emitted };
}

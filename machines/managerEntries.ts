/**
 * The manager's bookkeeping of its connections, as pure functions over the
 * `connections` record of its context: joining, leaving, status changes and
 * failover. Each returns a new record (the old one is left as it was) and the
 * events to emit.
 */

/** A connection's health as the manager sees it (the seed's `ConnectionHealth` values). */
export type ManagedHealth = 'healthy' | 'degraded' | 'unhealthy' | 'unknown';

/** One connection in the manager's context. */
export interface ManagedEntry {
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

/** Switches `name` to its backup or back, as its health says; the event, if any. */
function settle(connections: Record<string, ManagedEntry>, name: string): ManagerEmitted | undefined {
  const entry = connections[name]!;
  const fallback = entry.fallback;
  if (fallback === null) return undefined;
  if (!entry.usingFallback && isDown(entry.health)) {
    connections[name] = { ...entry, usingFallback: true };
    return { type: 'failover', name, to: fallback, health: entry.health };
  }
  if (entry.usingFallback && entry.health === 'healthy') {
    connections[name] = { ...entry, usingFallback: false };
    return { type: 'failback', name, from: fallback };
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

/**
 * Adds connections, in order (a name already there is skipped). A `fallback`,
 * when given, must be a connection already there (or added earlier in the same
 * list) that backs nobody else and has no backup of its own; otherwise it is
 * ignored. A primary that joins already down is failed over at once.
 *
 * @example
 * ```ts
 * applyAdded({}, [{ name: 'api', connectionType: 'http', status: 'closed', health: 'unknown' }]).connections.api.usingFallback; // false
 * ```
 */
export function applyAdded(
  connections: Record<string, ManagedEntry>,
  added: readonly AddedConnection[],
): { connections: Record<string, ManagedEntry>; emitted: ManagerEmitted[] } {
  const next = { ...connections };
  const emitted: ManagerEmitted[] = [];
  for (const one of added) {
    if (Object.hasOwn(next, one.name)) continue;
    const backup = one.fallback == null ? undefined : next[one.fallback];
    const usable = backup !== undefined && backup.fallbackFor === null && backup.fallback === null;
    const fallback = usable ? one.fallback! : null;
    next[one.name] = { type: one.connectionType, status: one.status, health: healthOf(one.health), fallback, fallbackFor: null, usingFallback: false };
    if (fallback !== null) next[fallback] = { ...backup!, fallbackFor: one.name };
    const event = settle(next, one.name);
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
 * applyRemoved(connections, ['api']); // a new record without 'api'
 * ```
 */
export function applyRemoved(connections: Record<string, ManagedEntry>, names: readonly string[]): Record<string, ManagedEntry> {
  const next = { ...connections };
  for (const name of names) {
    const entry = next[name];
    if (entry === undefined) continue;
    delete next[name];
    if (entry.fallbackFor !== null) next[entry.fallbackFor] = { ...next[entry.fallbackFor]!, fallback: null, usingFallback: false };
    if (entry.fallback !== null) next[entry.fallback] = { ...next[entry.fallback]!, fallbackFor: null };
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
export function applyChanges(
  connections: Record<string, ManagedEntry>,
  changes: readonly ConnectionChange[],
): { connections: Record<string, ManagedEntry>; emitted: ManagerEmitted[] } {
  const next = { ...connections };
  const touched = new Set<string>();
  for (const change of changes) {
    const entry = next[change.name];
    if (entry === undefined) continue;
    next[change.name] = { ...entry, status: change.status, health: healthOf(change.health) };
    touched.add(change.name);
  }
  const emitted: ManagerEmitted[] = [];
  for (const name of touched) {
    const event = settle(next, name);
    if (event !== undefined) emitted.push(event);
  }
  return { connections: next, emitted };
}

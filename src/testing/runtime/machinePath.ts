/**
 * A path through a machine, structurally: what `edgeCoveringPaths` (and
 * `xstate/graph`'s `getShortestPaths` / `getSimplePaths`) produce. Only the
 * event types (and payloads) of the steps are read.
 */
export interface MachinePath {
  steps: ReadonlyArray<{ event: { type: string; [key: string]: unknown } }>;
}

/** How a path's steps became actions: the actions run, and the event types no action stands for. */
export interface PathPlan<A> {
  actions: A[];
  skipped: string[];
}

/**
 * Turns each step's event into zero or more actions with `map` (undefined: the
 * event has no counterpart in the real world the test drives, e.g. an internal
 * timer; it is listed in `skipped`).
 */
export function planPath<A>(path: MachinePath, map: (event: { type: string; [key: string]: unknown }) => A | A[] | undefined): PathPlan<A> {
  const actions: A[] = [];
  const skipped: string[] = [];
  for (const { event } of path.steps) {
    const mapped = map(event);
    if (mapped === undefined) skipped.push(event.type);
    else actions.push(...(Array.isArray(mapped) ? mapped : [mapped]));
  }
  return { actions, skipped };
}

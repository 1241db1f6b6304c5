/**
 * How much of a machine a set of paths or a run covered: counts, and what is missing by name.
 *
 * @example
 * ```ts
 * const states: CoverageCount = coverage.report().states; // { covered: 2, total: 3, missing: ['circuitBreaker.HALF_OPEN'] }
 * ```
 */
export interface CoverageCount {
  covered: number;
  total: number;
  /** State ids (`machine.state.child`) or transition names (`<source id> --<event>#<branch>`) not covered. */
  missing: string[];
}

/**
 * State and transition coverage of one machine.
 *
 * @example
 * ```ts
 * const report: CoverageReport = edgeCoveringPaths(sseMachine).report;
 * ```
 */
export interface CoverageReport {
  states: CoverageCount;
  transitions: CoverageCount;
}

/**
 * One line for a log: `name: states 3/3, transitions 14/15, missing circuitBreaker.OPEN --RESUME#0`.
 *
 * @example
 * ```ts
 * console.log(formatCoverage('circuitBreaker', edgeCoveringPaths(circuitBreakerMachine).report));
 * ```
 */
export function formatCoverage(name: string, report: CoverageReport): string {
  const { states, transitions } = report;
  const missing = [...states.missing, ...transitions.missing];
  return `${name}: states ${states.covered}/${states.total}, transitions ${transitions.covered}/${transitions.total}${missing.length ? `, missing ${missing.join(', ')}` : ''}`;
}

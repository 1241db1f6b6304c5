/**
 * `npm run bench`: statewire's breaker + rate limiter hot path side by side with
 * cockatiel 3 and opossum 9, in one process, printed to stdout only.
 *
 * Each tinybench sample runs a batch of calls (see bench/resilience.ts); the
 * figures below are per call: mean ns, calls/s, and ratios against the
 * statewire sync hot path and the statewire async `execute` path.
 */
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { Bench } from 'tinybench';
import { createSubjects, sink, ASYNC_BATCH, SYNC_BATCH, type Case, type Group } from './resilience.js';

const TARGET_NS = 1000;
const SYNC_NAME = 'statewire sync: admit+take+success';
const ASYNC_NAME = 'statewire async: await execute(check)';

interface Row {
  name: string;
  group: Group;
  nsPerCall: number;
  opsPerSec: number;
  rmePct: number;
  samples: number;
}

function versionOf(pkg: string): string {
  try {
    // Read the file directly: some packages (tinybench) do not export ./package.json.
    const url = new URL(`../node_modules/${pkg}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

function fmtNs(ns: number): string {
  return ns >= 100 ? ns.toFixed(0) : ns >= 10 ? ns.toFixed(1) : ns.toFixed(2);
}

function fmtOps(ops: number): string {
  if (ops >= 1e6) return `${(ops / 1e6).toFixed(2)} M`;
  if (ops >= 1e3) return `${(ops / 1e3).toFixed(1)} k`;
  return ops.toFixed(0);
}

function fmtRatio(x: number): string {
  return `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}x`;
}

function printTable(headers: string[], rows: string[][], rightAlign: boolean[]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (rightAlign[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ');
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
}

async function main(): Promise<void> {
  const started = performance.now();
  const { cases, checks, dispose } = createSubjects();

  try {
    const bench = new Bench({ time: 1000, warmupTime: 200, warmupIterations: 16, iterations: 16 });
    const byName = new Map<string, Case>();
    for (const c of cases) {
      byName.set(c.name, c);
      bench.add(c.name, c.fn);
    }
    await bench.run();

    const rows: Row[] = [];
    for (const task of bench.tasks) {
      const c = byName.get(task.name)!;
      const r = task.result;
      if (!r || r.error) throw new Error(`task "${task.name}" failed: ${String(r?.error ?? 'no result')}`);
      // latency.mean is ms per sample (one batch); a sample is `batch` calls.
      const nsPerCall = (r.latency.mean * 1e6) / c.batch;
      rows.push({
        name: task.name,
        group: c.group,
        nsPerCall,
        opsPerSec: 1e9 / nsPerCall,
        rmePct: r.latency.rme,
        samples: r.latency.samples.length,
      });
    }

    const ref = (name: string) => rows.find((r) => r.name === name)!.nsPerCall;
    const syncNs = ref(SYNC_NAME);
    const asyncNs = ref(ASYNC_NAME);

    const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
    console.log(
      `\nstatewire resilience bench: node ${process.version}, ${cpu} | tinybench ${versionOf('tinybench')}, ` +
        `xstate ${versionOf('xstate')}, cockatiel ${versionOf('cockatiel')}, opossum ${versionOf('opossum')}`,
    );
    console.log(
      `time 1000 ms + warmup 200 ms per task; ${SYNC_BATCH} calls/sample (sync), ${ASYNC_BATCH} awaited calls/sample (async); ` +
        `figures are per call\n`,
    );

    const headers = ['task', 'ns/call', 'calls/s', '±rme', 'samples', 'vs sw sync', 'vs sw async'];
    const align = [false, true, true, true, true, true, true];
    const render = (r: Row) => [
      r.name,
      fmtNs(r.nsPerCall),
      fmtOps(r.opsPerSec),
      `${r.rmePct.toFixed(1)}%`,
      String(r.samples),
      fmtRatio(r.nsPerCall / syncNs),
      fmtRatio(r.nsPerCall / asyncNs),
    ];
    printTable(headers, rows.filter((r) => r.group === 'headline').map(render), align);

    console.log('\none-to-one and variants:\n');
    printTable(headers, rows.filter((r) => r.group === 'variant').map(render), align);

    console.log('\nbreakdown of the statewire sync path (separate instances, same config):\n');
    printTable(headers, rows.filter((r) => r.group === 'breakdown').map(render), align);

    const problems = checks();
    console.log(
      problems.length === 0
        ? '\nsanity: no rejection, rate limiting, trip, failure or timeout in any subject'
        : `\nsanity PROBLEMS (numbers above may time an unhappy path):\n  ${problems.join('\n  ')}`,
    );

    const us = syncNs / 1000;
    const pass = syncNs < TARGET_NS;
    console.log(
      `statewire admit+take+report: ${us.toFixed(3)} µs/call (target < ${TARGET_NS / 1000} µs): ${pass ? 'PASS' : 'FAIL'}`,
    );
    console.log(`(run took ${((performance.now() - started) / 1000).toFixed(1)} s; sink ${sink > 0 ? 'ok' : sink})`);
    if (!pass || problems.length > 0) process.exitCode = 1;
  } finally {
    dispose();
  }
}

await main();

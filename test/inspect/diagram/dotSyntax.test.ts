/**
 * Every DOT diagram is valid DOT and means what it should: parsed by a strict parser of the
 * DOT grammar (parseDot.ts), then checked the way Graphviz would read it: a digraph with
 * `->` edges only, every node declared once, every edge between declared nodes, only known
 * attributes, `lhead` / `ltail` naming a cluster that holds that end of the edge and not the
 * other, cluster names unique. When `@viz-js/viz` (Graphviz compiled to WebAssembly) is
 * installed, Graphviz renders each diagram too, without errors or warnings.
 */
import { createMachine, StateMachine, type AnyStateMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import * as machines from '../../../machines/index.js';
import { toDot } from '../../../src/inspect/index.js';
import { allStates, describeMachine } from '../../../src/inspect/diagram/describeMachine.js';
import { handMachine } from './handMachine.js';
import { parseDot, type DotTree } from './parseDot.js';

const odd = createMachine({ id: 'o"dd', initial: 'a\\b', states: { 'a\\b': { on: { 'say "hi"\n': 'c' } }, c: {} } });
const cases: Array<[string, AnyStateMachine]> = [
  ...Object.entries(machines).filter((e): e is [string, AnyStateMachine] => e[1] instanceof StateMachine),
  ['handMachine', handMachine],
  ['odd', odd],
];

const KNOWN = new Set(['label', 'style', 'shape', 'width', 'peripheries', 'fillcolor', 'class', 'lhead', 'ltail', 'compound', 'fontname', 'fontsize', 'color', 'penwidth']);
const STYLES = new Set(['solid', 'dashed', 'rounded', 'filled', 'bold', 'invis']);

/** The problems Graphviz would have with the tree (empty when none). */
function problems(tree: DotTree): string[] {
  const out: string[] = [];
  if (!tree.directed) out.push('not a digraph');
  const declared = new Map<string, string>();
  for (const n of tree.nodes) {
    if (declared.has(n.id)) out.push(`node ${n.id} declared twice`);
    declared.set(n.id, n.graph);
  }
  const clusters = new Map(tree.graphs.map((g) => [g.name, g]));
  if (clusters.size !== tree.graphs.length) out.push('a subgraph name used twice');
  const inCluster = (node: string, cluster: string) => {
    for (let g: string | undefined = declared.get(node); g !== undefined; g = clusters.get(g)?.parent) if (g === cluster) return true;
    return false;
  };
  const check = (attrs: Record<string, string>, where: string) => {
    for (const [key, value] of Object.entries(attrs)) {
      if (!KNOWN.has(key)) out.push(`${where}: unknown attribute ${key}`);
      if (key === 'style') for (const s of value.split(',')) if (!STYLES.has(s)) out.push(`${where}: unknown style ${s}`);
    }
  };
  for (const g of tree.graphs) {
    check(g.attrs, `graph ${g.name}`);
    if (g.parent !== undefined && !g.name.startsWith('cluster_')) out.push(`subgraph ${g.name} is not a cluster`);
  }
  for (const n of tree.nodes) check(n.attrs, `node ${n.id}`);
  for (const e of tree.edges) {
    const where = `edge ${e.from} -> ${e.to}`;
    if (e.op !== '->') out.push(`${where}: undirected`);
    for (const end of [e.from, e.to]) if (!declared.has(end)) out.push(`${where}: ${end} is not declared`);
    check(e.attrs, where);
    if (e.attrs.lhead !== undefined && (!clusters.has(e.attrs.lhead) || !inCluster(e.to, e.attrs.lhead) || inCluster(e.from, e.attrs.lhead))) out.push(`${where}: bad lhead ${e.attrs.lhead}`);
    if (e.attrs.ltail !== undefined && (!clusters.has(e.attrs.ltail) || !inCluster(e.from, e.attrs.ltail) || inCluster(e.to, e.attrs.ltail))) out.push(`${where}: bad ltail ${e.attrs.ltail}`);
  }
  return out;
}

describe('the DOT checker', () => {
  it('refuses what is not DOT, and what Graphviz would misread', () => {
    expect(() => parseDot('digraph { a -> }')).toThrow(/expected an ID/);
    expect(() => parseDot('digraph { "a -> b }')).toThrow(/unterminated string/);
    expect(() => parseDot('digraph { a -> b [label=] }')).toThrow(/expected an ID/);
    expect(() => parseDot('digraph { subgraph x { a }')).toThrow(/expected "}"/);
    expect(problems(parseDot('digraph { a; a -> b; }'))).toEqual(['edge a -> b: b is not declared']);
    expect(problems(parseDot('digraph { subgraph cluster_x { a; } b; a -> b [lhead="cluster_x"]; }'))).toEqual(['edge a -> b: bad lhead cluster_x']);
    expect(problems(parseDot('digraph { a [colour=red]; }'))).toEqual(['node a: unknown attribute colour']);
  });
});

describe.each(cases)('toDot(%s)', (_name, machine) => {
  const dot = toDot(machine, { active: [allStates(describeMachine(machine).root).at(-1)!.id] });

  it('is valid DOT that Graphviz reads as meant', () => {
    const tree = parseDot(dot);
    expect(problems(tree)).toEqual([]);
    expect(tree.name).toBe(machine.id);
    // Every state is a node, every transition an edge (initial arrows and history defaults besides).
    const diagram = describeMachine(machine);
    const ids = new Set(tree.nodes.map((n) => n.id));
    // Inside a quoted DOT ID only \" is an escape: other backslashes stay as written.
    const dotText = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
    for (const s of allStates(diagram.root)) expect(ids.has(dotText(s.id)), s.id).toBe(true);
    const labelled = tree.edges.filter((e) => e.attrs.label !== undefined && e.attrs.label !== 'default').map((e) => e.attrs.label!);
    expect(labelled.sort()).toEqual(diagram.edges.map((e) => dotText(e.label)).sort());
  });
});

// Graphviz itself, when its WebAssembly build is installed (`npm i -D @viz-js/viz`).
const vizModule = '@viz-js/viz';
const viz = await import(/* @vite-ignore */ vizModule).catch(() => undefined) as { instance(): Promise<{ render(dot: string, o: object): { status: string; errors: { level: string; message: string }[] } }> } | undefined;
if (!viz) console.warn('dotSyntax.test.ts: @viz-js/viz not installed, so Graphviz does not render the DOT diagrams (the strict parse above still runs)');

describe.runIf(viz !== undefined)('Graphviz (@viz-js/viz) renders every DOT diagram', () => {
  it.each(cases)('%s', async (_name, machine) => {
    const graphviz = await viz!.instance();
    const result = graphviz.render(toDot(machine), { format: 'svg' });
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('success');
  });
});

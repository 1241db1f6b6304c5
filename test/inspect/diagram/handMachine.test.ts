/**
 * toMermaid / toDot on a small hand-written machine (handMachine.ts): the exact arrows,
 * ids, notes and highlight, written out here by hand from the machine's definition.
 */
import { createMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { describeMachine, mermaidIds, toDot, toMermaid } from '../../../src/inspect/index.js';
import { handMachine } from './handMachine.js';

const arrows = (mermaid: string) => mermaid.split('\n').filter((l) => l.includes('-->')).map((l) => l.trim());
const dotEdges = (dot: string) => dot.split('\n').filter((l) => l.includes(' -> ')).map((l) => l.trim());

describe('toMermaid on a hand-written machine', () => {
  const mermaid = toMermaid(handMachine);

  it('draws exactly the arrows of the definition: initial, final, history default, events, always, after, invoke, reentry', () => {
    expect(arrows(mermaid)).toEqual([
      // inside the boxes: initial states, the history default, the final state
      '[*] --> state_a',
      'state_hist --> state_a : default',
      '[*] --> par_left_x',
      '[*] --> par_right_z',
      '[*] --> a_b_c',
      '[*] --> a_b_c_2',
      '[*] --> s_end',
      'done --> [*]',
      // the transitions, in definition order
      's_end --> s_state : GO',
      's_end --> my_state : after 500ms',
      'my_state --> s_state : always [ready]',
      'my_state --> s_end : always [else]',
      's_state__any --> state_b : BACK',
      's_state__any --> state_a : RESET (reenter)',
      's_state --> done : onDone(fetcher)',
      's_state --> s_end : onError(fetcher)',
      'state_a --> state_b : after patience [late]',
      'state_b --> state_a : GO (reenter)',
      'state_b --> state_b : TICK (reenter)<br/>FLIP (reenter)',
      'par --> a_b_c : GO',
      'par_left_x --> par_left_y : FLIP',
      'a_b_c --> a_b_c_2 : GO',
      'a_b_c_2 --> state_hist : BACK',
      'a_b_c_2 --> par : RESET',
    ]);
  });

  it('sanitises ids: reserved words prefixed, hyphens and dots replaced, a clash settled in document order', () => {
    const ids = mermaidIds(describeMachine(handMachine));
    expect(ids.get('hand.end')).toBe('s_end');
    expect(ids.get('hand.state')).toBe('s_state');
    expect(ids.get('hand.my-state')).toBe('my_state');
    expect(ids.get('hand.a.b_c')).toBe('a_b_c');
    expect(ids.get('hand.a_b.c')).toBe('a_b_c_2');
    const all = [...ids.values()];
    expect(new Set(all).size).toBe(all.length);
    for (const id of all) expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
    // The state's own name stays its label.
    expect(mermaid).toContain('state "end" as s_end');
    expect(mermaid).toContain('state "my-state" as my_state');
  });

  it('writes targetless transitions and invoked actors on the state, a composite\'s on its "(any state)" node', () => {
    expect(mermaid).toContain('s_end : TICK');
    expect(mermaid).toContain('hand__any : PING');
    expect(mermaid).toContain('s_state__any : invoke fetcher');
    expect(mermaid).toContain('s_state__any : TICK');
    expect(mermaid).toContain('par_right__any : invoke inline');
    expect(mermaid).toContain('class hand__any,s_state__any,par_right__any anyState');
  });

  it('draws nesting, parallel regions and the deep history state', () => {
    expect(mermaid).toContain('  state s_state {\n      state "(any state)" as s_state__any');
    expect(mermaid).toContain('state "H*" as state_hist');
    // The parallel state's two regions, separated by `--`.
    expect(mermaid).toMatch(/state par \{\n\s+state "left" as par_left\n[\s\S]*?\n\s+--\n\s+state "right" as par_right\n/);
  });

  it('highlights active states: atomic ones filled (active), composites outlined (activeComposite); nothing without `active`', () => {
    expect(mermaid).not.toMatch(/^\s*class .* (active|activeComposite)$/m);
    const lit = toMermaid(handMachine, { active: ['hand', 'hand.state', 'hand.state.b'] });
    expect(lit).toMatch(/^\s*class hand,s_state activeComposite\n\s*class state_b active\n$/m);
    expect(lit).toContain('classDef active fill:');
    expect(lit).toMatch(/classDef activeComposite (?!.*fill)/);
  });

  it('refuses an active id the machine does not have, naming it', () => {
    expect(() => toMermaid(handMachine, { active: ['hand.nope'] })).toThrow(ConfigError);
    expect(() => toMermaid(handMachine, { active: ['hand.nope'] })).toThrow(/"active".*"hand\.nope"/);
    expect(() => toDot(handMachine, { active: ['b'] })).toThrow(/"active".*"b"/);
  });

  it('is deterministic: the same definition gives the same text', () => {
    expect(toMermaid(handMachine)).toBe(mermaid);
    expect(toDot(handMachine)).toBe(toDot(handMachine));
  });
});

describe('toDot on a hand-written machine', () => {
  const dot = toDot(handMachine, { active: ['hand.par', 'hand.par.left', 'hand.par.left.x'] });

  it('draws exactly the edges of the definition, clipped at composite boxes', () => {
    expect(dotEdges(dot)).toEqual([
      '"hand.state" -> "hand.state.a";',
      '"hand.state.hist" -> "hand.state.a" [style=dashed, label="default"];',
      '"hand.par.left" -> "hand.par.left.x";',
      '"hand.par.right" -> "hand.par.right.z";',
      '"hand.a" -> "hand.a.b_c";',
      '"hand.a_b" -> "hand.a_b.c";',
      '"hand" -> "hand.end";',
      '"hand.end" -> "hand.state" [label="GO", lhead="cluster_hand.state"];',
      '"hand.end" -> "hand.my-state" [label="after 500ms"];',
      '"hand.my-state" -> "hand.state" [label="always [ready]", lhead="cluster_hand.state", style=dashed];',
      '"hand.my-state" -> "hand.end" [label="always [else]", style=dashed];',
      '"hand.state (any state)" -> "hand.state.b" [label="BACK"];',
      '"hand.state (any state)" -> "hand.state.a" [label="RESET (reenter)"];',
      '"hand.state" -> "hand.done" [label="onDone(fetcher)", ltail="cluster_hand.state"];',
      '"hand.state" -> "hand.end" [label="onError(fetcher)", ltail="cluster_hand.state"];',
      '"hand.state.a" -> "hand.state.b" [label="after patience [late]"];',
      '"hand.state.b" -> "hand.state.a" [label="GO (reenter)"];',
      '"hand.state.b" -> "hand.state.b" [label="TICK (reenter)"];',
      '"hand.state.b" -> "hand.state.b" [label="FLIP (reenter)"];',
      '"hand.par" -> "hand.a.b_c" [label="GO", ltail="cluster_hand.par"];',
      '"hand.par.left.x" -> "hand.par.left.y" [label="FLIP"];',
      '"hand.a.b_c" -> "hand.a_b.c" [label="GO"];',
      '"hand.a_b.c" -> "hand.state.hist" [label="BACK"];',
      '"hand.a_b.c" -> "hand.par" [label="RESET", lhead="cluster_hand.par"];',
    ]);
  });

  it('marks final, history, parallel and active states', () => {
    expect(dot).toContain('"hand.done" [label="done", peripheries=2];');
    expect(dot).toContain('"hand.state.hist" [label="H*", shape=circle];');
    expect(dot).toMatch(/subgraph "cluster_hand\.par" \{\n\s+label="par";\n\s+style="dashed,rounded,bold";\n\s+color="#92400e";\n\s+penwidth=3;\n\s+class="active";/);
    expect(dot).toMatch(/subgraph "cluster_hand\.state" \{\n\s+label="state";\n\s+style="solid,rounded";\n\s+"hand\.state"/);
    expect(dot).toContain('"hand.par.left.x" [label="x", style="rounded,filled,bold", fillcolor="#fde68a", class="active"];');
    expect(dot).toContain('"hand.end" [label="end\\nTICK"];');
  });
});

describe('a two-state toggle, written out in full', () => {
  const toggle = createMachine({
    id: 'toggle',
    initial: 'off',
    states: { off: { on: { FLIP: 'on' } }, on: { on: { FLIP: 'off' }, after: { 1000: 'off' } } },
  });

  it('Mermaid', () => {
    expect(toMermaid(toggle, { active: ['toggle.on'] })).toBe(`stateDiagram-v2
  state "toggle" as toggle
  state toggle {
    state "off" as off
    state "on" as on
    [*] --> off
  }
  off --> on : FLIP
  on --> off : FLIP
  on --> off : after 1000ms
  classDef active fill:#fde68a,stroke:#92400e,stroke-width:3px
  classDef activeComposite stroke:#92400e,stroke-width:3px
  classDef anyState fill:#f8fafc,stroke:#64748b,stroke-dasharray:4 3
  class on active
`);
  });

  it('DOT', () => {
    expect(toDot(toggle)).toBe(`digraph "toggle" {
  compound=true;
  fontname="Helvetica";
  node [shape=box, style=rounded, fontname="Helvetica"];
  edge [fontname="Helvetica", fontsize=10];
  subgraph "cluster_toggle" {
    label="toggle";
    style="solid,rounded";
    "toggle" [shape=point, width=0.15, label=""];
    "toggle.off" [label="off"];
    "toggle.on" [label="on"];
    "toggle" -> "toggle.off";
  }
  "toggle.off" -> "toggle.on" [label="FLIP"];
  "toggle.on" -> "toggle.off" [label="FLIP"];
  "toggle.on" -> "toggle.off" [label="after 1000ms"];
}
`);
  });

  it('escapes what Mermaid and DOT would read as syntax in names and labels', () => {
    const odd = createMachine({ id: 'odd', initial: 'a', states: { a: { on: { 'say:"hi";#1': 'b' } }, b: {} } });
    expect(toMermaid(odd)).toContain('a --> b : say#58;#34;hi#34;#59;#35;1');
    expect(toDot(odd)).toContain('"odd.a" -> "odd.b" [label="say:\\"hi\\";#1"];');
  });
});

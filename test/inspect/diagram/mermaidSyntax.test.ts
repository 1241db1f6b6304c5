/**
 * Every diagram parses and renders in Mermaid 11 for real: mermaid's own parser and
 * renderer, in Chromium (playwright-core, /usr/bin/chromium; mermaid needs a DOM).
 * Rendered, every arrow is drawn (none dropped, no NaN coordinates) and every label shows
 * as written (entity-escaped characters come back).
 *
 * Without Chromium the suite is skipped with a note; STATEWIRE_REQUIRE_BROWSER=1 makes a
 * missing Chromium a failure (as in test/browser/chromium.test.ts).
 */
import { existsSync } from 'node:fs';
import { createMachine, StateMachine, type AnyStateMachine } from 'xstate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as machines from '../../../machines/index.js';
import { describeMachine, toMermaid } from '../../../src/inspect/index.js';
import { allStates } from '../../../src/inspect/diagram/describeMachine.js';
import { handMachine } from './handMachine.js';
import { CHROMIUM, openMermaidPage, type MermaidPage } from './mermaidInChromium.js';

const available = existsSync(CHROMIUM);
const required = process.env.STATEWIRE_REQUIRE_BROWSER === '1';
if (!available && !required) console.warn(`mermaidSyntax.test.ts skipped: no ${CHROMIUM} (apt-get install -y chromium; STATEWIRE_REQUIRE_BROWSER=1 makes this a failure)`);

const odd = createMachine({ id: 'odd', initial: 'end', states: { end: { on: { 'say:"hi";#1 {x} <y>': 'state' } }, state: { type: 'final' } } });
const cases: Array<[string, AnyStateMachine]> = [
  ...Object.entries(machines).filter((e): e is [string, AnyStateMachine] => e[1] instanceof StateMachine),
  ['handMachine', handMachine],
  ['odd', odd],
];

describe.runIf(available || required)('Mermaid 11 in Chromium', () => {
  let page: MermaidPage;

  beforeAll(async () => {
    if (!available) throw new Error(`STATEWIRE_REQUIRE_BROWSER=1 but there is no ${CHROMIUM}: apt-get install -y chromium`);
    page = await openMermaidPage();
  }, 60_000);

  afterAll(async () => {
    await page?.close();
  });

  it('rejects a broken diagram (the check is not a formality)', async () => {
    const result = await page.check('stateDiagram-v2\n  a -> b\n');
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/Parse error/);
  });

  it.each(cases)('%s parses and renders, every arrow drawn, every label shown', async (_name, machine) => {
    const source = toMermaid(machine, { active: [allStates(describeMachine(machine).root).at(-1)!.id] });
    const result = await page.check(source);
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.nan).toBe(false);
    expect(result.arrows).toBe(source.split('\n').filter((l) => l.includes(' --> ')).length);
    const texts = new Set(result.texts);
    const diagram = describeMachine(machine);
    // Loops share one label (one line per loop, `<br/>` between): compare line by line.
    const shown = [...texts].join('\n');
    for (const edge of diagram.edges) expect(shown, edge.label).toContain(edge.label);
    for (const state of allStates(diagram.root)) if (state.type !== 'history') expect(texts.has(state.key), state.key).toBe(true);
  }, 30_000);

  it('shows escaped characters as written', async () => {
    const result = await page.check(toMermaid(odd));
    expect(result.texts).toContain('say:"hi";#1 {x} <y>');
  });
});

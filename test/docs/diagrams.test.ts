/**
 * README.md's "The machines, drawn": the part between the diagrams markers is exactly what
 * `npm run diagrams` writes from the machine definitions today (a Mermaid block for every
 * machine of statewire/machines), so a changed machine with an unchanged README fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import * as machines from '../../machines/index.js';
import { diagramsSection, END, START, withFreshDiagrams } from '../../src/cli/readmeDiagrams.js';
import { toMermaid } from '../../src/inspect/index.js';

const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');

describe('README diagrams', () => {
  it('sit in "## The machines, drawn", the README\'s last section (an appendix: ~600 lines)', () => {
    const section = readme.indexOf('\n## The machines, drawn\n');
    expect(section).toBeGreaterThan(0);
    expect(readme.indexOf('\n## ', section + 1)).toBe(-1);
    expect(readme.indexOf(START)).toBeGreaterThan(section);
    expect(readme.indexOf(END)).toBeGreaterThan(readme.indexOf(START));
  });

  it('are up to date: regenerated, the README does not change (run `npm run diagrams` when this fails)', () => {
    const start = readme.indexOf(START);
    const end = readme.indexOf(END) + END.length;
    expect(readme.slice(start, end)).toBe(diagramsSection());
    expect(withFreshDiagrams(readme)).toBe(readme);
  });

  it('hold a ```mermaid block of every exported machine, as toMermaid draws it', () => {
    const part = readme.slice(readme.indexOf(START), readme.indexOf(END));
    const blocks = [...part.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
    const exported = Object.entries(machines).filter(([, v]) => v instanceof StateMachine);
    expect(blocks.length).toBe(exported.length);
    for (const [name, machine] of exported) {
      expect(part).toContain(`### ${name}\n`);
      expect(blocks).toContain(toMermaid(machine as typeof machines.circuitBreakerMachine));
    }
  });

  it('a stale README is caught: an edited diagram is put back by regeneration', () => {
    const stale = readme.replace('OPEN --> HALF_OPEN : after retryIn [notIsolated]', 'OPEN --> HALF_OPEN : after retryIn');
    expect(stale).not.toBe(readme);
    expect(withFreshDiagrams(stale)).toBe(readme);
    expect(() => withFreshDiagrams('# no markers\n')).toThrow(/markers/);
  });
});

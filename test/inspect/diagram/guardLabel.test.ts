/** How guards are written on the diagrams: names, parameters, XState's combinators, inline functions. */
import { and, not, or, stateIn } from 'xstate';
import { describe, expect, it } from 'vitest';
import { guardLabel } from '../../../src/inspect/diagram/guardLabel.js';

describe('guardLabel', () => {
  it('a named guard by its name, none as undefined', () => {
    expect(guardLabel('shouldTrip')).toBe('shouldTrip');
    expect(guardLabel(undefined)).toBeUndefined();
  });

  it('a parameterised guard with its parameters', () => {
    expect(guardLabel({ type: 'leadsTo', params: { status: 'ready' } })).toBe('leadsTo(status=ready)');
    expect(guardLabel({ type: 'restores', params: 'healthy' })).toBe('restores(healthy)');
    expect(guardLabel({ type: 'within', params: { range: [1, 2], deep: { x: true } } })).toBe('within(range=1, 2, deep=x=true)');
    expect(guardLabel({ type: 'dynamic', params: () => ({}) })).toBe('dynamic');
    expect(guardLabel({ type: 'plain' })).toBe('plain');
  });

  it("XState's and / or / not / stateIn spelled out, nested", () => {
    expect(guardLabel(and(['isAttached', not('isOffline')]))).toBe('and(isAttached, not(isOffline))');
    expect(guardLabel(or([{ type: 'a', params: 1 }, 'b']))).toBe('or(a(1), b)');
    expect(guardLabel(stateIn('#m.on'))).toBe('stateIn(#m.on)');
    expect(guardLabel(stateIn({ mode: 'on' }))).toBe('stateIn(mode=on)');
  });

  it('an inline function as inline, a named function by its name', () => {
    const config = { guard: () => true };
    expect(guardLabel(config.guard)).toBe('inline');
    expect(guardLabel(function isReady() { return true; })).toBe('isReady');
    expect(guardLabel(and([() => true, 'b']))).toBe('and(inline, b)');
  });
});

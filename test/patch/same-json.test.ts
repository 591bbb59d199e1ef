/** sameJson: equality of two values as their JSON would compare (check-patch's "touches no definition"). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameJson } from '../../src/patch/check.js';

/** The reference: JSON text with every object's keys sorted (undefined properties drop out, as in JSON). */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}

describe('sameJson', () => {
  it.each([
    [{ a: 1, b: 'x' }, { b: 'x', a: 1 }, true],
    [{ a: 1, c: undefined }, { a: 1 }, true],
    [{ a: 1 }, { a: 1, c: undefined }, true],
    [{ a: 1 }, { a: 1, c: null }, false],
    [{ a: [1, 2] }, { a: [2, 1] }, false],
    [{ a: [] }, { a: {} }, false],
    [{ a: { b: { c: 'd' } } }, { a: { b: { c: 'e' } } }, false],
    [[{ x: 1 }, { y: 2 }], [{ x: 1 }, { y: 2 }], true],
    ['1', 1, false],
    [null, {}, false],
  ])('%j and %j: %s', (x, y, same) => {
    expect(sameJson(x, y)).toBe(same);
  });

  it('agrees with comparing key-sorted JSON text, on 5,000 pairs of near-equal values', () => {
    const leaf = fc.oneof(fc.constantFrom(0, 1, 'a', 'b', true, null), fc.constant(undefined));
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('v'), { maxKeys: 3 })),
    })).v;
    fc.assert(
      fc.property(value, value, (x, y) => {
        // Arrays of undefined are written as null by JSON: the snapshots never hold them, so neither does this test.
        const noUndefinedInArrays = (v: unknown): boolean => (Array.isArray(v) ? v.every((e) => e !== undefined && noUndefinedInArrays(e)) : v && typeof v === 'object' ? Object.values(v).every(noUndefinedInArrays) : true);
        fc.pre(noUndefinedInArrays(x) && noUndefinedInArrays(y) && x !== undefined && y !== undefined);
        expect(sameJson(x, y)).toBe(canonical(x) === canonical(y));
      }),
      { numRuns: 5_000, seed: 20261123 },
    );
  });
});

/**
 * stableStringify folds V8's indented JSON; these tests hold it to the rule it replaced (render each
 * container: one line when it holds only scalars, indented otherwise), kept here as the reference.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stableStringify } from '../../src/util/json.js';

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

function reference(value: unknown, pad = ''): string {
  if (isScalar(value)) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every(isScalar)) return '[' + value.map((v) => JSON.stringify(v) ?? 'null').join(', ') + ']';
    const inner = pad + '  ';
    return '[\n' + value.map((v) => inner + reference(v, inner)).join(',\n') + '\n' + pad + ']';
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  if (entries.every(([, v]) => isScalar(v))) return '{' + entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ') + '}';
  const inner = pad + '  ';
  return '{\n' + entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${reference(v, inner)}`).join(',\n') + '\n' + pad + '}';
}

describe('stableStringify', () => {
  const cases: Array<[string, unknown, string]> = [
    ['a scalar', 'x', '"x"'],
    ['undefined', undefined, 'null'],
    ['an empty array', [], '[]'],
    ['a flat object on one line', { name: 'pid', size: 4 }, '{"name": "pid", "size": 4}'],
    ['a flat array on one line', [1, 'a', null, true], '[1, "a", null, true]'],
    ['nesting indents', { a: { b: 1 }, c: [] }, '{\n  "a": {"b": 1},\n  "c": []\n}'],
    ['an array holding an empty array is not folded', [[], 1], '[\n  [],\n  1\n]'],
    ['strings that look like brackets stay strings', { fmt: '{ [', x: '],' }, '{"fmt": "{ [", "x": "],"}'],
    ['a key ending in a bracket', { '[': { '}': ']' } }, '{\n  "[": {"}": "]"}\n}'],
    ['undefined members are dropped', { a: undefined, b: 1 }, '{"b": 1}'],
    ['escapes, including line breaks in strings', { s: 'a\n  }\n' }, '{"s": "a\\n  }\\n"}'],
  ];
  it.each(cases)('%s', (_, value, text) => {
    expect(stableStringify(value)).toBe(text);
    expect(reference(value)).toBe(text);
  });

  it('agrees with the container-by-container rendering on any JSON value', () => {
    // Keys and strings drawn from JSON's syntax characters, so that look-alikes of brackets, commas and indents occur.
    const text = fc.string({ unit: fc.constantFrom(...'{}[],: "\\\nab1'.split('')), maxLength: 8 });
    const value = fc.letrec((tie) => ({
      json: fc.oneof({ depthSize: 'small' }, tie('scalar'), tie('array'), tie('object')),
      scalar: fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)),
      array: fc.array(tie('json'), { maxLength: 5 }),
      object: fc.dictionary(text, fc.option(tie('json'), { nil: undefined }), { maxKeys: 5 }),
    })).json;
    fc.assert(fc.property(value, (v) => stableStringify(v) === reference(v)), { numRuns: 2000 });
  });
});

/**
 * The file pass's byte tests are written for speed (see scan.ts); each must answer exactly as the plain
 * definition it replaces. Text is built from the fragments the names are made of, so near misses abound.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holdsDefName } from '../../src/sources/tree/scan.js';
import { DEFINITION_HINTS } from '../../src/sources/tree/forms.js';

/** The plain definition: the file holds one of the names DEF_HINT reads (the forms table's hints). */
const DEF_NAMES = DEFINITION_HINTS;
const plain = (text: string): boolean => DEF_NAMES.some((n) => text.includes(n));

const FRAGMENTS = [...new Set([
  'TRACE', 'EVENT', 'DECLARE_', 'DEFINE_', 'CUSTOM_', '_CLASS', '_SYSTEM', '_EVENT', '_CUSTOM_EVENT', 'DECLARE', 'DEFINE', '_', 'E', 'T', 'TRAC', 'VENT', ' ', '\n', '(', 'x',
  // Every word of every hint, with and without its underscores, so that a name added to the table is exercised too.
  ...DEF_NAMES.flatMap((n) => n.split('_').flatMap((w) => [w, `${w}_`, `_${w}`])),
])];

describe('holdsDefName', () => {
  it('answers as a search for each name would, on 20,000 texts made of the names’ fragments', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 24 }), (parts) => {
        const text = parts.join('');
        expect(holdsDefName(Buffer.from(text, 'latin1'))).toBe(plain(text));
      }),
      { numRuns: 20_000, seed: 20261123 },
    );
  });

  it('finds each name at the very start and the very end of a file', () => {
    for (const n of DEF_NAMES) {
      expect(holdsDefName(Buffer.from(n))).toBe(true);
      expect(holdsDefName(Buffer.from(`/* x */ ${n}`))).toBe(true);
      expect(holdsDefName(Buffer.from(n.slice(1)))).toBe(plain(n.slice(1)));
      expect(holdsDefName(Buffer.from(n.slice(0, -1)))).toBe(plain(n.slice(0, -1)));
    }
  });
});

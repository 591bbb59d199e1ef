/**
 * Random damage to a .config and to Kbuild files: reading a .config either succeeds or is one InputError naming
 * the file and a line inside it; Kbuild text of any shape gives three-valued answers, never an exception.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { kconfigTruth, parseKconfig } from '../../src/sources/tree/kconfig.js';
import { kbuildDecider } from '../../src/sources/tree/kbuild.js';
import { archRules } from '../../src/sources/tree/arch.js';

const FIX = path.join(import.meta.dirname, '../fixtures/tree/kconfig');
const CONFIG = fs.readFileSync(path.join(FIX, 'config-all'), 'utf8');
const MAKEFILE = fs.readFileSync(path.join(FIX, 'drivers/widget/Makefile'), 'utf8');
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);

const edit = (text: string) =>
  fc.tuple(fc.nat(text.length), fc.nat(8), fc.string({ unit: 'binary', maxLength: 12 })).map(([at, cut, ins]) => text.slice(0, at) + ins + text.slice(Math.min(text.length, at + cut)));

describe('fuzz: .config and Kbuild readers', () => {
  it('a damaged .config reads, or fails as one InputError on a line of the file', () => {
    fc.assert(
      fc.property(edit(CONFIG), (text) => {
        try {
          const k = parseKconfig(text, 'cfg');
          const t = kconfigTruth(k);
          expect(typeof t('CONFIG_WIDGET')).toBe('boolean');
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          const line = (e as InputError).line;
          if (line !== undefined) expect(line).toBeLessThanOrEqual(text.split('\n').length);
        }
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it('Kbuild text of any shape: true, false or undefined, never a throw', () => {
    fc.assert(
      fc.property(edit(MAKEFILE), edit('obj-y += widget/\nobj-$(CONFIG_X) += $(y)\n'), (mk, parent) => {
        const files: Record<string, string> = { 'drivers/widget/Makefile': mk, 'drivers/Makefile': parent, Kbuild: 'obj-y += drivers/\n' };
        const decide = kbuildDecider((rel) => files[rel], archRules(), (n) => n === 'CONFIG_WIDGET');
        expect([true, false, undefined]).toContain(decide('drivers/widget/trace.c'));
      }),
      { numRuns: 300, seed: SEED },
    );
  });
});

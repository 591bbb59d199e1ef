/**
 * Property-based and mutation fuzzing (fast-check) of every reader that takes user input: the format reader,
 * the macro/print-argument reader, the constant evaluator, the snapshot validator, the patch reader and the
 * tree extractor, on generated text and on mutations of real kernel data. No exception but the readers' own
 * (InputError, CTextError) may escape, no case may take long, and round-trips hold.
 * CI runs a short pass; `npm run fuzz:long` sets FUZZ_RUNS for the long one (docs/robustness.md).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseFormat } from '../../src/sources/tracefs/format.js';
import { snapshotFromCapture, type CaptureFiles } from '../../src/sources/tracefs/reader.js';
import { CTextError, matchingBracket, readStringLiterals, scanTopLevel, splitTopLevel, stripComments } from '../../src/util/ctext.js';
import { evaluateConstant } from '../../src/util/cexpr.js';
import { viewPrint } from '../../src/diff/print.js';
import { validateSnapshot } from '../../src/sources/snapshot-file.js';
import { makeSnapshot, serializeSnapshot } from '../../src/model/canonical.js';
import { compareSnapshots } from '../../src/diff/compare.js';
import { runDiff } from '../../src/engine/run.js';
import { readPatchText } from '../../src/patch/read.js';
import { applyPatches } from '../../src/patch/apply.js';
import { loadTree } from '../../src/sources/tree/index.js';
import { capture618 } from '../helpers/captures.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
/** Work per input is bounded: no single case may take longer than this. */
const BUDGET_MS = 2000;
const ROOT = path.join(import.meta.dirname, '../..');
const MINI_TREE = path.join(ROOT, 'test/fixtures/tree-real/linux-6.1');
const SCHED = 'include/trace/events/sched.h';

let capture: CaptureFiles;
let formats: string[];
let tmp: string;

beforeAll(async () => {
  capture = await capture618();
  formats = [...capture.files].filter(([k]) => k.endsWith('/format')).map(([, v]) => v.toString('utf8'));
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-fuzz-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Mutations of real text: what truncation, corruption and careless editing do to files. */
const mutation = (pool: () => string[]) =>
  fc
    .tuple(fc.nat(), fc.nat(), fc.nat(), fc.constantFrom('flip', 'truncate', 'drop-line', 'dup-line', 'huge-number', 'negative', 'insert', 'paren', 'quote'), fc.string({ maxLength: 12 }))
    .map(([which, at, at2, kind, junk]) => {
      const list = pool();
      const text = list[which % list.length]!;
      const i = text.length === 0 ? 0 : at % text.length;
      const lines = text.split('\n');
      const l = at2 % Math.max(1, lines.length);
      switch (kind) {
        case 'flip': return text.slice(0, i) + String.fromCharCode((text.charCodeAt(i) + 1 + (at2 % 90)) % 0xffff) + text.slice(i + 1);
        case 'truncate': return text.slice(0, i);
        case 'drop-line': return lines.filter((_, k) => k !== l).join('\n');
        case 'dup-line': return [...lines.slice(0, l + 1), lines[l] ?? '', ...lines.slice(l + 1)].join('\n');
        case 'huge-number': return text.replace(/\d+/, '9'.repeat(1 + (at2 % 40)));
        case 'negative': return text.replace(/:(\d+);/, ':-$1;');
        case 'insert': return text.slice(0, i) + junk + text.slice(i);
        case 'paren': return text.slice(0, i) + '(' + text.slice(i);
        case 'quote': return text.slice(0, i) + '"' + text.slice(i);
      }
    });

/** Runs `fn`; only the listed error classes may escape; each case within the time budget. */
function bounded<T>(fn: () => T, allowed: (new (...a: never[]) => Error)[]): void {
  const t0 = performance.now();
  try {
    fn();
  } catch (e) {
    if (!allowed.some((k) => e instanceof k)) throw e;
  }
  expect(performance.now() - t0).toBeLessThan(BUDGET_MS);
}

const cText = fc.string({ unit: fc.constantFrom(...'()[]{}"\'\\/*, \nab_1<>|&?:;#'.split('')), maxLength: 200 });

describe('no reader throws anything but its own error, and none runs away', () => {
  it('the format reader, on mutations of the 2,323 real 6.18.44 formats', () => {
    fc.assert(fc.property(mutation(() => formats), (text) => bounded(() => parseFormat(text, 'f'), [InputError])), { numRuns: RUNS });
  });

  it('the structural C reader, on generated text', () => {
    fc.assert(
      fc.property(cText, fc.nat(), (s, at) => {
        bounded(() => splitTopLevel(s), [CTextError]);
        bounded(() => stripComments(s), [CTextError]);
        bounded(() => readStringLiterals(s, at % (s.length + 1)), [CTextError]);
        const open = s.search(/[([{]/);
        if (open >= 0) bounded(() => matchingBracket(s, open), [CTextError]);
      }),
      { numRuns: RUNS },
    );
  });

  it('matchingBracket (which jumps between brackets) gives the answer and the error of a scanTopLevel walk', () => {
    // The walk matchingBracket used to be, kept here as its specification.
    const reference = (s: string, open: number): number => {
      const closer = ')]}'['([{'.indexOf(s[open]!)]!;
      let found = -1;
      scanTopLevel(s, open + 1, (i, c, depth) => {
        if (depth === -1 && c === closer) {
          found = i;
          return true;
        }
        if (depth === -1) throw new CTextError(`'${c}' where '${closer}' was expected`, i);
        return false;
      });
      if (found < 0) throw new CTextError(`missing '${closer}'`, open);
      return found;
    };
    const outcome = (f: () => number): string => {
      try {
        return `ok ${f()}`;
      } catch (e) {
        if (!(e instanceof CTextError)) throw e;
        return `error ${e.offset} ${e.message}`;
      }
    };
    fc.assert(
      fc.property(cText, fc.nat(), (s, at) => {
        const opens = [...s.matchAll(/[([{]/g)].map((m) => m.index);
        if (opens.length === 0) return;
        const open = opens[at % opens.length]!;
        expect(outcome(() => matchingBracket(s, open))).toBe(outcome(() => reference(s, open)));
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it('print-argument analysis (symbol tables), on mutated real print formats', () => {
    const prints = () => formats.map((f) => f.slice(f.indexOf('print fmt:')));
    fc.assert(fc.property(mutation(prints), (text) => bounded(() => viewPrint({ fmt: 'x', args: [text] }), [])), { numRuns: RUNS });
  });

  it('the constant evaluator never throws', () => {
    const expr = fc.string({ unit: fc.constantFrom(...'0123456789xXabcdefuUlL+-*/%<>=!&|^~?:() _ABC'.split('')), maxLength: 80 });
    fc.assert(
      fc.property(expr, (s) => {
        const v = evaluateConstant(s, (n) => (n === 'ABC' ? 16n : undefined));
        expect(v === undefined || typeof v === 'bigint').toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('the snapshot validator, on mutated real snapshot JSON', () => {
    const events = () => formats.slice(0, 50).map(() => serializeSnapshot(snapshotFromCapture({ label: 'x', files: new Map([...capture.files].slice(0, 40)) })));
    const pool = events().slice(0, 1);
    fc.assert(
      fc.property(mutation(() => pool), (text) => {
        let data: unknown;
        try {
          data = JSON.parse(text);
        } catch {
          return; // not JSON: readSnapshot reports that before validation
        }
        bounded(() => validateSnapshot(data, 's.json'), [InputError]);
      }),
      { numRuns: RUNS },
    );
  });

  it('the patch reader and applier, on mutations of a real patch', () => {
    const a = fs.readFileSync(path.join(MINI_TREE, SCHED), 'utf8');
    const b = fs.readFileSync(path.join(ROOT, 'test/fixtures/tree-real/linux-6.12', SCHED), 'utf8');
    const patch = createTwoFilesPatch(`a/${SCHED}`, `b/${SCHED}`, a, b);
    fc.assert(
      fc.property(mutation(() => [patch]), (text) =>
        bounded(() => applyPatches(MINI_TREE, readPatchText(text, 'p')), [InputError]),
      ),
      { numRuns: Math.max(20, RUNS / 10) },
    );
  });

  it('the tree extractor, on mutations of the real sched.h (whole-tree runs never throw)', async () => {
    const a = fs.readFileSync(path.join(MINI_TREE, SCHED), 'utf8');
    const tree = path.join(tmp, 'tree');
    fs.cpSync(MINI_TREE, tree, { recursive: true });
    await fc.assert(
      fc.asyncProperty(mutation(() => [a]), async (text) => {
        fs.writeFileSync(path.join(tree, SCHED), text);
        const t0 = performance.now();
        const snap = await loadTree(tree, { workers: 0 });
        expect(performance.now() - t0).toBeLessThan(BUDGET_MS * 5);
        expect(Array.isArray(snap.events)).toBe(true);
      }),
      { numRuns: Math.max(10, RUNS / 20) },
    );
  }, 600_000);
});

describe('round-trips and determinism', () => {
  it('events → snapshot → text → snapshot: identical, and no findings against the original', () => {
    const snap = snapshotFromCapture(capture);
    fc.assert(
      fc.property(fc.subarray(snap.events, { minLength: 1, maxLength: 60 }), (events) => {
        const s = makeSnapshot({ kernel: snap.kernel, header: snap.header, events });
        const back = validateSnapshot(JSON.parse(serializeSnapshot(s)), 'rt.json');
        expect(serializeSnapshot(back)).toBe(serializeSnapshot(s));
        expect(runDiff(compareSnapshots(s, back))).toEqual([]);
      }),
      { numRuns: Math.max(20, RUNS / 10) },
    );
  }, 600_000);

  it('the order files are read in does not change a byte of the snapshot', () => {
    const reference = serializeSnapshot(snapshotFromCapture(capture));
    const entries = [...capture.files];
    fc.assert(
      fc.property(fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }), (shuffled) => {
        expect(serializeSnapshot(snapshotFromCapture({ label: capture.label, files: new Map(shuffled) }))).toBe(reference);
      }),
      // Each case rebuilds a 2,323-event snapshot (~0.3 s): a few dozen shuffles say what there is to say.
      { numRuns: Math.min(40, Math.max(5, RUNS / 60)) },
    );
  }, 120_000);
});

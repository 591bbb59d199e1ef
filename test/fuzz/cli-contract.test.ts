/**
 * The short CI pass of the end-to-end fuzzing in scripts/fuzz-long.mjs, plus round-trips on all real captures.
 *
 * - The CLI contract on damaged input: `diff` and `lint` on structurally mutated real snapshots (one value
 *   anywhere replaced by a value of another type, or deleted) and `diff` against mutated real archives, in
 *   every report format: exit 0, 1 or 2; exit 2 is exactly one stderr line `tpdrift: FILE…` and no stdout;
 *   never an internal error, never a stack trace; each run within a time budget.
 * - Round-trips: each of the 29 real captures (6.18.44 and the 28 public ones, 3.4 to 6.x, 32- and 64-bit)
 *   → snapshot → JSON → read back is byte-identical and has zero findings against the capture.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { Parser } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { snapshotFromCapture, type CaptureFiles } from '../../src/sources/tracefs/reader.js';
import { serializeSnapshot } from '../../src/model/canonical.js';
import { readSnapshot, validateSnapshot } from '../../src/sources/snapshot-file.js';
import { compareSnapshots } from '../../src/diff/compare.js';
import { runDiff } from '../../src/engine/run.js';
import { CAPTURE_6_18, PUBLIC_CAPTURES, capture618 } from '../helpers/captures.js';
import { tarGz } from '../robustness/tar-builder.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const BUDGET_MS = 5000;
const FORMATS = ['text', 'json', 'sarif', 'markdown', 'github', 'html'] as const;
let tmp: string;
let small: Map<string, Buffer>;
let smallJson: string;
let orig: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-cli-fuzz-'));
  const c = await capture618();
  small = new Map([...c.files].filter(([k]) => /^events\/(sched|irq|timer)\//.test(k) || !k.includes('/format')));
  smallJson = serializeSnapshot(snapshotFromCapture({ label: 'small', files: small }));
  orig = path.join(tmp, 'orig.json');
  fs.writeFileSync(orig, smallJson);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function contract(argv: string[], file: string, writesStdout = true): Promise<number> {
  let stdout = '';
  let stderr = '';
  const t0 = performance.now();
  const code = await main(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd: tmp });
  expect(performance.now() - t0).toBeLessThan(BUDGET_MS);
  expect(stderr).not.toMatch(/internal error|\n\s+at /);
  expect([0, 1, 2]).toContain(code);
  if (code === 2) {
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith(`tpdrift: ${file}`)).toBe(true);
  } else if (writesStdout) {
    expect(stdout.length).toBeGreaterThan(0);
  }
  return code;
}

const ODD = ['<delete>', null, 0, -1, 1.5, 1e308, '', 'x', [], {}, true, [1], { a: 1 }, 'data_loc', 'tracepoint'];
function paths(v: unknown, at: string[] = [], out: string[][] = []): string[][] {
  if (v && typeof v === 'object') {
    for (const [k, c] of Object.entries(v)) {
      out.push([...at, k]);
      paths(c, [...at, k], out);
    }
  }
  return out;
}

describe('the CLI contract on damaged real input (short pass; fuzz:long runs thousands)', () => {
  it('diff and lint on structurally mutated snapshots, every report format', async () => {
    const all = paths(JSON.parse(smallJson));
    const codes = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(), fc.nat({ max: ODD.length - 1 })), { minLength: 1, maxLength: 3 }), fc.constantFrom(...FORMATS), async (edits, format) => {
        const data = JSON.parse(smallJson);
        for (const [p, v] of edits) {
          const route = all[p % all.length]!;
          let parent = data;
          for (const k of route.slice(0, -1)) parent = parent?.[k];
          if (!parent || typeof parent !== 'object') continue;
          const last = route[route.length - 1]!;
          if (ODD[v] === '<delete>') {
            if (Array.isArray(parent)) parent.splice(Number(last), 1);
            else delete parent[last];
          } else parent[last] = structuredClone(ODD[v]);
        }
        const f = path.join(tmp, 'mut.json');
        fs.writeFileSync(f, JSON.stringify(data));
        codes.add(await contract(['diff', orig, f, '-f', format, '--fail-on', 'none'], f));
        codes.add(await contract(['lint', f, '-f', format], f));
      }),
      // A fixed seed (FUZZ_SEED to vary it): only ~8% of random edits leave a valid snapshot, so 30 runs with a
      // fresh seed missed that outcome, and failed the check below, in a few CI runs in a hundred (it happened
      // once). npm run fuzz:long explores with fresh seeds.
      { numRuns: RUNS, seed: SEED },
    );
    // Both outcomes occur: damage that validation rejects, and damage that is still a snapshot.
    expect(codes.has(2)).toBe(true);
    expect([...codes].some((c) => c !== 2)).toBe(true);
  });

  it('diff against archives with one mutated real format file', async () => {
    const keys = [...small.keys()].filter((k) => k.endsWith('/format'));
    const mutate = (text: string, kind: number, at: number): string => {
      const i = at % Math.max(1, text.length);
      switch (kind) {
        case 0: return text.slice(0, i);
        case 1: return text.slice(0, i) + '(' + text.slice(i);
        case 2: return text.replace(/size:\d+/, 'size:99999999999');
        case 3: return text.replace(/offset:\d+/, 'offset:-8');
        case 4: return text.slice(0, i) + '"' + text.slice(i);
        case 5: return text.split('\n').filter((_, k) => k !== at % 12).join('\n');
        default: return text.slice(0, i) + '/*' + text.slice(i);
      }
    };
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat({ max: 6 }), fc.nat(), fc.constantFrom(...FORMATS), async (k, kind, at, format) => {
        const files = new Map(small);
        const key = keys[k % keys.length]!;
        files.set(key, Buffer.from(mutate(small.get(key)!.toString('utf8'), kind, at)));
        const f = path.join(tmp, 'mut.tar.gz');
        fs.writeFileSync(f, tarGz([...files].map(([name, data]) => ({ name, text: data.toString('utf8') }))));
        await contract(['diff', orig, f, '-f', format, '--fail-on', 'none'], f);
      }),
      { numRuns: RUNS },
    );
  });
});

/** The public captures, read from the .tar.xz in memory (xz by the system tool; nothing unpacked to disk). */
async function publicCaptures(): Promise<CaptureFiles[]> {
  const tarData = execFileSync('xz', ['-dc', PUBLIC_CAPTURES], { maxBuffer: 512 << 20 });
  const byCapture = new Map<string, Map<string, Buffer>>();
  await new Promise<void>((resolve, reject) => {
    const parser = new Parser({
      onReadEntry: (entry) => {
        const parts = entry.path.replace(/^\.\//, '').split('/');
        const i = parts.indexOf('events');
        if (entry.type !== 'File' || i !== 1) return void entry.resume();
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => {
          const files = byCapture.get(parts[0]!) ?? new Map<string, Buffer>();
          files.set(parts.slice(1).join('/'), Buffer.concat(chunks));
          byCapture.set(parts[0]!, files);
        });
      },
    });
    parser.on('end', resolve);
    parser.on('error', reject);
    parser.end(tarData);
  });
  return [...byCapture].sort(([a], [b]) => (a < b ? -1 : 1)).map(([label, files]) => ({ label, files }));
}

describe('round-trips on every real capture', () => {
  it('the 6.18.44 capture and the 28 public ones: snapshot → JSON → read is identical and finds nothing', async () => {
    const captures = [await capture618(), ...(await publicCaptures())];
    expect(captures).toHaveLength(29);
    let events = 0;
    for (const c of captures) {
      const s = snapshotFromCapture(c);
      const text = serializeSnapshot(s);
      const back = validateSnapshot(JSON.parse(text), `${c.label}.json`);
      expect(serializeSnapshot(back)).toBe(text);
      expect(runDiff(compareSnapshots(s, back)), c.label).toEqual([]);
      expect(runDiff(compareSnapshots(back, s)), c.label).toEqual([]);
      events += s.events.length;
    }
    expect(events).toBeGreaterThan(13_000);
  });

  it('through the CLI: extract the real archive to a .json.gz, diff the archive against it: exit 0, no findings', async () => {
    const snap = path.join(tmp, 'rt.json.gz');
    expect(await contract(['extract', CAPTURE_6_18, '-o', snap], CAPTURE_6_18, false)).toBe(0);
    expect(readSnapshot(snap).events).toHaveLength(2323);
    let out = '';
    const code = await main(['diff', CAPTURE_6_18, snap, '-f', 'json', '--fail-on', 'info'], { stdout: (s) => (out += s), stderr: () => {}, stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd: tmp });
    expect(code).toBe(0);
    expect(JSON.parse(out).findings).toEqual([]);
  });
});

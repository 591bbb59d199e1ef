// Units read ahead of the whole file pass (UnitReader.readAhead, while the .c files are still being scanned)
// must never change what readUnits yields: whatever subset of the scans the read-ahead saw, the events, classes,
// files and problems are those of reading every unit after the pass.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { loadTreeInProcess, scanTree } from '../../src/sources/tree/tree.js';
import { UnitReader } from '../../src/sources/tree/units.js';
import type { FileScan } from '../../src/sources/tree/scan.js';
import type { Problem } from '../../src/model/snapshot.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures');
const TREES = ['tree/basic', 'tree/broken', 'tree/forms-7x', 'tree-forms/linux-6.12', 'tree-forms/handwritten']
  .map((t) => path.join(FIXTURES, t))
  .filter((t) => fs.existsSync(t));

const reader = (root: string) => (rel: string): string | undefined => {
  try {
    return fs.readFileSync(path.join(root, rel), 'utf8');
  } catch {
    return undefined;
  }
};

const textsOf = (scans: readonly FileScan[]): Map<string, string> =>
  new Map(scans.flatMap((s) => (s.defText !== undefined ? [[s.file, s.defText] as const] : [])));

async function reference(root: string) {
  const scans = await scanTree(root, { parseCache: false, workers: 0 });
  const problems: Problem[] = [];
  const read = new UnitReader(reader(root), undefined).readUnits({ scans, texts: textsOf(scans), problems });
  return { scans, result: { ...read, visited: [...read.visited].sort(), problems } };
}

function withReadAhead(root: string, scans: readonly FileScan[], ahead: readonly FileScan[]) {
  const units = new UnitReader(reader(root), undefined);
  units.readAhead(ahead);
  const problems: Problem[] = [];
  const read = units.readUnits({ scans, texts: textsOf(scans), problems });
  return { ...read, visited: [...read.visited].sort(), problems };
}

describe('units read ahead of the file pass', () => {
  it('has fixture trees with units to read', async () => {
    expect(TREES.length).toBeGreaterThanOrEqual(5);
    for (const root of TREES) expect((await reference(root)).result.raw.length, root).toBeGreaterThan(0);
  });

  it('gives what reading every unit after the pass gives, whatever subset of the scans it saw', async () => {
    for (const root of TREES) {
      const { scans, result } = await reference(root);
      expect(withReadAhead(root, scans, scans.filter((s) => s.file.endsWith('.h'))), root).toEqual(result);
      fc.assert(
        fc.property(fc.subarray([...scans]), (ahead) => {
          expect(withReadAhead(root, scans, ahead)).toEqual(result);
        }),
        { numRuns: 25 },
      );
    }
  });

  it('reads a unit again when the whole tree answers a question differently (an include followed through -I $(src))', async () => {
    // kernel/trace/rv/rv_trace.h includes <monitors/nrp/nrp_trace.h>, followed only because that file defines
    // events. A read-ahead that had not seen the monitor's scan did not follow it.
    const root = path.join(FIXTURES, 'tree/forms-7x');
    const { scans, result } = await reference(root);
    const monitor = scans.find((s) => s.file.includes('/monitors/') && s.defText !== undefined);
    expect(monitor, 'the fixture has a monitor header').toBeDefined();
    const fromMonitor = result.raw.filter((e) => e.file === monitor!.file);
    expect(fromMonitor.length).toBeGreaterThan(0);
    const without = scans.filter((s) => s !== monitor);
    const units = new UnitReader(reader(root), undefined);
    units.readAhead(without);
    const problems: Problem[] = [];
    const read = units.readUnits({ scans, texts: textsOf(scans), problems });
    expect(read.raw).toEqual(result.raw);
    expect(problems).toEqual(result.problems);
  });

  it('hands the read-ahead every header\'s scan once, and the pass then yields what a pass without it yields', async () => {
    const root = path.join(FIXTURES, 'tree/basic');
    const seen: string[][] = [];
    const scans = await scanTree(root, { parseCache: false, workers: 0 }, { onHeaders: (headers) => seen.push(headers.map((s) => s.file)) });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual(scans.filter((s) => s.file.endsWith('.h')).map((s) => s.file));
    expect(scans.some((s) => s.file.endsWith('.c'))).toBe(true);
    // The headers' scans given to the read-ahead lack only the defined names, which the pass adds later.
    const plain = await scanTree(root, { parseCache: false, workers: 0 });
    expect(scans).toEqual(plain);
    expect(scans.some((s) => s.definedNames !== undefined)).toBe(true);
  });

  it('scans a large header in two parts (definitions, then names) and gives the scans and snapshot of one part', async () => {
    // A register header of ~600 KB beside a trace header whose array length it declares: the length is found
    // only if the names hashed in the second part reach the scan the constants pass reads.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-split-'));
    try {
      fs.cpSync(path.join(FIXTURES, 'tree/basic'), root, { recursive: true });
      const regs = Array.from({ length: 20_000 }, (_, i) => `#define FOO_REG_${i}\t0x${(i * 4).toString(16)}\n`).join('');
      fs.writeFileSync(path.join(root, 'drivers/foo/foo_regs.h'), `${regs}#define FOO_LEN 24\n`);
      fs.writeFileSync(
        path.join(root, 'drivers/foo/foo_trace.h'),
        [
          '#undef TRACE_SYSTEM',
          '#define TRACE_SYSTEM foo',
          '#if !defined(_FOO_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)',
          '#define _FOO_TRACE_H',
          '#include <linux/tracepoint.h>',
          'TRACE_EVENT(foo_regs,',
          '\tTP_PROTO(int v),',
          '\tTP_ARGS(v),',
          '\tTP_STRUCT__entry(__array(u8, regs, FOO_LEN)),',
          '\tTP_fast_assign(__entry->regs[0] = v;),',
          '\tTP_printk("%d", __entry->regs[0])',
          ');',
          '#endif',
          '#include <trace/define_trace.h>',
          '',
        ].join('\n'),
      );
      expect(fs.statSync(path.join(root, 'drivers/foo/foo_regs.h')).size).toBeGreaterThan(256 * 1024);
      const heard: FileScan[][] = [];
      const split = await scanTree(root, { parseCache: false, workers: 0 }, { onHeaders: (h) => heard.push(h) });
      const whole = await scanTree(root, { parseCache: false, workers: 0 });
      // The read-ahead got the large header without its names; the pass's result has them.
      expect(heard[0]!.find((s) => s.file === 'drivers/foo/foo_regs.h')!.definedNames).toBeUndefined();
      expect(split.find((s) => s.file === 'drivers/foo/foo_regs.h')!.definedNames!.length).toBe(20_001);
      expect(split).toEqual(whole);
      const snap = await loadTreeInProcess(root, { parseCache: false, workers: 0 });
      expect(snap.events.find((e) => e.name === 'foo_regs')!.fields.find((f) => f.name === 'regs')).toMatchObject({ size: 24, array: 24 });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

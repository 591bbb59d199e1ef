/**
 * viewPrint builds each print's view from per-argument results shared between prints. On every print of
 * the committed Debian 6.1 and 6.12 snapshots (10,957 prints, 60,433 arguments), the view must be the one
 * splitSymbolTables and normalizeExpr give for that print alone.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeExpr, splitSymbolTables, viewPrint } from '../../src/diff/print.js';
import { readSnapshot } from '../../src/sources/snapshot-file.js';

const ROOT = path.join(import.meta.dirname, '../..');

describe('viewPrint on real prints', () => {
  it('equals the print split on its own, for every print of both Debian trees', () => {
    let prints = 0;
    let tables = 0;
    for (const name of ['debian-linux-source-6.1.176.json.gz', 'debian-linux-source-6.12.117.json.gz']) {
      for (const e of readSnapshot(path.join(ROOT, 'snapshots', name)).events) {
        if (!e.print) continue;
        const alone = splitSymbolTables(e.print.args);
        const view = viewPrint(e.print)!;
        expect(view).toEqual({ fmt: e.print.fmt, args: alone.args.map(normalizeExpr), tables: alone.tables });
        expect(viewPrint(e.print)).toBe(view);
        prints++;
        tables += view.tables.length;
      }
    }
    expect(prints).toBeGreaterThan(10_000);
    expect(tables).toBeGreaterThan(3_000);
  });
});

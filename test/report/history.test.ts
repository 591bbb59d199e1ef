import { describe, expect, it } from 'vitest';
import type { HistoryData } from '../../src/report/history.js';
import { CAPTURE_6_18, RAVEN_5_10, SNAP_6_1, SNAP_6_12, WALLEYE_4_4, cli, publicCaptures } from './real.js';
import path from 'node:path';

function row(h: HistoryData, event: string, field?: string) {
  const e = h.events.find((x) => x.event === event);
  return e?.rows.find((r) => r.field === field)?.cells.map((c) => c.state);
}

describe('tpdrift history', () => {
  it('Debian 6.1 → 6.12 trees → 6.18.44 capture: which kernel removed and changed each field (json)', async () => {
    const r = await cli(['history', SNAP_6_1, SNAP_6_12, CAPTURE_6_18, '--format', 'json']);
    expect(r.code).toBe(0);
    const h = JSON.parse(r.stdout) as HistoryData;
    expect(h.kernels.map((k) => k.release)).toEqual(['6.1.176', '6.12.117', '6.18.44']);
    // Upstream removed vruntime from sched_stat_runtime in 6.8.
    expect(row(h, 'sched:sched_stat_runtime', 'vruntime')).toEqual(['same', 'removed', 'absent']);
    expect(row(h, 'sched:sched_stat_runtime')).toEqual(['same', 'changed', 'changed']);
    // The plain-char flip of 6.2 (-funsigned-char) stays on the event rows, not as a field called 'char'.
    expect(h.events.some((e) => e.rows.some((x) => x.field === 'char'))).toBe(false);
    // A tree against one configuration's capture: no events "removed" for not being built.
    expect(h.steps[1]).toMatchObject({ added: 0, removed: 0, configBound: true });
    expect(h.steps[0]!.added).toBeGreaterThan(500);
    const vr = h.events.find((e) => e.event === 'sched:sched_stat_runtime')!.rows.find((x) => x.field === 'vruntime')!;
    expect(vr.cells[1]!.changes![0]!.rule).toBe('field-removed');
    expect(vr.cells[0]!.what).toBe('u64 vruntime  size 8 @40');
  });

  it('prints a text timeline (Android 4.4 → 5.10 → 6.18.44 captures)', async () => {
    const r = await cli(['history', path.join(publicCaptures(), WALLEYE_4_4), path.join(publicCaptures(), RAVEN_5_10), CAPTURE_6_18, '--events', 'sched:*']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^\[1\] perfetto-walleye-4\.4\.88 /);
    expect(lines[2]).toMatch(/^\[3\] 6\.18\.44 /);
    expect(r.stdout).toMatch(/^sched:sched_stat_runtime\s+●\s+●\s+~/m);
    expect(r.stdout).toMatch(/^ {2}vruntime\s+●\s+●\s+✕\s+6\.18\.44: field-removed$/m);
    expect(r.stdout).toMatch(/events changed across 3 kernels\n$/);
  });

  it('needs two sources', async () => {
    const r = await cli(['history', CAPTURE_6_18]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('at least two sources');
  });
});

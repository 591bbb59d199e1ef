/**
 * The HTML report's record layouts on the real Debian 6.1 → 6.12 diff: a cell the source cannot tell is
 * marked unknown (not left blank), and a renamed event is drawn against the event it became.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { diff, render } from '../../src/index.js';

const OLD = 'snapshots/debian-linux-source-6.1.176.json.gz';
const NEW = 'snapshots/debian-linux-source-6.12.117.json.gz';

let html: string;
beforeAll(async () => {
  html = await render(await diff(OLD, NEW), { format: 'html' });
});

function layoutTable(event: string): string {
  const at = html.indexOf(`<table class="layout" data-event="${event}">`);
  expect(at).toBeGreaterThan(0);
  return html.slice(at, html.indexOf('</table>', at));
}

describe('HTML layouts', () => {
  it('offsets and sizes the tree reader could not predict are marked unknown, never blank', () => {
    // afs events hold a struct afs_fid, whose size the 6.12 tree does not let the reader predict.
    const table = layoutTable('afs:afs_cb_break');
    expect(table).toMatch(/<td class="(old|new)n num unknown" title="offset unknown[^"]*">\?<\/td>/);
    expect(table).not.toMatch(/<td class="(old|new)n num"><\/td>/);
    expect(html).not.toMatch(/<td class="(old|new)n num"><\/td>/);
  });

  it('a renamed event is compared with the event it became, not with an absent one', () => {
    const table = layoutTable('btrfs:__extent_writepage');
    expect(table).toContain('new (renamed btrfs:extent_writepage)');
    expect(table).not.toContain('(absent)');
    const rows = [...table.matchAll(/<tr class="(\w+)">/g)].map((m) => m[1]);
    expect(rows.length).toBeGreaterThan(2);
    // The same fields on both sides: none drawn as removed or added (the old page drew every one removed).
    expect(rows.filter((s) => s === 'removed' || s === 'added')).toEqual([]);
    expect(rows).toContain('same');
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { renderMarkdown, MARKDOWN_MAX_CHARS, mdCell } from '../../src/report/markdown.js';
import { annotation, escapeData, escapeProperty, renderGithub } from '../../src/report/github.js';
import { renderJson } from '../../src/report/json.js';
import type { ReportData } from '../../src/report/model.js';
import { debian61To612, edited618, ubuntuTo618, walleyeToRaven } from './real.js';

const reports: Record<string, ReportData> = {};
beforeAll(async () => {
  reports.edited = (await edited618()).report;
  reports.ubuntu = await ubuntuTo618();
  reports.android = await walleyeToRaven();
  reports.debian = await debian61To612();
});

const unescapeData = (s: string) => s.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s.replace(/%3A/g, ':').replace(/%2C/g, ','));

describe('markdown', () => {
  it('summarises a real edited capture: headline, sides, one table per severity', () => {
    const md = renderMarkdown(reports.edited!, { color: false });
    // kmalloc's raw-pointer field (info) was there before the edit: not the change's finding.
    expect(md.split('\n')[0]).toBe('### 🔴 tpdrift: 3 errors, 2 warnings, 0 info');
    expect(md).toContain('- **old:** linux-6.18.44 (tracefs, 6.18.44 x86_64, 2323 events)');
    expect(md).toContain('#### 🔴 Errors (3)');
    expect(md).toContain('| `sched:sched_wakeup` | `prio` | `field-removed` |');
    expect(md).toContain('#### 🟠 Warnings (2)');
    expect(md).toMatch(/\| `kmem:kmalloc` \| `node` \| `field-size-changed` \|.*`int node \(size 4 @48\)` → `long node \(size 8 @48\)`/);
    expect(md).not.toContain('<details');
  });

  it('collapses long lists and stays under GitHub’s comment limit (real Ubuntu 5.15 → 6.18: 3,085 findings)', () => {
    const md = renderMarkdown(reports.ubuntu!, { color: false });
    expect(md.length).toBeLessThan(MARKDOWN_MAX_CHARS + 5000);
    expect(md.length).toBeLessThan(65_536);
    expect(md).toContain('<details><summary><b>🟠 Warnings (17)</b></summary>');
    expect(md).toMatch(/<details><summary><b>🔵 Info \(3068\)<\/b><\/summary>/);
    expect(md).toMatch(/… and \d+ more info findings/);
    expect(md).toContain('`field-signedness-changed`');
    // Every table row has exactly the 5 columns (no pipe leaks from messages).
    for (const line of md.split('\n').filter((l) => l.startsWith('| `'))) {
      expect(line.replace(/\\\|/g, '').split('|').length - 2).toBe(5);
    }
  });

  it('shows source locations from a real tree diff (Debian 6.1 → 6.12)', () => {
    const md = renderMarkdown(reports.debian!, { color: false });
    expect(md).toMatch(/\| `btrfs:btrfs_get_extent` \| `block_len` \| `field-removed` \| field 'block_len' removed \| `include\/trace\/events\/btrfs\.h:\d+` \|/);
    expect(md.length).toBeLessThan(65_536);
  });

  it('escapes table cells', () => {
    expect(mdCell('a|b<c>\nd')).toBe('a\\|b&lt;c&gt; d');
  });
});

describe('github workflow commands', () => {
  it('escapes data and properties so that every string round-trips', () => {
    expect(escapeData('100%\r\nx')).toBe('100%25%0D%0Ax');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const d = escapeData(s);
        expect(d).not.toMatch(/[\r\n]/);
        expect(unescapeData(d)).toBe(s);
        const p = escapeProperty(s);
        expect(p).not.toMatch(/[\r\n:,]/);
        expect(unescapeProperty(p)).toBe(s);
      }),
    );
  });

  it('annotates every finding of a real edited capture, then prints the text report', () => {
    const out = renderGithub(reports.edited!, { color: false });
    const lines = out.split('\n');
    expect(lines[1]).toBe("::error title=tpdrift field-removed%3A sched%3Asched_wakeup.prio::sched:sched_wakeup field prio: field 'prio' removed");
    expect(lines.filter((l) => l.startsWith('::error ')).length).toBe(3);
    expect(lines.filter((l) => l.startsWith('::warning ')).length).toBe(2);
    expect(lines.filter((l) => l.startsWith('::notice ')).length).toBe(0);
    expect(out).toContain('3 errors, 2 warnings, 0 info');
    expect(out).not.toContain('\u001b[');
  });

  it('puts file and line on located findings (real Debian 6.1 → 6.12)', () => {
    const f = reports.debian!.findings.find((x) => x.rule === 'field-removed' && x.event === 'sched:sched_stat_runtime')!;
    expect(annotation(f)).toMatch(/^::error file=include\/trace\/events\/sched\.h,line=\d+,title=tpdrift field-removed%3A sched%3Asched_stat_runtime\.vruntime::/);
  });

  it('caps notices on a big real diff (Android 4.4 → 5.10) but keeps every error and warning', () => {
    const r = reports.android!;
    const out = renderGithub(r, { color: false });
    const count = (p: string) => out.split('\n').filter((l) => l.startsWith(p)).length;
    expect(count('::error ')).toBe(r.summary.error);
    expect(count('::warning ')).toBe(r.summary.warning);
    expect(count('::notice ')).toBe(Math.min(r.summary.info, 100) + (r.summary.info > 100 ? 1 : 0));
  });
});

describe('json', () => {
  it('keeps the contract: no layouts member even when the report has them', () => {
    const r = { ...reports.edited!, layouts: { 'sched:sched_wakeup': {} } };
    expect(Object.keys(JSON.parse(renderJson(r, { color: false })))).toEqual(['tool', 'old', 'new', 'findings', 'summary']);
  });
});

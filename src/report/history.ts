/** Rendering a history (src/history/build.ts computes it) as text, JSON or an HTML grid. */
import type { CellState, HistoryCell, HistoryData, HistoryRow } from '../history/build.js';
import type { SideInfo } from './model.js';
import { esc, page, scriptJson } from './html-kit.js';

export type { CellState, HistoryCell, HistoryData, HistoryRow } from '../history/build.js';

export function kernelName(k: SideInfo): string {
  return k.release ?? k.label.replace(/\/+$/, '').split('/').pop()!.replace(/\.(json(\.gz)?|tar(\.gz)?|tgz)$/, '');
}

const GLYPH: Record<CellState, string> = { absent: '·', same: '●', added: '+', changed: '~', removed: '✕' };

export function renderHistoryText(h: HistoryData): string {
  const lines: string[] = [];
  h.kernels.forEach((k, i) => lines.push(`[${i + 1}] ${kernelName(k)}  ${k.label} (${k.kind}, ${k.events} events)`));
  lines.push('');
  h.steps.forEach((s, i) =>
    lines.push(
      `[${i + 1}] → [${i + 2}]: ${s.added} events added, ${s.changed} changed, ${s.removed} removed${s.configBound ? ' (a whole tree against one configuration: events on one side only are shown absent, not added or removed)' : ''}`,
    ),
  );
  h.steps.forEach((s, i) => {
    if (!s.consumers) return;
    lines.push(`[${i + 1}] → [${i + 2}]: consumers affected: ${s.consumers.affected.length ? s.consumers.affected.join(', ') : 'none'}`);
    for (const b of s.consumers.breaks) lines.push(`    ${b.severity} ${b.message}`);
  });
  lines.push('', `legend: ${GLYPH.same} present  ${GLYPH.added} added  ${GLYPH.changed} changed  ${GLYPH.removed} removed  ${GLYPH.absent} absent`, '');
  const width = Math.min(60, Math.max(10, ...h.events.flatMap((e) => e.rows.map((r) => (r.field ? r.field.length + 2 : r.event.length)))));
  const head = ' '.repeat(width) + '  ' + h.kernels.map((_, i) => String(i + 1).padStart(3)).join('');
  lines.push(head);
  for (const e of h.events) {
    for (const r of e.rows) {
      const name = r.field ? `  ${r.field}` : r.event === '*' ? '(common header)' : r.event;
      const glyphs = r.cells.map((c) => GLYPH[c.state].padStart(3)).join('');
      const notes = r.cells
        .map((c, i) => (c.changes && c.state !== 'same' && r.field !== undefined ? `${kernelName(h.kernels[i]!)}: ${[...new Set(c.changes.map((x) => x.rule))].join(', ')}` : ''))
        .filter(Boolean);
      // Every mark but 'present' says why: added/removed where, and which rules saw the change.
      const evNotes = r.field === undefined
        ? r.cells
            .map((c, i) =>
              c.state === 'added' || c.state === 'removed'
                ? `${c.state} in ${kernelName(h.kernels[i]!)}`
                : c.state === 'changed'
                  ? `${kernelName(h.kernels[i]!)}: ${c.changes?.length ? [...new Set(c.changes.map((x) => x.rule))].join(', ') : 'changed'}`
                  : '',
            )
            .filter(Boolean)
        : [];
      lines.push(`${name.length > width ? name.slice(0, width - 1) + '…' : name.padEnd(width)}  ${glyphs}${[...evNotes, ...notes].length ? '   ' + [...evNotes, ...notes].join('; ') : ''}`);
    }
  }
  lines.push('', `${h.totals.eventsChanged} of ${h.totals.eventsSeen} events changed across ${h.kernels.length} kernels`);
  return lines.join('\n') + '\n';
}

export function renderHistoryJson(h: HistoryData): string {
  return JSON.stringify(h, null, 2) + '\n';
}

const HISTORY_CSS = `
.legend{display:flex;gap:14px;flex-wrap:wrap;margin:8px 0 14px;align-items:center}
.sw{display:inline-block;width:14px;height:14px;border-radius:3px;vertical-align:-2px;margin-right:4px;border:1px solid var(--line)}
.s-same{background:#b0bec5}.s-added{background:#43a047}.s-changed{background:#f9a825}.s-removed{background:#e53935}.s-absent{background:transparent}
table.grid{border-collapse:separate;border-spacing:3px;margin:12px 0}
table.grid th{position:sticky;top:46px;background:var(--bg);font-weight:600;font-size:12px;padding:2px 4px;text-align:center;z-index:1}
table.grid th.name{text-align:left}
table.grid td.name{padding:0 10px 0 0;white-space:nowrap;max-width:520px;overflow:hidden;text-overflow:ellipsis}
table.grid tr.field td.name{padding-left:22px;color:var(--mute)}
table.grid tr.ev td.name{font-weight:600}
table.grid td.c{width:64px;height:18px;border-radius:3px;border:1px solid var(--line)}
table.grid tr.ev td.c{height:20px}
.steps{border-collapse:collapse}.steps td,.steps th{border:1px solid var(--line);padding:2px 8px;text-align:right}
.stepbar{display:flex;height:12px;width:240px;border:1px solid var(--line);border-radius:3px;overflow:hidden}
`;

const HISTORY_SCRIPT = `
(function(){
  var sys=document.getElementById('f-system'),text=document.getElementById('f-text'),fields=document.getElementById('f-fields');
  var count=document.getElementById('count');
  var groups=[].slice.call(document.querySelectorAll('tbody.event'));
  function apply(){
    var q=text.value.trim().toLowerCase(),shown=0;
    groups.forEach(function(g){
      var ok=(!sys.value||g.dataset.system===sys.value)&&(!q||g.dataset.search.indexOf(q)>=0);
      g.hidden=!ok;if(ok)shown++;
      [].slice.call(g.querySelectorAll('tr.field')).forEach(function(tr){tr.hidden=!fields.checked;});
    });
    count.textContent=shown+' of '+groups.length+' events shown';
  }
  [sys,fields].forEach(function(el){el.addEventListener('change',apply);});
  text.addEventListener('input',apply);
  apply();
})();
`;

export function renderHistoryHtml(h: HistoryData): string {
  const names = h.kernels.map(kernelName);
  const title = (c: HistoryCell, i: number, r: HistoryRow) =>
    [`${r.field ? `${r.event} ${r.field}` : r.event} in ${names[i]}: ${c.state}`, c.what ?? '', ...(c.changes ?? []).map((x) => `${x.rule}: ${x.message}`)]
      .filter(Boolean)
      .join('\n');
  const systems = new Map<string, number>();
  for (const e of h.events) {
    const s = e.event.split(':')[0]!;
    systems.set(s, (systems.get(s) ?? 0) + 1);
  }
  const bodies = h.events.map((e) => {
    const system = e.event === '*' ? '*' : e.event.split(':')[0]!;
    const search = [e.event, ...e.rows.map((r) => r.field ?? '')].join(' ').toLowerCase();
    const rows = e.rows.map(
      (r) =>
        `<tr class="${r.field ? 'field' : 'ev'}"><td class="name mono">${esc(r.field ?? (r.event === '*' ? '(common header)' : r.event))}</td>${r.cells
          .map((c, i) => `<td class="c s-${c.state}" data-state="${c.state}" title="${esc(title(c, i, r))}"></td>`)
          .join('')}</tr>`,
    );
    return `<tbody class="event" data-system="${esc(system)}" data-search="${esc(search)}">${rows.join('')}</tbody>`;
  });
  const maxStep = Math.max(1, ...h.steps.map((s) => s.added + s.changed + s.removed));
  const stepRows = h.steps
    .map((s, i) => {
      const w = (x: number) => ((x / maxStep) * 100).toFixed(2);
      return `<tr><td class="mono" style="text-align:left">${esc(names[i]!)} → ${esc(names[i + 1]!)}${s.configBound ? ' <span class="mute" title="a whole tree against one configuration: events on one side only are shown absent">(tree ↔ capture)</span>' : ''}</td><td>${s.added}</td><td>${s.changed}</td><td>${s.removed}</td><td><div class="stepbar"><span class="s-added" style="width:${w(s.added)}%"></span><span class="s-changed" style="width:${w(s.changed)}%"></span><span class="s-removed" style="width:${w(s.removed)}%"></span></div></td></tr>`;
    })
    .join('');
  const legend = (['same', 'added', 'changed', 'removed', 'absent'] as CellState[])
    .map((s) => `<span><span class="sw s-${s}"></span>${s === 'same' ? 'present, unchanged' : s}</span>`)
    .join('');
  const body = `<header><h1>tpdrift history: ${h.totals.eventsChanged} of ${h.totals.eventsSeen} events changed across ${h.kernels.length} kernels</h1>
<p class="sides">${h.kernels.map((k, i) => `<b>${i + 1}</b> ${esc(names[i]!)} <span class="mute">(${esc(k.label)}, ${k.kind}, ${k.events} events)</span>`).join(' &nbsp; ')}</p>
<table class="steps"><thead><tr><th style="text-align:left">step</th><th>events added</th><th>changed</th><th>removed</th><th></th></tr></thead><tbody>${stepRows}</tbody></table>
<div class="legend">${legend}</div></header>
<nav id="filters" aria-label="filters">
<label>system <select id="f-system"><option value="">all</option>${[...systems.entries()].sort().map(([s, c]) => `<option value="${esc(s)}">${esc(s)} (${c})</option>`).join('')}</select></label>
<label><input type="search" id="f-text" placeholder="event or field"></label>
<label><input type="checkbox" id="f-fields" checked> show fields</label>
<span id="count" class="mute"></span>
</nav>
<main><table class="grid"><thead><tr><th class="name">event / field</th>${names.map((n) => `<th>${esc(n)}</th>`).join('')}</tr></thead>${bodies.join('\n')}</table></main>
<footer>tpdrift ${esc(h.tool.version)} · hover a cell for the declaration and what changed · self-contained page</footer>
<script type="application/json" id="history-data">${scriptJson({ kernels: names, steps: h.steps })}</script>`;
  return page(`tpdrift history: ${names.join(' → ')}`, HISTORY_CSS, body, HISTORY_SCRIPT);
}

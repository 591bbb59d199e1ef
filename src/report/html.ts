/**
 * One self-contained HTML page (inline CSS and JS, nothing fetched): the summary, every finding grouped by
 * event and filterable by severity, system, rule and text, and each changed event's old and new record
 * layout side by side (from `report.layouts`, which the CLI fills in for this format).
 */
import { SEVERITIES, type Severity } from '../engine/finding.js';
import type { EventLayout, Reporter, ReportData, ReportFinding } from './model.js';
import { acceptanceNotes, describeSide, readByNote, showValue, clip, summaryLine } from './common.js';
import { esc, page } from './html-kit.js';

const CSS = `
.event{border:1px solid var(--line);border-radius:8px;margin:12px 0;padding:10px 14px}
.event h2 code{font-size:14px}
ul.findings{list-style:none;margin:8px 0 4px;padding:0}
li.finding{padding:3px 0;border-top:1px dashed var(--line)}
li.finding:first-child{border-top:0}
li.finding.suppressed{opacity:.55}
.change{margin-left:1.5em}
.loc{color:var(--mute)}
details.layout summary{cursor:pointer;color:var(--mute);margin-top:4px}
table.layout{border-collapse:collapse;margin-top:6px;width:100%;max-width:1100px}
table.layout th,table.layout td{border:1px solid var(--line);padding:2px 8px;text-align:left;vertical-align:top}
table.layout th{background:var(--soft);font-weight:600}
table.layout td.num{text-align:right;font-variant-numeric:tabular-nums}
table.layout td.unknown{color:var(--mute);font-style:italic}
tr.added td.new,tr.added td.newn{background:var(--add)}
tr.removed td.old,tr.removed td.oldn{background:var(--del)}
tr.changed td{background:var(--chg)}
.bars{display:grid;grid-template-columns:3em 1fr;gap:3px 8px;margin:6px 0;max-width:1100px;align-items:center}
.bar{display:flex;height:16px;border:1px solid var(--line);border-radius:3px;overflow:hidden}
.bar span{border-right:1px solid var(--bg);background:#90a4ae;min-width:1px}
.bar span.gap{background:transparent}
.bar span.added{background:var(--ok)}.bar span.removed{background:var(--err)}.bar span.changed{background:var(--warn)}
.print{margin:4px 0;color:var(--mute);word-break:break-all}
#empty{display:none;color:var(--mute);padding:20px 0}
`;

/** Filters: hide what does not match, then every event with nothing left, then update the counter. */
const SCRIPT = `
(function(){
  var boxes=[].slice.call(document.querySelectorAll('input[data-filter="severity"]'));
  var sys=document.getElementById('f-system'),rule=document.getElementById('f-rule'),text=document.getElementById('f-text');
  var supp=document.getElementById('f-suppressed'),count=document.getElementById('count'),empty=document.getElementById('empty');
  var items=[].slice.call(document.querySelectorAll('li.finding'));
  var events=[].slice.call(document.querySelectorAll('section.event'));
  function apply(){
    var sev={};boxes.forEach(function(b){sev[b.value]=b.checked;});
    var q=text.value.trim().toLowerCase(),shown=0;
    items.forEach(function(li){
      var ok=sev[li.dataset.severity]&&(!sys.value||li.dataset.system===sys.value)&&(!rule.value||li.dataset.rule===rule.value)
        &&(supp.checked||!li.classList.contains('suppressed'))&&(!q||li.textContent.toLowerCase().indexOf(q)>=0);
      li.hidden=!ok;if(ok)shown++;
    });
    events.forEach(function(ev){ev.hidden=!ev.querySelector('li.finding:not([hidden])');});
    count.textContent=shown+' of '+items.length+' findings shown';
    empty.style.display=shown?'none':'block';
  }
  boxes.concat([sys,rule,supp]).forEach(function(el){el.addEventListener('change',apply);});
  text.addEventListener('input',apply);
  apply();
})();
`;

function systemOf(event: string): string {
  const i = event.indexOf(':');
  return i < 0 ? event : event.slice(0, i);
}

function findingItem(f: ReportFinding): string {
  const attrs = `data-severity="${f.severity}" data-rule="${esc(f.rule)}" data-system="${esc(systemOf(f.event))}"`;
  const change =
    f.old !== undefined && f.new !== undefined && (typeof f.old !== 'object' || (f.old !== null && !Array.isArray(f.old) && 'decl' in (f.old as object)))
      ? `<div class="change mono">${esc(clip(showValue(f.old), 160))} <span class="mute">→</span> ${esc(clip(showValue(f.new), 160))}</div>`
      : '';
  const also = f.events && f.events.length > 1 ? `<div class="change mute">covers ${f.events.length} events: ${esc(clip(f.events.join(', '), 600))}</div>` : '';
  const loc = f.location ? ` <span class="loc mono">${esc(f.location.file)}:${f.location.line}${f.location.side === 'old' ? ' (old side)' : ''}</span>` : '';
  const supp = f.suppressed
    ? ` <span class="mute">(suppressed${f.suppression?.kind === 'baseline' ? ': baseline' : f.suppression?.reason ? `: ${esc(f.suppression.reason)}` : ''})</span>`
    : '';
  return `<li class="finding${f.suppressed ? ' suppressed' : ''}" ${attrs}><span class="badge ${f.severity}">${f.severity}</span> <code>${esc(f.rule)}</code>${f.field ? ` <b class="mono">${esc(f.field)}</b>` : ''} ${esc(f.message)}${loc}${readByNote(f) ? `<div class="mono">${esc(readByNote(f)!)}</div>` : ''}${supp}${change}${also}</li>`;
}

type RowState = 'same' | 'added' | 'removed' | 'changed';

function layoutRows(old?: EventLayout, neu?: EventLayout) {
  const oldBy = new Map((old?.fields ?? []).map((f) => [f.name, f]));
  const newBy = new Map((neu?.fields ?? []).map((f) => [f.name, f]));
  const order: string[] = [];
  // New order, with removed fields slotted after the old field they followed.
  for (const f of neu?.fields ?? []) order.push(f.name);
  let prev: string | undefined;
  for (const f of old?.fields ?? []) {
    if (!newBy.has(f.name)) order.splice(prev === undefined ? 0 : order.indexOf(prev) + 1, 0, f.name);
    prev = f.name;
  }
  return order.map((name) => {
    const o = oldBy.get(name);
    const n = newBy.get(name);
    const state: RowState = !o ? 'added' : !n ? 'removed' : o.decl !== n.decl || o.size !== n.size || o.offset !== n.offset || o.signed !== n.signed ? 'changed' : 'same';
    return { name, o, n, state };
  });
}

function recordEnd(layout: EventLayout | undefined): number {
  return (layout?.fields ?? []).reduce((m, f) => Math.max(m, (f.offset ?? 0) + (f.size ?? 0)), 0);
}

/** One side's record as a strip; both sides share one scale so that a record that grew looks longer. */
function bar(layout: EventLayout | undefined, states: Map<string, RowState>, side: 'old' | 'new', total: number): string {
  if (!layout) return '<div class="bar"></div>';
  if (total === 0) return '<div class="bar"></div>';
  const pct = (n: number) => ((n / total) * 100).toFixed(3);
  const spans: string[] = [];
  let end = 0;
  for (const f of [...layout.fields].filter((x) => x.size !== undefined && x.offset !== undefined).sort((a, b) => a.offset! - b.offset!)) {
    // Bytes before the field (the common header, padding) are drawn as a gap.
    if (f.offset! > end) spans.push(`<span class="gap" style="flex:0 0 ${pct(f.offset! - end)}%" title="${esc(`${f.offset! - end} bytes before ${f.name}`)}"></span>`);
    const st = states.get(f.name) ?? 'same';
    const cls = st === 'same' ? '' : st === 'added' && side === 'old' ? '' : st === 'removed' && side === 'new' ? '' : st;
    spans.push(`<span class="${cls}" style="flex:0 0 ${pct(f.size!)}%" title="${esc(`${f.decl} @${f.offset} size ${f.size}`)}"></span>`);
    end = Math.max(end, f.offset! + f.size!);
  }
  return `<div class="bar">${spans.join('')}</div>`;
}

/** An offset or size cell; one the source could not tell (a type the tree reader could not size) says so. */
function num(v: number | undefined, what: string, cls: string): string {
  return v === undefined
    ? `<td class="${cls}n num unknown" title="${what} unknown: the source does not tell it (not predicted for this type)">?</td>`
    : `<td class="${cls}n num">${v}</td>`;
}

function layoutBlock(event: string, l: { old?: EventLayout; new?: EventLayout; renamedTo?: string }): string {
  const rows = layoutRows(l.old, l.new);
  const states = new Map(rows.map((r) => [r.name, r.state]));
  const cell = (f: EventLayout['fields'][number] | undefined, cls: string) =>
    f
      ? `${num(f.offset, 'offset', cls)}${num(f.size, 'size', cls)}<td class="${cls} mono">${esc(f.decl)}</td>`
      : `<td class="${cls}n"></td><td class="${cls}n"></td><td class="${cls} mute">—</td>`;
  const body = rows.map((r) => `<tr class="${r.state}">${cell(r.o, 'old')}${cell(r.n, 'new')}</tr>`).join('');
  const print = (side: string, p?: string) => (p !== undefined ? `<div class="print mono">${side}: ${esc(clip(p, 400))}</div>` : '');
  const changed = rows.filter((r) => r.state !== 'same').length;
  const scale = Math.max(recordEnd(l.old), recordEnd(l.new));
  return `<details class="layout"${changed > 0 && rows.length <= 24 ? ' open' : ''}><summary>record layout, old and new (${rows.length} fields, ${changed} differ)</summary>
<div class="bars"><span class="mute">old</span>${bar(l.old, states, 'old', scale)}<span class="mute">new</span>${bar(l.new, states, 'new', scale)}</div>
<table class="layout" data-event="${esc(event)}"><thead><tr><th colspan="3">old${l.old ? '' : ' (absent)'}</th><th colspan="3">new${l.new ? (l.renamedTo ? ` (renamed ${esc(l.renamedTo)})` : '') : ' (absent)'}</th></tr>
<tr><th>offset</th><th>size</th><th>field</th><th>offset</th><th>size</th><th>field</th></tr></thead><tbody>${body}</tbody></table>
${print('old print', l.old?.print)}${print('new print', l.new?.print)}</details>`;
}

function options(values: Iterable<string>, counts: Map<string, number>): string {
  return [...values].sort().map((v) => `<option value="${esc(v)}">${esc(v)} (${counts.get(v) ?? 0})</option>`).join('');
}

function count<T>(xs: T[], key: (x: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return m;
}

export function renderHtmlPage(report: ReportData): string {
  const findings = report.findings;
  const byEvent = new Map<string, ReportFinding[]>();
  for (const f of findings) byEvent.set(f.event, [...(byEvent.get(f.event) ?? []), f]);
  const sevRank = (fs: ReportFinding[]) => Math.max(...fs.map((f) => SEVERITIES.length - SEVERITIES.indexOf(f.severity)));
  const events = [...byEvent.entries()].sort((a, b) => sevRank(b[1]) - sevRank(a[1]) || (a[0] < b[0] ? -1 : 1));
  const sections = events.map(([event, fs]) => {
    const layout = report.layouts?.[event];
    return `<section class="event" data-event="${esc(event)}" data-system="${esc(systemOf(event))}"><h2><code>${esc(event === '*' ? '(every event)' : event)}</code></h2>
<ul class="findings">${fs.map(findingItem).join('')}</ul>${layout ? layoutBlock(event, layout) : ''}</section>`;
  });
  const sevCounts = count(findings, (f) => f.severity);
  const suppressed = findings.filter((f) => f.suppressed).length;
  const cards = SEVERITIES.map((s: Severity) => `<div class="card ${s}"><b>${report.summary[s]}</b>${s}</div>`).join('') +
    (suppressed ? `<div class="card"><b>${suppressed}</b>suppressed</div>` : '');
  const sides = report.old
    ? `<b>old</b> ${esc(describeSide(report.old))} <span class="mute">→</span> <b>new</b> ${esc(describeSide(report.new))}`
    : `<b>source</b> ${esc(describeSide(report.new))}`;
  const notes = acceptanceNotes(report).map((n) => `<p class="sides">${esc(n)}</p>`).join('');
  const problems = report.problems?.length
    ? `<details><summary>${report.problems.length} definition(s) could not be read</summary><ul>${report.problems
        .slice(0, 200)
        .map((p) => `<li class="mono">${p.side}: ${esc(p.file)}${p.line ? `:${p.line}` : ''}: ${esc(p.message)}</li>`)
        .join('')}</ul></details>`
    : '';
  const body = `<header><h1>tpdrift: ${esc(summaryLine(report))}</h1><p class="sides">${sides}</p>${notes}<div class="cards">${cards}</div>${problems}</header>
<nav id="filters" aria-label="filters">
${SEVERITIES.map((s) => `<label><input type="checkbox" data-filter="severity" value="${s}" checked> <span class="badge ${s}">${s}</span> ${sevCounts.get(s) ?? 0}</label>`).join('\n')}
<label>system <select id="f-system"><option value="">all</option>${options(new Set(findings.map((f) => systemOf(f.event))), count(findings, (f) => systemOf(f.event)))}</select></label>
<label>rule <select id="f-rule"><option value="">all</option>${options(new Set(findings.map((f) => f.rule)), count(findings, (f) => f.rule))}</select></label>
<label><input type="search" id="f-text" placeholder="search event, field, message"></label>
<label><input type="checkbox" id="f-suppressed"> show suppressed</label>
<span id="count" class="mute"></span>
</nav>
<main>${sections.join('\n')}<p id="empty">No finding matches the filters.</p></main>
<footer>tpdrift ${esc(report.tool.version)} · self-contained page, nothing is loaded from the network</footer>`;
  const title = report.old ? `tpdrift: ${report.old.label} → ${report.new.label}` : `tpdrift: ${report.new.label}`;
  return page(title, CSS, body, SCRIPT);
}

export const renderHtml: Reporter = (report) => renderHtmlPage(report);

/** The consumer inventory as text (per tool, each use) or JSON (the inventory as read). */
import type { ConsumerInventory, Use } from './model.js';
import { TOOL_VERSION } from '../version.js';

export interface InventoryCounts {
  tools: number;
  reading: number;
  uses: number;
  events: number;
  fields: number;
  arguments: number;
  guarded: number;
  problems: number;
}

export function inventoryCounts(inv: ConsumerInventory): InventoryCounts {
  return {
    tools: inv.tools.length,
    reading: new Set(inv.uses.map((u) => u.tool)).size,
    uses: inv.uses.length,
    events: new Set(inv.uses.map((u) => u.event)).size,
    fields: new Set(inv.uses.filter((u) => u.field !== undefined).map((u) => `${u.event}.${u.field}`)).size,
    arguments: new Set(inv.uses.filter((u) => u.arg !== undefined).map((u) => `${u.event}#${u.arg}`)).size,
    guarded: inv.uses.filter((u) => u.guarded !== undefined).length,
    problems: inv.problems.length,
  };
}

function what(u: Use): string {
  if (u.field !== undefined) return `${u.field}${u.offset !== undefined ? ` @${u.offset}+${u.size}` : ''}${u.type ? ` (${u.type})` : ''}`;
  if (u.arg !== undefined) return `arg${u.arg}${u.type ? ` (${u.type})` : ''}`;
  if (u.print !== undefined) return `"${u.print}"`;
  return '(event)';
}

export function renderInventory(inv: ConsumerInventory, format: 'text' | 'json'): string {
  const counts = inventoryCounts(inv);
  if (format === 'json') {
    return JSON.stringify({ tool: { name: 'tpdrift', version: TOOL_VERSION }, tools: inv.tools, uses: inv.uses, problems: inv.problems, summary: counts }, null, 2) + '\n';
  }
  const lines: string[] = [];
  const byTool = new Map<string, Use[]>();
  for (const u of inv.uses) byTool.set(`${u.file}\0${u.tool}`, [...(byTool.get(`${u.file}\0${u.tool}`) ?? []), u]);
  for (const t of inv.tools) {
    const uses = byTool.get(`${t.file}\0${t.tool}`);
    if (!uses) continue;
    lines.push(`${t.tool} (${t.family}) ${t.file}`);
    for (const u of uses) {
      lines.push(`  ${u.source ? `${u.source}:${u.line ?? ''}` : String(u.line ?? '').padStart(5)}  ${u.event}  ${u.attach} ${u.read}  ${what(u)}${u.guarded ? `  guarded: ${u.guarded}` : ''}${u.gate ? `  gate: ${u.gate}` : ''}`);
    }
  }
  if (inv.problems.length > 0) {
    lines.push('', `NOT READ (${inv.problems.length})`);
    for (const p of inv.problems) lines.push(`  ${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`);
  }
  lines.push(
    '',
    `${counts.tools} files read, ${counts.reading} tools read trace events: ${counts.uses} uses of ${counts.events} events, ${counts.fields} fields, ${counts.arguments} raw arguments (${counts.guarded} guarded); ${counts.problems} not read`,
  );
  return lines.join('\n') + '\n';
}

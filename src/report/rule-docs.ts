/** A rule's documentation page (rules/<id>.md), found beside the sources or beside dist/. */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Rule } from '../engine/rule.js';

export function ruleDocPath(id: string): string | undefined {
  // src/cli/ → ../../rules ; dist/src/cli/ → ../../../rules
  for (const rel of [`../../rules/${id}.md`, `../../../rules/${id}.md`]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

export function ruleDoc(rule: Rule): string {
  const p = ruleDocPath(rule.meta.id);
  const head = `${rule.meta.id} (${rule.meta.category}, default ${rule.meta.severity})\n${rule.meta.description}\n`;
  return p ? fs.readFileSync(p, 'utf8') : head;
}

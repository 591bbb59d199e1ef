/**
 * What keeps the rules, their registry, pages, tests and the config schema in agreement (as markdownlint
 * checks its rules): discovered from the files, so that a rule added without its page, test, registry line
 * or schema entry is caught. Run by meta.test.ts over the repository and over damaged copies of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Rule } from '../../src/engine/rule.js';
import { configSchemaText } from '../../src/config/config-schema.js';

/** Tests under test/rules/ that are about the rule set, not one rule. */
const NOT_RULE_TESTS = new Set(['meta']);

const idsIn = (dir: string, suffix: string): string[] =>
  fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(suffix)).map((f) => f.slice(0, -suffix.length)).sort() : [];

/** What a rule page's header says: `# id`, the description paragraph, the Category and Default severity lines. */
export interface PageHeader {
  title?: string;
  description?: string;
  category?: string;
  severity?: string;
}

export function readPageHeader(md: string): PageHeader {
  const lines = md.split('\n');
  const out: PageHeader = {};
  const h1 = /^# (\S+)\s*$/.exec(lines[0] ?? '');
  if (h1) out.title = h1[1];
  let i = 1;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  const para: string[] = [];
  while (i < lines.length && lines[i]!.trim() !== '' && !lines[i]!.startsWith('- ')) para.push(lines[i++]!.trim());
  if (para.length) out.description = para.join(' ');
  for (const line of lines.slice(0, 20)) {
    const c = /^- Category: (\w+)/.exec(line);
    if (c) out.category = c[1];
    const s = /^- Default severity: `?(\w+)`?/.exec(line);
    if (s) out.severity = s[1];
  }
  return out;
}

/** Every disagreement between the rule files, the registry, the pages, the tests and the schema under `root`. */
export async function checkRuleSet(root: string): Promise<string[]> {
  const problems: string[] = [];
  const rulesDir = path.join(root, 'rules');
  const files = idsIn(rulesDir, '.ts').filter((id) => id !== 'index');
  const pages = new Set(idsIn(rulesDir, '.md'));
  const tests = new Set(idsIn(path.join(root, 'test/rules'), '.test.ts').filter((id) => !NOT_RULE_TESTS.has(id)));
  const { RULES } = (await import(pathToFileURL(path.join(rulesDir, 'index.ts')).href)) as { RULES: readonly Rule[] };
  const registered = new Map<string, Rule>();
  for (const r of RULES) {
    if (registered.has(r.meta.id)) problems.push(`rules/index.ts: ${r.meta.id} registered twice`);
    registered.set(r.meta.id, r);
  }

  for (const id of files) {
    const mod = (await import(pathToFileURL(path.join(rulesDir, `${id}.ts`)).href)) as { default?: Rule };
    const rule = mod.default;
    if (!rule?.meta) {
      problems.push(`rules/${id}.ts: exports no rule (default export with a meta)`);
      continue;
    }
    if (rule.meta.id !== id) problems.push(`rules/${id}.ts: its rule's id is '${rule.meta.id}', not the file's name`);
    const inRegistry = registered.get(rule.meta.id);
    if (!inRegistry) problems.push(`rules/${id}.ts: not in the RULES registry (rules/index.ts)`);
    else if (inRegistry !== rule) problems.push(`rules/index.ts: ${id} is registered from another module than rules/${id}.ts`);
  }
  const fileSet = new Set(files);
  for (const id of registered.keys()) if (!fileSet.has(id)) problems.push(`rules/index.ts: ${id} has no rules/${id}.ts`);

  for (const id of files) {
    if (!pages.has(id)) problems.push(`rules/${id}.md: missing (every rule has a doc page)`);
    if (!tests.has(id)) problems.push(`test/rules/${id}.test.ts: missing (every rule has a table test)`);
  }
  for (const id of pages) if (!fileSet.has(id)) problems.push(`rules/${id}.md: a page for no rule`);
  for (const id of tests) {
    if (!fileSet.has(id)) problems.push(`test/rules/${id}.test.ts: a test for no rule`);
    else if (!fs.readFileSync(path.join(root, 'test/rules', `${id}.test.ts`), 'utf8').includes(`rules/${id}.js'`)) {
      problems.push(`test/rules/${id}.test.ts: does not import rules/${id}.js`);
    }
  }

  for (const [id, rule] of registered) {
    if (!pages.has(id)) continue;
    const head = readPageHeader(fs.readFileSync(path.join(rulesDir, `${id}.md`), 'utf8'));
    const m = rule.meta;
    if (head.title !== id) problems.push(`rules/${id}.md: title is '${head.title ?? ''}', not '# ${id}'`);
    if (head.description !== m.description) problems.push(`rules/${id}.md: first paragraph is not the rule's description ('${m.description}')`);
    if (head.category !== m.category) problems.push(`rules/${id}.md: Category is '${head.category ?? ''}', the rule's is '${m.category}'`);
    if (head.severity !== m.severity) problems.push(`rules/${id}.md: Default severity is '${head.severity ?? ''}', the rule's is '${m.severity}'`);
  }

  const schemaFile = path.join(root, 'schema/config.schema.json');
  const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as {
    definitions?: { rules?: { propertyNames?: { enum?: string[] }; properties?: Record<string, unknown> }; overrideRules?: { propertyNames?: { enum?: string[] } } };
  };
  const ids = [...fileSet].sort();
  const schemaSets: [string, string[] | undefined][] = [
    ['definitions.rules.propertyNames', schema.definitions?.rules?.propertyNames?.enum],
    ['definitions.rules.properties', Object.keys(schema.definitions?.rules?.properties ?? {})],
    ['definitions.overrideRules.propertyNames', schema.definitions?.overrideRules?.propertyNames?.enum],
  ];
  for (const [where, got] of schemaSets) {
    const have = new Set(got ?? []);
    for (const id of ids) if (!have.has(id)) problems.push(`schema/config.schema.json: ${where} lacks ${id}`);
    for (const id of have) if (!fileSet.has(id)) problems.push(`schema/config.schema.json: ${where} has ${id}, which is no rule`);
  }
  if (fs.readFileSync(schemaFile, 'utf8') !== configSchemaText(RULES)) {
    problems.push('schema/config.schema.json: not what the rules declare (run `npm run build && node scripts/config-schema.mjs`)');
  }
  return problems;
}

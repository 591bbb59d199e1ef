/**
 * The rule set agrees with itself: rules/*.ts = the RULES registry = rules/*.md = test/rules/*.test.ts = the
 * config schema's rule ids, each page's header says what its rule's meta says, and the schema's rule section
 * is generated from the rules' declared options. The checker (meta-check.ts) is shown to catch each defect
 * on a damaged copy of the repository's rule files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRuleSet, readPageHeader } from './meta-check.js';

const ROOT = path.join(import.meta.dirname, '../..');
const copies: string[] = [];

/** A copy of what the checker reads (rules/, test/rules/, schema/), with src/ linked so the rules import. */
function copyRepo(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-meta-'));
  copies.push(dir);
  fs.cpSync(path.join(ROOT, 'rules'), path.join(dir, 'rules'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'schema'), path.join(dir, 'schema'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'test'));
  fs.cpSync(path.join(ROOT, 'test/rules'), path.join(dir, 'test/rules'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'src'), path.join(dir, 'src'));
  return dir;
}

afterAll(() => {
  for (const d of copies) fs.rmSync(d, { recursive: true, force: true });
});

describe('rule set meta-test', () => {
  it('the repository: files, registry, pages, tests and schema agree', async () => {
    expect(await checkRuleSet(ROOT)).toEqual([]);
  });

  it('catches an orphan rule (a file and page, not registered nor in the schema)', async () => {
    const dir = copyRepo();
    const src = fs.readFileSync(path.join(dir, 'rules/large-array.ts'), 'utf8');
    fs.writeFileSync(path.join(dir, 'rules/orphan-rule.ts'), src.replace("id: 'large-array'", "id: 'orphan-rule'"));
    fs.writeFileSync(path.join(dir, 'rules/orphan-rule.md'), fs.readFileSync(path.join(dir, 'rules/large-array.md'), 'utf8').replace('# large-array', '# orphan-rule'));
    fs.writeFileSync(path.join(dir, 'test/rules/orphan-rule.test.ts'), "import rule from '../../rules/orphan-rule.js';\n");
    const problems = await checkRuleSet(dir);
    expect(problems).toContain('rules/orphan-rule.ts: not in the RULES registry (rules/index.ts)');
    expect(problems).toContain('schema/config.schema.json: definitions.rules.propertyNames lacks orphan-rule');
  });

  it('catches a missing page and a missing test', async () => {
    const dir = copyRepo();
    fs.rmSync(path.join(dir, 'rules/field-added.md'));
    fs.rmSync(path.join(dir, 'test/rules/field-removed.test.ts'));
    expect(await checkRuleSet(dir)).toEqual([
      'rules/field-added.md: missing (every rule has a doc page)',
      'test/rules/field-removed.test.ts: missing (every rule has a table test)',
    ]);
  });

  it('catches a page whose header disagrees with the meta, and a stale schema', async () => {
    const dir = copyRepo();
    const page = path.join(dir, 'rules/event-removed.md');
    fs.writeFileSync(page, fs.readFileSync(page, 'utf8').replace(/^- Default severity: .*$/m, '- Default severity: info').replace('- Category: drift', '- Category: audit'));
    const other = path.join(dir, 'rules/field-renamed.md');
    fs.writeFileSync(other, fs.readFileSync(other, 'utf8').replace(/^# field-renamed\n\n[^\n]+/, '# field-renamed\n\nSaid otherwise.'));
    const schema = path.join(dir, 'schema/config.schema.json');
    fs.writeFileSync(schema, fs.readFileSync(schema, 'utf8').replace('"default": 128', '"default": 256'));
    const problems = await checkRuleSet(dir);
    const description = (await import('../../rules/field-renamed.js')).default.meta.description;
    expect(problems).toEqual([
      "rules/event-removed.md: Category is 'audit', the rule's is 'drift'",
      "rules/event-removed.md: Default severity is 'info', the rule's is 'error'",
      `rules/field-renamed.md: first paragraph is not the rule's description ('${description}')`,
      'schema/config.schema.json: not what the rules declare (run `npm run build && node scripts/config-schema.mjs`)',
    ]);
  });

  it('reads a page header as the pages write it', () => {
    expect(readPageHeader('# x-y\n\nOne line\nwrapped.\n\n- Category: audit (one side)\n- Default severity: `warning` (a case: `error`)\n')).toEqual({
      title: 'x-y', description: 'One line wrapped.', category: 'audit', severity: 'warning',
    });
  });
});
